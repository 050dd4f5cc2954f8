import { checkPeriod, output, sameLength, type Indicator } from "./types.js";

/**
 * Average true range, Wilder's, TA-Lib's convention. The true range of a bar is
 * max(high − low, |high − previous close|, |low − previous close|), so the first bar has none;
 * the first ATR (index n, lookback n) is the simple mean of the first n true ranges (bars 1 .. n),
 * then atr = (atr · (n − 1) + tr) / n.
 */
export class Atr implements Indicator {
  readonly n: number;
  readonly lookback: number;
  value = NaN;
  /** The newest bar's true range (NaN on the first bar). */
  trueRange = NaN;
  private readonly keep: number;
  private readonly inv: number;
  private count = 0;
  private prevClose = NaN;
  private sum = 0;

  constructor(n = 14) {
    this.n = checkPeriod("Atr n", n);
    this.lookback = n;
    this.keep = (n - 1) / n;
    this.inv = 1 / n;
  }

  get ready(): boolean {
    return this.count > this.n;
  }

  /** Adds a bar; returns the ATR (NaN before n + 1 bars). */
  update(high: number, low: number, close: number): number {
    const pc = this.prevClose;
    this.prevClose = close;
    let tr = high - low;
    const up = high - pc;
    const down = pc - low;
    if (up > tr) tr = up;
    if (down > tr) tr = down;
    this.trueRange = tr;
    if (this.count > this.n) return (this.value = this.value * this.keep + tr * this.inv);
    if (this.count++ === 0) {
      this.trueRange = NaN;
      return NaN;
    }
    this.sum += tr;
    if (this.count <= this.n) return NaN;
    return (this.value = this.sum * this.inv);
  }

  reset(): void {
    this.count = 0;
    this.prevClose = NaN;
    this.sum = 0;
    this.value = NaN;
    this.trueRange = NaN;
  }
}

/** ATR(n) of whole high, low and close series (NaN before index n), by the streaming class. */
export function atrSeries(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, n = 14, out?: Float64Array): Float64Array {
  const len = sameLength(high, low, close);
  const o = output(len, out);
  const a = new Atr(n);
  for (let i = 0; i < len; i++) o[i] = a.update(high[i] as number, low[i] as number, close[i] as number);
  return o;
}
