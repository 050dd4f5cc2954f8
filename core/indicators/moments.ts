import { checkPeriod, wrapsPerRecompute } from "./types.js";

/**
 * The mean and the sum of squared deviations (m2) of the last n values, O(1) per push. It keeps
 * the sums of (x − c) and (x − c)² for a centre c near the data, so the squares are of deviations,
 * not of prices (no catastrophic cancellation); c is moved to the window's mean and both sums are
 * recomputed by two passes over the ring every so often (`RECOMPUTE_UPDATES`), so rounding never
 * accumulates over millions of pushes and the data never drifts far from c. A window of n equal
 * values has m2 exactly 0 (counted by a run length, not left to rounding).
 */
export class RollingMoments {
  readonly n: number;
  /** Values pushed, up to n. */
  count = 0;
  // The state, public for the indicators' hot paths to read (never write) in one go:
  // Doubles start as NaN, then reset() zeroes them: V8 then stores them as doubles from the
  // start (a field first set to 0 is a small integer and changes shape on its first fraction).
  /** The centre c. */
  centre = NaN;
  /** Σ (x − c) over the window. */
  s = NaN;
  /** Σ (x − c)² over the window. */
  s2 = NaN;
  /** The newest value. */
  last = NaN;
  /** How many of the newest values are equal to `last` (the window is constant when ≥ n). */
  run = 0;
  private readonly ring: Float64Array;
  private readonly inv: number;
  private readonly every: number;
  private wraps: number;
  private pos = 0;

  constructor(n: number) {
    this.n = checkPeriod("window n", n);
    this.ring = new Float64Array(n);
    this.inv = 1 / n;
    this.every = this.wraps = wrapsPerRecompute(n);
    this.reset();
  }

  /** True when the last n values are all equal (then m2 is 0 and the mean that value). */
  get constant(): boolean {
    return this.run >= this.n;
  }

  /** The mean of a full window. */
  get mean(): number {
    return this.run >= this.n ? this.last : this.centre + this.s * this.inv;
  }

  /** Σ (x − mean)² over a full window, ≥ 0. */
  get m2(): number {
    if (this.run >= this.n) return 0;
    const m2 = this.s2 - this.s * this.s * this.inv;
    return m2 > 0 ? m2 : 0;
  }

  /** Adds x, dropping the value n pushes old. */
  push(x: number): void {
    const ring = this.ring;
    let pos = this.pos;
    let ds: number;
    let ds2: number;
    if (this.count < this.n) {
      if (this.count++ === 0) this.centre = x;
      ds = x - this.centre;
      ds2 = ds * ds;
    } else {
      // One read-modify-write of each sum per push: the sums are the loop-carried state.
      const c = this.centre;
      const old = ring[pos] as number;
      ds = x - old;
      ds2 = ds * (x - c + (old - c));
    }
    this.s += ds;
    this.s2 += ds2;
    ring[pos] = x;
    if (x === this.last) this.run++;
    else {
      this.last = x;
      this.run = 1;
    }
    if (++pos === this.n) {
      pos = 0;
      if (--this.wraps === 0) this.recompute();
    }
    this.pos = pos;
  }

  /** Moves the centre to the window's mean and sums again, in two passes over the ring. */
  private recompute(): void {
    this.wraps = this.every;
    const ring = this.ring;
    let s = 0;
    for (let i = 0; i < ring.length; i++) s += ring[i] as number;
    const c = s * this.inv;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < ring.length; i++) {
      const d = (ring[i] as number) - c;
      s1 += d;
      s2 += d * d;
    }
    this.centre = c;
    this.s = s1;
    this.s2 = s2;
  }

  reset(): void {
    this.ring.fill(0);
    this.wraps = this.every;
    this.pos = 0;
    this.count = 0;
    this.centre = 0;
    this.s = 0;
    this.s2 = 0;
    this.last = NaN;
    this.run = 0;
  }
}
