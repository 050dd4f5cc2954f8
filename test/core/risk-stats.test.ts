import { describe, expect, it } from "vitest";
import type { Candle } from "../../core/market.js";
import { nextNormal, nextUniform, seedRng } from "../../core/rng.js";
import {
  aggregateReturns,
  cholesky,
  correlation,
  covariance,
  ledoitWolf,
  returnsFromCandles,
  returnsFromCloses,
} from "../../core/risk/stats.js";
import type { ReturnMatrix } from "../../core/risk/types.js";
import {
  componentVar,
  correlatedNormals,
  historicalVar,
  inverseNormalCdf,
  monteCarloVar,
  monteCarloVarFromCov,
  parametricVar,
  parametricVarFromCov,
  tailCount,
  tailLoss,
  usd,
  valueAtRisk,
} from "../../core/risk/var.js";

const HOUR = 3_600_000;
/** Φ⁻¹ at the desk's levels, to 17 significant digits (from tables, not from the code under test). */
const Z95 = 1.6448536269514722;
const Z99 = 2.3263478740408408;
const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/** A return matrix from rows of returns (one row per bar, one column per asset). */
function matrix(rows: readonly (readonly number[])[], barMs = HOUR): ReturnMatrix {
  const n = rows[0]?.length ?? 0;
  return { assets: Array.from({ length: n }, (_, i) => `A${i}`), bars: rows.length, barMs, data: Float64Array.from(rows.flat()) };
}

/** Bars of normal returns with covariance C = L·Lᵀ for a given lower factor L (plain loops). */
function normalReturns(l: readonly (readonly number[])[], bars: number, seed: string): ReturnMatrix {
  const n = l.length;
  const rng = seedRng(seed);
  const rows: number[][] = [];
  for (let t = 0; t < bars; t++) {
    const z = Array.from({ length: n }, () => nextNormal(rng));
    rows.push(l.map((row) => row.reduce((s, lij, j) => s + lij * (z[j] ?? 0), 0)));
  }
  return matrix(rows);
}

/** One common factor plus noise: correlated like crypto assets, any number of assets and bars. */
function factorReturns(assets: number, bars: number, seed: string): ReturnMatrix {
  const rng = seedRng(seed);
  const beta = Array.from({ length: assets }, () => 0.5 + nextUniform(rng));
  const rows: number[][] = [];
  for (let t = 0; t < bars; t++) {
    const f = 0.006 * nextNormal(rng);
    rows.push(beta.map((b) => b * f + 0.004 * nextNormal(rng)));
  }
  return matrix(rows);
}

function candle(openTimeMs: number, close: string): Candle {
  return { openTimeMs, open: close, high: close, low: close, close, volume: "1" };
}

function at(a: Float64Array, i: number): number {
  const v = a[i];
  if (v === undefined) throw new Error(`index ${i} out of range`);
  return v;
}

describe("cholesky", () => {
  it("when given a known SPD matrix then it returns the textbook factor", () => {
    const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);
    expect([...cholesky(a, 3)]).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
  });

  it("when given a random SPD matrix then L·Lᵀ reconstructs it and L is lower triangular", () => {
    const n = 12;
    const rng = seedRng("chol");
    const b = Array.from({ length: n * n }, () => nextNormal(rng));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 0.5 : 0;
      for (let k = 0; k < n; k++) s += (b[k * n + i] ?? 0) * (b[k * n + j] ?? 0);
      a[i * n + j] = s;
    }
    const l = cholesky(a, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if (j > i) expect(at(l, i * n + j)).toBe(0);
      let s = 0;
      for (let k = 0; k < n; k++) s += at(l, i * n + k) * at(l, j * n + k);
      expect(s).toBeCloseTo(at(a, i * n + j), 10);
    }
  });

  it("when the matrix is indefinite then it refuses with a clear error", () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite: pivot 1/);
  });

  it("when the matrix is singular then it refuses, unless jitter is asked for", () => {
    const singular = Float64Array.from([1, 1, 1, 1]);
    expect(() => cholesky(singular, 2)).toThrow(/not positive definite/);
    const l = cholesky(singular, 2, { jitter: 1e-8 });
    expect(at(l, 3)).toBeGreaterThan(0);
    expect(at(l, 0) ** 2).toBeCloseTo(1 + 1e-8, 12);
  });

  it("when the matrix is not symmetric or the size is wrong then it throws", () => {
    expect(() => cholesky(Float64Array.from([2, 1, 0, 2]), 2)).toThrow(/not symmetric/);
    expect(() => cholesky(Float64Array.from([1, 0, 0]), 2)).toThrow(/2 × 2/);
  });
});

describe("covariance and correlation", () => {
  it("when given known data then the sample covariance is the hand-computed one", () => {
    // Means 0.025 and 0.02; deviations (−1.5, −0.5, 0.5, 1.5)% and (0, −2, 2, 0)%.
    const m = matrix([
      [0.01, 0.02],
      [0.02, 0.0],
      [0.03, 0.04],
      [0.04, 0.02],
    ]);
    const cov = covariance(m);
    expect(at(cov, 0)).toBeCloseTo(5e-4 / 3, 15);
    expect(at(cov, 3)).toBeCloseTo(8e-4 / 3, 15);
    expect(at(cov, 1)).toBeCloseTo(2e-4 / 3, 15);
    expect(at(cov, 2)).toBe(at(cov, 1));
    const corr = correlation(cov, 2);
    expect(at(corr, 1)).toBeCloseTo(1 / Math.sqrt(10), 12);
    expect(at(corr, 0)).toBe(1);
  });

  it("when an asset does not move then its correlations are reported as zero", () => {
    const cov = covariance(matrix([[0.01, 0], [-0.01, 0], [0.02, 0]]));
    expect([...correlation(cov, 2)]).toEqual([1, 0, 0, 1]);
  });

  it("when the number of assets is odd then every entry is still computed (tiling edge)", () => {
    const m = factorReturns(5, 40, "odd");
    const cov = covariance(m);
    const n = 5;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let mi = 0;
      let mj = 0;
      for (let t = 0; t < m.bars; t++) {
        mi += at(m.data, t * n + i) / m.bars;
        mj += at(m.data, t * n + j) / m.bars;
      }
      let s = 0;
      for (let t = 0; t < m.bars; t++) s += (at(m.data, t * n + i) - mi) * (at(m.data, t * n + j) - mj);
      expect(at(cov, i * n + j)).toBeCloseTo(s / (m.bars - 1), 16);
    }
  });
});

describe("Ledoit–Wolf shrinkage", () => {
  it("when 50 assets have only 30 bars then the sample covariance has no Cholesky factor but the shrunk one does", () => {
    const m = factorReturns(50, 30, "short-history");
    expect(() => cholesky(covariance(m), 50)).toThrow(/not positive definite/);
    const { cov, shrinkage } = ledoitWolf(m);
    expect(shrinkage).toBeGreaterThan(0);
    expect(shrinkage).toBeLessThanOrEqual(1);
    const l = cholesky(cov, 50);
    expect(l.every(Number.isFinite)).toBe(true);
  });

  it("when it shrinks then variances are kept and correlations move towards their average", () => {
    const m = factorReturns(8, 20, "shrink");
    const sample = covariance(m);
    const { cov, shrinkage } = ledoitWolf(m);
    expect(shrinkage).toBeGreaterThan(0);
    const rs = correlation(sample, 8);
    let avg = 0;
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) if (i !== j) avg += at(rs, i * 8 + j) / 56;
    const rc = correlation(cov, 8);
    for (let i = 0; i < 8; i++) {
      expect(at(cov, i * 9)).toBeCloseTo(at(sample, i * 9), 15);
      for (let j = 0; j < 8; j++) {
        if (i !== j) expect(at(rc, i * 8 + j)).toBeCloseTo(shrinkage * avg + (1 - shrinkage) * at(rs, i * 8 + j), 12);
      }
    }
  });

  it("when computed then the intensity matches the paper's formulas written out with plain loops", () => {
    const m = factorReturns(5, 40, "lw-reference");
    const n = 5;
    const T = m.bars;
    const x = (t: number, i: number): number => at(m.data, t * n + i);
    const mean = Array.from({ length: n }, (_, i) => Array.from({ length: T }, (_, t) => x(t, i)).reduce((a, b) => a + b, 0) / T);
    const y = (t: number, i: number): number => x(t, i) - (mean[i] ?? 0);
    const s = (i: number, j: number): number => Array.from({ length: T }, (_, t) => y(t, i) * y(t, j)).reduce((a, b) => a + b, 0) / T;
    const sd = (i: number): number => Math.sqrt(s(i, i));
    let rBar = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) rBar += s(i, j) / (sd(i) * sd(j)) / (n * (n - 1));
    let pi = 0;
    let rho = 0;
    let gamma = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const pij = Array.from({ length: T }, (_, t) => (y(t, i) * y(t, j) - s(i, j)) ** 2).reduce((a, b) => a + b, 0) / T;
        pi += pij;
        if (i === j) rho += pij;
        else {
          const thetaII = Array.from({ length: T }, (_, t) => (y(t, i) ** 2 - s(i, i)) * (y(t, i) * y(t, j) - s(i, j))).reduce((a, b) => a + b, 0) / T;
          const thetaJJ = Array.from({ length: T }, (_, t) => (y(t, j) ** 2 - s(j, j)) * (y(t, i) * y(t, j) - s(i, j))).reduce((a, b) => a + b, 0) / T;
          rho += (rBar / 2) * (Math.sqrt(s(j, j) / s(i, i)) * thetaII + Math.sqrt(s(i, i) / s(j, j)) * thetaJJ);
          gamma += (rBar * sd(i) * sd(j) - s(i, j)) ** 2;
        }
      }
    }
    const expected = Math.max(0, Math.min(1, (pi - rho) / gamma / T));
    expect(ledoitWolf(m).shrinkage).toBeCloseTo(expected, 12);
  });

  it("when there are two assets then the target is the sample and the shrinkage is 0, not 1 from rounding noise (defect 8)", () => {
    for (const seed of ["two-a", "two-b", "two-c", "two-d", "two-e", "two-f"]) {
      const m = factorReturns(2, 30, seed);
      const { cov, shrinkage } = ledoitWolf(m);
      expect(shrinkage).toBe(0);
      const sample = covariance(m);
      for (let k = 0; k < 4; k++) expect(at(cov, k)).toBeCloseTo(at(sample, k), 15);
    }
  });

  it("when the history is long and the assets plainly correlated then it barely shrinks", () => {
    const { shrinkage } = ledoitWolf(factorReturns(4, 5_000, "long"));
    expect(shrinkage).toBeLessThan(0.02);
  });
});

describe("returns from candles", () => {
  it("when one asset misses a bar then both drop it and no return spans the gap", () => {
    const btc = [candle(0, "100"), candle(HOUR, "110"), candle(2 * HOUR, "99"), candle(3 * HOUR, "99"), candle(4 * HOUR, "108.9")];
    const eth = [candle(0, "10"), candle(HOUR, "10.5"), candle(3 * HOUR, "12"), candle(4 * HOUR, "12.6"), candle(5 * HOUR, "13")];
    const m = returnsFromCandles({ BTC: btc, ETH: eth }, HOUR);
    expect(m.assets).toEqual(["BTC", "ETH"]);
    expect(m.bars).toBe(2);
    expect(m.barMs).toBe(HOUR);
    // Common hours 0, 1, 3, 4: returns 0→1 and 3→4 only.
    expect(at(m.data, 0)).toBeCloseTo(0.1, 15);
    expect(at(m.data, 1)).toBeCloseTo(0.05, 15);
    expect(at(m.data, 2)).toBeCloseTo(0.1, 15);
    expect(at(m.data, 3)).toBeCloseTo(0.05, 15);
  });

  it("when bars come unsorted then they are aligned by time", () => {
    const m = returnsFromCandles({ X: [candle(HOUR, "2"), candle(0, "1"), candle(2 * HOUR, "3")] }, HOUR);
    expect([...m.data]).toEqual([1, 0.5]);
  });

  it("when fewer than 2 bars are common, a bar repeats or a close is not positive then it throws", () => {
    expect(() => returnsFromCandles({ A: [candle(0, "1"), candle(HOUR, "2")], B: [candle(HOUR, "1"), candle(2 * HOUR, "2")] }, HOUR)).toThrow(/at least 2 common bars/);
    expect(() => returnsFromCandles({ A: [candle(0, "1"), candle(0, "2")] }, HOUR)).toThrow(/two bars/);
    expect(() => returnsFromCandles({ A: [candle(0, "1"), candle(HOUR, "0")] }, HOUR)).toThrow(/positive/);
  });

  it("when given raw closes then returns are close over previous close minus one", () => {
    const m = returnsFromCloses(["A", "B"], [Float64Array.from([100, 90, 99]), Float64Array.from([1, 2, 1])], HOUR);
    expect(m.bars).toBe(2);
    expect(at(m.data, 0)).toBeCloseTo(-0.1, 15);
    expect(at(m.data, 1)).toBe(1);
    expect(at(m.data, 2)).toBeCloseTo(0.1, 15);
    expect(at(m.data, 3)).toBe(-0.5);
    expect(() => returnsFromCloses(["A", "B"], [Float64Array.from([1, 2]), Float64Array.from([1])], HOUR)).toThrow(/same length|has 1 bars|2 bars/);
  });
});

describe("aggregateReturns", () => {
  it("when windows overlap then each equals the direct product of its bars, at every block edge", () => {
    const base = factorReturns(3, 23, "agg");
    for (const factor of [1, 2, 3, 5, 7, 23]) {
      const agg = aggregateReturns(base, factor);
      expect(agg.bars).toBe(23 - factor + 1);
      expect(agg.barMs).toBe(HOUR * factor);
      for (let w = 0; w < agg.bars; w++) for (let i = 0; i < 3; i++) {
        let g = 1;
        for (let t = w; t < w + factor; t++) g *= 1 + at(base.data, t * 3 + i);
        expect(at(agg.data, w * 3 + i)).toBeCloseTo(g - 1, 14);
      }
    }
  });

  it("when windows do not overlap then they end at the newest bar and drop the oldest remainder", () => {
    const m = matrix([[0.5], [0.1], [0.1], [-0.5], [1]]);
    const agg = aggregateReturns(m, 2, false);
    expect(agg.bars).toBe(2);
    expect(at(agg.data, 0)).toBeCloseTo(1.1 * 1.1 - 1, 15);
    expect(at(agg.data, 1)).toBeCloseTo(0.5 * 2 - 1, 15);
    expect(() => aggregateReturns(m, 6)).toThrow(/at least 6 bars/);
  });
});

describe("inverseNormalCdf", () => {
  it.each([
    [0.5, 0],
    [0.95, Z95],
    [0.99, Z99],
    [0.975, 1.959963984540054],
    [0.999, 3.090232306167813],
    [1e-10, -6.361340902404056],
  ])("when p is %s then Φ⁻¹(p) is %s", (p, z) => {
    expect(inverseNormalCdf(p)).toBeCloseTo(z, 13);
  });

  it("when p is mirrored then the quantile changes sign, and outside (0, 1) it throws", () => {
    for (const p of [0.01, 0.2, 0.4, 1e-6]) expect(inverseNormalCdf(1 - p)).toBeCloseTo(-inverseNormalCdf(p), 9);
    expect(() => inverseNormalCdf(0)).toThrow();
    expect(() => inverseNormalCdf(1)).toThrow();
  });
});

describe("historical VaR", () => {
  // Forty hourly returns of one asset: the four worst are −5%, −4%, −3% and −2.5%.
  const returns = [-0.05, -0.04, -0.03, -0.025, ...Array.from({ length: 36 }, (_, t) => ((t % 7) - 2) / 1_000)];
  const m = matrix(returns.map((r) => [r]));

  it("when 40 outcomes are ranked then 95% VaR is the 2nd worst loss and ES the mean of the 2 worst", () => {
    const r = historicalVar(Float64Array.from([10_000]), m, 0.95, "1h");
    expect(r.var).toBeCloseTo(400, 9);
    expect(r.es).toBeCloseTo(450, 9);
    const r99 = historicalVar(Float64Array.from([10_000]), m, 0.99, "1h");
    expect(r99.var).toBeCloseTo(500, 9);
    expect(r99.es).toBeCloseTo(500, 9);
  });

  it("when the position is short then the VaR comes from the other tail", () => {
    // The best hours are +4‰ (five times among 36): a short of 10,000 loses 40 USD on them.
    const r = historicalVar(Float64Array.from([-10_000]), m, 0.95, "1h");
    expect(r.var).toBeCloseTo(40, 9);
    expect(r.es).toBeCloseTo(40, 9);
    const long = historicalVar(Float64Array.from([10_000]), m, 0.95, "1h");
    expect(r.var).toBeLessThan(long.var);
  });

  it("when the horizon is a day then 24-bar windows are compounded", () => {
    const hourly = matrix(Array.from({ length: 30 }, (_, t) => [t === 10 ? -0.1 : 0.001]));
    // All 7 windows hold hour 10: each returns 0.9 × 1.001²³ − 1.
    const r = historicalVar(Float64Array.from([1_000]), hourly, 0.99, "1d");
    expect(r.var).toBeCloseTo(-1_000 * (0.9 * 1.001 ** 23 - 1), 9);
  });

  it("when the history is shorter than the horizon then it throws", () => {
    expect(() => historicalVar(Float64Array.from([1]), matrix([[0.01], [0.02]]), 0.99, "1d")).toThrow(/at least 24 bars/);
  });
});

describe("tail conventions", () => {
  it("when counting the tail then k = ⌈N(1 − c)⌉ without floating-point surprises", () => {
    expect(tailCount(100, 0.99)).toBe(1);
    expect(tailCount(101, 0.99)).toBe(2);
    expect(tailCount(8_760, 0.99)).toBe(88);
    expect(tailCount(20, 0.95)).toBe(1);
    expect(tailCount(10, 0.95)).toBe(1);
    expect(tailCount(10_000, 0.95)).toBe(500);
  });

  it("when tailLoss is given a sample then it leaves it unchanged", () => {
    const pnl = Float64Array.from([3, -1, 2, -7, 5]);
    expect(tailLoss(pnl, 0.6)).toEqual({ var: 1, es: 4 });
    expect([...pnl]).toEqual([3, -1, 2, -7, 5]);
  });

  it("when the sample is large then selection finds the same outcome as a sort", () => {
    const rng = seedRng("select");
    const pnl = Float64Array.from({ length: 10_001 }, () => Math.round(nextNormal(rng) * 50));
    const sorted = Float64Array.from(pnl).sort();
    for (const c of [0.95, 0.99, 0.5]) {
      const k = tailCount(pnl.length, c);
      let tail = 0;
      for (let i = 0; i < k; i++) tail += at(sorted, i);
      const r = tailLoss(pnl, c);
      expect(r.var).toBe(-at(sorted, k - 1));
      expect(r.es).toBeCloseTo(-tail / k, 9);
    }
  });

  it("when a figure is formatted then it is USD rounded half-even to the cent", () => {
    expect(usd(0.125)).toBe("0.12");
    expect(usd(0.375)).toBe("0.38");
    expect(usd(1234.5)).toBe("1234.5");
    expect(usd(-0)).toBe("0");
    expect(usd(-12.345678)).toBe("-12.35");
    expect(() => usd(Number.NaN)).toThrow();
  });
});

describe("parametric VaR", () => {
  // ±1% alternating: mean 0, sample σ = √(100 · 1e-4 / 99).
  const m = matrix(Array.from({ length: 100 }, (_, t) => [t % 2 === 0 ? 0.01 : -0.01]));
  const sigma = Math.sqrt((100 * 1e-4) / 99);

  it("when one asset has a known σ then VaR = z·σ·exposure and ES = σ·φ(z)/(1 − c)", () => {
    const r99 = parametricVar(Float64Array.from([10_000]), m, 0.99, "1h");
    expect(r99.var).toBeCloseTo(Z99 * sigma * 10_000, 10);
    expect(r99.es).toBeCloseTo((sigma * 10_000 * phi(Z99)) / 0.01, 10);
    const r95 = parametricVar(Float64Array.from([10_000]), m, 0.95, "1h");
    expect(r95.var).toBeCloseTo(Z95 * sigma * 10_000, 10);
    const day = parametricVar(Float64Array.from([10_000]), m, 0.99, "1d");
    expect(day.var).toBeCloseTo(r99.var * Math.sqrt(24), 9);
  });

  it("when short then the zero-mean normal VaR is the same as long", () => {
    expect(parametricVar(Float64Array.from([-10_000]), m, 0.99, "1h").var).toBeCloseTo(parametricVar(Float64Array.from([10_000]), m, 0.99, "1h").var, 10);
  });

  it("when given the sample covariance then the covariance form agrees with the series form", () => {
    const returns = factorReturns(6, 300, "param");
    const w = Float64Array.from([1_000, -2_000, 500, 3_000, 0, -700]);
    const a = parametricVar(w, returns, 0.99, "1d");
    const b = parametricVarFromCov(w, covariance(returns), 0.99, 24);
    expect(b.var).toBeCloseTo(a.var, 8);
    expect(b.es).toBeCloseTo(a.es, 8);
  });

  it("when components are computed then they sum to the total and a hedge has a negative one", () => {
    const returns = factorReturns(4, 500, "component");
    const cov = covariance(returns);
    const w = Float64Array.from([50_000, 20_000, -30_000, 10_000]);
    const c = componentVar(w, cov, 0.99, 24);
    const total = parametricVar(w, returns, 0.99, "1d").var;
    expect(c.var).toBeCloseTo(total, 8);
    expect(c.component.reduce((s, x) => s + x, 0)).toBeCloseTo(total, 8);
    expect(at(c.component, 2)).toBeLessThan(0);
    // Marginal VaR is the derivative: one more USD of asset 0 adds marginal_0 USD of VaR.
    const bumped = Float64Array.from(w);
    bumped[0] = at(w, 0) + 1;
    expect(componentVar(bumped, cov, 0.99, 24).var - c.var).toBeCloseTo(at(c.marginal, 0), 6);
    const flat = componentVar(new Float64Array(4), cov, 0.99, 24);
    expect(flat.var).toBe(0);
    expect([...flat.component]).toEqual([0, 0, 0, 0]);
  });
});

describe("Monte Carlo VaR", () => {
  // Three assets, known covariance: σ = 1%, 2%, 1.5% per hour, correlations 0.6, 0.3, −0.2.
  const l = [
    [0.01, 0, 0],
    [0.012, 0.016, 0],
    [0.0045, -0.00675, 0.0128],
  ];
  const m = normalReturns(l, 5_000, "mc-history");
  const w = Float64Array.from([40_000, 25_000, -15_000]);

  it("when run twice with the same seed then it gives the same figures, and another seed differs", () => {
    const a = monteCarloVar(w, m, 0.99, "1h", { seed: 7 });
    const b = monteCarloVar(w, m, 0.99, "1h", { seed: 7 });
    const c = monteCarloVar(w, m, 0.99, "1h", { seed: 8 });
    expect(b).toEqual(a);
    expect(c.var).not.toBe(a.var);
    expect(valueAtRisk("monte_carlo", w, m, 0.99, "1h")).toEqual(valueAtRisk("monte_carlo", w, m, 0.99, "1h"));
  });

  it("when returns are normal then it converges to the parametric figure", () => {
    for (const confidence of [0.95, 0.99] as const) {
      for (const horizon of ["1h", "1d"] as const) {
        const p = parametricVar(w, m, confidence, horizon);
        const mc = monteCarloVar(w, m, confidence, horizon, { paths: 200_000 });
        expect(Math.abs(mc.var / p.var - 1)).toBeLessThan(0.015);
        expect(Math.abs(mc.es / p.es - 1)).toBeLessThan(0.02);
        expect(mc.es).toBeGreaterThanOrEqual(mc.var);
      }
    }
  });

  it("when the full correlated product is used then the linear shortcut gives the same P&L", () => {
    const cov = ledoitWolf(m).cov;
    for (const paths of [1, 999, 10_000]) {
      const linear = monteCarloVarFromCov(w, cov, 0.99, 24, { paths, mode: "linear", seed: "same" });
      const full = monteCarloVarFromCov(w, cov, 0.99, 24, { paths, mode: "full", seed: "same" });
      expect(full.var).toBeCloseTo(linear.var, 8);
      expect(full.es).toBeCloseTo(linear.es, 8);
    }
  });

  it("when correlated normals are drawn then their sample covariance is L·Lᵀ and their tails are normal", () => {
    const chol = Float64Array.from(l.flat().map((x) => x * 100));
    const x = correlatedNormals(chol, 3, 200_000, "draws");
    const c = covariance({ assets: ["a", "b", "c"], bars: 200_000, barMs: HOUR, data: x });
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += at(chol, i * 3 + k) * at(chol, j * 3 + k);
      expect(Math.abs(at(c, i * 3 + j) - s)).toBeLessThan(0.02 * Math.max(1, Math.abs(s)));
    }
    // The first column is a scaled standard normal: its tail frequencies match Φ.
    let below99 = 0;
    let below999 = 0;
    for (let p = 0; p < 200_000; p++) {
      const z = at(x, p * 3);
      if (z < -Z99) below99++;
      if (z < -3.090232306167813) below999++;
    }
    // Binomial standard errors: 2.2e-4 and 7.1e-5; allow four of them.
    expect(Math.abs(below99 / 200_000 - 0.01)).toBeLessThan(9e-4);
    expect(Math.abs(below999 / 200_000 - 0.001)).toBeLessThan(2.9e-4);
  });

  it("when a million normals are drawn then both tails follow Φ out to four standard deviations", () => {
    const draws = 1_000_000;
    const z = correlatedNormals(Float64Array.from([1]), 1, draws, "tails");
    // Φ(−x) from tables (Python's statistics.NormalDist), not from the code under test.
    const tails: ReadonlyArray<readonly [number, number]> = [
      [0.5, 0.3085375387259869],
      [1, 0.15865525393145707],
      [1.5, 0.06680720126885809],
      [2, 0.02275013194817921],
      [2.5, 0.006209665325776159],
      [3, 0.0013498980316301035],
      [3.5, 0.0002326290790355401],
      [4, 3.167124183311998e-5],
    ];
    let sum = 0;
    let squares = 0;
    for (let k = 0; k < draws; k++) {
      sum += at(z, k);
      squares += at(z, k) ** 2;
    }
    expect(Math.abs(sum / draws)).toBeLessThan(0.005);
    expect(Math.abs(squares / draws - 1)).toBeLessThan(0.006);
    for (const [x, p] of tails) {
      let below = 0;
      let above = 0;
      for (let k = 0; k < draws; k++) {
        const v = at(z, k);
        if (v < -x) below++;
        else if (v > x) above++;
      }
      // Four binomial standard errors.
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / draws);
      expect(Math.abs(below / draws - p)).toBeLessThan(tolerance);
      expect(Math.abs(above / draws - p)).toBeLessThan(tolerance);
    }
  });

  it("when an asset never moves then it carries no risk instead of breaking the factorisation", () => {
    const withFlat = matrix(Array.from({ length: m.bars }, (_, t) => [at(m.data, t * 3), 0, at(m.data, t * 3 + 1)]));
    const r = monteCarloVar(Float64Array.from([40_000, 1e6, 25_000]), withFlat, 0.99, "1h");
    const without = matrix(Array.from({ length: m.bars }, (_, t) => [at(m.data, t * 3), at(m.data, t * 3 + 1)]));
    expect(r.var).toBeGreaterThan(0);
    expect(r.var).toBeCloseTo(monteCarloVar(Float64Array.from([40_000, 25_000]), without, 0.99, "1h").var, 6);
  });
});

describe("every method", () => {
  const m = normalReturns([[0.01, 0], [0.008, 0.006]], 2_000, "all-methods");

  it("when asked for a figure then ES ≥ VaR > 0 and both are cent-rounded decimal strings", () => {
    for (const method of ["historical", "parametric", "monte_carlo"] as const) {
      for (const confidence of [0.95, 0.99] as const) {
        for (const horizon of ["1h", "1d"] as const) {
          const f = valueAtRisk(method, Float64Array.from([60_000, -30_000]), m, confidence, horizon);
          expect(f).toMatchObject({ method, confidence, horizon });
          expect(f.var).toMatch(/^\d+(\.\d{1,2})?$/);
          expect(f.es).toMatch(/^\d+(\.\d{1,2})?$/);
          expect(Number(f.var)).toBeGreaterThan(0);
          expect(Number(f.es)).toBeGreaterThanOrEqual(Number(f.var));
        }
      }
    }
  });

  it("when the exposures do not match the assets then it throws", () => {
    expect(() => valueAtRisk("parametric", Float64Array.from([1]), m, 0.99, "1h")).toThrow(/one exposure per asset/);
    expect(() => historicalVar(Float64Array.from([1, Number.NaN]), m, 0.99, "1h")).toThrow(/not finite/);
  });

  it("when the horizon is not a whole number of bars then it throws", () => {
    const daily = { ...m, barMs: 86_400_000 };
    expect(() => parametricVar(Float64Array.from([1, 1]), daily, 0.99, "1h")).toThrow(/whole number/);
  });
});
