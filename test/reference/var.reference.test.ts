import { beforeAll, describe, expect, it } from "vitest";
import type { Candle } from "../../core/market.js";
import { Decimal, str } from "../../core/money.js";
import { returnsFromCandles } from "../../core/risk/stats.js";
import type { ReturnMatrix, VarConfidence, VarHorizon } from "../../core/risk/types.js";
import { historicalVar, monteCarloVar, parametricVar, valueAtRisk } from "../../core/risk/var.js";
import { freqtradeCandles, sharedDataDir } from "./candles.js";

const fixtures = await sharedDataDir();
if (!fixtures) console.warn("cival: ../shared/data is not on this machine (set CIVAL_SHARED_DATA): the VaR reference tests are skipped");
/** The suites run only where the real candles are. */
const suite = fixtures ? describe : describe.skip;

/**
 * VaR of a two-asset book on one real year of Binance hourly candles (BTC and ETH, 2019, files 1
 * and 2 of ../shared/data), each method checked against an independent computation written out
 * here: historical against a plain sort of P&L computed in Decimal from the raw closes (and, for a
 * day, direct products in plain loops), parametric against the two-asset closed form, Monte Carlo
 * against parametric (its draws are normal, so it must agree within its sampling error).
 */

const HOUR = 3_600_000;
const FROM = Date.UTC(2019, 0, 1);
const TO = Date.UTC(2020, 0, 1);
/** Φ⁻¹ from tables, to 17 significant digits. */
const Z: Readonly<Record<VarConfidence, number>> = { 0.95: 1.6448536269514722, 0.99: 2.3263478740408408 };
/** The tail of N outcomes at each level, k = ⌈N·p/100⌉ in whole-number arithmetic. */
const TAIL_PERCENT: Readonly<Record<VarConfidence, number>> = { 0.95: 5, 0.99: 1 };
const CONFIDENCES: readonly VarConfidence[] = [0.95, 0.99];

const BOOKS = [
  { name: "long 60k BTC, long 30k ETH", btc: 60_000, eth: 30_000 },
  { name: "long 60k BTC, short 40k ETH", btc: 60_000, eth: -40_000 },
] as const;

interface Reference {
  /** Hourly returns in Decimal, aligned, gaps skipped: [btc, eth] per bar. */
  readonly returns: ReadonlyArray<readonly [Decimal, Decimal]>;
}

let btc: Candle[] = [];
let eth: Candle[] = [];
let m: ReturnMatrix;
let ref: Reference;

beforeAll(async () => {
  if (!fixtures) return;
  btc = await freqtradeCandles("jakekrafczyk-freqtrade/binance/BTC_USDT-1h.json", FROM, TO);
  eth = await freqtradeCandles("jakekrafczyk-freqtrade/binance/ETH_USDT-1h.json", FROM, TO);
  m = returnsFromCandles({ BTC: btc, ETH: eth }, HOUR);
  ref = reference(btc, eth);
});

/** Alignment and returns done again: a map by open time, Decimal division of the close strings. */
function reference(a: readonly Candle[], b: readonly Candle[]): Reference {
  const closeB = new Map(b.map((c) => [c.openTimeMs, c.close]));
  const common = a.filter((c) => closeB.has(c.openTimeMs)).sort((x, y) => x.openTimeMs - y.openTimeMs);
  const returns: Array<readonly [Decimal, Decimal]> = [];
  for (let t = 1; t < common.length; t++) {
    const prev = common[t - 1];
    const cur = common[t];
    if (!prev || !cur || cur.openTimeMs - prev.openTimeMs !== HOUR) continue;
    const rb = new Decimal(closeB.get(cur.openTimeMs) ?? "NaN").div(closeB.get(prev.openTimeMs) ?? "NaN").minus(1);
    returns.push([new Decimal(cur.close).div(prev.close).minus(1), rb]);
  }
  return { returns };
}

/** k worst of a P&L list (ascending sort), as VaR and ES. */
function decimalTail(pnl: Decimal[], confidence: VarConfidence): { var: Decimal; es: Decimal } {
  const sorted = [...pnl].sort((x, y) => x.cmp(y));
  const k = Math.ceil((sorted.length * TAIL_PERCENT[confidence]) / 100);
  const tail = sorted.slice(0, k);
  const worst = tail[k - 1];
  if (!worst) throw new Error("empty tail");
  return { var: worst.neg(), es: tail.reduce((s, x) => s.plus(x), new Decimal(0)).div(k).neg() };
}

function exposures(book: (typeof BOOKS)[number]): Float64Array {
  return Float64Array.from([book.btc, book.eth]);
}

suite("the data", () => {
  it("when a year of 2019 hours is loaded then BTC and ETH align on their common hours with gaps skipped", () => {
    expect(btc.length).toBeGreaterThan(8_700);
    expect(m.assets).toEqual(["BTC", "ETH"]);
    expect(m.bars).toBe(ref.returns.length);
    // The 2019-05-15 outage (10 hours) and the other gaps leave fewer returns than hours.
    expect(m.bars).toBeLessThan(8_759);
    expect(m.bars).toBeGreaterThan(8_690);
    ref.returns.forEach(([rb, re], t) => {
      expect(m.data[2 * t]).toBeCloseTo(rb.toNumber(), 15);
      expect(m.data[2 * t + 1]).toBeCloseTo(re.toNumber(), 15);
    });
  });
});

suite("historical simulation", () => {
  for (const book of BOOKS) {
    for (const confidence of CONFIDENCES) {
      it(`when the book is ${book.name} at ${confidence} over 1h then VaR and ES equal a Decimal sort of the P&L`, () => {
        const pnl = ref.returns.map(([rb, re]) => rb.times(book.btc).plus(re.times(book.eth)));
        const expected = decimalTail(pnl, confidence);
        const got = historicalVar(exposures(book), m, confidence, "1h");
        expect(Math.abs(got.var - expected.var.toNumber())).toBeLessThan(1e-6);
        expect(Math.abs(got.es - expected.es.toNumber())).toBeLessThan(1e-6);
        const figure = valueAtRisk("historical", exposures(book), m, confidence, "1h");
        expect(figure.var).toBe(str(expected.var.toDecimalPlaces(2)));
        expect(figure.es).toBe(str(expected.es.toDecimalPlaces(2)));
        expect(got.es).toBeGreaterThanOrEqual(got.var);
      });

      it(`when the book is ${book.name} at ${confidence} over 1d then VaR equals a sort of directly compounded 24-hour windows`, () => {
        const r = ref.returns.map(([rb, re]) => [rb.toNumber(), re.toNumber()] as const);
        const pnl: number[] = [];
        for (let s = 0; s + 24 <= r.length; s++) {
          let gb = 1;
          let ge = 1;
          for (let t = s; t < s + 24; t++) {
            gb *= 1 + (r[t]?.[0] ?? 0);
            ge *= 1 + (r[t]?.[1] ?? 0);
          }
          pnl.push(book.btc * (gb - 1) + book.eth * (ge - 1));
        }
        pnl.sort((x, y) => x - y);
        const k = Math.ceil((pnl.length * TAIL_PERCENT[confidence]) / 100);
        const tail = pnl.slice(0, k);
        const got = historicalVar(exposures(book), m, confidence, "1d");
        expect(Math.abs(got.var + (tail[k - 1] ?? 0))).toBeLessThan(1e-6);
        expect(Math.abs(got.es + tail.reduce((s, x) => s + x, 0) / k)).toBeLessThan(1e-6);
        // A day is riskier than an hour, by roughly √24 for these assets.
        const hour = historicalVar(exposures(book), m, confidence, "1h");
        expect(got.var / hour.var).toBeGreaterThan(2.5);
        expect(got.var / hour.var).toBeLessThan(8);
      });
    }
  }
});

/** The closed form for two assets: σ_p² = w1²σ1² + w2²σ2² + 2·w1·w2·ρ·σ1·σ2, in plain numbers. */
function twoAssetSigma(book: (typeof BOOKS)[number]): number {
  const r1 = ref.returns.map(([a]) => a.toNumber());
  const r2 = ref.returns.map(([, b]) => b.toNumber());
  const n = r1.length;
  const mean1 = r1.reduce((s, x) => s + x, 0) / n;
  const mean2 = r2.reduce((s, x) => s + x, 0) / n;
  let v1 = 0;
  let v2 = 0;
  let c12 = 0;
  for (let t = 0; t < n; t++) {
    const d1 = (r1[t] ?? 0) - mean1;
    const d2 = (r2[t] ?? 0) - mean2;
    v1 += d1 * d1;
    v2 += d2 * d2;
    c12 += d1 * d2;
  }
  const s1 = Math.sqrt(v1 / (n - 1));
  const s2 = Math.sqrt(v2 / (n - 1));
  const rho = c12 / (n - 1) / (s1 * s2);
  // The 2019 hourly correlation of BTC and ETH (the README measures 0.78 on log returns, 2017–20).
  expect(rho).toBeGreaterThan(0.7);
  expect(rho).toBeLessThan(0.95);
  const w1 = book.btc;
  const w2 = book.eth;
  return Math.sqrt(w1 * w1 * s1 * s1 + w2 * w2 * s2 * s2 + 2 * w1 * w2 * rho * s1 * s2);
}

suite("parametric", () => {
  for (const book of BOOKS) {
    for (const confidence of CONFIDENCES) {
      for (const [horizon, bars] of [["1h", 1], ["1d", 24]] as const) {
        it(`when the book is ${book.name} at ${confidence} over ${horizon} then VaR = z·σ_p·√${bars} from the two-asset closed form`, () => {
          const sigma = twoAssetSigma(book) * Math.sqrt(bars);
          const z = Z[confidence];
          const got = parametricVar(exposures(book), m, confidence, horizon);
          expect(got.var / (z * sigma)).toBeCloseTo(1, 10);
          expect(got.es / ((sigma * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI) / (1 - confidence))).toBeCloseTo(1, 10);
          expect(valueAtRisk("parametric", exposures(book), m, confidence, horizon).var).toBe(str(new Decimal(z * sigma).toDecimalPlaces(2)));
        });
      }
    }
  }
});

suite("Monte Carlo", () => {
  const cases: ReadonlyArray<readonly [VarConfidence, VarHorizon]> = [
    [0.95, "1h"],
    [0.99, "1h"],
    [0.95, "1d"],
    [0.99, "1d"],
  ];
  for (const book of BOOKS) {
    for (const [confidence, horizon] of cases) {
      it(`when the book is ${book.name} at ${confidence} over ${horizon} then 10,000 paths land within a few percent of parametric`, () => {
        const p = parametricVar(exposures(book), m, confidence, horizon);
        const mc = monteCarloVar(exposures(book), m, confidence, horizon);
        // Sampling error of the quantile: about 1.3% (95%) and 1.6% (99%) of VaR, one σ.
        expect(Math.abs(mc.var / p.var - 1)).toBeLessThan(0.05);
        expect(Math.abs(mc.es / p.es - 1)).toBeLessThan(0.06);
        expect(mc.es).toBeGreaterThan(mc.var);
      });
    }
  }

  it("when many paths are drawn then it converges to parametric well within 1%", () => {
    const book = BOOKS[1];
    const p = parametricVar(exposures(book), m, 0.99, "1d");
    const mc = monteCarloVar(exposures(book), m, 0.99, "1d", { paths: 400_000, seed: "reference" });
    expect(Math.abs(mc.var / p.var - 1)).toBeLessThan(0.01);
  });

  it("when crypto's fat tails are real then historical 99% hourly VaR exceeds the normal figure", () => {
    const book = BOOKS[0];
    expect(historicalVar(exposures(book), m, 0.99, "1h").var).toBeGreaterThan(parametricVar(exposures(book), m, 0.99, "1h").var);
  });
});
