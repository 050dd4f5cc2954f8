import { checkPeriod, output, type Indicator1 } from "./types.js";

/**
 * Relative strength index, Wilder's, TA-Lib's convention: the first value (index n, lookback n)
 * uses the simple means of the first n gains and losses (close-to-close changes); after it each
 * mean is smoothed as avg = (avg · (n − 1) + new) / n. RSI = 100 · avgGain / (avgGain + avgLoss).
 * A window with neither gain nor loss gives 50 (TA-Lib gives 0, which would read as oversold).
 */
export class Rsi implements Indicator1 {
  readonly n: number;
  readonly lookback: number;
  value = NaN;
  private readonly keep: number;
  private readonly inv: number;
  private count = 0;
  private prev = NaN;
  private gain = 0;
  private loss = 0;

  constructor(n = 14) {
    this.n = checkPeriod("Rsi n", n);
    this.lookback = n;
    this.keep = (n - 1) / n;
    this.inv = 1 / n;
  }

  get ready(): boolean {
    return this.count > this.n;
  }

  /** Adds a close; returns the RSI in [0, 100] (NaN before n + 1 closes). */
  update(x: number): number {
    const d = x - this.prev;
    this.prev = x;
    // Gain and loss without a branch (rises and falls alternate at random: a branch mispredicts);
    // both are exact: (d + |d|) / 2 is d or 0.
    const a = Math.abs(d);
    const up = (d + a) * 0.5;
    const down = (a - d) * 0.5;
    if (this.count > this.n) {
      this.gain = this.gain * this.keep + up * this.inv;
      this.loss = this.loss * this.keep + down * this.inv;
    } else {
      if (this.count++ === 0) return NaN;
      this.gain += up;
      this.loss += down;
      if (this.count <= this.n) return NaN;
      this.gain *= this.inv;
      this.loss *= this.inv;
    }
    const total = this.gain + this.loss;
    return (this.value = total > 0 ? (100 * this.gain) / total : 50);
  }

  reset(): void {
    this.count = 0;
    this.prev = NaN;
    this.gain = 0;
    this.loss = 0;
    this.value = NaN;
  }
}

/** RSI(n) of a whole series (NaN before index n), by the streaming class. */
export function rsiSeries(values: ArrayLike<number>, n = 14, out?: Float64Array): Float64Array {
  const o = output(values.length, out);
  const r = new Rsi(n);
  for (let i = 0; i < values.length; i++) o[i] = r.update(values[i] as number);
  return o;
}
