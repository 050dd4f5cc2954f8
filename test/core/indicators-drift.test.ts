import { describe, expect, it } from "vitest";
import { Bollinger, RollingCorrelation, RollingOls, RollingVolatility, Sma, Vwap, ZScore } from "../../core/indicators/index.js";
import { nextNormal, nextUniform, seedRng } from "../../core/rng.js";

/**
 * Rolling sums over a million updates: each windowed indicator streams 1,000,000 synthetic bars
 * (a random walk from 30,000 that wanders over orders of magnitude of variance, with volumes),
 * and at checkpoints spread over the run, the last at the very end, its value is compared with a
 * fresh two-pass computation over the window at that bar. Agreement to 1e-9 (relative; absolute
 * below 1 for values that cross 0) shows rounding does not accumulate.
 */

const N = 1_000_000;
const rng = seedRng("drift");
const close = new Float64Array(N);
const other = new Float64Array(N);
const high = new Float64Array(N);
const low = new Float64Array(N);
const volume = new Float64Array(N);
let lp = Math.log(30_000);
let lq = Math.log(2_000);
for (let i = 0; i < N; i++) {
  // Volatility itself wanders (calm and wild stretches), as in real markets.
  const vol = 0.001 + 0.01 * (0.5 + 0.5 * Math.sin(i / 20_000));
  const common = vol * nextNormal(rng);
  lp += common + 0.3 * vol * nextNormal(rng);
  lq += 0.7 * common + 0.5 * vol * nextNormal(rng);
  close[i] = Math.exp(lp);
  other[i] = Math.exp(lq);
  high[i] = (close[i] as number) * (1 + vol * nextUniform(rng));
  low[i] = (close[i] as number) * (1 - vol * nextUniform(rng));
  volume[i] = 100 * nextUniform(rng);
}

/** Checkpoints: 40 bars spread over the run, not aligned to any period, and the last bar. */
const CHECKS = new Set([...Array.from({ length: 40 }, (_, k) => 24_989 + k * 24_977), N - 1]);

function mean(a: Float64Array, to: number, n: number): number {
  let s = 0;
  for (let j = to - n + 1; j <= to; j++) s += a[j] as number;
  return s / n;
}
function comoment(a: Float64Array, b: Float64Array, to: number, n: number): number {
  const ma = mean(a, to, n);
  const mb = mean(b, to, n);
  let s = 0;
  for (let j = to - n + 1; j <= to; j++) s += ((a[j] as number) - ma) * ((b[j] as number) - mb);
  return s;
}

function near(got: number, want: number, what: string): void {
  expect(Math.abs(got - want) / Math.max(Math.abs(want), 1), `${what}: ${got} vs ${want}`).toBeLessThan(1e-9);
}

describe("indicators over a million updates", () => {
  it("when SMA, Bollinger and z-score stream a million values then they agree with a fresh window at every checkpoint", () => {
    for (const n of [20, 1_000]) {
      const sma = new Sma(n);
      const bb = new Bollinger(n, 2);
      const z = new ZScore(n);
      for (let i = 0; i < N; i++) {
        const x = close[i] as number;
        sma.update(x);
        bb.update(x);
        z.update(x);
        if (!CHECKS.has(i)) continue;
        const m = mean(close, i, n);
        const sd = Math.sqrt(comoment(close, close, i, n) / n);
        near(sma.value, m, `sma(${n}) at ${i}`);
        near(bb.upper, m + 2 * sd, `bollinger(${n}) upper at ${i}`);
        near(bb.stdDev, sd, `bollinger(${n}) std at ${i}`);
        near(z.value, (x - m) / sd, `z(${n}) at ${i}`);
      }
    }
  });

  it("when rolling volatility streams a million closes then it agrees with the sample std of the window's log returns", () => {
    const n = 50;
    const v = new RollingVolatility(n);
    const r = new Float64Array(N);
    for (let i = 1; i < N; i++) r[i] = Math.log((close[i] as number) / (close[i - 1] as number));
    for (let i = 0; i < N; i++) {
      v.update(close[i] as number);
      if (CHECKS.has(i)) near(v.value, Math.sqrt(comoment(r, r, i, n) / (n - 1)), `volatility at ${i}`);
    }
  });

  it("when correlation and OLS stream a million pairs then they agree with a fresh window at every checkpoint", () => {
    const n = 100;
    const c = new RollingCorrelation(n);
    const o = new RollingOls(n);
    for (let i = 0; i < N; i++) {
      c.update(close[i] as number, other[i] as number);
      o.update(other[i] as number, close[i] as number);
      if (!CHECKS.has(i)) continue;
      const sxx = comoment(close, close, i, n);
      const sxy = comoment(close, other, i, n);
      const beta = sxy / sxx;
      near(c.value, sxy / Math.sqrt(sxx * comoment(other, other, i, n)), `correlation at ${i}`);
      near(o.beta / Math.sqrt(comoment(other, other, i, n) / sxx), beta / Math.sqrt(comoment(other, other, i, n) / sxx), `beta (in units of its scale) at ${i}`);
      near(o.alpha, mean(other, i, n) - beta * mean(close, i, n), `alpha at ${i}`);
    }
  });

  it("when VWAP streams a million bars then the rolling and the cumulative one agree with fresh sums", () => {
    const n = 240;
    const w = new Vwap(n);
    const all = new Vwap(0);
    let pv = 0;
    let v = 0;
    for (let i = 0; i < N; i++) {
      const tp = ((high[i] as number) + (low[i] as number) + (close[i] as number)) / 3;
      w.update(high[i] as number, low[i] as number, close[i] as number, volume[i] as number);
      all.update(high[i] as number, low[i] as number, close[i] as number, volume[i] as number);
      pv += tp * (volume[i] as number);
      v += volume[i] as number;
      if (!CHECKS.has(i)) continue;
      let wpv = 0;
      let wv = 0;
      for (let j = i - n + 1; j <= i; j++) {
        wpv += (((high[j] as number) + (low[j] as number) + (close[j] as number)) / 3) * (volume[j] as number);
        wv += volume[j] as number;
      }
      near(w.value, wpv / wv, `vwap(${n}) at ${i}`);
      near(all.value, pv / v, `cumulative vwap at ${i}`);
    }
  });
});
