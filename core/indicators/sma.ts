import { checkPeriod, output, type Indicator1 } from "./types.js";

/**
 * Simple moving average of the last n values. First ready at index n − 1 (lookback n − 1). Beside
 * the running sum (add the new value, drop the old) each value goes into a fresh sum that restarts
 * at every wrap of the ring; at a wrap it holds exactly the window and replaces the running sum,
 * so rounding never accumulates beyond n updates (and no loop runs in the hot path).
 */
export class Sma implements Indicator1 {
  readonly n: number;
  readonly lookback: number;
  value = NaN;
  private readonly ring: Float64Array;
  private readonly inv: number;
  private pos = 0;
  private count = 0;
  // Doubles start as NaN (V8 then keeps them as doubles); the constructor zeroes them.
  private sum = NaN;
  private fresh = NaN;

  constructor(n: number) {
    this.n = checkPeriod("Sma n", n);
    this.lookback = n - 1;
    this.ring = new Float64Array(n);
    this.inv = 1 / n;
    this.reset();
  }

  get ready(): boolean {
    return this.count >= this.n;
  }

  /** Adds x; returns the mean of the last n values (NaN before n). */
  update(x: number): number {
    const ring = this.ring;
    let pos = this.pos;
    let sum = this.sum + (x - (ring[pos] as number));
    const fresh = this.fresh + x;
    ring[pos] = x;
    if (++pos === this.n) {
      pos = 0;
      sum = fresh;
      this.fresh = 0;
    } else this.fresh = fresh;
    this.pos = pos;
    this.sum = sum;
    if (this.count < this.n && ++this.count < this.n) return NaN;
    return (this.value = sum * this.inv);
  }

  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.count = 0;
    this.sum = 0;
    this.fresh = 0;
    this.value = NaN;
  }
}

/** SMA(n) of a whole series (NaN before index n − 1), by the streaming class. */
export function smaSeries(values: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
  const o = output(values.length, out);
  const s = new Sma(n);
  for (let i = 0; i < values.length; i++) o[i] = s.update(values[i] as number);
  return o;
}
