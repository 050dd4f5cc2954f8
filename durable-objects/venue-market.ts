/**
 * What a paper venue answers about its market beyond the touch: candles (the synthetic history
 * before the market began, joined with the minutes it recorded since) and the one-call view an
 * agent's decision cycle reads.
 */
import { CANDLE_INTERVALS, type Candle, type CandleInterval, type VenueSpec, aggregateCandles } from "../core/market.js";
import type { MarketState } from "../core/market-sim.js";
import { HISTORY_BARS, type MarketView, cachedHistoryCandles, joinCandles } from "../core/paper-venue/history.js";
import { type FedBooks, type PaperVenueState, type VenueStep, advanceVenue, tickerAt } from "../core/paper-venue/index.js";
import { HOUR_MS } from "../core/paper-venue/market-clock.js";
import type { VenueStore } from "./venue-store.js";

/** When the venue's market began (stored with the market; null before it exists). */
export function marketStart(store: VenueStore, market: MarketState | null): number | null {
  const kept = market ? store.meta("market_start") : null;
  return kept === null ? null : Number(kept);
}

/** The newest `limit` candles of `interval`: history before the market began, then the recorded minutes aggregated. */
export function venueCandles(store: VenueStore, venueId: string, market: MarketState | null, symbol: string, interval: CandleInterval, limit: number): Candle[] {
  const intervalMs = CANDLE_INTERVALS[interval];
  // A limit the route did not check (an RPC caller's) is held to what the history can answer.
  limit = Math.max(1, Math.min(HISTORY_BARS, Math.floor(limit) || 1));
  const startMs = marketStart(store, market);
  const nowMs = market?.timeMs ?? 0;
  // Only the minutes the newest `limit` bars can hold are read.
  const sinceMs = Math.floor(nowMs / intervalMs) * intervalMs - (limit - 1) * intervalMs;
  const recorded = recordedBars(store, symbol, intervalMs, sinceMs);
  const history = startMs === null ? [] : cachedHistoryCandles(venueId, symbol, startMs, interval, limit);
  return joinCandles(history, recorded, limit);
}

/** Recorded bars per store, symbol and interval, kept between calls (closed bars never change), and the time they cover from. */
const barCache = new WeakMap<VenueStore, Map<string, { fromMs: number; bars: Candle[] }>>();
/** A cached series longer than this drops its oldest bars. */
const BARS_CACHED = 2_000;

/**
 * The recorded minutes aggregated to `intervalMs` from `sinceMs` on. Bars already aggregated are
 * reused: only the rows from the newest cached bar's open on are read again (that bar may have grown).
 */
function recordedBars(store: VenueStore, symbol: string, intervalMs: number, sinceMs: number): Candle[] {
  let bySeries = barCache.get(store);
  if (!bySeries) barCache.set(store, (bySeries = new Map()));
  const key = `${symbol}|${intervalMs}`;
  const cached = bySeries.get(key);
  const newest = cached?.bars.at(-1);
  const reuse = cached !== undefined && newest !== undefined && cached.fromMs <= sinceMs;
  const readFromMs = reuse ? newest.openTimeMs : sinceMs;
  // An hour or longer also reads the hourly roll-up of minutes no longer kept (older, so first).
  const rows = intervalMs >= HOUR_MS ? [...store.hourlyCandles(symbol, readFromMs), ...store.candles(symbol, readFromMs)] : store.candles(symbol, readFromMs);
  const fresh = aggregateCandles(rows, intervalMs);
  const entry = reuse ? cached : { fromMs: sinceMs, bars: fresh };
  if (reuse) {
    entry.bars.pop();
    for (const bar of fresh) entry.bars.push(bar);
  }
  if (entry.bars.length > BARS_CACHED) {
    entry.bars.splice(0, entry.bars.length - BARS_CACHED);
    entry.fromMs = (entry.bars[0] as Candle).openTimeMs;
  }
  bySeries.set(key, entry);
  const bars = entry.bars;
  let first = 0;
  while (first < bars.length && (bars[first] as Candle).openTimeMs < sinceMs) first++;
  return bars.slice(first);
}

/** What `marketView` needs of the Venue object. */
export interface MarketViewHost {
  readonly store: VenueStore;
  readonly spec: VenueSpec;
  readonly live: boolean;
  market(): MarketState | null;
  state(): PaperVenueState;
  persist(step: VenueStep): void;
}

/** Per listed symbol (unlisted ones are left out) its candles and ticker now; the market advances once. */
export function answerMarketView(host: MarketViewHost, fed: FedBooks, symbols: readonly string[], interval: CandleInterval, limit: number, nowMs: number): MarketView {
  const listed = symbols.filter((x) => host.spec.symbols.some((s) => s.symbol === x));
  host.persist(advanceVenue(host.state(), nowMs));
  const view = listed.map((symbol) => {
    const { step, ticker } = tickerAt(host.state(), symbol, nowMs, fed);
    host.persist(step);
    return { symbol, ticker, candles: venueCandles(host.store, host.spec.id, host.market(), symbol, interval, limit) };
  });
  return { venue: host.spec.id, trading: host.live ? "live" : "paper", interval, symbols: view };
}

export type { MarketView };
