import { Decimal, str } from "../money.js";
import { seedRng } from "../rng.js";
import { checkExposures, cholesky, dot, forEachWindow, ledoitWolf, portfolioSeries, quadraticForm } from "./stats.js";
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

export interface VarEstimate {
  /** The loss not exceeded with probability `confidence` (positive = loss), USD. */
  readonly var: number;
  /** Expected shortfall: the mean loss in the tail at or beyond the VaR, USD. */
  readonly es: number;
}

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

/**
 * Standard normals for the simulation: Marsaglia & Tsang's ziggurat ("The Ziggurat Method for
 * Generating Random Variables", J. Statistical Software 5(8), 2000; 128 layers) on xoshiro128**
 * (Blackman & Vigna) seeded from core/rng's `seedRng`, so a seed means the same thing everywhere.
 *
 * Why not `nextNormal`: the draws are the hot loop of Monte Carlo VaR (a million per 100-asset
 * run). Box–Muller or the polar method spend a logarithm per pair, and sfc32's add-with-carry chain
 * runs about four times slower in V8 than xoshiro's shifts and xors (measured: 6.5 against 1.6 ns
 * per 32-bit output). The ziggurat needs one 32-bit output and no logarithm for 97.2% of draws
 * (measured), the rest going through a wedge or tail test.
 *
 * Each output is split into disjoint bits, avoiding the original's reuse of the layer bits in the
 * value (Doornik 2005): bits 0–6 pick the layer, bits 8–31 are a signed 24-bit value, so a draw
 * is uniform on 2²⁴ points of its layer (a resolution of ~4e-7 σ, far below any VaR's sampling
 * error). The sign comes with the value and the magnitude test is branch-free, so the only branch
 * taken on the fast path is the acceptance that almost always succeeds. The stream depends only
 * on the seed, not on how callers cut it into fills.
 */
class NormalSource {
  /** xoshiro128**'s state (an Int32Array: int32 stores never box, unlike number fields). */
  private readonly state = new Int32Array(4);
  /** Draws made but not handed out yet: the stream is made in chunks, whatever the callers ask. */
  private readonly chunk = new Float64Array(NORMAL_CHUNK);
  private used = NORMAL_CHUNK;
  /** The outputs the fast path rejected in the current chunk, by position. */
  private readonly rejected = new Int32Array(NORMAL_CHUNK);
  private readonly rejectedOutput = new Int32Array(NORMAL_CHUNK);

  constructor(seed: number | string) {
    const [a, b, c, d] = seedRng(seed);
    // xoshiro's state must not be all zero; seedRng's never is in practice, but be certain.
    this.state[0] = a | 0 || 1;
    this.state[1] = b;
    this.state[2] = c;
    this.state[3] = d;
  }

  /** out[start..end) ← the next standard normals of the stream. */
  fill(out: Float64Array, start: number, end: number): void {
    let k = start;
    while (k < end) {
      if (this.used === NORMAL_CHUNK) this.refill();
      const take = Math.min(end - k, NORMAL_CHUNK - this.used);
      out.set(this.chunk.subarray(this.used, this.used + take), k);
      this.used += take;
      k += take;
    }
  }

  /**
   * out[p] ← z_p·v for the next out.length rows z_p of v.length normals each: the linear book's
   * P&L straight from the chunks, without copying the draws out (the same draws `fill` would give).
   */
  dotRows(v: Float64Array, out: Float64Array): void {
    const n = v.length;
    const chunk = this.chunk;
    for (let row = 0; row < out.length; row++) {
      let s = 0;
      let j = 0;
      while (j < n) {
        if (this.used === NORMAL_CHUNK) this.refill();
        const u = this.used;
        const take = Math.min(n - j, NORMAL_CHUNK - u);
        s += dot(chunk, u, v, j, take);
        this.used = u + take;
        j += take;
      }
      out[row] = s;
    }
  }

  /**
   * A chunk of normals in two passes. The fast pass keeps the generator's state in locals and
   * makes no calls: a call or a field store in the loop, even on the rare path, measured twice as
   * slow. The draws it rejects (2.8%) are finished afterwards, in order, by `slow`.
   */
  private refill(): void {
    const out = this.chunk;
    const st = this.state;
    const kTable = ZIG_K;
    const wTable = ZIG_W;
    let s0 = st[0] ?? 0;
    let s1 = st[1] ?? 0;
    let s2 = st[2] ?? 0;
    let s3 = st[3] ?? 0;
    let rejects = 0;
    for (let k = 0; k < NORMAL_CHUNK; k++) {
      // xoshiro128**: r = rotl(s1 · 5, 7) · 9, then the state's shift-xor step.
      const m5 = Math.imul(s1, 5);
      const r = Math.imul((m5 << 7) | (m5 >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const layer = r & 127;
      const value = r >> 8;
      // (value ^ (value >> 31)) + 0.5 is |value + 0.5| without a branch.
      if ((value ^ (value >> 31)) + 0.5 < kTable[layer]!) {
        out[k] = (value + 0.5) * wTable[layer]!;
      } else {
        this.rejected[rejects] = k;
        this.rejectedOutput[rejects] = r;
        rejects++;
      }
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
    for (let j = 0; j < rejects; j++) {
      const r = this.rejectedOutput[j] ?? 0;
      out[this.rejected[j] ?? 0] = this.slow(r & 127, r >> 8);
    }
    this.used = 0;
  }

  /** The next 32-bit output as a signed integer (the slow path's own draws). */
  private next(): number {
    const st = this.state;
    let s0 = st[0] ?? 0;
    let s1 = st[1] ?? 0;
    let s2 = st[2] ?? 0;
    let s3 = st[3] ?? 0;
    const m5 = Math.imul(s1, 5);
    const r = Math.imul((m5 << 7) | (m5 >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
    return r;
  }

  /** Uniform on (0, 1), never 0 (so its logarithm is finite). */
  private uniform(): number {
    return ((this.next() >>> 0) + 0.5) * TWO_POW_MINUS_32;
  }

  /**
   * A draw outside its layer's inner rectangle: the base layer's tail beyond R by Marsaglia's
   * exponential rejection, or the wedge of layer i accepted under the density; a rejected draw
   * starts over with a fresh layer and value.
   */
  private slow(firstLayer: number, firstValue: number): number {
    let layer = firstLayer;
    let value = firstValue;
    for (;;) {
      const x = (value + 0.5) * (ZIG_W[layer] ?? 0);
      if (layer === 0) {
        let tx: number;
        let ty: number;
        do {
          tx = -Math.log(this.uniform()) / ZIG_R;
          ty = -Math.log(this.uniform());
        } while (ty + ty < tx * tx);
        return value < 0 ? -ZIG_R - tx : ZIG_R + tx;
      }
      const f0 = ZIG_F[layer] ?? 0;
      if (f0 + this.uniform() * ((ZIG_F[layer - 1] ?? 0) - f0) < Math.exp(-0.5 * x * x)) return x;
      const r = this.next();
      layer = r & 127;
      value = r >> 8;
      if ((value ^ (value >> 31)) + 0.5 < (ZIG_K[layer] ?? 0)) return (value + 0.5) * (ZIG_W[layer] ?? 0);
    }
  }
}

/** Normals made per chunk (32 KiB). */
const NORMAL_CHUNK = 4_096;
const TWO_POW_MINUS_32 = 1 / 4_294_967_296;
/** The right edge of the base layer, and the common area of the 128 layers (Marsaglia & Tsang). */
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
/** Magnitudes of the signed 24-bit value run over [0, 2²³). */
const ZIG_SCALE = 8_388_608;

/**
 * The ziggurat's tables, indexed by layer: K, the bound under which a value lies in the part of
 * the layer entirely under the density (accepted at once); W, the layer's width per value step;
 * F, the density at the layer's right edge. Layer 0 is the base (with the tail), 127 the widest
 * rectangle above it, 1 the top.
 */
const { ZIG_K, ZIG_W, ZIG_F } = zigguratTables();

function zigguratTables(): { ZIG_K: Float64Array; ZIG_W: Float64Array; ZIG_F: Float64Array } {
  const k = new Float64Array(128);
  const w = new Float64Array(128);
  const f = new Float64Array(128);
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  k[0] = (dn / q) * ZIG_SCALE;
  k[1] = 0;
  w[0] = q / ZIG_SCALE;
  w[127] = dn / ZIG_SCALE;
  f[0] = 1;
  f[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    k[i + 1] = (dn / tn) * ZIG_SCALE;
    tn = dn;
    f[i] = Math.exp(-0.5 * dn * dn);
    w[i] = dn / ZIG_SCALE;
  }
  return { ZIG_K: k, ZIG_W: w, ZIG_F: f };
}

// ---------------------------------------------------------------------------------------------
// Quantiles

/** k = ⌈N·(1 − c)⌉, at least 1; N·(1 − c) is rounded to 1e-9 first, so 100 × (1 − 0.99) is 1, not 2. */
export function tailCount(outcomes: number, confidence: number): number {
  checkConfidence(confidence);
  const expected = Math.round(outcomes * (1 - confidence) * 1e9) / 1e9;
  return Math.max(1, Math.min(outcomes, Math.ceil(expected)));
}

/**
 * VaR and ES of a P&L sample (gains positive) by the quantile convention of this module: the k
 * worst outcomes, k = `tailCount`. `pnl` is left untouched.
 */
export function tailLoss(pnl: Float64Array, confidence: number): VarEstimate {
  return tailLossInPlace(pnl.slice(), confidence);
}

/**
 * `tailLoss` on a buffer the caller owns: quickselect partitions it in place (expected O(N),
 * measured faster than sorting the typed array, see bench/risk-core.ts) so its k smallest values
 * come first; their largest is the VaR outcome and their mean the ES outcome.
 */
function tailLossInPlace(pnl: Float64Array, confidence: number): VarEstimate {
  const count = pnl.length;
  if (count === 0) throw new Error("invariant: VaR needs at least one outcome");
  for (let i = 0; i < count; i++) if (!Number.isFinite(pnl[i] ?? Number.NaN)) throw new Error(`invariant: outcome ${i} is not finite`);
  const k = tailCount(count, confidence);
  selectSmallest(pnl, k - 1);
  let worst = -Infinity;
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const p = pnl[i] ?? 0;
    sum += p;
    if (p > worst) worst = p;
  }
  return { var: -worst, es: -sum / k };
}

/**
 * Rearranges `a` so that a[k] holds the value it would hold sorted ascending, with nothing larger
 * before it and nothing smaller after it (Hoare's quickselect, median-of-three pivots, insertion
 * sort on short ranges).
 */
function selectSmallest(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    // Median of three into a[mid], with a[lo] <= a[mid] <= a[hi].
    if ((a[mid] ?? 0) < (a[lo] ?? 0)) swap(a, mid, lo);
    if ((a[hi] ?? 0) < (a[lo] ?? 0)) swap(a, hi, lo);
    if ((a[hi] ?? 0) < (a[mid] ?? 0)) swap(a, hi, mid);
    const pivot = a[mid] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] ?? 0) < pivot) i++;
      while ((a[j] ?? 0) > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[lo..j] <= pivot <= a[i..hi], and anything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
  for (let i = lo + 1; i <= hi; i++) {
    const x = a[i] ?? 0;
    let j = i - 1;
    while (j >= lo && (a[j] ?? 0) > x) {
      a[j + 1] = a[j] ?? 0;
      j--;
    }
    a[j + 1] = x;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] ?? 0;
  a[i] = a[j] ?? 0;
  a[j] = t;
}

// ---------------------------------------------------------------------------------------------
// The normal distribution

/** The standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * Φ⁻¹(p), the standard normal quantile: Wichura's algorithm AS 241 (PPND16), Applied Statistics
 * 37 (1988) 477–484, accurate to about 1e-16 relative, with no refinement step needed (JavaScript
 * has no erf to refine with). Throws outside (0, 1).
 */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`invariant: a normal quantile needs 0 < p < 1, got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(AS241_A, r)) / horner(AS241_B, r);
  }
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const x = r <= 5 ? horner(AS241_C, r - 1.6) / horner(AS241_D, r - 1.6) : horner(AS241_E, r - 5) / horner(AS241_F, r - 5);
  return q < 0 ? -x : x;
}

// AS 241's coefficients, lowest degree first (B, D and F start with their implicit 1).
const AS241_A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
  33430.575583588128105, 2509.0809287301226727,
] as const;
const AS241_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
  5226.495278852854561,
] as const;
const AS241_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
  0.0227238449892691845833, 7.7454501427834140764e-4,
] as const;
const AS241_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966,
  5.475938084995344946e-4, 1.05075007164441684324e-9,
] as const;
const AS241_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
  2.71155556874348757815e-5, 2.01033439929228813265e-7,
] as const;
const AS241_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5,
  1.4215117583164458887e-7, 2.04426310338993978564e-15,
] as const;

/** c[0] + c[1]·x + … + c[m]·x^m, by Horner's rule. */
function horner(c: readonly number[], x: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * x + (c[i] ?? 0);
  return s;
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

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new Error(`invariant: a confidence level is in (0, 1), got ${confidence}`);
}

function checkFactor(factor: number): void {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`invariant: a horizon factor is a positive number of bars, got ${factor}`);
}
