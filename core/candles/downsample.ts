import type { CandleSeries } from "./series.js";

/** Candles for a chart, as columns of numbers (statistics for display; the exact text stays in the data). */
export interface ChartCandles {
  /** Open time of each bucket's first bar, ms. */
  readonly time: number[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
  /** Bars merged into each bucket (1 when the range fits). */
  readonly barsPerPoint: number;
}

/**
 * The bars of `s` with open times in [fromMs, toMs], merged into at most `maxPoints` buckets of
 * equal bar count (first open, highest high, lowest low, last close), for drawing a long backtest.
 */
export function chartCandles(s: CandleSeries, fromMs: number, toMs: number, maxPoints = 2_000): ChartCandles {
  let from = 0;
  while (from < s.length && (s.time[from] as number) < fromMs) from++;
  let to = from;
  while (to < s.length && (s.time[to] as number) <= toMs) to++;
  const stride = Math.max(1, Math.ceil((to - from) / Math.max(1, maxPoints)));
  const out: ChartCandles = { time: [], open: [], high: [], low: [], close: [], barsPerPoint: stride };
  for (let i = from; i < to; i += stride) {
    const end = Math.min(to, i + stride);
    let high = -Infinity;
    let low = Infinity;
    for (let j = i; j < end; j++) {
      high = Math.max(high, s.high[j] as number);
      low = Math.min(low, s.low[j] as number);
    }
    out.time.push(s.time[i] as number);
    out.open.push(s.open[i] as number);
    out.high.push(high);
    out.low.push(low);
    out.close.push(s.close[end - 1] as number);
  }
  return out;
}
