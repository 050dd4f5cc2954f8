import { RollingComoments } from "./comoments.js";
import { checkPeriod, output, sameLength, type Indicator } from "./types.js";

/**
 * Rolling Pearson correlation of the last n (x, y) pairs: cov(x, y) / (std x · std y), clamped to
 * [−1, 1] against rounding. When either series is constant over the window the correlation is
 * undefined and 0 is given (as TA-Lib's CORREL does). First ready at index n − 1 (lookback n − 1).
 * n ≥ 2.
 */
export class RollingCorrelation implements Indicator {
  readonly n: number;
  readonly lookback: number;
  value = NaN;
  private readonly w: RollingComoments;

  constructor(n: number) {
    this.w = new RollingComoments(checkPeriod("RollingCorrelation n", n, 2));
    this.n = n;
    this.lookback = n - 1;
  }

  get ready(): boolean {
    return this.w.count >= this.n;
  }

  /** Adds a pair; returns the correlation of the last n pairs (NaN before n). */
  update(x: number, y: number): number {
    const w = this.w;
    w.push(x, y);
    if (w.count < this.n) return NaN;
    const d = w.cxx * w.cyy;
    if (!(d > 0) || w.runX >= this.n || w.runY >= this.n) return (this.value = 0);
    const r = w.cxy / Math.sqrt(d);
    return (this.value = r > 1 ? 1 : r < -1 ? -1 : r);
  }

  reset(): void {
    this.w.reset();
    this.value = NaN;
  }
}

/** RollingCorrelation(n) of two whole series (NaN before index n − 1), by the streaming class. */
export function correlationSeries(x: ArrayLike<number>, y: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
  const len = sameLength(x, y);
  const o = output(len, out);
  const c = new RollingCorrelation(n);
  for (let i = 0; i < len; i++) o[i] = c.update(x[i] as number, y[i] as number);
  return o;
}
