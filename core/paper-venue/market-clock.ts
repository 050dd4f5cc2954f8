/**
 * A paper venue's market clock: the synthetic market advances on a shared grid (MARKET_STEP_MS),
 * so every paper venue walks the same path and they agree; one-minute candles are recorded on the
 * way and merged with the minute already kept.
 */
import type { Candle, SymbolSpec } from "../market.js";
import { type MarketState, createMarket, stepMarket, venuePrice } from "../market-sim.js";
import { Decimal, str } from "../money.js";
import { MARKET_STEP_MS, PAPER_MARKET, PAPER_MARKET_SEED } from "../paper-venues.js";

/** A market that fell further behind than this catches up in one coarse step (and leaves the shared path). */
export const MAX_CATCH_UP_STEPS = 86_400;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
/** Only the last steps of a catch-up are recorded as candles (three minutes of one-second steps). */
export const RECORDED_STEPS = 180;
/** One-minute candles kept per symbol; longer intervals are built from them. */
export const CANDLES_KEPT = 2_000;

/** One symbol's one-minute candle. */
export interface SymbolCandle {
  readonly symbol: string;
  readonly candle: Candle;
}

export interface Advanced {
  readonly market: MarketState;
  /** Whether the market moved (or was created): then it is persisted. */
  readonly changed: boolean;
  /** Minutes seen on the way, oldest first, not yet merged with what was kept. */
  readonly minutes: readonly SymbolCandle[];
}

/** The last grid point at or before `nowMs`. */
export function gridPoint(nowMs: number): number {
  return Math.floor(nowMs / MARKET_STEP_MS) * MARKET_STEP_MS;
}

/**
 * Advances the market to the last grid point at or before `nowMs`. A venue with no market yet
 * starts from the shared seed at the start of the day; a market more than a day behind jumps in
 * one step; a market at or past the point stays as it is.
 */
export function advanceMarket(market: MarketState | null, venueId: string, symbols: readonly SymbolSpec[], nowMs: number): Advanced {
  const target = gridPoint(nowMs);
  let m = market ?? createMarket(PAPER_MARKET, PAPER_MARKET_SEED, Math.floor(nowMs / DAY_MS) * DAY_MS);
  const steps = Math.floor((target - m.timeMs) / MARKET_STEP_MS);
  if (steps <= 0) return { market: m, changed: market === null, minutes: [] };
  const open = new Map<string, { t: number; o: Decimal; h: Decimal; l: Decimal; c: Decimal }>();
  const minutes: SymbolCandle[] = [];
  const close = (symbol: string, c: { t: number; o: Decimal; h: Decimal; l: Decimal; c: Decimal }) =>
    minutes.push({ symbol, candle: { openTimeMs: c.t, open: str(c.o), high: str(c.h), low: str(c.l), close: str(c.c), volume: "0" } });
  const record = () => {
    for (const s of symbols) {
      const price = new Decimal(venuePrice(m, venueId, s.symbol));
      const t = Math.floor(m.timeMs / MINUTE_MS) * MINUTE_MS;
      const cur = open.get(s.symbol);
      if (!cur || cur.t !== t) {
        if (cur) close(s.symbol, cur);
        open.set(s.symbol, { t, o: price, h: price, l: price, c: price });
      } else {
        if (price.gt(cur.h)) cur.h = price;
        if (price.lt(cur.l)) cur.l = price;
        cur.c = price;
      }
    }
  };
  if (steps > MAX_CATCH_UP_STEPS) m = stepMarket(m, target - m.timeMs);
  else
    for (let i = 0; i < steps; i++) {
      m = stepMarket(m, MARKET_STEP_MS);
      if (i >= steps - RECORDED_STEPS) record();
    }
  for (const [symbol, c] of open) close(symbol, c);
  minutes.sort((a, b) => a.candle.openTimeMs - b.candle.openTimeMs);
  return { market: m, changed: true, minutes };
}

/** A minute merged with the kept row of the same minute: its open, the wider range, the newer close. */
export function mergeCandle(prior: Candle | null, seen: Candle): Candle {
  if (!prior || prior.openTimeMs !== seen.openTimeMs) return seen;
  return {
    openTimeMs: seen.openTimeMs,
    open: prior.open,
    high: new Decimal(prior.high).gt(seen.high) ? prior.high : seen.high,
    low: new Decimal(prior.low).lt(seen.low) ? prior.low : seen.low,
    close: seen.close,
    volume: "0",
  };
}

/** The minutes to write (merged with the latest kept minute per symbol) and, per symbol, the open time before which minutes are dropped. */
export function keepMinutes(latest: Readonly<Record<string, Candle>>, minutes: readonly SymbolCandle[]): { writes: SymbolCandle[]; latest: Record<string, Candle>; dropBeforeMs: Record<string, number> } {
  const last: Record<string, Candle> = { ...latest };
  const writes: SymbolCandle[] = [];
  const dropBeforeMs: Record<string, number> = {};
  for (const { symbol, candle } of minutes) {
    const merged = mergeCandle(last[symbol] ?? null, candle);
    last[symbol] = merged;
    writes.push({ symbol, candle: merged });
    dropBeforeMs[symbol] = Math.max(dropBeforeMs[symbol] ?? Number.MIN_SAFE_INTEGER, candle.openTimeMs - CANDLES_KEPT * MINUTE_MS);
  }
  return { writes, latest: last, dropBeforeMs };
}
