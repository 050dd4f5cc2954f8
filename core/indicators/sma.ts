import { checkPeriod, output, type Indicator1, wrapsPerRecompute } from "./types.js";

/**
 * Simple moving average of the last n values. First ready at index n − 1 (lookback n − 1). The
 * running sum is recomputed from the ring buffer every so often (`RECOMPUTE_UPDATES`), so
 * rounding never accumulates over millions of updates.
 */
export class Sma implements Indicator1 {
  readonly n: number;
  readonly lookback: number;
  value = NaN;
  private readonly ring: Float64Array;
  private readonly inv: number;
  private readonly every: number;
  private wraps: number;
  private pos = 0;
  private count = 0;
  private sum = 0;

  constructor(n: number) {
    this.n = checkPeriod("Sma n", n);
    this.lookback = n - 1;
    this.ring = new Float64Array(n);
    this.inv = 1 / n;
    this.every = this.wraps = wrapsPerRecompute(n);
  }

  get ready(): boolean {
    return this.count >= this.n;
  }

  /** Adds x; returns the mean of the last n values (NaN before n). */
  update(x: number): number {
    const ring = this.ring;
    let pos = this.pos;
    let sum = this.sum + (x - (ring[pos] as number));
    ring[pos] = x;
    if (++pos === this.n) {
      pos = 0;
      if (--this.wraps === 0) {
        this.wraps = this.every;
        sum = sumOf(ring);
      }
    }
    this.pos = pos;
    this.sum = sum;
    if (this.count < this.n && ++this.count < this.n) return NaN;
    return (this.value = sum * this.inv);
  }

  reset(): void {
    this.ring.fill(0);
    this.wraps = this.every;
    this.pos = 0;
    this.count = 0;
    this.sum = 0;
    this.value = NaN;
  }
}

/** The sum of a buffer, in order. */
export function sumOf(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}

/** SMA(n) of a whole series (NaN before index n − 1), by the streaming class. */
export function smaSeries(values: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
  const o = output(values.length, out);
  const s = new Sma(n);
  for (let i = 0; i < values.length; i++) o[i] = s.update(values[i] as number);
  return o;
}
