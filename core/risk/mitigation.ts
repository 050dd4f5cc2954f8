/**
 * The mitigation planner: when the desk is over its gross exposure, VaR, position or concentration
 * limit, the fewest reductions that bring it back within all four, the largest contributors to VaR
 * first. Greedy, one asset per round:
 *
 * 1. Measure the desk; stop when within every limit.
 * 2. Pick an asset. An asset that is itself over a limit (position notional, concentration) must be
 *    cut whatever else happens, so such assets go first; otherwise any asset that helps. Among the
 *    candidates, the largest component VaR (c_i = w_i (Σw)_i / σ_p · z · √bars) wins.
 * 3. Cut it by just enough: the largest of the cuts each breached limit it can fix needs (gross:
 *    the excess; position: its excess; concentration: down to the water level; VaR: bisection on
 *    its exposure), or its whole net exposure when that is not enough.
 * 4. Spread the cut over its positions on the side of its net exposure, largest first, rounding
 *    each quantity up to the lot (so rounding never leaves the desk over), never past the position.
 *    Positions against the net (hedges) are never cut: cutting a hedge adds risk.
 *
 * Pure and deterministic: ties break by gross exposure, then by name.
 */
import { Decimal, ZERO, dec, str } from "../money.js";
import { ceilTo } from "../ticks.js";
import { Z_99, portfolioVariance, positionNotional, usd } from "./metrics.js";
import type { Reduction, RiskLimits, RiskPosition } from "./types.js";

export type MitigationLimits = Pick<RiskLimits, "maxGrossExposure" | "maxVar" | "maxPositionNotional" | "maxConcentration">;

/** A symbol's order rules at its venues. */
export interface LotRule {
  readonly lotSize: string;
  readonly minNotional: string;
}

export interface MitigationInput {
  /** The desk's positions. */
  readonly positions: readonly RiskPosition[];
  /** The assets of `cov`, in its order. An asset missing here adds no VaR (it has no history). */
  readonly assets: readonly string[];
  /** Per-bar covariance of simple returns, row-major assets × assets. */
  readonly cov: Float64Array;
  /** Bars of `cov` in one day (24 for hourly): the 1-day σ is the per-bar σ × √barsPerDay. */
  readonly barsPerDay: number;
  readonly limits: MitigationLimits;
  /** Lot size and min notional by symbol; a symbol missing here trades in units of 10⁻¹⁸ with no minimum. */
  readonly lots: Readonly<Record<string, LotRule>>;
}

export interface AssetRisk {
  /** Signed net notional (USD). */
  readonly net: Decimal;
  /** Sum of absolute position notionals (USD). */
  readonly gross: Decimal;
  /** The asset's share of the 1-day 99% parametric VaR (USD, float; negative for a hedge). */
  readonly componentVar: number;
}

export interface DeskRisk {
  readonly gross: Decimal;
  /** 1-day 99% parametric VaR of the net exposures (USD, float). */
  readonly var99: number;
  readonly assets: ReadonlyMap<string, AssetRisk>;
}

/**
 * VaR within this relative distance of its limit counts as within: float noise of the bisection,
 * far below a cent of any real VaR.
 */
const VAR_TOLERANCE = 1e-9;
const FINEST_LOT = new Decimal("0.000000000000000001");

/** Gross exposure, 1-day 99% parametric VaR and per-asset figures (component VaR sums to the VaR). */
export function deskRisk(positions: readonly RiskPosition[], assets: readonly string[], cov: Float64Array, barsPerDay: number): DeskRisk {
  const byAsset = new Map<string, { net: Decimal; gross: Decimal }>();
  let gross = ZERO;
  for (const p of positions) {
    const n = positionNotional(p);
    const a = byAsset.get(p.asset) ?? { net: ZERO, gross: ZERO };
    byAsset.set(p.asset, { net: a.net.plus(n), gross: a.gross.plus(n.abs()) });
    gross = gross.plus(n.abs());
  }
  const w = Float64Array.from(assets, (a) => byAsset.get(a)?.net.toNumber() ?? 0);
  const sigma = Math.sqrt(portfolioVariance(w, cov));
  const scale = Z_99 * Math.sqrt(barsPerDay);
  const k = assets.length;
  const component = new Map<string, number>();
  assets.forEach((asset, i) => {
    if (sigma === 0) return;
    let sw = 0;
    for (let j = 0; j < k; j++) sw += (cov[i * k + j] ?? 0) * (w[j] ?? 0);
    component.set(asset, ((w[i] ?? 0) * sw * scale) / sigma);
  });
  const out = new Map<string, AssetRisk>();
  for (const [asset, a] of [...byAsset].sort(([x], [y]) => x.localeCompare(y))) out.set(asset, { ...a, componentVar: component.get(asset) ?? 0 });
  return { gross, var99: sigma * scale, assets: out };
}

type Breach =
  | { readonly rule: "max_gross_exposure"; readonly value: Decimal; readonly limit: Decimal }
  | { readonly rule: "max_var"; readonly value: number; readonly limit: number }
  | { readonly rule: "max_position_notional"; readonly asset: string; readonly value: Decimal; readonly limit: Decimal }
  /** `level`: the gross exposure every over-weight asset must come down to (the water level). */
  | { readonly rule: "max_concentration"; readonly asset: string; readonly weight: number; readonly limit: Decimal; readonly level: Decimal };

interface Limits {
  readonly gross: Decimal;
  readonly var99: number;
  readonly position: Decimal;
  readonly concentration: Decimal;
}

/** Plans the reductions that bring the desk within its limits; [] when it already is. */
export function planMitigation(input: MitigationInput): Reduction[] {
  const limits: Limits = {
    gross: dec(input.limits.maxGrossExposure),
    var99: dec(input.limits.maxVar).toNumber(),
    position: dec(input.limits.maxPositionNotional),
    concentration: dec(input.limits.maxConcentration),
  };
  const held = input.positions.map((p) => dec(p.quantity));
  const steps: Array<{ index: number; quantity: Decimal; reason: string }> = [];
  const exhausted = new Set<string>();
  const rounds = 4 * (input.positions.length + input.assets.length) + 8;
  for (let round = 0; round < rounds; round++) {
    const current = input.positions.map((p, i) => ({ ...p, quantity: str(held[i] ?? ZERO) }));
    const risk = deskRisk(current, input.assets, input.cov, input.barsPerDay);
    const breaches = breachesOf(risk, limits);
    if (breaches.length === 0) break;
    const pick = chooseAsset(risk, breaches, exhausted);
    if (pick === null) break;
    const cut = cutFor(pick, risk, breaches, input);
    const pieces = cut.gt(0) ? distribute(pick, cut, current, input.lots) : [];
    if (pieces.length === 0) {
      exhausted.add(pick.asset);
      continue;
    }
    const why = `${breaches.map(describe).join("; ")}. ${pick.asset} ${pick.mandatory ? "is itself over a limit" : "has the largest component VaR"} (${usd(new Decimal(pick.componentVar))} USD of ${usd(new Decimal(risk.var99))} USD 1-day 99% VaR), so its exposure of ${usd(pick.net.abs())} USD is cut by ${usd(cut)} USD`;
    for (const { index, quantity } of pieces) {
      const p = current[index];
      if (!p) continue;
      held[index] = dec(p.quantity).isNegative() ? dec(p.quantity).plus(quantity) : dec(p.quantity).minus(quantity);
      steps.push({ index, quantity, reason: `${why}: ${sideOf(p)} ${str(quantity)} of ${str(dec(p.quantity).abs())} ${p.symbol} at ${p.venue}` });
    }
  }
  return merge(steps, input.positions);
}

function sideOf(p: RiskPosition): "buy" | "sell" {
  return dec(p.quantity).isNegative() ? "buy" : "sell";
}

/** One reduction per position: repeated cuts of one position add up, their reasons joined in order. */
function merge(steps: ReadonlyArray<{ index: number; quantity: Decimal; reason: string }>, positions: readonly RiskPosition[]): Reduction[] {
  const byIndex = new Map<number, { quantity: Decimal; reasons: string[] }>();
  for (const s of steps) {
    const m = byIndex.get(s.index) ?? { quantity: ZERO, reasons: [] };
    byIndex.set(s.index, { quantity: m.quantity.plus(s.quantity), reasons: [...m.reasons, s.reason] });
  }
  const out: Reduction[] = [];
  for (const [index, m] of byIndex) {
    const p = positions[index];
    if (!p) continue;
    out.push({ agent: p.agent, venue: p.venue, symbol: p.symbol, side: sideOf(p), quantity: str(m.quantity), reason: m.reasons.join(". Then: ") });
  }
  return out;
}

function breachesOf(risk: DeskRisk, limits: Limits): Breach[] {
  const out: Breach[] = [];
  if (risk.gross.gt(limits.gross)) out.push({ rule: "max_gross_exposure", value: risk.gross, limit: limits.gross });
  if (risk.var99 > limits.var99 * (1 + VAR_TOLERANCE)) out.push({ rule: "max_var", value: risk.var99, limit: limits.var99 });
  for (const [asset, a] of risk.assets) {
    if (a.net.abs().gt(limits.position)) out.push({ rule: "max_position_notional", asset, value: a.net.abs(), limit: limits.position });
  }
  // Concentration is measured as preTrade measures it: against the larger of the gross exposure and
  // the gross limit, so a small book is never forced to sell for being small. No asset is cut below
  // its share of the gross limit, and never below the water level that makes every asset fit.
  const base = Decimal.max(risk.gross, limits.gross);
  const floor = limits.concentration.times(limits.gross);
  const water = waterLevel([...risk.assets.values()].map((a) => a.gross), limits.concentration);
  for (const [asset, a] of risk.assets) {
    if (a.gross.gt(limits.concentration.times(base))) {
      const level = water === null ? floor : Decimal.max(water, floor);
      out.push({ rule: "max_concentration", asset, weight: a.gross.div(base).toNumber(), limit: limits.concentration, level });
    }
  }
  return out;
}

/**
 * The largest gross exposure L such that capping every asset at L leaves each at most `c` of the
 * total: the largest root of c·Σ min(g_a, L) = L, found segment by segment from the top. Null when
 * no asset is over (nothing to cap) and when only L = 0 works: with fewer than 1/c assets no
 * non-empty book meets the limit, and flattening the desk is not what a concentration limit asks;
 * that calls for diversifying, which the pre-trade gate steers, not for selling.
 */
export function waterLevel(grossByAsset: readonly Decimal[], c: Decimal): Decimal | null {
  const g = grossByAsset.filter((x) => x.gt(0)).sort((a, b) => b.cmp(a));
  const total = g.reduce((s, x) => s.plus(x), ZERO);
  const top = g[0];
  if (!top || top.lte(c.times(total))) return null;
  let above = ZERO;
  for (let m = 1; m <= g.length; m++) {
    above = above.plus(g[m - 1] ?? ZERO);
    const below = total.minus(above);
    const lower = g[m] ?? ZERO;
    // f(L) = c·(m·L + below) − L is ≥ 0 at this segment's lower end: the root lies in it.
    if (c.times(lower.times(m).plus(below)).gte(lower)) {
      const slope = new Decimal(1).minus(c.times(m));
      if (slope.lte(0)) return lower;
      const level = c.times(below).div(slope);
      return level.gt(0) ? level : null;
    }
  }
  return null;
}

interface Choice {
  readonly asset: string;
  readonly net: Decimal;
  readonly componentVar: number;
  readonly mandatory: boolean;
}

function chooseAsset(risk: DeskRisk, breaches: readonly Breach[], exhausted: ReadonlySet<string>): Choice | null {
  const over = new Set(breaches.flatMap((b) => ("asset" in b ? [b.asset] : [])));
  const grossOver = breaches.some((b) => b.rule === "max_gross_exposure");
  const candidates = [...risk.assets]
    .filter(([asset, a]) => !exhausted.has(asset) && !a.net.isZero())
    .map(([asset, a]) => ({ asset, net: a.net, gross: a.gross, componentVar: a.componentVar, mandatory: over.has(asset) }));
  const mandatory = candidates.filter((c) => c.mandatory);
  const pool = mandatory.length > 0 ? mandatory : candidates.filter((c) => grossOver || c.componentVar > 0);
  const best = pool.sort((a, b) => b.componentVar - a.componentVar || b.gross.cmp(a.gross) || a.asset.localeCompare(b.asset))[0];
  return best ? { asset: best.asset, net: best.net, componentVar: best.componentVar, mandatory: best.mandatory } : null;
}

/** The cut of the asset's net exposure (USD) that fixes every breach it can fix, at most all of it. */
function cutFor(pick: Choice, risk: DeskRisk, breaches: readonly Breach[], input: MitigationInput): Decimal {
  const a = risk.assets.get(pick.asset);
  if (!a) return ZERO;
  let cut = ZERO;
  for (const b of breaches) {
    if (b.rule === "max_gross_exposure") cut = Decimal.max(cut, b.value.minus(b.limit));
    else if (b.rule === "max_var" && pick.componentVar > 0) cut = Decimal.max(cut, new Decimal(varCut(pick.asset, risk, input, b.limit)));
    else if (b.rule === "max_position_notional" && b.asset === pick.asset) cut = Decimal.max(cut, b.value.minus(b.limit));
    else if (b.rule === "max_concentration" && b.asset === pick.asset) cut = Decimal.max(cut, a.gross.minus(b.level));
  }
  return Decimal.min(cut, a.net.abs());
}

/**
 * The smallest cut x of one asset's exposure that brings the VaR to `limit`. Along the cut the
 * variance is a convex quadratic, A·w² + 2B·w + C with w = u − sign(u)·x, falling until w reaches
 * the minimiser −B/A (or zero): bisection on that falling stretch. When even its end is not
 * enough, the whole stretch is the answer.
 */
function varCut(asset: string, risk: DeskRisk, input: MitigationInput, limit: number): number {
  const { assets, cov } = input;
  const k = assets.length;
  const i = assets.indexOf(asset);
  if (i < 0) return 0;
  const w = Float64Array.from(assets, (x) => risk.assets.get(x)?.net.toNumber() ?? 0);
  const u = w[i] ?? 0;
  if (u === 0) return 0;
  const s = Math.sign(u);
  const A = cov[i * k + i] ?? 0;
  let B = 0;
  for (let j = 0; j < k; j++) if (j !== i) B += (cov[i * k + j] ?? 0) * (w[j] ?? 0);
  const rest = Float64Array.from(w, (x, j) => (j === i ? 0 : x));
  const C = portfolioVariance(rest, cov);
  const target = (limit / (Z_99 * Math.sqrt(input.barsPerDay))) ** 2;
  const variance = (x: number): number => {
    const wi = u - s * x;
    return A * wi * wi + 2 * B * wi + C;
  };
  let xMax = Math.abs(u);
  if (A > 0) xMax = Math.max(0, Math.min(xMax, Math.abs(u) + (s * B) / A));
  if (variance(xMax) > target) return xMax;
  let lo = 0;
  let hi = xMax;
  for (let n = 0; n < 200 && hi - lo > 1e-12 * Math.abs(u); n++) {
    const mid = (lo + hi) / 2;
    if (variance(mid) <= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Spreads a cut (USD) over the asset's positions on the side of its net exposure, largest first.
 * Each quantity is rounded up to the lot and capped at the position. A piece worth less than the
 * symbol's min notional could not be sent, so it is raised to the min notional (rounded up to the
 * lot), or closes the position when the position is smaller: a close is always allowed. Raising
 * rather than skipping keeps the promise that the desk ends within its limits.
 */
function distribute(pick: Choice, cut: Decimal, positions: readonly RiskPosition[], lots: MitigationInput["lots"]): Array<{ index: number; quantity: Decimal }> {
  const side = pick.net.isNegative() ? -1 : 1;
  const order = positions
    .map((p, index) => ({ p, index, notional: positionNotional(p) }))
    .filter(({ p, notional }) => p.asset === pick.asset && !notional.isZero() && (notional.isNegative() ? -1 : 1) === side)
    .sort((a, b) => b.notional.abs().cmp(a.notional.abs()) || a.p.agent.localeCompare(b.p.agent) || a.p.venue.localeCompare(b.p.venue));
  const out: Array<{ index: number; quantity: Decimal }> = [];
  let remaining = cut;
  for (const { p, index } of order) {
    if (remaining.lte(0)) break;
    const price = dec(p.price);
    if (price.lte(0)) continue;
    const size = dec(p.quantity).abs();
    const rule = lots[p.symbol];
    const lot = rule && dec(rule.lotSize).gt(0) ? dec(rule.lotSize) : FINEST_LOT;
    const minNotional = rule ? dec(rule.minNotional) : ZERO;
    let quantity = Decimal.min(size, ceilTo(remaining.div(price), lot));
    if (quantity.lt(size) && quantity.times(price).lt(minNotional)) quantity = Decimal.min(size, ceilTo(minNotional.div(price), lot));
    if (quantity.lte(0)) continue;
    out.push({ index, quantity });
    remaining = remaining.minus(quantity.times(price));
  }
  return out;
}

function describe(b: Breach): string {
  switch (b.rule) {
    case "max_gross_exposure":
      return `gross exposure ${usd(b.value)} USD is over its ${usd(b.limit)} USD limit`;
    case "max_var":
      return `1-day 99% VaR ${usd(new Decimal(b.value))} USD is over its ${usd(new Decimal(b.limit))} USD limit`;
    case "max_position_notional":
      return `${b.asset} notional ${usd(b.value)} USD is over its ${usd(b.limit)} USD position limit`;
    case "max_concentration":
      return `${b.asset} is ${(b.weight * 100).toFixed(1)}% of gross exposure, over its ${b.limit.times(100).toFixed()}% limit`;
  }
}
