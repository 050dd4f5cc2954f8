/**
 * A paper venue's market clock: the synthetic market advances on a shared grid (MARKET_STEP_MS),
 * so every paper venue walks the same path and they agree; one-minute candles (with the simulated
 * volume) are recorded on the way and merged with the minute already kept.
 */
import { type Candle, type SymbolSpec, aggregateCandles } from "../market.js";
import { type MarketState, assetIndex, createMarket, stepMarket, venueMid } from "../market-sim.js";
import { Decimal, str } from "../money.js";
import { MARKET_STEP_MS, PAPER_MARKET, PAPER_MARKET_SEED } from "../paper-venues.js";
import { gridFromFloat, stepsOf } from "../ticks.js";

/** A market that fell further behind than this catches up in one coarse step (and leaves the shared path). */
export const MAX_CATCH_UP_STEPS = 86_400;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
/** One-minute candles kept per symbol (10.4 days: 1,000 bars of 15m); longer intervals are built from them. */
export const CANDLES_KEPT = 15_000;
/** Hourly candles kept per symbol for minutes already dropped (1,000 days), so a long-running desk's 1h/4h/1d bars have no gap. */
export const HOURS_KEPT = 24_000;
export const HOUR_MS = 3_600_000;

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

/** A minute being recorded, in floats: the venue's mid (rounded to the tick only when it closes) and the volume traded. */
interface OpenMinute {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

/**
 * Advances the market to the last grid point at or before `nowMs`, recording every minute it
 * walks through (with the market's simulated volume). A venue with no market yet starts from the
 * shared seed at the start of the day; a market more than a day behind jumps in one step (and
 * records nothing); a market at or past the point stays as it is.
 */
export function advanceMarket(market: MarketState | null, venueId: string, symbols: readonly SymbolSpec[], nowMs: number): Advanced {
  const target = gridPoint(nowMs);
  let m = market ?? createMarket(PAPER_MARKET, PAPER_MARKET_SEED, Math.floor(nowMs / DAY_MS) * DAY_MS);
  const steps = Math.floor((target - m.timeMs) / MARKET_STEP_MS);
  if (steps <= 0) return { market: m, changed: market === null, minutes: [] };
  if (steps > MAX_CATCH_UP_STEPS) return { market: stepMarket(m, target - m.timeMs), changed: true, minutes: [] };
  const index = symbols.map((s) => assetIndex(m.params, s.symbol));
  const open: Array<OpenMinute | null> = symbols.map(() => null);
  const minutes: SymbolCandle[] = [];
  for (let i = 0; i < steps; i++) {
    m = stepMarket(m, MARKET_STEP_MS);
    const t = Math.floor(m.timeMs / MINUTE_MS) * MINUTE_MS;
    for (let k = 0; k < symbols.length; k++) {
      const s = symbols[k] as SymbolSpec;
      const price = venueMid(m, venueId, s.symbol);
      const volume = m.volumes[index[k] ?? 0] ?? 0;
      const cur = open[k];
      if (cur && cur.t === t) {
        if (price > cur.h) cur.h = price;
        if (price < cur.l) cur.l = price;
        cur.c = price;
        cur.v += volume;
        continue;
      }
      if (cur) minutes.push({ symbol: s.symbol, candle: closeMinute(cur, s) });
      open[k] = { t, o: price, h: price, l: price, c: price, v: volume };
    }
  }
  open.forEach((cur, k) => {
    const s = symbols[k];
    if (cur && s) minutes.push({ symbol: s.symbol, candle: closeMinute(cur, s) });
  });
  minutes.sort((a, b) => a.candle.openTimeMs - b.candle.openTimeMs);
  return { market: m, changed: true, minutes };
}

/** A recorded minute as a candle: prices to the nearest tick (as `venuePrice` rounds them), volume down to the lot. */
function closeMinute(c: OpenMinute, s: SymbolSpec): Candle {
  const { tick, lot } = stepsOf(s);
  const tickF = Number(s.tickSize);
  const p = (x: number) => str(gridFromFloat(x, tick, tickF, "nearest"));
  return { openTimeMs: c.t, open: p(c.o), high: p(c.h), low: p(c.l), close: p(c.c), volume: str(gridFromFloat(c.v, lot, Number(s.lotSize), "floor")) };
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
    // The two recordings saw different steps of the same minute: their volumes add.
    volume: str(new Decimal(prior.volume).plus(seen.volume)),
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

/**
 * Minutes about to be dropped (oldest first) rolled up into hourly candles, each merged after the
 * hourly row already kept for its hour (which holds that hour's earlier minutes).
 */
export function rollUpHours(kept: ReadonlyMap<number, Candle>, dropped: readonly Candle[]): Candle[] {
  return aggregateCandles(dropped, HOUR_MS).map((h) => {
    const prior = kept.get(h.openTimeMs);
    return prior ? (aggregateCandles([prior, h], HOUR_MS)[0] as Candle) : h;
  });
}
