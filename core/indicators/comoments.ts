import { checkPeriod, wrapsPerRecompute } from "./types.js";

/**
 * Means and co-moments (sums of products of deviations: cxx, cyy, cxy) of the last n (x, y)
 * pairs, O(1) per push. While filling: Welford's update; then one replace step per push,
 * c += (new_x − mean_x)(new_y − mean_y') − (old_x − mean_x)(old_y − mean_y'), which works on
 * deviations. Everything is recomputed by two passes over the rings every so often
 * (`RECOMPUTE_UPDATES`), so rounding never accumulates over millions of pushes. A series with n
 * equal values in the window is known exactly by its run length (`runX`, `runY`), not left to
 * rounding: readers take its moments as 0 then. Sums of squares may round a hair below 0.
 */
export class RollingComoments {
  readonly n: number;
  count = 0;
  // Doubles start as NaN, then reset() zeroes them: V8 then stores them as doubles from the
  // start (a field first set to 0 is a small integer and changes shape on its first fraction).
  meanX = NaN;
  meanY = NaN;
  cxx = NaN;
  cyy = NaN;
  cxy = NaN;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly inv: number;
  private readonly every: number;
  private wraps: number;
  private pos = 0;
  private lastX = NaN;
  private lastY = NaN;
  /** How many of the newest x (y) are equal: that series is constant over the window when ≥ n (its moments are then 0 exactly, whatever rounding left in the sums). */
  runX = 0;
  runY = 0;

  constructor(n: number) {
    this.n = checkPeriod("window n", n);
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.inv = 1 / n;
    this.every = this.wraps = wrapsPerRecompute(n);
    this.reset();
  }

  /** Adds a pair, dropping the one n pushes old. */
  push(x: number, y: number): void {
    const pos = this.pos;
    const mx = this.meanX;
    const my = this.meanY;
    if (this.count < this.n) {
      const c = ++this.count;
      const dx = x - mx;
      const mx1 = mx + dx / c;
      const my1 = my + (y - my) / c;
      this.meanX = mx1;
      this.meanY = my1;
      this.cxx += dx * (x - mx1);
      this.cyy += (y - my) * (y - my1);
      this.cxy += dx * (y - my1);
    } else {
      const ox = this.xs[pos] as number;
      const oy = this.ys[pos] as number;
      const mx1 = mx + (x - ox) * this.inv;
      const my1 = my + (y - oy) * this.inv;
      this.meanX = mx1;
      this.meanY = my1;
      this.cxx += (x - ox) * (x - mx1 + ox - mx);
      this.cyy += (y - oy) * (y - my1 + oy - my);
      this.cxy += (x - mx) * (y - my1) - (ox - mx) * (oy - my1);
    }
    this.xs[pos] = x;
    this.ys[pos] = y;
    if (x === this.lastX) this.runX++;
    else {
      this.lastX = x;
      this.runX = 1;
    }
    if (y === this.lastY) this.runY++;
    else {
      this.lastY = y;
      this.runY = 1;
    }
    if (pos + 1 === this.n) {
      this.pos = 0;
      if (--this.wraps === 0) this.recompute();
    } else this.pos = pos + 1;
  }

  /** Two passes over the rings (oldest first after a wrap): means, then co-moments. */
  private recompute(): void {
    this.wraps = this.every;
    const xs = this.xs;
    const ys = this.ys;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < xs.length; i++) {
      sx += xs[i] as number;
      sy += ys[i] as number;
    }
    const mx = sx * this.inv;
    const my = sy * this.inv;
    let cxx = 0;
    let cyy = 0;
    let cxy = 0;
    for (let i = 0; i < xs.length; i++) {
      const dx = (xs[i] as number) - mx;
      const dy = (ys[i] as number) - my;
      cxx += dx * dx;
      cyy += dy * dy;
      cxy += dx * dy;
    }
    this.meanX = mx;
    this.meanY = my;
    this.cxx = cxx;
    this.cyy = cyy;
    this.cxy = cxy;
  }

  reset(): void {
    this.xs.fill(0);
    this.ys.fill(0);
    this.pos = this.count = 0;
    this.wraps = this.every;
    this.meanX = this.meanY = this.cxx = this.cyy = this.cxy = 0;
    this.lastX = this.lastY = NaN;
    this.runX = this.runY = 0;
  }
}
