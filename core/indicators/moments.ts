import { checkPeriod } from "./types.js";

/**
 * The mean and the sum of squared deviations (m2) of the last n values, O(1) per push, no loop.
 * It keeps the sums of (x − c) and (x − c)² for a centre c near the data, so the squares are of
 * deviations, not of prices (no catastrophic cancellation). Beside the rolling sums (add the new
 * value, drop the old) it adds each value into fresh sums, which restart at every wrap of the
 * ring: at a wrap they hold exactly the window, so they replace the rolling sums and rounding
 * never accumulates beyond n pushes; c moves to the window's mean there. A window of n equal
 * values is known exactly by its run length (`run`), not left to rounding.
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
  /** Σ (x − c) and Σ (x − c)² of the values pushed since the last wrap. */
  private fs = NaN;
  private fs2 = NaN;
  /** How many of the newest values are equal to `last` (the window is constant when ≥ n). */
  run = 0;
  private readonly ring: Float64Array;
  private readonly inv: number;
  private pos = 0;

  constructor(n: number) {
    this.n = checkPeriod("window n", n);
    this.ring = new Float64Array(n);
    this.inv = 1 / n;
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
    const f = x - this.centre;
    this.fs += f;
    this.fs2 += f * f;
    ring[pos] = x;
    if (x === this.last) this.run++;
    else {
      this.last = x;
      this.run = 1;
    }
    if (++pos === this.n) {
      pos = 0;
      this.refresh();
    }
    this.pos = pos;
  }

  /** At a wrap: the fresh sums are the window's; move the centre to its mean (an exact shift of the sums). */
  private refresh(): void {
    const n = this.n;
    const fs = this.fs;
    const c = this.centre;
    const c1 = c + fs * this.inv;
    const delta = c1 - c;
    this.centre = c1;
    this.s = fs - n * delta;
    this.s2 = this.fs2 - delta * (2 * fs - n * delta);
    this.fs = 0;
    this.fs2 = 0;
  }

  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.count = 0;
    this.centre = 0;
    this.s = 0;
    this.s2 = 0;
    this.fs = 0;
    this.fs2 = 0;
    this.last = NaN;
    this.run = 0;
  }
}
