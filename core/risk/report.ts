import { Decimal, ZERO, dec, str } from "../money.js";
import type { AlertCondition } from "./alerts.js";
import { type ScopeMetrics, evaluateBreakers, scopeKey } from "./breakers.js";
import { effectiveLimits } from "./limits.js";
import { concentration, correlationSummary, exposures, leverage, liquidity, positionNotional, usd as cents } from "./metrics.js";
import { type LotRule, planMitigation } from "./mitigation.js";
import { ledoitWolf, correlation } from "./stats.js";
import { STRESS_SCENARIOS, runStress } from "./stress.js";
import { stopFor } from "./stops.js";
import type { Halt, LimitUsage, LimitsConfig, Reduction, ReturnMatrix, RiskPosition, RiskQuote, RiskReport, RiskScope, VarFigure, WatchedPosition } from "./types.js";
import { VAR_CONFIDENCES, VAR_HORIZONS } from "./types.js";
import { componentVar, historicalPnl, horizonFactor, monteCarloPnl, parametricVarFromCov, tailLoss, usd } from "./var.js";

/** What the monitor read from the desk in one cycle. Amounts are decimal strings. */
export interface RiskInputs {
  readonly nowMs: number;
  readonly positions: readonly RiskPosition[];
  readonly quotes: readonly RiskQuote[];
  /** Every trading agent: its quote cash (reserved included), the capital it was given, its open orders. */
  readonly agents: ReadonlyArray<{ readonly agent: string; readonly farm: string | null; readonly cash: string; readonly capital: string; readonly openOrders: number }>;
  /** USD held by the treasury and the farms, in transit included. */
  readonly otherCash: string;
  readonly farms: readonly string[];
}

/** Per scope: the UTC day its day-start P&L belongs to, and the peak of its P&L. */
export interface ScopeMark {
  readonly dayMs: number;
  readonly dayStartPerf: string;
  readonly peakPerf: string;
}

export interface RiskContext {
  readonly config: LimitsConfig;
  readonly halts: readonly Halt[];
  readonly marks: ReadonlyMap<string, ScopeMark>;
  readonly venueErrors: ReadonlyMap<string, { readonly count: number; readonly agents: readonly string[] }>;
  readonly returns: ReturnMatrix;
  readonly historySource: string;
  /** Lot size and min notional per symbol, for mitigation orders. */
  readonly lots: Readonly<Record<string, LotRule>>;
  /** Tick size per symbol, for stop prices. */
  readonly ticks: Readonly<Record<string, string>>;
  /** Strategies' own stops by "agent|venue|symbol", when they have set one. */
  readonly strategyStops?: ReadonlyMap<string, string>;
}

/** One scope's money picture: equity, P&L on capital (perf), its day and peak. */
export interface ScopeFigures {
  readonly scope: RiskScope;
  readonly farm: string | null;
  readonly equity: Decimal;
  readonly perf: Decimal;
  readonly dailyPnl: Decimal;
  readonly drawdown: number;
  /** 1-day 99% parametric VaR of the scope's own positions, USD (null for a scope with none). */
  readonly var: string | null;
  readonly marginal: Record<string, number>;
}

export interface RiskComputation {
  /** The report, without `usage` (the monitor adds it from its pre-trade state). */
  readonly report: RiskReport;
  readonly covariance: Float64Array;
  readonly marks: Map<string, ScopeMark>;
  readonly scopes: readonly ScopeFigures[];
  readonly trips: readonly Halt[];
  readonly clears: readonly RiskScope[];
  readonly reductions: readonly Reduction[];
  readonly conditions: readonly AlertCondition[];
  /** Mid prices by symbol (averaged over venues), for pre-trade checks and stops. */
  readonly marksBySymbol: Record<string, string>;
}

const DAY_MS = 86_400_000;
/** A usage ratio from which a limit raises a warning. */
export const WARN_RATIO = 0.8;

/** The exposure vector (USD, signed) in the history's asset order; assets the history lacks are left out (and reported). */
export function exposureVector(positions: readonly RiskPosition[], assets: readonly string[]): Float64Array {
  const w = new Float64Array(assets.length);
  for (const p of positions) {
    const i = assets.indexOf(p.asset);
    if (i >= 0) w[i] = (w[i] ?? 0) + positionNotional(p).toNumber();
  }
  return w;
}

/**
 * Every VaR figure (method × confidence × horizon) for one exposure vector. Historical and Monte
 * Carlo P&L series are computed once per horizon and read at both confidences; Monte Carlo uses
 * the shrunk covariance with a fixed seed, so a report is reproducible.
 */
export function varFigures(w: Float64Array, returns: ReturnMatrix, cov: Float64Array): VarFigure[] {
  const out: VarFigure[] = [];
  for (const horizon of VAR_HORIZONS) {
    const factor = horizonFactor(horizon, returns.barMs);
    const hist = historicalPnl(w, returns, factor);
    const mc = monteCarloPnl(w, cov, factor);
    for (const confidence of VAR_CONFIDENCES) {
      const h = tailLoss(hist, confidence);
      out.push({ method: "historical", confidence, horizon, var: usd(h.var), es: usd(h.es) });
      const p = parametricVarFromCov(w, cov, confidence, factor);
      out.push({ method: "parametric", confidence, horizon, var: usd(p.var), es: usd(p.es) });
      const m = tailLoss(mc, confidence);
      out.push({ method: "monte_carlo", confidence, horizon, var: usd(m.var), es: usd(m.es) });
    }
  }
  const order = { historical: 0, parametric: 1, monte_carlo: 2 } as const;
  return out.sort((a, b) => order[a.method] - order[b.method] || a.confidence - b.confidence || (a.horizon < b.horizon ? 1 : -1));
}

/** Rolls a scope's day and peak forward: a new UTC day starts its P&L from where the scope stands. */
function rollMark(prior: ScopeMark | undefined, perf: Decimal, nowMs: number): ScopeMark {
  const dayMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const dayStartPerf = prior && prior.dayMs === dayMs ? prior.dayStartPerf : str(perf);
  const peak = prior ? Decimal.max(dec(prior.peakPerf), perf) : perf;
  return { dayMs, dayStartPerf, peakPerf: str(peak) };
}

/**
 * Drawdown as a fraction of the peak equity: equity less P&L is the capital, so the peak equity is
 * capital + peak P&L. Transfers in and out move capital and equity together and leave it alone.
 */
function drawdownOf(equity: Decimal, perf: Decimal, peakPerf: Decimal): number {
  const peakEquity = equity.minus(perf).plus(peakPerf);
  if (peakEquity.lte(0) || perf.gte(peakPerf)) return 0;
  return peakPerf.minus(perf).div(peakEquity).toNumber();
}

/**
 * One cycle's figures from what the monitor read: exposures, VaR by every method, metrics, stress
 * results, stops, breakers to trip or clear, mitigation to send, and the alert conditions the
 * figures raise. Pure: the monitor does the reading and the acting.
 */
export function computeRisk(inputs: RiskInputs, ctx: RiskContext): RiskComputation {
  const { nowMs, positions, quotes } = inputs;
  const R = ctx.returns;
  const cov = ledoitWolf(R).cov;
  const day = horizonFactor("1d", R.barMs);
  const marksBySymbol = symbolMarks(quotes);
  const { scopes, marks, desk, deskEquity, deskPerf } = scopeFiguresOf(inputs, ctx, cov);

  // The desk's figures.
  const w = exposureVector(positions, R.assets);
  const vars = varFigures(w, R, cov);
  const ex = exposures(positions);
  const corr = correlation(cov, R.assets.length);
  const deskLimits = effectiveLimits(ctx.config, { kind: "desk" });
  const stress = STRESS_SCENARIOS.map((s) => runStress(s, { positions, quotes, returns: R, equity: deskEquity, cov }));

  // Breakers, then mitigation for what is over its limit.
  const breakerScopes: ScopeMetrics[] = scopes.map((s) => ({ scope: s.scope, farm: s.farm, dailyPnl: str(s.dailyPnl), drawdown: s.drawdown, var: s.var }));
  const { trip, clear } = evaluateBreakers(
    { scopes: breakerScopes, venueErrors: [...ctx.venueErrors].map(([venue, e]) => ({ venue, count: e.count, agents: e.agents })), halts: ctx.halts },
    ctx.config,
    nowMs,
  );
  const reductions = planMitigation({
    positions,
    assets: R.assets,
    cov,
    barsPerDay: day,
    limits: { maxGrossExposure: deskLimits.maxGrossExposure, maxVar: deskLimits.maxVar, maxPositionNotional: deskLimits.maxPositionNotional, maxConcentration: deskLimits.maxConcentration },
    lots: ctx.lots,
  });

  const report: RiskReport = {
    asOfMs: nowMs,
    equity: str(deskEquity.toDecimalPlaces(2)),
    peakEquity: str(deskEquity.minus(deskPerf).plus(marks.get("desk")?.peakPerf ?? "0").toDecimalPlaces(2)),
    dailyPnl: str(desk.dailyPnl.toDecimalPlaces(2)),
    drawdown: desk.drawdown,
    grossExposure: ex.gross,
    netExposure: ex.net,
    leverage: leverage(dec(ex.gross), dec(ex.net), deskEquity),
    concentration: concentration(positions),
    correlation: correlationSummary(R.assets, corr),
    liquidity: liquidity(positions, quotes),
    exposure: { byAsset: ex.byAsset, byVenue: ex.byVenue },
    var: vars,
    limits: ctx.config,
    usage: [],
    halts: ctx.halts,
    positions: watchedPositions(positions, ctx),
    stress,
    alerts: [],
    history: { bars: R.bars, source: ctx.historySource },
  };
  return { report, covariance: cov, marks, scopes, trips: trip, clears: clear, reductions, conditions: figureConditions(positions, ctx), marksBySymbol };
}

/** Marks by symbol: the mean of the venues' mids. */
function symbolMarks(quotes: readonly RiskQuote[]): Record<string, string> {
  const sums = new Map<string, { sum: Decimal; count: number }>();
  for (const q of quotes) {
    const s = sums.get(q.symbol) ?? { sum: ZERO, count: 0 };
    sums.set(q.symbol, { sum: s.sum.plus(dec(q.bid).plus(q.ask).div(2)), count: s.count + 1 });
  }
  const out: Record<string, string> = {};
  for (const [symbol, s] of sums) out[symbol] = str(s.sum.div(s.count).toDecimalPlaces(8));
  return out;
}

/** Money per scope (agents, farms, then the desk first): an agent's equity is its cash and positions; its perf is equity less capital. */
function scopeFiguresOf(inputs: RiskInputs, ctx: RiskContext, cov: Float64Array): { scopes: ScopeFigures[]; marks: Map<string, ScopeMark>; desk: ScopeFigures; deskEquity: Decimal; deskPerf: Decimal } {
  const { nowMs, positions } = inputs;
  const R = ctx.returns;
  const n = R.assets.length;
  const day = horizonFactor("1d", R.barMs);
  const value = new Map<string, Decimal>();
  for (const p of positions) value.set(p.agent, (value.get(p.agent) ?? ZERO).plus(positionNotional(p)));
  const marks = new Map<string, ScopeMark>();
  const scopes: ScopeFigures[] = [];
  const scopeFigures = (scope: RiskScope, farm: string | null, equity: Decimal, perf: Decimal, own: readonly RiskPosition[]): ScopeFigures => {
    const key = scopeKey(scope);
    const mark = rollMark(ctx.marks.get(key), perf, nowMs);
    marks.set(key, mark);
    const w = exposureVector(own, R.assets);
    const cv = own.length > 0 ? componentVar(w, cov, 0.99, day) : null;
    const marginal: Record<string, number> = {};
    if (cv) for (let i = 0; i < n; i++) marginal[R.assets[i] ?? ""] = (cv.marginal[i] ?? 0);
    return { scope, farm, equity, perf, dailyPnl: perf.minus(mark.dayStartPerf), drawdown: drawdownOf(equity, perf, dec(mark.peakPerf)), var: cv ? usd(cv.var) : null, marginal };
  };
  let deskPerf = ZERO;
  let agentsEquity = ZERO;
  const farmTotals = new Map<string, { equity: Decimal; perf: Decimal }>();
  for (const a of inputs.agents) {
    const equity = dec(a.cash).plus(value.get(a.agent) ?? ZERO);
    const perf = equity.minus(a.capital);
    deskPerf = deskPerf.plus(perf);
    agentsEquity = agentsEquity.plus(equity);
    if (a.farm) {
      const f = farmTotals.get(a.farm) ?? { equity: ZERO, perf: ZERO };
      farmTotals.set(a.farm, { equity: f.equity.plus(equity), perf: f.perf.plus(perf) });
    }
    scopes.push(scopeFigures({ kind: "agent", id: a.agent }, a.farm, equity, perf, positions.filter((p) => p.agent === a.agent)));
  }
  for (const farm of inputs.farms) {
    const f = farmTotals.get(farm) ?? { equity: ZERO, perf: ZERO };
    scopes.push(scopeFigures({ kind: "farm", id: farm }, null, f.equity, f.perf, positions.filter((p) => p.farm === farm)));
  }
  const deskEquity = agentsEquity.plus(inputs.otherCash);
  const desk = scopeFigures({ kind: "desk" }, null, deskEquity, deskPerf, positions);
  scopes.unshift(desk);
  return { scopes, marks, desk, deskEquity, deskPerf };
}

/** Positions with their notional and protective stop (the strategy's, or the limits' distance). */
function watchedPositions(positions: readonly RiskPosition[], ctx: RiskContext): WatchedPosition[] {
  return positions.map((p) => {
    const agentLimits = effectiveLimits(ctx.config, { kind: "agent", id: p.agent }, p.farm);
    const stop = stopFor(p, ctx.strategyStops?.get(`${p.agent}|${p.venue}|${p.symbol}`) ?? null, agentLimits, ctx.ticks[p.symbol] ?? "0.01");
    return { ...p, notional: cents(positionNotional(p)), stop };
  });
}

/** Alert conditions the figures raise: assets without history, venues failing. */
function figureConditions(positions: readonly RiskPosition[], ctx: RiskContext): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  const missing = [...new Set(positions.map((p) => p.asset))].filter((a) => !ctx.returns.assets.includes(a));
  if (missing.length > 0) conditions.push({ key: "no_history", level: "warning", rule: "no_price", scope: { kind: "desk" }, message: `no return history for ${missing.join(", ")}: VaR leaves them out` });
  for (const [venue, e] of ctx.venueErrors) {
    if (e.count > 0) conditions.push({ key: `venue_errors:${venue}`, level: e.count >= ctx.config.venueErrorThreshold ? "critical" : "warning", rule: "venue_errors", scope: { kind: "desk" }, message: `${venue} failed ${e.count} times in five minutes` });
  }
  return conditions;
}

/** Alert conditions from the limit gauges: warning from 80% of a limit, critical at or over it. */
export function usageConditions(usage: readonly LimitUsage[]): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const u of usage) {
    if (!(u.ratio >= WARN_RATIO)) continue;
    const over = u.ratio >= 1;
    const who = u.scope.kind === "desk" ? "the desk" : u.scope.id;
    out.push({
      key: `${u.rule}:${scopeKey(u.scope)}`,
      level: over ? "critical" : "warning",
      rule: u.rule,
      scope: u.scope,
      message: `${who} uses ${(u.ratio * 100).toFixed(0)}% of its ${u.rule.replace(/_/g, " ")} (${u.value} of ${u.limit})${over ? ": over the limit" : ""}`,
    });
  }
  return out;
}
