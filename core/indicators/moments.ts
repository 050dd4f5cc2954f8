import { checkPeriod } from "./types.js";

/**
 * The mean and the sum of squared deviations (m2) of the last n values, O(1) per push: Welford's
 * update while filling, then one replace step per push (m2 += (new − old)(new − mean' + old − mean),
 * which works on deviations, not on squares of prices). Both are recomputed by two passes over the
 * ring each time it wraps, so rounding never accumulates beyond n pushes. A window of n equal
 * values has m2 exactly 0 (counted by a run length, not left to rounding).
 */
export class RollingMoments {
  readonly n: number;
  mean = 0;
  m2 = 0;
  count = 0;
  private readonly ring: Float64Array;
  private readonly inv: number;
  private pos = 0;
  private last = NaN;
  private run = 0;

  constructor(n: number) {
    this.n = checkPeriod("window n", n);
    this.ring = new Float64Array(n);
    this.inv = 1 / n;
  }

  /** Adds x, dropping the value n pushes old. */
  push(x: number): void {
    const ring = this.ring;
    const pos = this.pos;
    const mean = this.mean;
    if (this.count < this.n) {
      const d = x - mean;
      const next = mean + d / ++this.count;
      this.mean = next;
      this.m2 += d * (x - next);
    } else {
      const old = ring[pos] as number;
      const next = mean + (x - old) * this.inv;
      this.mean = next;
      this.m2 += (x - old) * (x - next + old - mean);
    }
    ring[pos] = x;
    if (pos + 1 === this.n) {
      this.pos = 0;
      this.recompute();
    } else this.pos = pos + 1;
    if (x === this.last) {
      if (++this.run >= this.n) {
        this.mean = x;
        this.m2 = 0;
      }
    } else {
      this.last = x;
      this.run = 1;
    }
    if (this.m2 < 0) this.m2 = 0;
  }

  /** Two passes over the ring (oldest first after a wrap): mean, then squared deviations. */
  private recompute(): void {
    const ring = this.ring;
    let s = 0;
    for (let i = 0; i < ring.length; i++) s += ring[i] as number;
    const mean = s * this.inv;
    let m2 = 0;
    for (let i = 0; i < ring.length; i++) {
      const d = (ring[i] as number) - mean;
      m2 += d * d;
    }
    this.mean = mean;
    this.m2 = m2;
  }

  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.count = 0;
    this.mean = 0;
    this.m2 = 0;
    this.last = NaN;
    this.run = 0;
  }
}
