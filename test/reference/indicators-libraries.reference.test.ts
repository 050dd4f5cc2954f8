import * as ti from "technicalindicators";
import * as ts from "trading-signals";
import { beforeAll, describe, expect, it } from "vitest";
import { atrSeries, bollingerSeries, emaSeries, macdSeries, rsiSeries, smaSeries, vwapSeries } from "../../core/indicators/index.js";
import { type CandleColumns, freqtradeColumns, sharedDataDir } from "./candles.js";

/**
 * core/indicators against two npm libraries on real Binance BTC/USDT hourly candles (file 1 of
 * ../shared/data, 23,923 bars): `technicalindicators` 3.1 and `trading-signals` 8.3. Where a
 * library follows TA-Lib's convention the values agree to 1e-9 from the first one; where it
 * does not, the test says how it differs, shows that it does (so the comparison is not vacuous),
 * and compares from bar 1,000 on, where the difference in the seed has decayed below 1e-9
 * (it shrinks by (1 − alpha) a bar: (25/27)^975 < 1e-30 for the slowest EMA here).
 */

const fixtures = await sharedDataDir();
if (!fixtures) console.warn("cival: ../shared/data is not on this machine (set CIVAL_SHARED_DATA): the indicator library comparisons are skipped");
const suite = fixtures ? describe : describe.skip;

const TOL = 1e-9;
/** Where seeds that differ from TA-Lib's have decayed away. */
const CONVERGED = 1_000;
let btc: CandleColumns;
let closes: number[];

beforeAll(async () => {
  if (!fixtures) return;
  btc = await freqtradeColumns("jakekrafczyk-freqtrade/binance/BTC_USDT-1h.json");
  closes = Array.from(btc.close);
});

/** A library's values, which start at its first output, laid on the series' indices (NaN before). */
function aligned(values: ArrayLike<number | null | undefined>, length: number): Float64Array {
  const out = new Float64Array(length).fill(NaN);
  const offset = length - values.length;
  for (let j = 0; j < values.length; j++) out[offset + j] = values[j] ?? NaN;
  return out;
}

/** trading-signals' streaming results over every bar (NaN while it gives none). */
function streamed<T>(length: number, update: (i: number) => T | null, pick: (r: T) => number): Float64Array {
  const out = new Float64Array(length).fill(NaN);
  for (let i = 0; i < length; i++) {
    const r = update(i);
    if (r !== null && r !== undefined) out[i] = pick(r);
  }
  return out;
}

/** The largest |got − want| / max(|want|, floor) from index `from`, both defined there. */
function worst(got: ArrayLike<number>, want: ArrayLike<number>, from: number, floor = 1): number {
  let e = 0;
  for (let i = from; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    if (Number.isNaN(g) || Number.isNaN(w)) return Infinity;
    e = Math.max(e, Math.abs(g - w) / Math.max(Math.abs(w), floor));
  }
  return e;
}

/** Both give their first value at `first` and agree to 1e-9 from there. */
function sameFrom(got: Float64Array, want: Float64Array, first: number, tol = TOL): void {
  expect(Number.isNaN(want[first - 1] as number)).toBe(true);
  expect(Number.isNaN(got[first - 1] as number)).toBe(true);
  expect(worst(got, want, first)).toBeLessThan(tol);
}

/** They differ at `at` (a different convention), then agree to 1e-9 once it has decayed. */
function convergeFrom(got: Float64Array, want: Float64Array, at: number): void {
  expect(Math.abs((got[at] as number) - (want[at] as number))).toBeGreaterThan(1e-6);
  expect(worst(got, want, CONVERGED)).toBeLessThan(TOL);
}

suite("indicators against technicalindicators on real candles", () => {
  it("when SMA(20) runs then it matches from index 19", () => {
    sameFrom(smaSeries(btc.close, 20), aligned(ti.SMA.calculate({ period: 20, values: closes }), closes.length), 19);
  });

  it("when EMA(20) runs then it matches from index 19 (both seed with the SMA, as TA-Lib)", () => {
    sameFrom(emaSeries(btc.close, 20), aligned(ti.EMA.calculate({ period: 20, values: closes }), closes.length), 19);
  });

  it("when RSI(14) runs then it matches from index 14 to its two decimals (technicalindicators rounds RSI with toFixed(2))", () => {
    const want = aligned(ti.RSI.calculate({ period: 14, values: closes }), closes.length);
    const got = rsiSeries(btc.close, 14);
    expect(Number.isNaN(want[13] as number)).toBe(true);
    let e = 0;
    for (let i = 14; i < closes.length; i++) e = Math.max(e, Math.abs((got[i] as number) - (want[i] as number)));
    expect(e).toBeLessThanOrEqual(0.005 + 1e-9);
  });

  it("when Bollinger(20, 2) runs then the three bands match from index 19 (population standard deviation in both)", () => {
    const want = ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: closes });
    const got = bollingerSeries(btc.close, 20, 2);
    sameFrom(got.middle, aligned(want.map((b) => b.middle), closes.length), 19);
    sameFrom(got.upper, aligned(want.map((b) => b.upper), closes.length), 19);
    sameFrom(got.lower, aligned(want.map((b) => b.lower), closes.length), 19);
  });

  it("when MACD(12, 26, 9) runs with EMAs then it differs at first (its fast EMA seeds on the first 12 closes, TA-Lib's on closes 14..25) and matches once that decays", () => {
    const want = ti.MACD.calculate({ values: closes, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false });
    const got = macdSeries(btc.close, 12, 26, 9);
    convergeFrom(got.macd, aligned(want.map((m) => m.MACD), closes.length), 25);
    convergeFrom(got.signal, aligned(want.map((m) => m.signal), closes.length), 33);
    convergeFrom(got.histogram, aligned(want.map((m) => m.histogram), closes.length), 33);
  });

  it("when ATR(14) runs then it matches from index 14 (true ranges from bar 1, Wilder seeded with their mean, as TA-Lib)", () => {
    const want = ti.ATR.calculate({ period: 14, high: Array.from(btc.high), low: Array.from(btc.low), close: closes });
    sameFrom(atrSeries(btc.high, btc.low, btc.close, 14), aligned(want, closes.length), 14);
  });

  it("when the cumulative VWAP runs then it matches from the first bar", () => {
    const want = ti.VWAP.calculate({ high: Array.from(btc.high), low: Array.from(btc.low), close: closes, volume: Array.from(btc.volume) });
    const got = vwapSeries(btc.high, btc.low, btc.close, btc.volume, 0);
    expect(worst(got, aligned(want, closes.length), 0)).toBeLessThan(TOL);
  });
});

suite("indicators against trading-signals on real candles", () => {
  const n = (): number => closes.length;

  it("when RSI(14) runs then it matches from index 14 (Wilder's smoothing seeded with simple means, as TA-Lib)", () => {
    const rsi = new ts.RSI(14);
    sameFrom(rsiSeries(btc.close, 14), streamed(n(), (i) => rsi.add(closes[i] as number), (r) => r), 14);
  });

  it("when Bollinger(20, 2) runs then the three bands match from index 19", () => {
    const bb = new ts.BollingerBands(20, 2);
    const want = Array.from({ length: n() }, (_, i) => bb.add(closes[i] as number));
    const got = bollingerSeries(btc.close, 20, 2);
    sameFrom(got.middle, streamed(n(), (i) => want[i] ?? null, (r) => r.middle), 19);
    sameFrom(got.upper, streamed(n(), (i) => want[i] ?? null, (r) => r.upper), 19);
    sameFrom(got.lower, streamed(n(), (i) => want[i] ?? null, (r) => r.lower), 19);
  });

  it("when EMA(20) runs then it differs at first (trading-signals seeds with the first close, TA-Lib with the SMA) and matches once that decays", () => {
    const ema = new ts.EMA(20);
    const want = streamed(n(), (i) => {
      const v = ema.add(closes[i] as number);
      return ema.isStable ? v : null;
    }, (r) => r);
    convergeFrom(emaSeries(btc.close, 20), want, 19);
  });

  it("when MACD(12, 26, 9) runs then it differs at first (first-close seeds) and matches once that decays", () => {
    const macd = new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9));
    const want = Array.from({ length: n() }, (_, i) => macd.add(closes[i] as number));
    const got = macdSeries(btc.close, 12, 26, 9);
    convergeFrom(got.macd, streamed(n(), (i) => want[i] ?? null, (r) => r.macd), 40);
    convergeFrom(got.signal, streamed(n(), (i) => want[i] ?? null, (r) => r.signal), 40);
  });

  it("when ATR(14) runs then it differs at first (its first true range is bar 0's high − low and its first ATR is at index 13) and matches once that decays", () => {
    const atr = new ts.ATR(14);
    const want = streamed(n(), (i) => atr.add({ high: btc.high[i] as number, low: btc.low[i] as number, close: closes[i] as number }), (r) => r);
    expect(Number.isNaN(want[13] as number)).toBe(false);
    convergeFrom(atrSeries(btc.high, btc.low, btc.close, 14), want, 14);
  });

  it("when the cumulative VWAP runs then it matches from the first bar (trading-signals answers null for a bar of zero volume, as bar 14,704 is: its VWAP is unchanged, as ours)", () => {
    const vwap = new ts.VWAP();
    const want = streamed(n(), (i) => {
      vwap.add({ high: btc.high[i] as number, low: btc.low[i] as number, close: closes[i] as number, volume: btc.volume[i] as number });
      return vwap.getResult();
    }, (r) => r);
    expect(btc.volume[14_704]).toBe(0);
    expect(worst(vwapSeries(btc.high, btc.low, btc.close, btc.volume, 0), want, 0)).toBeLessThan(TOL);
  });
});
