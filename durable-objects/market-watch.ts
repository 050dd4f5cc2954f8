import { DurableObject } from "cloudflare:workers";
import { type ArbitrageOpportunity, scanArbitrage } from "../core/arbitrage.js";
import { custom, run } from "../core/events.js";
import type { OrderBook } from "../core/market.js";
import { PAPER_VENUES, paperVenueSpec } from "../core/paper-venues.js";
import { venueBook } from "../core/routing.js";
import { clock } from "./clock.js";
import { hubStub, venueStub } from "./stubs.js";
import type { ScanResult } from "../core/messages.js";

/** How often the watch scans while someone looks. */
export const SCAN_INTERVAL_MS = 5_000;
/** The watch stops this long after the last look (GET /api/arbitrage, the Trading page). */
export const WATCH_IDLE_MS = 10 * 60_000;


/**
 * Watches the paper venues for cross-venue arbitrage: scans their books on an alarm while someone
 * is looking, and publishes each opportunity it has not reported yet as `cival.arbitrage.found`
 * (a run on the buy venue's thread, to the markets' topics).
 */
export class MarketWatch extends DurableObject<Env> {
  private batch = 0;

  /** Scans now (and keeps scanning for a while); what GET /api/arbitrage answers. */
  async look(): Promise<ScanResult> {
    await this.ctx.storage.put("lastLookMs", clock.nowMs());
    const result = await this.scan();
    // Alarms run on the wall clock (the runtime fires them); what the watch decides reads the venues' clock.
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SCAN_INTERVAL_MS);
    return result;
  }

  private async scan(): Promise<ScanResult> {
    const nowMs = clock.nowMs();
    const symbols = paperVenueSpec(PAPER_VENUES[0]?.id ?? "")?.symbols.map((s) => s.symbol) ?? [];
    const venues = PAPER_VENUES.map((v) => venueStub(this.env, v.id));
    const out: Array<{ symbol: string; opportunities: ArbitrageOpportunity[] }> = [];
    for (const symbol of symbols) {
      const books = await Promise.all(venues.map((v) => v.book(symbol)));
      const vbs = PAPER_VENUES.flatMap((v, i) => {
        const book = books[i] as OrderBook | null;
        const spec = paperVenueSpec(v.id);
        return book && spec ? [venueBook(spec, book)] : [];
      });
      out.push({ symbol, opportunities: scanArbitrage(vbs) });
    }
    await this.report(out, nowMs);
    return { scannedAtMs: nowMs, symbols: out };
  }

  /** Publishes opportunities not reported in the last scan (the same pair again is not news). */
  private async report(found: ReadonlyArray<{ symbol: string; opportunities: readonly ArbitrageOpportunity[] }>, nowMs: number): Promise<void> {
    const previous = new Set((await this.ctx.storage.get<string[]>("reported")) ?? []);
    const current: string[] = [];
    for (const { symbol, opportunities } of found) {
      for (const o of opportunities) {
        const key = `${symbol}|${o.buyVenueId}|${o.sellVenueId}`;
        current.push(key);
        if (previous.has(key)) continue;
        const thread = `venue:${o.buyVenueId}`;
        this.batch = Math.max(this.batch + 1, nowMs);
        await hubStub(this.env).publish({
          source: "market-watch",
          batch: this.batch,
          thread,
          topics: [`market:${o.buyVenueId}:${symbol}`, `market:${o.sellVenueId}:${symbol}`],
          events: run(thread, `arbitrage:${key}:${nowMs}`, nowMs, [custom("cival.arbitrage.found", { ...o }, nowMs)]),
        });
      }
    }
    await this.ctx.storage.put("reported", current);
  }

  override async alarm(): Promise<void> {
    const lastLook = (await this.ctx.storage.get<number>("lastLookMs")) ?? 0;
    if (clock.nowMs() - lastLook > WATCH_IDLE_MS) return;
    try {
      await this.scan();
    } finally {
      await this.ctx.storage.setAlarm(Date.now() + SCAN_INTERVAL_MS);
    }
  }
}
