import { checkPeriod, output, type Indicator1 } from "./types.js";

/**
 * MACD, TA-Lib's convention. Both EMAs use alpha = 2 / (period + 1) and are seeded with a simple
 * mean, aligned as TA-Lib aligns them: the slow EMA's seed is the mean of the first `slow` values
 * and the fast EMA's seed is the mean of the `fast` values ending at that same bar (index
 * slow − 1), not of the first `fast` values; both then run from bar slow. The MACD line is
 * fast − slow from index slow − 1; the signal line is the EMA(signal) of the MACD line, seeded with
 * the mean of its first `signal` values, so it and the histogram (MACD − signal) start at index
 * slow + signal − 2, the lookback and TA-Lib's first output. fast < slow. Each EMA steps as
 * (1 − alpha) · ema + alpha · x.
 */
export class Macd implements Indicator1 {
  readonly fast: number;
  readonly slow: number;
  readonly signalPeriod: number;
  readonly lookback: number;
  macd = NaN;
  signal = NaN;
  histogram = NaN;
  private readonly kFast: number;
  private readonly kSlow: number;
  private readonly kSignal: number;
  private readonly keepFast: number;
  private readonly keepSlow: number;
  private readonly keepSignal: number;
  /** The last `fast` values while warming up, for the fast seed. */
  private readonly ring: Float64Array;
  private count = 0;
  private fastEma = 0;
  private slowEma = 0;
  private signalSum = 0;

  constructor(fast = 12, slow = 26, signal = 9) {
    this.fast = checkPeriod("Macd fast", fast);
    this.slow = checkPeriod("Macd slow", slow, fast + 1);
    this.signalPeriod = checkPeriod("Macd signal", signal);
    this.lookback = slow + signal - 2;
    this.kFast = 2 / (fast + 1);
    this.kSlow = 2 / (slow + 1);
    this.kSignal = 2 / (signal + 1);
    this.keepFast = 1 - this.kFast;
    this.keepSlow = 1 - this.kSlow;
    this.keepSignal = 1 - this.kSignal;
    this.ring = new Float64Array(fast);
  }

  /** The MACD line. */
  get value(): number {
    return this.macd;
  }

  get ready(): boolean {
    return this.count > this.lookback;
  }

  /** Adds x; returns the MACD line (NaN before index slow − 1); signal and histogram follow from index slow + signal − 2. */
  update(x: number): number {
    const i = this.count++;
    if (i >= this.slow) {
      this.fastEma = this.fastEma * this.keepFast + this.kFast * x;
      this.slowEma = this.slowEma * this.keepSlow + this.kSlow * x;
    } else if (!this.warm(x, i)) return NaN;
    const m = this.fastEma - this.slowEma;
    this.macd = m;
    if (i > this.lookback) {
      this.signal = this.signal * this.keepSignal + this.kSignal * m;
      this.histogram = m - this.signal;
    } else {
      this.signalSum += m;
      if (i === this.lookback) this.seedSignal(m);
    }
    return m;
  }

  /** Bars 0 .. slow − 1: sums for the seeds; true at bar slow − 1, where both EMAs are seeded. */
  private warm(x: number, i: number): boolean {
    this.slowEma += x;
    this.ring[i % this.fast] = x;
    if (i < this.slow - 1) return false;
    let s = 0;
    for (let j = 0; j < this.fast; j++) s += this.ring[j] as number;
    this.fastEma = s / this.fast;
    this.slowEma /= this.slow;
    return true;
  }

  private seedSignal(m: number): void {
    this.signal = this.signalSum / this.signalPeriod;
    this.histogram = m - this.signal;
  }

  reset(): void {
    this.ring.fill(0);
    this.count = 0;
    this.fastEma = this.slowEma = this.signalSum = 0;
    this.macd = this.signal = this.histogram = NaN;
  }
}

/** MACD(fast, slow, signal) of a whole series (NaN before each line's first index), by the streaming class. */
export function macdSeries(
  values: ArrayLike<number>,
  fast = 12,
  slow = 26,
  signal = 9,
  out?: { macd: Float64Array; signal: Float64Array; histogram: Float64Array },
): { macd: Float64Array; signal: Float64Array; histogram: Float64Array } {
  const len = values.length;
  const macd = output(len, out?.macd);
  const sig = output(len, out?.signal);
  const hist = output(len, out?.histogram);
  const m = new Macd(fast, slow, signal);
  for (let i = 0; i < len; i++) {
    macd[i] = m.update(values[i] as number);
    sig[i] = m.signal;
    hist[i] = m.histogram;
  }
  return { macd, signal: sig, histogram: hist };
}
