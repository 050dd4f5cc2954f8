import type { CandleSeries } from "../candles/series.js";
import type { BarView } from "../strategies/types.js";

/**
 * The bar times a backtest walks: the union of its instruments' open times, oldest first, and for
 * each instrument the index of its bar at each time (-1 where it has none: a gap, never filled).
 */
export interface Timeline {
  readonly time: Float64Array;
  readonly index: readonly Int32Array[];
}

/** The merged timeline of the series (one series: its own times). */
export function timelineOf(series: readonly CandleSeries[]): Timeline {
  const first = series[0];
  if (!first) throw new Error("invariant: a backtest has at least one series");
  if (series.length === 1) {
    const index = new Int32Array(first.length);
    for (let i = 0; i < index.length; i++) index[i] = i;
    return { time: first.time, index: [index] };
  }
  const times: number[] = [];
  const at = series.map(() => 0);
  for (;;) {
    let next = Infinity;
    for (let k = 0; k < series.length; k++) {
      const s = series[k] as CandleSeries;
      const i = at[k] as number;
      if (i < s.length && (s.time[i] as number) < next) next = s.time[i] as number;
    }
    if (next === Infinity) break;
    times.push(next);
    for (let k = 0; k < series.length; k++) {
      const s = series[k] as CandleSeries;
      if ((at[k] as number) < s.length && s.time[at[k] as number] === next) at[k] = (at[k] as number) + 1;
    }
  }
  const time = Float64Array.from(times);
  const index = series.map((s) => {
    const out = new Int32Array(time.length).fill(-1);
    let i = 0;
    for (let j = 0; j < time.length && i < s.length; j++) if (s.time[i] === time[j]) out[j] = i++;
    return out;
  });
  return { time, index };
}

/** A fresh bar view (the engine reuses one per instrument). */
export function emptyBar(): BarView {
  return { present: false, timeMs: NaN, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN };
}

/** Fills `view` with bar i of `s` (i < 0: absent). */
export function loadBar(view: BarView, s: CandleSeries, i: number, timeMs: number): void {
  view.timeMs = timeMs;
  if (i < 0) {
    view.present = false;
    view.open = view.high = view.low = view.close = view.volume = NaN;
    return;
  }
  view.present = true;
  view.open = s.open[i] as number;
  view.high = s.high[i] as number;
  view.low = s.low[i] as number;
  view.close = s.close[i] as number;
  view.volume = s.volume[i] as number;
}
