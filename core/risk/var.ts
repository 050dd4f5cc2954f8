import { Decimal, str } from "../money.js";
import { seedRng } from "../rng.js";
import { checkExposures, cholesky, dot, forEachWindow, ledoitWolf, portfolioSeries, quadraticForm } from "./stats.js";
import { NormalSource } from "./normals.js";
import { type VarEstimate, checkConfidence, inverseNormalCdf, normalPdf, tailLoss, tailLossInPlace } from "./quantiles.js";
import { HORIZON_MS, type ReturnMatrix, type VarConfidence, type VarFigure, type VarHorizon, type VarMethod } from "./types.js";

/**
 * Value at Risk and expected shortfall of a linear book (USD exposure per asset: a long of 60k USD
 * of BTC is +60,000, a short is negative; P&L = Σ exposure_i × simple return_i) by three methods.
 * Every figure is a positive number for a loss, in USD, over the horizon. The desk uses confidences
 * 0.95 and 0.99 (`VarConfidence`); the functions accept any level in (0, 1).
 *
 * Conventions shared by the methods:
 * - Quantile: with N outcomes, VaR is the k-th worst P&L, k = ⌈N·(1 − c)⌉ (at least 1), negated:
 *   the lower empirical quantile of the P&L (inverse of the empirical distribution function,
 *   Hyndman–Fan type 1), no interpolation, so VaR is always an outcome that happened (or was
 *   drawn). ES is the mean of those k worst outcomes, so ES ≥ VaR.
 * - Mean: the model-based methods (parametric, Monte Carlo) assume zero mean return. Over an hour
 *   or a day the drift is far smaller than its estimation error, and a bull year's sample mean
 *   would otherwise lower the VaR of every long book.
 * - Horizon: hourly history gives 1h outcomes directly. For 1d, historical simulation compounds
 *   24 consecutive bars (overlapping windows, see `aggregateReturns`); the model-based methods
 *   scale the one-bar covariance by the number of bars (square-root-of-time, i.i.d. returns).
 * - A figure is only rounded at the edge: `valueAtRisk` turns the float into a decimal string of
 *   USD rounded half-even to the cent.
 *
 * As in stats.ts, the innermost loops index typed arrays with `!` (indices in bounds by
 * construction; `?? 0` measured up to 40% slower there).
 */


export type { VarEstimate };
export { inverseNormalCdf, normalPdf, tailCount, tailLoss } from "./quantiles.js";

export interface MonteCarloOptions {
  /** Simulated outcomes (default 10,000). */
  readonly paths?: number;
  /** The same seed always gives the same draws (default "cival-var"). */
  readonly seed?: number | string;
  /**
   * "linear" (default): P&L = Z·(Lᵀw), one dot product per path. "full": correlated draws X = Z·Lᵀ
   * first (a blocked matrix product), then P&L = X·w. Same draws, same result up to rounding; the
   * full path exists for books that are not linear in returns.
   */
  readonly mode?: "linear" | "full";
  /** Passed to `cholesky` (fraction of the mean diagonal added to it); none by default. */
  readonly jitter?: number;
}

export const DEFAULT_MC_PATHS = 10_000;
export const DEFAULT_MC_SEED = "cival-var";

/** How many bars of `barMs` make the horizon; throws unless it is a whole number ≥ 1. */
export function horizonFactor(horizon: VarHorizon, barMs: number): number {
  const factor = HORIZON_MS[horizon] / barMs;
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`invariant: a ${horizon} horizon is not a whole number of ${barMs} ms bars`);
  return factor;
}

// ---------------------------------------------------------------------------------------------
// Historical simulation

/**
 * Historical simulation: today's exposures revalued over every past outcome of the history (1h:
 * each bar; 1d: each overlapping 24-bar window, compounded), VaR and ES from that P&L series by
 * the quantile convention above. No distribution is assumed, so fat tails and the real
 * dependence between assets are kept; the price is that the tail rests on few outcomes.
 */
export function historicalVar(exposures: Float64Array, m: ReturnMatrix, confidence: number, horizon: VarHorizon): VarEstimate {
  checkConfidence(confidence);
  checkExposures(exposures, m.assets.length);
  const factor = horizonFactor(horizon, m.barMs);
  return tailLossInPlace(historicalPnl(exposures, m, factor), confidence);
}

/** The book's P&L over every `factor`-bar window of the history (overlapping), oldest first. */
export function historicalPnl(exposures: Float64Array, m: ReturnMatrix, factor: number): Float64Array {
  if (factor === 1) return portfolioSeries(m, exposures);
  const n = m.assets.length;
  checkExposures(exposures, n);
  const pnl = new Float64Array(Math.max(0, m.bars - factor + 1));
  // Σ w_i·(g_i − 1) = w·g − Σ w_i.
  let total = 0;
  for (let i = 0; i < n; i++) total += exposures[i] ?? 0;
  forEachWindow(m, factor, true, (w, growth) => {
    pnl[w] = dot(exposures, 0, growth, 0, n) - total;
  });
  return pnl;
}

// ---------------------------------------------------------------------------------------------
// Parametric (variance–covariance)

/**
 * Parametric VaR from the history: normal P&L with zero mean and the sample variance of the
 * book's one-bar returns, σ_p² = wᵀSw (S the unbiased sample covariance), computed as the variance
 * of the portfolio's return series, which is the same number in O(bars · assets) without forming
 * S. wᵀSw is an unbiased estimate of the book's variance for a given book, so no shrinkage here.
 */
export function parametricVar(exposures: Float64Array, m: ReturnMatrix, confidence: number, horizon: VarHorizon): VarEstimate {
  checkConfidence(confidence);
  const factor = horizonFactor(horizon, m.barMs);
  if (m.bars < 2) throw new Error(`invariant: parametric VaR needs at least 2 bars, got ${m.bars}`);
  const series = portfolioSeries(m, exposures);
  let mean = 0;
  for (let t = 0; t < series.length; t++) mean += series[t] ?? 0;
  mean /= series.length;
  let ss = 0;
  for (let t = 0; t < series.length; t++) {
    const e = (series[t] ?? 0) - mean;
    ss += e * e;
  }
  return normalVar(Math.sqrt(ss / (series.length - 1)), confidence, factor);
}

/**
 * Parametric VaR from a covariance of one-bar returns (n × n, row-major) already at hand: the
 * pre-trade check and stressed correlations reuse one matrix for many books. σ_p = √(wᵀΣw).
 */
export function parametricVarFromCov(exposures: Float64Array, cov: Float64Array, confidence: number, horizonFactor: number): VarEstimate {
  checkConfidence(confidence);
  checkFactor(horizonFactor);
  const variance = quadraticForm(cov, exposures, exposures.length);
  return normalVar(Math.sqrt(Math.max(0, variance)), confidence, horizonFactor);
}

/**
 * Normal VaR and ES of a zero-mean P&L with one-bar standard deviation σ over `factor` bars:
 * VaR = z·σ·√factor, ES = σ·√factor·φ(z)/(1 − c), z = Φ⁻¹(c).
 */
export function normalVar(sigma: number, confidence: number, factor: number): VarEstimate {
  const z = inverseNormalCdf(confidence);
  const s = sigma * Math.sqrt(factor);
  return { var: z * s, es: (s * normalPdf(z)) / (1 - confidence) };
}

/**
 * Parametric marginal and component VaR: marginal_i = z·√factor·(Σw)_i/σ_p, the VaR added per
 * USD more of asset i; component_i = w_i·marginal_i, asset i's share. Euler's theorem (VaR is
 * homogeneous of degree one in w) makes the components sum to the total, which is what lets the
 * mitigation planner and the dashboard attribute the VaR to positions. A flat or riskless book has
 * zero everywhere. Pass the covariance the total is meant to match (`covariance(m)` for
 * `parametricVar`).
 */
export function componentVar(
  exposures: Float64Array,
  cov: Float64Array,
  confidence: number,
  horizonFactor: number,
): { var: number; marginal: Float64Array; component: Float64Array } {
  checkConfidence(confidence);
  checkFactor(horizonFactor);
  const n = exposures.length;
  checkExposures(exposures, n);
  if (cov.length !== n * n) throw new Error(`invariant: a ${n} × ${n} covariance has ${n * n} entries, got ${cov.length}`);
  const sw = new Float64Array(n);
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const s = dot(cov, i * n, exposures, 0, n);
    sw[i] = s;
    variance += (exposures[i] ?? 0) * s;
  }
  const marginal = new Float64Array(n);
  const component = new Float64Array(n);
  if (!(variance > 0)) return { var: 0, marginal, component };
  const sigma = Math.sqrt(variance);
  const k = (inverseNormalCdf(confidence) * Math.sqrt(horizonFactor)) / sigma;
  for (let i = 0; i < n; i++) {
    marginal[i] = k * (sw[i] ?? 0);
    component[i] = (exposures[i] ?? 0) * (marginal[i] ?? 0);
  }
  return { var: k * variance, marginal, component };
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo

/**
 * Monte Carlo VaR from the history: normal one-bar returns with zero mean and the Ledoit–Wolf
 * covariance (`ledoitWolf`; a short history of many assets has a singular sample covariance, which
 * has no Cholesky factor), scaled to the horizon. With many bars the shrinkage is small and the
 * result converges to `parametricVar` as paths grow; the two differ by the shrinkage and by the
 * sampling error (about 1.5% of VaR at 99% with 10,000 paths).
 */
export function monteCarloVar(exposures: Float64Array, m: ReturnMatrix, confidence: number, horizon: VarHorizon, options: MonteCarloOptions = {}): VarEstimate {
  checkConfidence(confidence);
  checkExposures(exposures, m.assets.length);
  const factor = horizonFactor(horizon, m.barMs);
  return monteCarloVarFromCov(exposures, ledoitWolf(m).cov, confidence, factor, options);
}

/**
 * Monte Carlo VaR from a covariance of one-bar returns. Draws Z (paths × assets) of independent
 * standard normals, correlates them with the Cholesky factor L of Σ·factor (Σ = L·Lᵀ) and revalues
 * the book on every path.
 *
 * The linear shortcut (default) is exact, not an approximation: the book's P&L on a path is
 * wᵀ·x with x = L·z the correlated returns, and wᵀ(L·z) = (Lᵀw)ᵀ·z by associativity. So
 * v = Lᵀw is formed once (O(assets²)) and each path costs one dot product z·v (O(assets)) instead
 * of a triangular matrix–vector product (O(assets²)): the same draws give the same P&L up to
 * floating-point rounding (checked against mode "full" in the tests). It only holds because the
 * book is linear in returns; options or stop-outs need the correlated returns themselves, which
 * mode "full" and `correlatedNormals` provide.
 *
 * The horizon enters as w·√factor (the same as factoring Σ·factor). Assets with zero variance
 * carry no risk in this model and are left out of the factorisation (a constant column makes any
 * covariance singular). Normals come from a ziggurat on xoshiro128** seeded by core/rng's
 * `seedRng` (see `NormalSource`); nothing is allocated per path.
 */
export function monteCarloVarFromCov(exposures: Float64Array, cov: Float64Array, confidence: number, horizonFactor: number, options: MonteCarloOptions = {}): VarEstimate {
  checkConfidence(confidence);
  checkFactor(horizonFactor);
  const pnl = monteCarloPnl(exposures, cov, horizonFactor, options);
  return tailLossInPlace(pnl, confidence);
}

/** The simulated P&L of every path (see `monteCarloVarFromCov`), in draw order. */
export function monteCarloPnl(exposures: Float64Array, cov: Float64Array, horizonFactor: number, options: MonteCarloOptions = {}): Float64Array {
  const paths = options.paths ?? DEFAULT_MC_PATHS;
  if (!Number.isInteger(paths) || paths < 1) throw new Error(`invariant: paths is a whole number >= 1, got ${paths}`);
  checkFactor(horizonFactor);
  const full = exposures.length;
  checkExposures(exposures, full);
  if (cov.length !== full * full) throw new Error(`invariant: a ${full} × ${full} covariance has ${full * full} entries, got ${cov.length}`);

  const { sub, index } = movingAssets(cov, full);
  const n = index.length;
  const pnl = new Float64Array(paths);
  if (n === 0) return pnl;
  const chol = cholesky(sub, n, options.jitter === undefined ? {} : { jitter: options.jitter });
  const w = new Float64Array(n);
  const root = Math.sqrt(horizonFactor);
  for (let k = 0; k < n; k++) w[k] = (exposures[index[k] ?? 0] ?? 0) * root;

  const normals = new NormalSource(options.seed ?? DEFAULT_MC_SEED);
  if ((options.mode ?? "linear") === "linear") {
    // v = Lᵀw: v_j = Σ_{i ≥ j} L_ij w_i.
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const wi = w[i] ?? 0;
      const row = i * n;
      for (let j = 0; j <= i; j++) v[j] = (v[j] ?? 0) + (chol[row + j] ?? 0) * wi;
    }
    normals.dotRows(v, pnl);
    return pnl;
  }
  // Whole tiles of four paths (see correlateBlock).
  const block = Math.max(4, Math.min(paths, Math.floor(BLOCK_DOUBLES / n) & ~3));
  const z = new Float64Array(block * n);
  const x = new Float64Array(block * n);
  for (let p0 = 0; p0 < paths; p0 += block) {
    const rows = Math.min(block, paths - p0);
    normals.fill(z, 0, rows * n);
    correlateBlock(z, x, rows, chol, n);
    for (let r = 0; r < rows; r++) pnl[p0 + r] = dot(x, r * n, w, 0, n);
  }
  return pnl;
}

/**
 * `paths` draws of correlated standard-normal returns (paths × n, row-major): X = Z·Lᵀ for the
 * lower Cholesky factor `chol` (so each row has covariance L·Lᵀ). The draws are the ones
 * `monteCarloPnl` uses for the same seed. For books whose value is not linear in returns.
 */
export function correlatedNormals(chol: Float64Array, n: number, paths: number, seed: number | string = DEFAULT_MC_SEED): Float64Array {
  if (chol.length !== n * n) throw new Error(`invariant: a ${n} × ${n} factor has ${n * n} entries, got ${chol.length}`);
  if (!Number.isInteger(paths) || paths < 1) throw new Error(`invariant: paths is a whole number >= 1, got ${paths}`);
  const z = new Float64Array(paths * n);
  const x = new Float64Array(paths * n);
  new NormalSource(seed).fill(z, 0, z.length);
  correlateBlock(z, x, paths, chol, n);
  return x;
}

/** Doubles per block of draws: 64 KiB, so a block of Z (and X) stays in L2 while it is used. */
const BLOCK_DOUBLES = 8_192;

/**
 * X = Z·Lᵀ for `rows` rows of Z, L lower triangular: x_rj = Σ_{i ≤ j} z_ri·L_ji, dot products of
 * contiguous rows over the triangle only (half a full product). Tiles of 4 paths × 2 rows of L
 * keep eight independent sums per six loads (measured 2.3× faster than one path at a time).
 */
function correlateBlock(z: Float64Array, x: Float64Array, rows: number, chol: Float64Array, n: number): void {
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const z0 = r * n;
    const z1 = z0 + n;
    const z2 = z1 + n;
    const z3 = z2 + n;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const la = j * n;
      const lb = la + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let i = 0; i <= j; i++) {
        const u = chol[la + i]!;
        const v = chol[lb + i]!;
        const p0 = z[z0 + i]!;
        const p1 = z[z1 + i]!;
        const p2 = z[z2 + i]!;
        const p3 = z[z3 + i]!;
        a0 += p0 * u;
        a1 += p1 * u;
        a2 += p2 * u;
        a3 += p3 * u;
        b0 += p0 * v;
        b1 += p1 * v;
        b2 += p2 * v;
        b3 += p3 * v;
      }
      // Row j + 1 of L reaches one column further than row j.
      const v = chol[lb + j + 1]!;
      x[z0 + j] = a0;
      x[z1 + j] = a1;
      x[z2 + j] = a2;
      x[z3 + j] = a3;
      x[z0 + j + 1] = b0 + z[z0 + j + 1]! * v;
      x[z1 + j + 1] = b1 + z[z1 + j + 1]! * v;
      x[z2 + j + 1] = b2 + z[z2 + j + 1]! * v;
      x[z3 + j + 1] = b3 + z[z3 + j + 1]! * v;
    }
    if (j < n) {
      const lj = j * n;
      x[z0 + j] = dot(z, z0, chol, lj, j + 1);
      x[z1 + j] = dot(z, z1, chol, lj, j + 1);
      x[z2 + j] = dot(z, z2, chol, lj, j + 1);
      x[z3 + j] = dot(z, z3, chol, lj, j + 1);
    }
  }
  for (; r < rows; r++) {
    const zr = r * n;
    for (let j = 0; j < n; j++) x[zr + j] = dot(z, zr, chol, j * n, j + 1);
  }
}

/** The sub-covariance of the assets whose variance is positive, and their indices. */
function movingAssets(cov: Float64Array, n: number): { sub: Float64Array; index: Int32Array } {
  let count = 0;
  for (let i = 0; i < n; i++) if ((cov[i * n + i] ?? 0) > 0) count++;
  if (count === n) return { sub: cov, index: Int32Array.from({ length: n }, (_, i) => i) };
  const index = new Int32Array(count);
  for (let i = 0, k = 0; i < n; i++) if ((cov[i * n + i] ?? 0) > 0) index[k++] = i;
  const sub = new Float64Array(count * count);
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) sub[a * count + b] = cov[(index[a] ?? 0) * n + (index[b] ?? 0)] ?? 0;
  }
  return { sub, index };
}

// ---------------------------------------------------------------------------------------------
// The figure that leaves the module

/**
 * One VaR figure as the risk layer reports it: the method's float result turned into decimal
 * strings of USD, rounded half-even to the cent (the only place a VaR is rounded).
 */
export function valueAtRisk(
  method: VarMethod,
  exposures: Float64Array,
  m: ReturnMatrix,
  confidence: VarConfidence,
  horizon: VarHorizon,
  options: MonteCarloOptions = {},
): VarFigure {
  const estimate =
    method === "historical"
      ? historicalVar(exposures, m, confidence, horizon)
      : method === "parametric"
        ? parametricVar(exposures, m, confidence, horizon)
        : monteCarloVar(exposures, m, confidence, horizon, options);
  return { method, confidence, horizon, var: usd(estimate.var), es: usd(estimate.es) };
}

/** A float amount of USD as a decimal string rounded half-even to the cent. */
export function usd(amount: number): string {
  if (!Number.isFinite(amount)) throw new Error(`invariant: a USD figure is finite, got ${amount}`);
  return str(new Decimal(amount).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN));
}


function checkFactor(factor: number): void {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`invariant: a horizon factor is a positive number of bars, got ${factor}`);
}
