import { beforeAll, describe, expect, it } from "vitest";
import {
  atrSeries,
  bollingerSeries,
  correlationSeries,
  emaSeries,
  macdSeries,
  olsSeries,
  rsiSeries,
  smaSeries,
  volatilitySeries,
  vwapSeries,
  zScoreSeries,
} from "../../core/indicators/index.js";
import { type CandleColumns, freqtradeColumns, sharedDataDir } from "./candles.js";

/**
 * Every indicator on real Binance hourly candles (BTC/USDT, 23,923 bars, file 1 of ../shared/data;
 * ETH/USDT, file 2, aligned on open times for the two-series ones) against a reference written out
 * here from the textbook definition: plain loops over each window, O(n · window), no rolling sums,
 * nothing shared with core/indicators. Agreement to 1e-9, relative (absolute below a floor for
 * values that cross 0). The comparison with npm libraries is in indicators-libraries.reference.test.ts.
 */

const fixtures = await sharedDataDir();
if (!fixtures) console.warn("cival: ../shared/data is not on this machine (set CIVAL_SHARED_DATA): the indicator reference tests are skipped");
const suite = fixtures ? describe : describe.skip;

const TOL = 1e-9;
let btc: CandleColumns;
/** BTC and ETH closes on their common open times. */
let pair: { btc: Float64Array; eth: Float64Array };

beforeAll(async () => {
  if (!fixtures) return;
  btc = await freqtradeColumns("jakekrafczyk-freqtrade/binance/BTC_USDT-1h.json");
  const eth = await freqtradeColumns("jakekrafczyk-freqtrade/binance/ETH_USDT-1h.json");
  const ethClose = new Map<number, number>();
  eth.time.forEach((t, i) => ethClose.set(t, eth.close[i] as number));
  const a: number[] = [];
  const b: number[] = [];
  btc.time.forEach((t, i) => {
    const e = ethClose.get(t);
    if (e !== undefined) {
      a.push(btc.close[i] as number);
      b.push(e);
    }
  });
  pair = { btc: Float64Array.from(a), eth: Float64Array.from(b) };
});

/**
 * The largest error of `got` against `want`, each scaled by max(|want|, floor); NaN must match NaN
 * exactly (same warm-up), and a NaN on one side only counts as an infinite error.
 */
function worst(got: ArrayLike<number>, want: ArrayLike<number>, floor: number): { error: number; at: number; compared: number } {
  let error = 0;
  let at = -1;
  let compared = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    if (Number.isNaN(g) && Number.isNaN(w)) continue;
    const e = Number.isNaN(g) || Number.isNaN(w) ? Infinity : Math.abs(g - w) / Math.max(Math.abs(w), floor);
    compared++;
    if (e > error) [error, at] = [e, i];
  }
  return { error, at, compared };
}

function agree(got: ArrayLike<number>, want: ArrayLike<number>, floor: number, warmup: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < warmup; i++) expect(got[i]).toBeNaN();
  const w = worst(got, want, floor);
  expect(w.compared).toBe(want.length - warmup);
  expect(w.error, `worst at ${w.at}`).toBeLessThan(TOL);
}

const nans = (n: number): number[] => new Array<number>(n).fill(NaN);
const mean = (xs: ArrayLike<number>, from: number, to: number): number => {
  let s = 0;
  for (let j = from; j < to; j++) s += xs[j] as number;
  return s / (to - from);
};
/** Σ (x − mean)² over [from, to), two passes. */
const squares = (xs: ArrayLike<number>, from: number, to: number): number => {
  const m = mean(xs, from, to);
  let s = 0;
  for (let j = from; j < to; j++) s += ((xs[j] as number) - m) ** 2;
  return s;
};

function naiveSma(xs: ArrayLike<number>, n: number): number[] {
  const out = nans(xs.length);
  for (let i = n - 1; i < xs.length; i++) out[i] = mean(xs, i - n + 1, i + 1);
  return out;
}

/** EMA with alpha 2/(n+1) started at `from`, seeded with the mean of xs[from .. from+n). */
function naiveEma(xs: ArrayLike<number>, n: number, from = 0): number[] {
  const out = nans(xs.length);
  const alpha = 2 / (n + 1);
  let e = mean(xs, from, from + n);
  out[from + n - 1] = e;
  for (let i = from + n; i < xs.length; i++) out[i] = e = alpha * (xs[i] as number) + (1 - alpha) * e;
  return out;
}

/** Wilder's RSI from its definition: RS = average gain / average loss, RSI = 100 − 100 / (1 + RS). */
function naiveRsi(xs: ArrayLike<number>, n: number): number[] {
  const out = nans(xs.length);
  const gains: number[] = [0];
  const losses: number[] = [0];
  for (let i = 1; i < xs.length; i++) {
    const d = (xs[i] as number) - (xs[i - 1] as number);
    gains.push(Math.max(d, 0));
    losses.push(Math.max(-d, 0));
  }
  let g = mean(gains, 1, n + 1);
  let l = mean(losses, 1, n + 1);
  for (let i = n; i < xs.length; i++) {
    if (i > n) {
      g = (g * (n - 1) + (gains[i] as number)) / n;
      l = (l * (n - 1) + (losses[i] as number)) / n;
    }
    out[i] = l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l);
  }
  return out;
}

function naiveBollinger(xs: ArrayLike<number>, n: number, k: number): { middle: number[]; upper: number[]; lower: number[] } {
  const middle = nans(xs.length);
  const upper = nans(xs.length);
  const lower = nans(xs.length);
  for (let i = n - 1; i < xs.length; i++) {
    const m = mean(xs, i - n + 1, i + 1);
    const sd = Math.sqrt(squares(xs, i - n + 1, i + 1) / n);
    [middle[i], upper[i], lower[i]] = [m, m + k * sd, m - k * sd];
  }
  return { middle, upper, lower };
}

/** TA-Lib's MACD: slow EMA from bar 0, fast EMA seeded on the `fast` bars ending at bar slow − 1, signal on the MACD line. */
function naiveMacd(xs: ArrayLike<number>, fast: number, slow: number, signal: number): { macd: number[]; signal: number[]; histogram: number[] } {
  const s = naiveEma(xs, slow);
  const f = naiveEma(xs, fast, slow - fast);
  const macd = s.map((v, i) => (i < slow - 1 ? NaN : (f[i] as number) - v));
  const sig = naiveEma(macd, signal, slow - 1);
  return { macd, signal: sig, histogram: macd.map((m, i) => m - (sig[i] as number)) };
}

function naiveAtr(h: ArrayLike<number>, l: ArrayLike<number>, c: ArrayLike<number>, n: number): number[] {
  const out = nans(c.length);
  const tr = [NaN];
  for (let i = 1; i < c.length; i++) {
    const pc = c[i - 1] as number;
    tr.push(Math.max((h[i] as number) - (l[i] as number), Math.abs((h[i] as number) - pc), Math.abs((l[i] as number) - pc)));
  }
  let a = mean(tr, 1, n + 1);
  out[n] = a;
  for (let i = n + 1; i < c.length; i++) out[i] = a = (a * (n - 1) + (tr[i] as number)) / n;
  return out;
}

function naiveVolatility(c: ArrayLike<number>, n: number): number[] {
  const out = nans(c.length);
  const r = [NaN];
  for (let i = 1; i < c.length; i++) r.push(Math.log((c[i] as number) / (c[i - 1] as number)));
  for (let i = n; i < c.length; i++) out[i] = Math.sqrt(squares(r, i - n + 1, i + 1) / (n - 1));
  return out;
}

function naiveZ(xs: ArrayLike<number>, n: number): number[] {
  const out = nans(xs.length);
  for (let i = n - 1; i < xs.length; i++) {
    const sd = Math.sqrt(squares(xs, i - n + 1, i + 1) / n);
    out[i] = sd === 0 ? 0 : ((xs[i] as number) - mean(xs, i - n + 1, i + 1)) / sd;
  }
  return out;
}

/** Σ (x − mean x)(y − mean y), Σ (x − mean x)², Σ (y − mean y)² over [from, to). */
function comoments(x: ArrayLike<number>, y: ArrayLike<number>, from: number, to: number): { sxy: number; sxx: number; syy: number; mx: number; my: number } {
  const mx = mean(x, from, to);
  const my = mean(y, from, to);
  let sxy = 0;
  for (let j = from; j < to; j++) sxy += ((x[j] as number) - mx) * ((y[j] as number) - my);
  return { sxy, sxx: squares(x, from, to), syy: squares(y, from, to), mx, my };
}

function naiveCorrelation(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number[] {
  const out = nans(x.length);
  for (let i = n - 1; i < x.length; i++) {
    const m = comoments(x, y, i - n + 1, i + 1);
    out[i] = m.sxy / Math.sqrt(m.sxx * m.syy);
  }
  return out;
}

function naiveOls(y: ArrayLike<number>, x: ArrayLike<number>, n: number): { alpha: number[]; beta: number[] } {
  const alpha = nans(x.length);
  const beta = nans(x.length);
  for (let i = n - 1; i < x.length; i++) {
    const m = comoments(x, y, i - n + 1, i + 1);
    beta[i] = m.sxy / m.sxx;
    alpha[i] = m.my - (beta[i] as number) * m.mx;
  }
  return { alpha, beta };
}

function naiveVwap(c: CandleColumns, n: number): number[] {
  const len = c.close.length;
  const out = nans(len);
  for (let i = Math.max(n - 1, 0); i < len; i++) {
    let pv = 0;
    let v = 0;
    for (let j = n === 0 ? 0 : i - n + 1; j <= i; j++) {
      pv += (((c.high[j] as number) + (c.low[j] as number) + (c.close[j] as number)) / 3) * (c.volume[j] as number);
      v += c.volume[j] as number;
    }
    out[i] = pv / v;
  }
  return out;
}

suite("indicators on real candles, against textbook loops", () => {
  it("when SMA(20) and SMA(200) run over BTC 1h closes then every value agrees from index n − 1", () => {
    for (const n of [20, 200]) agree(smaSeries(btc.close, n), naiveSma(btc.close, n), 1, n - 1);
  });

  it("when EMA(12) and EMA(50) run over BTC 1h closes then they agree with an SMA-seeded EMA from index n − 1", () => {
    for (const n of [12, 50]) agree(emaSeries(btc.close, n), naiveEma(btc.close, n), 1, n - 1);
  });

  it("when RSI(14) and RSI(2) run over BTC 1h closes then they agree with Wilder's definition from index n", () => {
    for (const n of [14, 2]) agree(rsiSeries(btc.close, n), naiveRsi(btc.close, n), 1, n);
  });

  it("when Bollinger(20, 2) runs over BTC 1h closes then middle, upper and lower agree with the population standard deviation", () => {
    const got = bollingerSeries(btc.close, 20, 2);
    const want = naiveBollinger(btc.close, 20, 2);
    agree(got.middle, want.middle, 1, 19);
    agree(got.upper, want.upper, 1, 19);
    agree(got.lower, want.lower, 1, 19);
  });

  it("when MACD(12, 26, 9) runs over BTC 1h closes then the three lines agree with TA-Lib's alignment", () => {
    const got = macdSeries(btc.close, 12, 26, 9);
    const want = naiveMacd(btc.close, 12, 26, 9);
    agree(got.macd, want.macd, 1, 25);
    agree(got.signal, want.signal, 1, 33);
    agree(got.histogram, want.histogram, 1, 33);
  });

  it("when the fast EMA is seeded on the first 12 closes instead then MACD differs early: the alignment is real", () => {
    const got = macdSeries(btc.close, 12, 26, 9);
    const unaligned = (naiveEma(btc.close, 12)[25] as number) - (naiveEma(btc.close, 26)[25] as number);
    expect(Math.abs((got.macd[25] as number) - unaligned)).toBeGreaterThan(1e-6);
  });

  it("when ATR(14) runs over BTC 1h bars then it agrees with Wilder's smoothing of true ranges from index 14", () => {
    agree(atrSeries(btc.high, btc.low, btc.close, 14), naiveAtr(btc.high, btc.low, btc.close, 14), 1, 14);
  });

  it("when rolling volatility(24) runs over BTC 1h closes then it is the sample std of the last 24 log returns from index 24", () => {
    agree(volatilitySeries(btc.close, 24), naiveVolatility(btc.close, 24), 1e-12, 24);
  });

  it("when z-score(20) and z-score(500) run over BTC 1h closes then they agree with (x − mean) / population std", () => {
    for (const n of [20, 500]) agree(zScoreSeries(btc.close, n), naiveZ(btc.close, n), 1, n - 1);
  });

  it("when rolling correlation(100) runs over BTC and ETH 1h closes then it agrees with Pearson's r", () => {
    expect(pair.btc.length).toBe(23_880);
    agree(correlationSeries(pair.btc, pair.eth, 100), naiveCorrelation(pair.btc, pair.eth, 100), 1, 99);
  });

  it("when rolling OLS(100) regresses ETH on BTC 1h closes then beta and alpha agree with least squares", () => {
    const got = olsSeries(pair.eth, pair.btc, 100);
    const want = naiveOls(pair.eth, pair.btc, 100);
    agree(got.beta, want.beta, 1e-3, 99);
    agree(got.alpha, want.alpha, 1, 99);
  });

  it("when VWAP(24) and the cumulative VWAP run over BTC 1h bars then they agree with Σ typical price · volume / Σ volume", () => {
    agree(vwapSeries(btc.high, btc.low, btc.close, btc.volume, 24), naiveVwap(btc, 24), 1, 23);
    agree(vwapSeries(btc.high, btc.low, btc.close, btc.volume, 0), naiveVwap(btc, 0), 1, 0);
  });
});
