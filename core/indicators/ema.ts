import { checkPeriod, output, type Indicator1 } from "./types.js";

/**
 * Exponential moving average, TA-Lib's convention: alpha = 2 / (n + 1), seeded with the simple
 * mean of the first n values, which is the first value (index n − 1, lookback n − 1); after it,
 * ema = (1 − alpha) · ema + alpha · x (this form keeps the chain from one update to the next to a
 * multiply and an add).
 */
export class Ema implements Indicator1 {
  readonly n: number;
  readonly alpha: number;
  readonly lookback: number;
  value = NaN;
  private readonly keep: number;
  private count = 0;
  private seed = 0;

  constructor(n: number) {
    this.n = checkPeriod("Ema n", n);
    this.alpha = 2 / (n + 1);
    this.keep = 1 - this.alpha;
    this.lookback = n - 1;
  }

  get ready(): boolean {
    return this.count >= this.n;
  }

  /** Adds x; returns the EMA (NaN before n values). */
  update(x: number): number {
    if (this.count >= this.n) return (this.value = this.value * this.keep + this.alpha * x);
    this.seed += x;
    if (++this.count < this.n) return NaN;
    return (this.value = this.seed / this.n);
  }

  reset(): void {
    this.count = 0;
    this.seed = 0;
    this.value = NaN;
  }
}

/** EMA(n) of a whole series (NaN before index n − 1), by the streaming class. */
export function emaSeries(values: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
  const o = output(values.length, out);
  const e = new Ema(n);
  for (let i = 0; i < values.length; i++) o[i] = e.update(values[i] as number);
  return o;
}
