import type { Candle } from "../../core/market.js";
import { nextNormal, seedRng } from "../../core/rng.js";
import { type CandleSeries, seriesFromCandles } from "../../core/candles/series.js";

/**
 * A deterministic random walk of candles for tests that cannot read ../shared/data (workerd):
 * log-normal closes, highs and lows around them, volume that varies; prices on a 0.01 tick.
 */
export function walkCandles(bars: number, options: { seed?: number; startMs?: number; intervalMs?: number; start?: number; vol?: number; drift?: number; skip?: ReadonlySet<number> } = {}): Candle[] {
  const rng = seedRng(options.seed ?? 7);
  const interval = options.intervalMs ?? 3_600_000;
  let price = options.start ?? 30_000;
  const out: Candle[] = [];
  for (let i = 0; i < bars; i++) {
    const open = price;
    price = price * Math.exp((options.drift ?? 0) + (options.vol ?? 0.01) * nextNormal(rng));
    const high = Math.max(open, price) * (1 + Math.abs(nextNormal(rng)) * 0.003);
    const low = Math.min(open, price) * (1 - Math.abs(nextNormal(rng)) * 0.003);
    const volume = 50 + 40 * Math.abs(nextNormal(rng));
    if (options.skip?.has(i)) continue;
    out.push({ openTimeMs: (options.startMs ?? 1_600_000_000_000) + i * interval, open: open.toFixed(2), high: high.toFixed(2), low: low.toFixed(2), close: price.toFixed(2), volume: volume.toFixed(4) });
  }
  return out;
}

/** The walk as a series of `symbol`. */
export function walkSeries(symbol: string, bars: number, options: Parameters<typeof walkCandles>[1] = {}): CandleSeries {
  return seriesFromCandles(symbol, options.intervalMs ?? 3_600_000, walkCandles(bars, options));
}
