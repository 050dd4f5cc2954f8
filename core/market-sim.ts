/**
 * A synthetic market, deterministic for a seed: correlated geometric Brownian motion with a
 * Markov-switching volatility regime and Poisson jumps for the reference prices, and per venue a
 * small mean-reverting basis (Ornstein–Uhlenbeck, in bp) on top, so venues disagree a little and
 * arbitrage and pairs strategies have something to find.
 *
 * The state is plain data (JSON round-trips it exactly), so a Durable Object persists it as is and
 * `stepMarket` continues the same path after a restart. Inside, the simulation runs on float64;
 * every price or size that leaves it is a decimal string rounded to the tick or lot. Books are
 * built from the state by `bookFor` (core/market-book.ts), candles by `candlesFrom` (core/market-path.ts).
 *
 * Parameters (`createMarket(input, seed = 1, startTimeMs = 0)`; anything omitted takes its default;
 * the market starts calm with every basis deviation at 0):
 *
 * | parameter | default | meaning |
 * | --- | --- | --- |
 * | `assets[].symbol` | BTC-USD, ETH-USD, SOL-USD | `BASE-QUOTE` |
 * | `assets[].initialPrice` | 60000 / 3000 / 150 | reference price at the start |
 * | `assets[].annualVolatility` | 0.5 / 0.65 / 0.9 | σ of log returns per year, calm regime |
 * | `assets[].annualDrift` | 0 | μ per year (the path's expected growth, jumps compensated) |
 * | `assets[].jumpStd` | 0.02 / 0.026 / 0.036 | std of a jump's log size |
 * | `assets[].tickSize`, `lotSize` | 0.01, 0.00001 / 0.01, 0.0001 / 0.001, 0.01 | rounding of `venuePrice`, candles, `symbolSpecs` |
 * | `assets[].minNotional` | "10" | for `symbolSpecs` |
 * | `assets[].volumePerMinute` | 10 / 150 / 2000 | mean simulated volume, base units, calm regime |
 * | `correlations` | BTC/ETH 0.8, BTC/SOL 0.7, ETH/SOL 0.75, others 0 | n×n matrix of return correlations (diffusion and jumps alike) |
 * | `jumpsPerDay` | 1 | Poisson intensity of market-wide jumps, calm regime |
 * | `jumpMean` | 0 | mean log size of a jump |
 * | `regime.calmMeanDurationMs` | 6 h | mean stay in the calm regime |
 * | `regime.volatileMeanDurationMs` | 1 h | mean stay in the volatile regime |
 * | `regime.volatileVolMultiplier` | 2.5 | σ multiplier when volatile (volume too) |
 * | `regime.volatileJumpMultiplier` | 3 | jump intensity multiplier when volatile |
 * | `regime.volatileSpreadMultiplier` | 2 | book spread and level spacing multiplier when volatile |
 * | `regime.volatileDepthMultiplier` | 0.5 | book size multiplier when volatile |
 * | `venues[].venueId` | paper-binance, paper-coinbase, paper-kraken | |
 * | `venues[].basisMeanBp` | 0 | constant offset of the venue from the reference |
 * | `venues[].basisStdBp` | 3 | stationary std of the OU basis |
 * | `venues[].basisHalfLifeMs` | 60 s | half-life of a basis deviation |
 * | `venues[].halfSpreadBp` | 1 / 1.5 / 2 | half the touch spread around the venue mid |
 * | `venues[].levelSpacingBp` | 1 | distance between successive book levels |
 * | `venues[].levels` | 20 | levels per book side |
 * | `venues[].topLevelNotional` | 50000 / 30000 / 20000 | quote value of the first level |
 * | `venues[].sizeGrowth` | 1.15 | factor by which each level's size grows away from the mid |
 * | `venues[].sizeJitter` | 0.25 | ± relative noise on a level's size |
 * | `basisClampBp` | 25 | hard bound on a venue's basis deviation |
 * | `maxStepMs` | 60000 | a longer `stepMarket` runs in sub-steps no longer than this |
 */
import type { SymbolSpec } from "./market.js";
import { Decimal, str } from "./money.js";
import { type RngState, cloneRng, nextNormal, nextPoisson, nextUniform, seedRng } from "./rng.js";
import { gridFromFloat } from "./ticks.js";

export type Regime = "calm" | "volatile";

export interface AssetParams {
  readonly symbol: string;
  readonly initialPrice: number;
  readonly annualVolatility: number;
  readonly annualDrift: number;
  readonly jumpStd: number;
  readonly tickSize: string;
  readonly lotSize: string;
  readonly minNotional: string;
  readonly volumePerMinute: number;
}

export interface VenueParams {
  readonly venueId: string;
  readonly basisMeanBp: number;
  readonly basisStdBp: number;
  readonly basisHalfLifeMs: number;
  readonly halfSpreadBp: number;
  readonly levelSpacingBp: number;
  readonly levels: number;
  readonly topLevelNotional: number;
  readonly sizeGrowth: number;
  readonly sizeJitter: number;
}

export interface RegimeParams {
  readonly calmMeanDurationMs: number;
  readonly volatileMeanDurationMs: number;
  readonly volatileVolMultiplier: number;
  readonly volatileJumpMultiplier: number;
  readonly volatileSpreadMultiplier: number;
  readonly volatileDepthMultiplier: number;
}

export interface MarketParams {
  readonly assets: readonly AssetParams[];
  readonly correlations: ReadonlyArray<readonly number[]>;
  readonly venues: readonly VenueParams[];
  readonly regime: RegimeParams;
  readonly jumpsPerDay: number;
  readonly jumpMean: number;
  readonly basisClampBp: number;
  readonly maxStepMs: number;
}

export interface MarketParamsInput {
  readonly assets?: readonly AssetParams[];
  readonly correlations?: ReadonlyArray<readonly number[]>;
  readonly venues?: ReadonlyArray<Partial<VenueParams> & { readonly venueId: string }>;
  readonly regime?: Partial<RegimeParams>;
  readonly jumpsPerDay?: number;
  readonly jumpMean?: number;
  readonly basisClampBp?: number;
  readonly maxStepMs?: number;
}

export interface MarketState {
  readonly version: 1;
  readonly params: MarketParams;
  readonly timeMs: number;
  /** How many `stepMarket` calls led here. */
  readonly steps: number;
  readonly rng: readonly number[];
  readonly regime: Regime;
  /** Reference prices, in the order of `params.assets`. */
  readonly prices: readonly number[];
  /** Base volume traded per asset during the last `stepMarket` call. */
  readonly volumes: readonly number[];
  /** Basis deviation in bp, `[venue][asset]`, on top of the venue's `basisMeanBp`. */
  readonly basisBp: ReadonlyArray<readonly number[]>;
  /** Lower-triangular Cholesky factor of `params.correlations` (derived; kept to save work per step). */
  readonly cholesky: ReadonlyArray<readonly number[]>;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;
const BP = 1e-4;

export const DEFAULT_ASSETS: readonly AssetParams[] = [
  { symbol: "BTC-USD", initialPrice: 60_000, annualVolatility: 0.5, annualDrift: 0, jumpStd: 0.02, tickSize: "0.01", lotSize: "0.00001", minNotional: "10", volumePerMinute: 10 },
  { symbol: "ETH-USD", initialPrice: 3_000, annualVolatility: 0.65, annualDrift: 0, jumpStd: 0.026, tickSize: "0.01", lotSize: "0.0001", minNotional: "10", volumePerMinute: 150 },
  { symbol: "SOL-USD", initialPrice: 150, annualVolatility: 0.9, annualDrift: 0, jumpStd: 0.036, tickSize: "0.001", lotSize: "0.01", minNotional: "10", volumePerMinute: 2_000 },
];

/** Pairwise correlations used when `correlations` is omitted, keyed by the two symbols sorted. */
export const DEFAULT_PAIR_CORRELATIONS: Readonly<Record<string, number>> = {
  "BTC-USD|ETH-USD": 0.8,
  "BTC-USD|SOL-USD": 0.7,
  "ETH-USD|SOL-USD": 0.75,
};

const VENUE_DEFAULTS: Omit<VenueParams, "venueId"> = {
  basisMeanBp: 0,
  basisStdBp: 3,
  basisHalfLifeMs: MINUTE_MS,
  halfSpreadBp: 1,
  levelSpacingBp: 1,
  levels: 20,
  topLevelNotional: 50_000,
  sizeGrowth: 1.15,
  sizeJitter: 0.25,
};

export const DEFAULT_VENUES: readonly VenueParams[] = [
  { ...VENUE_DEFAULTS, venueId: "paper-binance" },
  { ...VENUE_DEFAULTS, venueId: "paper-coinbase", halfSpreadBp: 1.5, topLevelNotional: 30_000 },
  { ...VENUE_DEFAULTS, venueId: "paper-kraken", halfSpreadBp: 2, topLevelNotional: 20_000 },
];

export const DEFAULT_REGIME: RegimeParams = {
  calmMeanDurationMs: 6 * HOUR_MS,
  volatileMeanDurationMs: HOUR_MS,
  volatileVolMultiplier: 2.5,
  volatileJumpMultiplier: 3,
  volatileSpreadMultiplier: 2,
  volatileDepthMultiplier: 0.5,
};

/** Fills in defaults and checks the parameters (a bad parameter is a programmer error: it throws). */
export function resolveMarketParams(input: MarketParamsInput = {}): MarketParams {
  const assets = input.assets ?? DEFAULT_ASSETS;
  const venues = (input.venues ?? DEFAULT_VENUES).map((v): VenueParams => ({ ...VENUE_DEFAULTS, ...v }));
  const params: MarketParams = {
    assets,
    correlations: input.correlations ?? defaultCorrelations(assets),
    venues,
    regime: { ...DEFAULT_REGIME, ...input.regime },
    jumpsPerDay: input.jumpsPerDay ?? 1,
    jumpMean: input.jumpMean ?? 0,
    basisClampBp: input.basisClampBp ?? 25,
    maxStepMs: input.maxStepMs ?? MINUTE_MS,
  };
  checkParams(params);
  return params;
}

/** A fresh market at `startTimeMs`, every venue at zero basis deviation, in the calm regime. */
export function createMarket(input: MarketParamsInput = {}, seed: number | string = 1, startTimeMs = 0): MarketState {
  const params = resolveMarketParams(input);
  return {
    version: 1,
    params,
    timeMs: startTimeMs,
    steps: 0,
    rng: seedRng(`cival-market:${seed}`),
    regime: "calm",
    prices: params.assets.map((a) => a.initialPrice),
    volumes: params.assets.map(() => 0),
    basisBp: params.venues.map(() => params.assets.map(() => 0)),
    cholesky: cholesky(params.correlations),
  };
}

/** The market `dtMs` later (whole milliseconds ≥ 0); long steps run as sub-steps of at most `maxStepMs`. */
export function stepMarket(state: MarketState, dtMs: number): MarketState {
  if (!Number.isInteger(dtMs) || dtMs < 0) throw new Error(`invariant: a market step is whole milliseconds >= 0, got ${dtMs}`);
  if (dtMs === 0) return state;
  const p = state.params;
  const n = p.assets.length;
  const rng = cloneRng(state.rng);
  const prices = state.prices.slice();
  const basis = state.basisBp.map((row) => row.slice());
  const volumes = new Array<number>(n).fill(0);
  const chol = state.cholesky;
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  const jumps = new Float64Array(n);
  let regime = state.regime;

  const substeps = Math.ceil(dtMs / p.maxStepMs);
  const h = dtMs / substeps;
  const years = h / YEAR_MS;
  for (let s = 0; s < substeps; s++) {
    const meanStay = regime === "calm" ? p.regime.calmMeanDurationMs : p.regime.volatileMeanDurationMs;
    if (nextUniform(rng) < 1 - Math.exp(-h / meanStay)) regime = regime === "calm" ? "volatile" : "calm";
    const volatile = regime === "volatile";
    const volMult = volatile ? p.regime.volatileVolMultiplier : 1;
    const jumpRatePerMs = (p.jumpsPerDay * (volatile ? p.regime.volatileJumpMultiplier : 1)) / DAY_MS;

    correlated(rng, chol, z, w);
    jumps.fill(0);
    const count = nextPoisson(rng, jumpRatePerMs * h);
    for (let k = 0; k < count; k++) {
      correlated(rng, chol, z, z);
      for (let i = 0; i < n; i++) jumps[i] = (jumps[i] ?? 0) + p.jumpMean + asset(p, i).jumpStd * (z[i] ?? 0);
    }
    for (let i = 0; i < n; i++) {
      const a = asset(p, i);
      const sigma = a.annualVolatility * volMult;
      // Compensate jumps so the drift stays μ: E[e^J] - 1 per jump, times the jump rate.
      const compensation = jumpRatePerMs * YEAR_MS * (Math.exp(p.jumpMean + (a.jumpStd * a.jumpStd) / 2) - 1);
      const wi = w[i] ?? 0;
      const logReturn = (a.annualDrift - (sigma * sigma) / 2 - compensation) * years + sigma * Math.sqrt(years) * wi + (jumps[i] ?? 0);
      prices[i] = (prices[i] ?? a.initialPrice) * Math.exp(logReturn);
      volumes[i] = (volumes[i] ?? 0) + a.volumePerMinute * (h / MINUTE_MS) * volMult * (0.5 + 0.5 * Math.abs(wi) * Math.sqrt(Math.PI / 2));
    }
    for (let v = 0; v < p.venues.length; v++) {
      const venue = p.venues[v];
      const row = basis[v];
      if (!venue || !row) throw new Error("invariant: a basis row per venue");
      const decay = Math.exp((-Math.LN2 * h) / venue.basisHalfLifeMs);
      const shock = venue.basisStdBp * Math.sqrt(1 - decay * decay);
      for (let i = 0; i < n; i++) {
        const x = (row[i] ?? 0) * decay + shock * nextNormal(rng);
        row[i] = Math.max(-p.basisClampBp, Math.min(p.basisClampBp, x));
      }
    }
  }
  return { ...state, timeMs: state.timeMs + dtMs, steps: state.steps + 1, rng, regime, prices, volumes, basisBp: basis };
}

/** The reference (venue-free) price as a float, for statistics. */
export function referenceMid(state: MarketState, symbol: string): number {
  return state.prices[assetIndex(state.params, symbol)] ?? Number.NaN;
}

/** The venue's mid price as a float: reference × (1 + basis). */
export function venueMid(state: MarketState, venueId: string, symbol: string): number {
  const i = assetIndex(state.params, symbol);
  const v = venueIndex(state.params, venueId);
  const venue = state.params.venues[v];
  const deviation = state.basisBp[v]?.[i] ?? 0;
  return (state.prices[i] ?? Number.NaN) * (1 + ((venue?.basisMeanBp ?? 0) + deviation) * BP);
}

/** The venue's mid as a decimal string on the asset's tick (nearest). */
export function venuePrice(state: MarketState, venueId: string, symbol: string): string {
  const a = asset(state.params, assetIndex(state.params, symbol));
  return str(gridFromFloat(venueMid(state, venueId, symbol), new Decimal(a.tickSize), Number(a.tickSize), "nearest"));
}

/** The reference price as a decimal string on the asset's tick (nearest). */
export function referencePrice(state: MarketState, symbol: string): string {
  const a = asset(state.params, assetIndex(state.params, symbol));
  return str(gridFromFloat(referenceMid(state, symbol), new Decimal(a.tickSize), Number(a.tickSize), "nearest"));
}

/** The venue's basis to the reference in bp (mean plus deviation). */
export function basisBp(state: MarketState, venueId: string, symbol: string): number {
  const v = venueIndex(state.params, venueId);
  return (state.params.venues[v]?.basisMeanBp ?? 0) + (state.basisBp[v]?.[assetIndex(state.params, symbol)] ?? 0);
}

/** The symbol specs the simulated assets imply (tick, lot, min notional), for paper venues. */
export function symbolSpecs(params: MarketParams): SymbolSpec[] {
  return params.assets.map((a) => {
    const [base = "", quote = ""] = a.symbol.split("-");
    return { symbol: a.symbol, base, quote, tickSize: a.tickSize, lotSize: a.lotSize, minNotional: a.minNotional };
  });
}

export function assetIndex(params: MarketParams, symbol: string): number {
  const i = params.assets.findIndex((a) => a.symbol === symbol);
  if (i < 0) throw new Error(`invariant: the market simulates ${symbol}`);
  return i;
}

export function venueIndex(params: MarketParams, venueId: string): number {
  const i = params.venues.findIndex((v) => v.venueId === venueId);
  if (i < 0) throw new Error(`invariant: the market simulates venue ${venueId}`);
  return i;
}

function asset(p: MarketParams, i: number): AssetParams {
  const a = p.assets[i];
  if (!a) throw new Error(`invariant: asset ${i} exists`);
  return a;
}

/** out = L · z for fresh independent normals z drawn into `scratch` (which may be `out`). */
function correlated(rng: RngState, chol: ReadonlyArray<readonly number[]>, scratch: Float64Array, out: Float64Array): void {
  const n = chol.length;
  for (let j = 0; j < n; j++) scratch[j] = nextNormal(rng);
  // From the last row up, so writing out[i] never overwrites a z[j] (j <= i) still needed when out === scratch.
  for (let i = n - 1; i >= 0; i--) {
    const row = chol[i] ?? [];
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += (row[j] ?? 0) * (scratch[j] ?? 0);
    out[i] = sum;
  }
}

function defaultCorrelations(assets: readonly AssetParams[]): number[][] {
  return assets.map((a, i) =>
    assets.map((b, j) => (i === j ? 1 : (DEFAULT_PAIR_CORRELATIONS[[a.symbol, b.symbol].sort().join("|")] ?? 0))),
  );
}

/** Lower-triangular L with L·Lᵀ = C; throws if C is not positive definite. */
export function cholesky(c: ReadonlyArray<readonly number[]>): number[][] {
  const n = c.length;
  const l: number[][] = c.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const li = l[i] ?? [];
    for (let j = 0; j <= i; j++) {
      const lj = l[j] ?? [];
      let sum = c[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (li[k] ?? 0) * (lj[k] ?? 0);
      if (i === j) {
        if (!(sum > 0)) throw new Error("invariant: the correlation matrix is positive definite");
        li[i] = Math.sqrt(sum);
      } else {
        li[j] = sum / (lj[j] ?? 1);
      }
    }
  }
  return l;
}

function checkParams(p: MarketParams): void {
  const fail = (what: string): never => {
    throw new Error(`invariant: market parameter ${what}`);
  };
  const n = p.assets.length;
  if (n === 0) fail("assets is not empty");
  if (new Set(p.assets.map((a) => a.symbol)).size !== n) fail("assets have distinct symbols");
  for (const a of p.assets) {
    if (!/^[A-Z0-9]+-[A-Z0-9]+$/.test(a.symbol)) fail(`${a.symbol}: symbol is BASE-QUOTE`);
    if (!(a.initialPrice > 0) || !(a.annualVolatility >= 0) || !(a.jumpStd >= 0) || !(a.volumePerMinute >= 0)) fail(`${a.symbol}: price > 0, volatility, jumpStd, volume >= 0`);
    if (!Number.isFinite(a.annualDrift)) fail(`${a.symbol}: drift is finite`);
    for (const step of [a.tickSize, a.lotSize]) if (!(Number(step) > 0)) fail(`${a.symbol}: tick and lot are positive`);
  }
  if (p.correlations.length !== n || p.correlations.some((row) => row.length !== n)) fail(`correlations is ${n}×${n}`);
  p.correlations.forEach((row, i) =>
    row.forEach((x, j) => {
      if (i === j ? x !== 1 : !(Math.abs(x) <= 1) || x !== p.correlations[j]?.[i]) fail("correlations is symmetric with a unit diagonal");
    }),
  );
  if (p.venues.length === 0) fail("venues is not empty");
  if (new Set(p.venues.map((v) => v.venueId)).size !== p.venues.length) fail("venues have distinct ids");
  for (const v of p.venues) {
    if (!(v.basisHalfLifeMs > 0) || !(v.basisStdBp >= 0) || !Number.isFinite(v.basisMeanBp)) fail(`${v.venueId}: basis half-life > 0, std >= 0`);
    if (!Number.isInteger(v.levels) || v.levels < 1) fail(`${v.venueId}: levels is a whole number >= 1`);
    if (!(v.halfSpreadBp >= 0) || !(v.levelSpacingBp >= 0) || !(v.topLevelNotional > 0) || !(v.sizeGrowth > 0)) fail(`${v.venueId}: book shape`);
    if (!(v.sizeJitter >= 0 && v.sizeJitter < 1)) fail(`${v.venueId}: sizeJitter in [0, 1)`);
  }
  const r = p.regime;
  if (!(r.calmMeanDurationMs > 0) || !(r.volatileMeanDurationMs > 0)) fail("regime durations > 0");
  if (!(r.volatileVolMultiplier > 0) || !(r.volatileJumpMultiplier >= 0) || !(r.volatileSpreadMultiplier > 0) || !(r.volatileDepthMultiplier > 0)) fail("regime multipliers");
  if (!(p.jumpsPerDay >= 0) || !Number.isFinite(p.jumpMean) || !(p.basisClampBp > 0) || !(p.maxStepMs > 0)) fail("jumps, clamp, maxStepMs");
  cholesky(p.correlations);
}
