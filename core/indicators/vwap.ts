import { checkPeriod, output, sameLength, type Indicator } from "./types.js";

/**
 * Volume-weighted average price of the last n bars, each bar at its typical price
 * (high + low + close) / 3: Σ tp · volume / Σ volume. n = 0 means cumulative since the last
 * reset (an anchored VWAP, ready from the first bar). A window with no volume at all gives the
 * plain mean of its typical prices. First ready at index n − 1 (0 when n = 0). Beside the
 * rolling sums, fresh sums restart at every wrap of the rings and replace them there, so
 * rounding never accumulates beyond n updates.
 */
export class Vwap implements Indicator {
  readonly n: number;
  readonly lookback: number;
  value = NaN;
  /** Σ volume over the window. */
  volume = NaN;
  private readonly size: number;
  private readonly pv: Float64Array;
  private readonly vs: Float64Array;
  private readonly tps: Float64Array;
  private pos = 0;
  private count = 0;
  // Doubles start as NaN (V8 then keeps them as doubles); the constructor zeroes them.
  private sumPv = NaN;
  private sumTp = NaN;
  private freshPv = NaN;
  private freshV = NaN;
  private freshTp = NaN;
  /** Bars in the window with volume > 0: exact, so a window of zero volumes is known as such. */
  private traded = 0;

  constructor(n: number) {
    this.n = checkPeriod("Vwap n", n, 0);
    this.lookback = n > 0 ? n - 1 : 0;
    this.size = n;
    this.pv = new Float64Array(n);
    this.vs = new Float64Array(n);
    this.tps = new Float64Array(n);
    this.reset();
  }

  get ready(): boolean {
    return this.count > this.lookback;
  }

  /** Adds a bar; returns the VWAP (NaN before n bars). */
  update(high: number, low: number, close: number, volume: number): number {
    const tp = (high + low + close) / 3;
    const pv = tp * volume;
    if (this.size === 0) {
      this.count++;
      this.sumPv += pv;
      this.volume += volume;
      this.sumTp += tp;
      if (volume > 0) this.traded++;
    } else if (!this.roll(tp, pv, volume)) return NaN;
    return (this.value = this.traded > 0 ? this.sumPv / this.volume : this.sumTp / this.count);
  }

  /** The windowed sums; false while the window is not yet full. */
  private roll(tp: number, pv: number, volume: number): boolean {
    const pos = this.pos;
    const old = this.vs[pos] as number;
    this.sumPv += pv - (this.pv[pos] as number);
    this.volume += volume - old;
    this.sumTp += tp - (this.tps[pos] as number);
    this.traded += (volume > 0 ? 1 : 0) - (old > 0 ? 1 : 0);
    this.freshPv += pv;
    this.freshV += volume;
    this.freshTp += tp;
    this.pv[pos] = pv;
    this.vs[pos] = volume;
    this.tps[pos] = tp;
    if (pos + 1 === this.size) {
      this.pos = 0;
      this.refresh();
    } else this.pos = pos + 1;
    if (this.count < this.size) this.count++;
    return this.count >= this.size;
  }

  /** At a wrap the fresh sums hold exactly the window: they replace the rolling ones. */
  private refresh(): void {
    this.sumPv = this.freshPv;
    this.volume = this.freshV;
    this.sumTp = this.freshTp;
    this.freshPv = this.freshV = this.freshTp = 0;
  }

  reset(): void {
    this.pv.fill(0);
    this.vs.fill(0);
    this.tps.fill(0);
    this.pos = this.count = this.traded = 0;
    this.sumPv = this.volume = this.sumTp = 0;
    this.freshPv = this.freshV = this.freshTp = 0;
    this.value = NaN;
  }
}

/** Vwap(n) of whole high, low, close and volume series (NaN before index n − 1), by the streaming class. */
export function vwapSeries(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  volume: ArrayLike<number>,
  n: number,
  out?: Float64Array,
): Float64Array {
  const len = sameLength(high, low, close, volume);
  const o = output(len, out);
  const w = new Vwap(n);
  for (let i = 0; i < len; i++) o[i] = w.update(high[i] as number, low[i] as number, close[i] as number, volume[i] as number);
  return o;
}
