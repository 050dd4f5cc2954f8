/**
 * What every indicator shares. Indicators are statistics, so they take and give JS numbers (never
 * money): feed them closed bars, oldest first. Each is O(1) per update with no allocation per
 * update, gives NaN until it is warm, and has a batch function that runs the same class over a
 * whole series, so streaming and batch cannot disagree.
 *
 * Inputs must be finite: skip gap bars (a `BarView` with `present: false`) rather than feed their
 * NaN, which would poison the state until `reset()`.
 */
export interface Indicator {
  /** True once the indicator gives numbers (NaN before). */
  readonly ready: boolean;
  /** How many updates come before the first ready one: the first ready index of a series (TA-Lib's "lookback"). */
  readonly lookback: number;
  /** The last value returned by `update` (NaN while warming up). */
  readonly value: number;
  /** Forgets everything seen, as if new. */
  reset(): void;
}

/** An indicator of one series, e.g. closes. */
export interface Indicator1 extends Indicator {
  update(x: number): number;
}

/** The longest window any indicator accepts: a bound on the memory one takes. */
export const MAX_PERIOD = 1_000_000;

/** Asserts a window length is an integer in [min, MAX_PERIOD] (a programmer error otherwise: parameters are validated by the strategies' schemas). */
export function checkPeriod(name: string, n: number, min = 1): number {
  if (!Number.isInteger(n) || n < min || n > MAX_PERIOD) throw new RangeError(`invariant: ${name} is an integer in [${min}, ${MAX_PERIOD}], got ${n}`);
  return n;
}

/** The array a batch function writes into: the caller's `out` (at least `length` long) or a new one. */
export function output(length: number, out?: Float64Array): Float64Array {
  if (!out) return new Float64Array(length);
  if (out.length < length) throw new RangeError(`invariant: out holds ${out.length} values, the series ${length}`);
  return out;
}

/** Asserts parallel series have one length. */
export function sameLength(...series: ArrayLike<number>[]): number {
  const n = series[0]?.length ?? 0;
  for (const s of series) if (s.length !== n) throw new RangeError(`invariant: parallel series have one length (${n} vs ${s.length})`);
  return n;
}
