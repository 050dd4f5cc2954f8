import { RollingMoments } from "./moments.js";
import { checkPeriod, output, sameLength, type Indicator1 } from "./types.js";

/**
 * Bollinger Bands, TA-Lib's convention: middle = SMA(n), stdDev = the population standard
 * deviation (divide by n) of the same n values, bands at middle ± k · stdDev. First ready at
 * index n − 1 (lookback n − 1).
 */
export class Bollinger implements Indicator1 {
  readonly n: number;
  readonly k: number;
  readonly lookback: number;
  middle = NaN;
  upper = NaN;
  lower = NaN;
  stdDev = NaN;
  private readonly w: RollingMoments;
  private readonly invN: number;

  constructor(n = 20, k = 2) {
    if (!Number.isFinite(k)) throw new RangeError(`invariant: Bollinger k is finite, got ${k}`);
    this.w = new RollingMoments(checkPeriod("Bollinger n", n));
    this.n = n;
    this.k = k;
    this.lookback = n - 1;
    this.invN = 1 / n;
  }

  /** The middle band. */
  get value(): number {
    return this.middle;
  }

  get ready(): boolean {
    return this.w.count >= this.n;
  }

  /** Adds x; returns the middle band (NaN before n values); the other fields follow. */
  update(x: number): number {
    const w = this.w;
    w.push(x);
    if (w.count < this.n) return NaN;
    let mid = x;
    let sd = 0;
    if (w.run < this.n) {
      const m = w.s * this.invN;
      const v = w.s2 * this.invN - m * m;
      mid = w.centre + m;
      sd = v > 0 ? Math.sqrt(v) : 0;
    }
    const band = this.k * sd;
    this.stdDev = sd;
    this.upper = mid + band;
    this.lower = mid - band;
    return (this.middle = mid);
  }

  reset(): void {
    this.w.reset();
    this.middle = this.upper = this.lower = this.stdDev = NaN;
  }
}

/** Bollinger(n, k) of a whole series (NaN before index n − 1), by the streaming class. */
export function bollingerSeries(
  values: ArrayLike<number>,
  n = 20,
  k = 2,
  out?: { middle: Float64Array; upper: Float64Array; lower: Float64Array },
): { middle: Float64Array; upper: Float64Array; lower: Float64Array } {
  const len = sameLength(values);
  const middle = output(len, out?.middle);
  const upper = output(len, out?.upper);
  const lower = output(len, out?.lower);
  const b = new Bollinger(n, k);
  for (let i = 0; i < len; i++) {
    middle[i] = b.update(values[i] as number);
    upper[i] = b.upper;
    lower[i] = b.lower;
  }
  return { middle, upper, lower };
}
