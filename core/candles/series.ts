import type { Candle } from "../market.js";

/**
 * Candles as columns, for statistics and backtests: one Float64Array per field, oldest first,
 * timestamps are bar open times (ms, UTC). Prices are numbers here because indicators and
 * strategies are statistics; the exact decimal text of each price is kept beside them (`text`)
 * so that orders and fills are priced from what the data said, never from a float.
 */
export interface CandleSeries {
  readonly symbol: string;
  /** The bar length in ms (every open time is a multiple of it apart). */
  readonly intervalMs: number;
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** The decimal text of open, high, low, close and volume of bar i, at 5i .. 5i+4. */
  readonly text: readonly string[];
}

/** A run of missing bars: `bars` intervals absent between the bar at `afterMs` and the next one present. */
export interface CandleGap {
  readonly afterMs: number;
  readonly nextMs: number;
  readonly bars: number;
}

/**
 * Columns from candles (oldest first; throws on unsorted bars: the caller validates first). Bars
 * off the interval's grid are kept as they are (real exchanges have them): instruments align by time.
 */
export function seriesFromCandles(symbol: string, intervalMs: number, candles: readonly Candle[]): CandleSeries {
  const n = candles.length;
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const text: string[] = new Array(n * 5);
  for (let i = 0; i < n; i++) {
    const c = candles[i] as Candle;
    if (i > 0 && c.openTimeMs <= (candles[i - 1] as Candle).openTimeMs) throw new Error(`invariant: candles ascend (bar ${i})`);
    time[i] = c.openTimeMs;
    open[i] = Number(c.open);
    high[i] = Number(c.high);
    low[i] = Number(c.low);
    close[i] = Number(c.close);
    volume[i] = Number(c.volume);
    text[5 * i] = c.open;
    text[5 * i + 1] = c.high;
    text[5 * i + 2] = c.low;
    text[5 * i + 3] = c.close;
    text[5 * i + 4] = c.volume;
  }
  return { symbol, intervalMs, length: n, time, open, high, low, close, volume, text };
}

/** Bar i as a Candle (decimal strings). */
export function candleAt(s: CandleSeries, i: number): Candle {
  return { openTimeMs: s.time[i] as number, open: s.text[5 * i] as string, high: s.text[5 * i + 1] as string, low: s.text[5 * i + 2] as string, close: s.text[5 * i + 3] as string, volume: s.text[5 * i + 4] as string };
}

/** Where bars are missing: each run of absent intervals between two bars present. Never filled. */
export function findGaps(s: CandleSeries): CandleGap[] {
  const gaps: CandleGap[] = [];
  for (let i = 1; i < s.length; i++) {
    const step = (s.time[i] as number) - (s.time[i - 1] as number);
    if (step >= 1.5 * s.intervalMs) gaps.push({ afterMs: s.time[i - 1] as number, nextMs: s.time[i] as number, bars: Math.round(step / s.intervalMs) - 1 });
  }
  return gaps;
}
