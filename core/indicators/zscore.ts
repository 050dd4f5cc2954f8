import { RollingMoments } from "./moments.js";
import { checkPeriod, output, type Indicator1 } from "./types.js";

/**
 * Z-score of the newest value in its window: (x − mean) / std over the last n values, x included,
 * with the population standard deviation (divide by n). A window of equal values (std 0) gives 0,
 * never NaN. First ready at index n − 1 (lookback n − 1).
 */
export class ZScore implements Indicator1 {
  readonly n: number;
  readonly lookback: number;
  value = NaN;
  private readonly w: RollingMoments;
  private readonly invN: number;

  constructor(n: number) {
    this.w = new RollingMoments(checkPeriod("ZScore n", n));
    this.n = n;
    this.lookback = n - 1;
    this.invN = 1 / n;
  }

  get ready(): boolean {
    return this.w.count >= this.n;
  }

  /** The window's mean (NaN before it is full). */
  get mean(): number {
    return this.ready ? this.w.mean : NaN;
  }

  /** The window's population standard deviation (NaN before it is full). */
  get stdDev(): number {
    return this.ready ? Math.sqrt(this.w.m2 * this.invN) : NaN;
  }

  /** Adds x; returns its z-score (NaN before n values). */
  update(x: number): number {
    const w = this.w;
    w.push(x);
    if (w.count < this.n) return NaN;
    if (w.run >= this.n) return (this.value = 0);
    const m = w.s * this.invN;
    const v = w.s2 * this.invN - m * m;
    return (this.value = v > 0 ? (x - w.centre - m) / Math.sqrt(v) : 0);
  }

  reset(): void {
    this.w.reset();
    this.value = NaN;
  }
}

/** Z-score(n) of a whole series (NaN before index n − 1), by the streaming class. */
export function zScoreSeries(values: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
  const o = output(values.length, out);
  const z = new ZScore(n);
  for (let i = 0; i < values.length; i++) o[i] = z.update(values[i] as number);
  return o;
}
