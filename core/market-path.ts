import type { Candle, SymbolSpec } from "./market.js";
import { type MarketState, referenceMid, stepMarket, venueMid } from "./market-sim.js";
import { Decimal, str } from "./money.js";
import { gridFromFloat } from "./ticks.js";

/**
 * A recorded stretch of the simulated market, for statistics and candles. Point 0 is the starting
 * state (volume 0); point k is the market after k steps, with the volume traded during step k.
 */
export interface MarketPath {
  readonly symbols: readonly string[];
  /** The venue whose prices were recorded, or null for the reference prices. */
  readonly venueId: string | null;
  readonly timesMs: Float64Array;
  /** Per symbol (in `symbols` order), the price at each point. */
  readonly prices: readonly Float64Array[];
  /** Per symbol, the base volume traded in the step ending at each point. */
  readonly volumes: readonly Float64Array[];
}

/** Steps the market `steps` times by `stepMs`, recording every symbol's price and volume. */
export function simulatePath(state: MarketState, stepMs: number, steps: number, venueId: string | null = null): { state: MarketState; path: MarketPath } {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`invariant: steps is a whole number >= 0, got ${steps}`);
  const symbols = state.params.assets.map((a) => a.symbol);
  const timesMs = new Float64Array(steps + 1);
  const prices = symbols.map(() => new Float64Array(steps + 1));
  const volumes = symbols.map(() => new Float64Array(steps + 1));
  const record = (s: MarketState, k: number, withVolume: boolean): void => {
    timesMs[k] = s.timeMs;
    symbols.forEach((symbol, i) => {
      const priceRow = prices[i];
      const volumeRow = volumes[i];
      if (!priceRow || !volumeRow) throw new Error("invariant: a row per symbol");
      priceRow[k] = venueId === null ? referenceMid(s, symbol) : venueMid(s, venueId, symbol);
      volumeRow[k] = withVolume ? (s.volumes[i] ?? 0) : 0;
    });
  };
  let s = state;
  record(s, 0, false);
  for (let k = 1; k <= steps; k++) {
    s = stepMarket(s, stepMs);
    record(s, k, true);
  }
  return { state: s, path: { symbols, venueId, timesMs, prices, volumes } };
}

/**
 * Candles of `intervalMs` aligned to multiples of the interval (epoch-based). A candle's open,
 * high, low and close are the recorded prices that fall in [open, open + interval); a step's volume
 * goes to the candle its step began in. Prices are rounded to the nearest tick, volume down to the
 * lot. The last candle may be partial.
 */
export function candlesFrom(path: MarketPath, symbol: string, intervalMs: number, spec: Pick<SymbolSpec, "tickSize" | "lotSize">): Candle[] {
  if (!Number.isInteger(intervalMs) || intervalMs <= 0) throw new Error(`invariant: intervalMs is a whole number > 0, got ${intervalMs}`);
  const i = path.symbols.indexOf(symbol);
  const prices = path.prices[i];
  const volumes = path.volumes[i];
  if (!prices || !volumes) throw new Error(`invariant: the path records ${symbol}`);
  const n = path.timesMs.length;
  const tick = new Decimal(spec.tickSize);
  const tickF = Number(spec.tickSize);
  const lot = new Decimal(spec.lotSize);
  const lotF = Number(spec.lotSize);

  const buckets = new Map<number, { open: number; high: number; low: number; close: number; volume: number }>();
  const bucketOf = (t: number): number => Math.floor(t / intervalMs) * intervalMs;
  for (let k = 0; k < n; k++) {
    const t = path.timesMs[k] ?? 0;
    const price = prices[k] ?? 0;
    const key = bucketOf(t);
    const b = buckets.get(key);
    if (b) {
      b.high = Math.max(b.high, price);
      b.low = Math.min(b.low, price);
      b.close = price;
    } else {
      buckets.set(key, { open: price, high: price, low: price, close: price, volume: 0 });
    }
    if (k > 0) {
      const started = bucketOf(path.timesMs[k - 1] ?? 0);
      const owner = buckets.get(started);
      if (owner) owner.volume += volumes[k] ?? 0;
    }
  }
  const px = (x: number): string => str(gridFromFloat(x, tick, tickF, "nearest"));
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([openTimeMs, b]) => ({
      openTimeMs,
      open: px(b.open),
      high: px(b.high),
      low: px(b.low),
      close: px(b.close),
      volume: str(gridFromFloat(b.volume, lot, lotF, "floor")),
    }));
}
