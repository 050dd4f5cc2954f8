/** Small pieces the strategies share: what counts as held, clamps, number words, a rolling extreme. */

/**
 * An exposure under this fraction of equity counts as flat: rounding quantities down to the lot
 * leaves dust that no order can sell, and a strategy must not believe it is still in a trade.
 */
export const HELD_EXPOSURE = 1e-3;

/** True when the position in instrument k is more than dust. */
export function isHeld(exposure: ArrayLike<number>, k: number): boolean {
  return (exposure[k] ?? 0) > HELD_EXPOSURE;
}

/** x within [lo, hi]; NaN becomes lo. */
export function clamp(x: number, lo: number, hi: number): number {
  return x > lo ? (x < hi ? x : hi) : lo;
}

/**
 * A price or statistic for a reason string, about six significant digits. Rounding by a power of
 * ten and printing the double is several times cheaper than toPrecision (signals are frequent).
 */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  const scale = a >= 1000 ? 100 : a >= 10 ? 1e4 : a >= 0.1 ? 1e6 : a >= 0.001 ? 1e8 : a >= 0.00001 ? 1e10 : 1e14;
  return String(Math.round(x * scale) / scale);
}

/**
 * The highest (or lowest) of the last n values, amortized O(1): a monotonic deque of indices in a
 * Float64Array ring, so an update allocates nothing. NaN until n values were seen.
 */
export class RollingExtreme {
  private readonly values: Float64Array;
  private readonly index: Float64Array;
  private head = 0;
  private size = 0;
  private count = 0;

  /** `max` true keeps the highest, false the lowest. */
  constructor(
    readonly n: number,
    private readonly max: boolean,
  ) {
    if (!(n >= 1)) throw new Error("invariant: a rolling extreme spans at least one value");
    this.values = new Float64Array(n);
    this.index = new Float64Array(n);
  }

  get ready(): boolean {
    return this.count >= this.n;
  }

  /** The extreme of the last n values, NaN until n were seen. */
  get value(): number {
    return this.ready && this.size > 0 ? (this.values[this.head] as number) : NaN;
  }

  /** Adds x and returns the extreme of the last n values (NaN while warming up). */
  update(x: number): number {
    const i = this.count++;
    const cap = this.n;
    const values = this.values;
    // Drop the front when it has left the window.
    if (this.size > 0 && (this.index[this.head] as number) <= i - cap) {
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.size--;
    }
    // Drop from the back everything x dominates: they can never be the extreme again.
    while (this.size > 0) {
      let back = this.head + this.size - 1;
      if (back >= cap) back -= cap;
      const v = values[back] as number;
      if (this.max ? v > x : v < x) break;
      this.size--;
    }
    let slot = this.head + this.size;
    if (slot >= cap) slot -= cap;
    values[slot] = x;
    this.index[slot] = i;
    this.size++;
    return this.count >= cap ? (values[this.head] as number) : NaN;
  }

  reset(): void {
    this.head = 0;
    this.size = 0;
    this.count = 0;
  }
}
