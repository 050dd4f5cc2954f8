import { checkPeriod } from "./types.js";

/**
 * Means and co-moments (cxx, cyy, cxy: sums of products of deviations from the means) of the last
 * n (x, y) pairs, O(1) per push, no loop. It keeps sums of the deviations from centres near the
 * data (cx, cy) and of their squares and products, so no product is of raw prices. Beside the
 * rolling sums (add the new pair, drop the old) each pair goes into fresh sums that restart at
 * every wrap of the rings: at a wrap they hold exactly the window, replace the rolling sums, and
 * the centres move to the window's means (an exact shift), so rounding never accumulates beyond n
 * pushes. A series with n equal values in the window is known exactly by its run length (`runX`,
 * `runY`), not left to rounding: readers take its moments as 0 then.
 */
export class RollingComoments {
  readonly n: number;
  /** Whether Σ (y − mean y)² is kept (a regression of y on x needs no cyy). */
  readonly withCyy: boolean;
  count = 0;
  /** How many of the newest x (y) are equal: that series is constant over the window when ≥ n. */
  runX = 0;
  runY = 0;
  // Doubles start as NaN (V8 then keeps them as doubles); reset() zeroes them.
  private cx = NaN;
  private cy = NaN;
  private sx = NaN;
  private sy = NaN;
  private sxx = NaN;
  private syy = NaN;
  private sxy = NaN;
  private fx = NaN;
  private fy = NaN;
  private fxx = NaN;
  private fyy = NaN;
  private fxy = NaN;
  /** The newest pair. */
  lastX = NaN;
  lastY = NaN;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly inv: number;
  private pos = 0;
  /** True once the rings have wrapped: every slot holds a pair of the window. */
  private filled = false;

  constructor(n: number, withCyy = true) {
    this.n = checkPeriod("window n", n);
    this.withCyy = withCyy;
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.inv = 1 / n;
    this.reset();
  }

  /** The mean of x over a full window. */
  get meanX(): number {
    return this.cx + this.sx * this.inv;
  }

  get meanY(): number {
    return this.cy + this.sy * this.inv;
  }

  /** Σ (x − mean x)² over a full window (may round a hair below 0); cyy is NaN without `withCyy`. */
  get cxx(): number {
    return this.sxx - this.sx * this.sx * this.inv;
  }

  get cyy(): number {
    return this.withCyy ? this.syy - this.sy * this.sy * this.inv : NaN;
  }

  /** Σ (x − mean x)(y − mean y) over a full window. */
  get cxy(): number {
    return this.sxy - this.sx * this.sy * this.inv;
  }

  /** Adds a pair, dropping the one n pushes old. */
  push(x: number, y: number): void {
    const pos = this.pos;
    if (!this.filled && this.count++ === 0) {
      this.cx = x;
      this.cy = y;
    }
    const cx = this.cx;
    const cy = this.cy;
    const a = x - cx;
    const b = y - cy;
    if (this.filled) {
      // One update of each rolling sum: add the new pair's deviations, drop the old pair's.
      const oa = (this.xs[pos] as number) - cx;
      const ob = (this.ys[pos] as number) - cy;
      this.sx += a - oa;
      this.sy += b - ob;
      this.sxx += (a - oa) * (a + oa);
      if (this.withCyy) this.syy += (b - ob) * (b + ob);
      this.sxy += a * b - oa * ob;
    }
    this.fx += a;
    this.fy += b;
    this.fxx += a * a;
    if (this.withCyy) this.fyy += b * b;
    this.fxy += a * b;
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
      this.filled = true;
      this.refresh();
    } else this.pos = pos + 1;
  }

  /** At a wrap: the fresh sums are the window's; move the centres to its means (an exact shift of the sums). */
  private refresh(): void {
    const n = this.n;
    const fx = this.fx;
    const fy = this.fy;
    const cx1 = this.cx + fx * this.inv;
    const cy1 = this.cy + fy * this.inv;
    const dx = cx1 - this.cx;
    const dy = cy1 - this.cy;
    this.cx = cx1;
    this.cy = cy1;
    this.sx = fx - n * dx;
    this.sy = fy - n * dy;
    this.sxx = this.fxx - dx * (2 * fx - n * dx);
    this.syy = this.fyy - dy * (2 * fy - n * dy);
    this.sxy = this.fxy - dy * fx - dx * fy + n * dx * dy;
    this.fx = this.fy = this.fxx = this.fyy = this.fxy = 0;
  }

  reset(): void {
    this.xs.fill(0);
    this.ys.fill(0);
    this.pos = this.count = 0;
    this.filled = false;
    this.cx = this.cy = 0;
    this.sx = this.sy = this.sxx = this.syy = this.sxy = 0;
    this.fx = this.fy = this.fxx = this.fyy = this.fxy = 0;
    this.lastX = this.lastY = NaN;
    this.runX = this.runY = 0;
  }
}
