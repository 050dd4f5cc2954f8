import { RollingComoments } from "./comoments.js";
import { checkPeriod, output, sameLength, type Indicator } from "./types.js";

/**
 * Rolling ordinary least squares of y = alpha + beta · x over the last n pairs: beta =
 * cov(x, y) / var(x) (the hedge ratio of y against x), alpha = mean y − beta · mean x, and the
 * residual y − alpha − beta · x of the newest pair (the spread a pairs trade watches). When x is
 * constant over the window, beta is 0 and alpha the mean of y. First ready at index n − 1
 * (lookback n − 1). n ≥ 2.
 */
export class RollingOls implements Indicator {
  readonly n: number;
  readonly lookback: number;
  alpha = NaN;
  beta = NaN;
  private readonly w: RollingComoments;

  constructor(n: number) {
    this.w = new RollingComoments(checkPeriod("RollingOls n", n, 2), false);
    this.n = n;
    this.lookback = n - 1;
  }

  /** y − alpha − beta · x of the newest pair: the spread a pairs trade watches (NaN before ready). */
  get residual(): number {
    return this.ready ? this.w.lastY - this.alpha - this.beta * this.w.lastX : NaN;
  }

  /** Beta, the hedge ratio. */
  get value(): number {
    return this.beta;
  }

  get ready(): boolean {
    return this.w.count >= this.n;
  }

  /** Adds a pair (note: y first); returns beta over the last n pairs (NaN before n); alpha and residual follow. */
  update(y: number, x: number): number {
    const w = this.w;
    w.push(x, y);
    if (w.count < this.n) return NaN;
    const constantY = w.runY >= this.n;
    const cxx = w.cxx;
    const beta = cxx > 0 && w.runX < this.n && !constantY ? w.cxy / cxx : 0;
    const alpha = (constantY ? y : w.meanY) - beta * w.meanX;
    this.alpha = alpha;
    return (this.beta = beta);
  }

  reset(): void {
    this.w.reset();
    this.alpha = this.beta = NaN;
  }
}

/** RollingOls(n) of whole y and x series (NaN before index n − 1), by the streaming class. */
export function olsSeries(
  y: ArrayLike<number>,
  x: ArrayLike<number>,
  n: number,
  out?: { alpha: Float64Array; beta: Float64Array },
): { alpha: Float64Array; beta: Float64Array } {
  const len = sameLength(y, x);
  const alpha = output(len, out?.alpha);
  const beta = output(len, out?.beta);
  const o = new RollingOls(n);
  for (let i = 0; i < len; i++) {
    beta[i] = o.update(y[i] as number, x[i] as number);
    alpha[i] = o.alpha;
  }
  return { alpha, beta };
}
