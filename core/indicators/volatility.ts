import { RollingMoments } from "./moments.js";
import { checkPeriod, output, type Indicator1 } from "./types.js";

/**
 * Rolling volatility: the sample standard deviation (divide by n − 1) of the last n log returns
 * ln(close / previous close), per bar, not annualized (see `annualize`). It needs n + 1 closes:
 * first ready at index n (lookback n). n ≥ 2.
 */
export class RollingVolatility implements Indicator1 {
  readonly n: number;
  readonly lookback: number;
  value = NaN;
  private readonly w: RollingMoments;
  private prev = NaN;
  private readonly invN: number;
  private readonly invN1: number;

  constructor(n: number) {
    this.w = new RollingMoments(checkPeriod("RollingVolatility n", n, 2));
    this.n = n;
    this.lookback = n;
    this.invN = 1 / n;
    this.invN1 = 1 / (n - 1);
  }

  get ready(): boolean {
    return this.w.count >= this.n;
  }

  /** Adds a close (> 0); returns the volatility of the last n log returns (NaN before n + 1 closes). */
  update(close: number): number {
    const prev = this.prev;
    this.prev = close;
    if (prev !== prev) return NaN;
    const w = this.w;
    w.push(Math.log(close / prev));
    if (w.count < this.n) return NaN;
    if (w.run >= this.n) return (this.value = 0);
    const s = w.s;
    const m2 = w.s2 - s * s * this.invN;
    return (this.value = m2 > 0 ? Math.sqrt(m2 * this.invN1) : 0);
  }

  reset(): void {
    this.w.reset();
    this.prev = NaN;
    this.value = NaN;
  }
}

/** A per-bar volatility scaled to a year of `barsPerYear` bars (square-root-of-time). */
export function annualize(vol: number, barsPerYear: number): number {
  return vol * Math.sqrt(barsPerYear);
}

/** RollingVolatility(n) of a whole series of closes (NaN before index n), by the streaming class. */
export function volatilitySeries(closes: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
  const o = output(closes.length, out);
  const v = new RollingVolatility(n);
  for (let i = 0; i < closes.length; i++) o[i] = v.update(closes[i] as number);
  return o;
}
