/**
 * What a paper venue answers about its market beyond the touch: candles (the synthetic history
 * before the market began, joined with the minutes it recorded since) and the one-call view an
 * agent's decision cycle reads.
 */
import { CANDLE_INTERVALS, type Candle, type CandleInterval, type VenueSpec, aggregateCandles } from "../core/market.js";
import type { MarketState } from "../core/market-sim.js";
import { type MarketView, cachedHistoryCandles, joinCandles } from "../core/paper-venue/history.js";
import { type FedBooks, type PaperVenueState, type VenueStep, advanceVenue, tickerAt } from "../core/paper-venue/index.js";
import type { VenueStore } from "./venue-store.js";

/** When the venue's market began (stored with the market; null before it exists). */
export function marketStart(store: VenueStore, market: MarketState | null): number | null {
  const kept = market ? store.meta("market_start") : null;
  return kept === null ? null : Number(kept);
}

/** The newest `limit` candles of `interval`: history before the market began, then the recorded minutes aggregated. */
export function venueCandles(store: VenueStore, venueId: string, market: MarketState | null, symbol: string, interval: CandleInterval, limit: number): Candle[] {
  const intervalMs = CANDLE_INTERVALS[interval];
  const startMs = marketStart(store, market);
  const nowMs = market?.timeMs ?? 0;
  // Only the minutes the newest `limit` bars can hold are read.
  const sinceMs = Math.floor(nowMs / intervalMs) * intervalMs - (limit - 1) * intervalMs;
  const recorded = aggregateCandles(store.candles(symbol, sinceMs), intervalMs);
  const history = startMs === null ? [] : cachedHistoryCandles(venueId, symbol, startMs, interval, limit);
  return joinCandles(history, recorded, limit);
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
