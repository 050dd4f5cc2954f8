import { dec } from "../money.js";
import { AGENT_ID_PATTERN, FARM_ID_PATTERN, effectiveLimits, formatFraction, formatUsd } from "./limits.js";
import type { Halt, LimitsConfig, RiskLimits, RiskRule, RiskScope } from "./types.js";

/** "desk", "farm:x" or "agent:y": farm and agent ids already carry their prefix. */
export function scopeKey(scope: RiskScope): string {
  return scope.kind === "desk" ? "desk" : scope.id;
}

/** The inverse of `scopeKey`; null for a key that names no scope. */
export function parseScopeKey(key: string): RiskScope | null {
  if (key === "desk") return { kind: "desk" };
  if (FARM_ID_PATTERN.test(key)) return { kind: "farm", id: key };
  if (AGENT_ID_PATTERN.test(key)) return { kind: "agent", id: key };
  return null;
}

/** The halt that stops an agent's orders, broadest first (desk, then its farm, then itself), or null. */
export function haltFor(halts: readonly Halt[], agent: string, farm: string | null): Halt | null {
  let farmHalt: Halt | null = null;
  let agentHalt: Halt | null = null;
  for (const h of halts) {
    if (h.scope.kind === "desk") return h;
    if (h.scope.kind === "farm" && h.scope.id === farm) farmHalt ??= h;
    if (h.scope.kind === "agent" && h.scope.id === agent) agentHalt ??= h;
  }
  return farmHalt ?? agentHalt;
}

/** True when the desk, the agent's farm or the agent is halted. */
export function isHalted(halts: readonly Halt[], agent: string, farm: string | null): boolean {
  return haltFor(halts, agent, farm) !== null;
}

/** One scope's figures as the monitor last computed them. */
export interface ScopeMetrics {
  readonly scope: RiskScope;
  /** An agent's farm (its limits overlay the farm's); ignored for other scopes. */
  readonly farm: string | null;
  /** P&L since the start of the UTC day, USD decimal string (a loss is negative). */
  readonly dailyPnl: string;
  /** (peak − equity) / peak. */
  readonly drawdown: number;
  /** 1-day 99% parametric VaR, USD decimal string; null when not computed for this scope. */
  readonly var: string | null;
}

export interface VenueErrors {
  readonly venue: string;
  /** Errors from this venue within the last five minutes. */
  readonly count: number;
  /** The agents trading at the venue. */
  readonly agents: readonly string[];
}

export interface BreakerInput {
  readonly scopes: readonly ScopeMetrics[];
  readonly venueErrors: readonly VenueErrors[];
  readonly halts: readonly Halt[];
}

/** Why a scope breaches, or null. Loss limits trip when reached; VaR when exceeded (as preTrade allows up to it). */
function breach(m: ScopeMetrics, limits: RiskLimits): { rule: RiskRule; reason: string } | null {
  const loss = dec(m.dailyPnl).neg();
  const maxLoss = dec(limits.maxDailyLoss);
  if (loss.gte(maxLoss)) {
    return { rule: "max_daily_loss", reason: `${name(m.scope)} has lost ${formatUsd(loss)} USD today, reaching its max daily loss of ${formatUsd(maxLoss)} USD.` };
  }
  const maxDrawdown = Number(limits.maxDrawdown);
  if (m.drawdown >= maxDrawdown) {
    return { rule: "max_drawdown", reason: `${name(m.scope)} is ${formatFraction(m.drawdown)} below its peak equity, reaching its max drawdown of ${formatFraction(maxDrawdown)}.` };
  }
  if (m.var !== null) {
    const v = dec(m.var);
    const maxVar = dec(limits.maxVar);
    if (v.gt(maxVar)) {
      return { rule: "max_var", reason: `${name(m.scope)} has a 1-day 99% VaR of ${formatUsd(v)} USD, above its max VaR of ${formatUsd(maxVar)} USD.` };
    }
  }
  return null;
}

function name(scope: RiskScope): string {
  return scope.kind === "desk" ? "The desk" : `${scope.kind === "farm" ? "Farm" : "Agent"} ${scope.id}`;
}

/** The venues whose error count reached the threshold, for each agent trading there. */
function erroringVenues(venueErrors: readonly VenueErrors[], threshold: number): Map<string, VenueErrors[]> {
  const byAgent = new Map<string, VenueErrors[]>();
  for (const v of venueErrors) {
    if (v.count < threshold) continue;
    for (const agent of v.agents) {
      const list = byAgent.get(agent);
      if (list) list.push(v);
      else byAgent.set(agent, [v]);
    }
  }
  return byAgent;
}

/**
 * Trips and clears breakers. A scope breaching its daily loss, drawdown or VaR limit is halted (one
 * halt per scope: a scope already halted is not halted again); an agent trading at a venue whose
 * errors in five minutes reached the threshold is halted. A halt resumes by itself only when its
 * cool-down has passed (resumeAtMs ≤ now) and no breaker condition holds for its scope any more;
 * a scope with no metrics stays halted (nothing shows the condition cleared). Kill switches and
 * halts without a resume time are left to an operator.
 */
export function evaluateBreakers(input: BreakerInput, config: LimitsConfig, nowMs: number): { trip: Halt[]; clear: RiskScope[] } {
  const resumeAtMs = config.coolDownMinutes === null ? null : nowMs + config.coolDownMinutes * 60_000;
  const halted = new Set(input.halts.map((h) => scopeKey(h.scope)));
  const breaches = new Map<string, { rule: RiskRule; reason: string } | null>();
  const trip: Halt[] = [];
  for (const m of input.scopes) {
    const key = scopeKey(m.scope);
    const b = breach(m, effectiveLimits(config, m.scope, m.farm));
    breaches.set(key, b);
    if (b && !halted.has(key)) {
      trip.push({ scope: m.scope, rule: b.rule, reason: b.reason, by: "monitor", atMs: nowMs, resumeAtMs });
      halted.add(key);
    }
  }
  const erroring = erroringVenues(input.venueErrors, config.venueErrorThreshold);
  for (const [agent, venues] of erroring) {
    if (halted.has(agent)) continue;
    const list = venues.map((v) => `${v.venue} (${v.count})`).join(", ");
    trip.push({
      scope: { kind: "agent", id: agent },
      rule: "venue_errors",
      reason: `Agent ${agent} trades at a venue that failed repeatedly in the last five minutes: ${list} errors, threshold ${config.venueErrorThreshold}.`,
      by: "monitor",
      atMs: nowMs,
      resumeAtMs,
    });
    halted.add(agent);
  }
  const clear: RiskScope[] = [];
  for (const h of input.halts) {
    if (h.rule === "kill_switch" || h.resumeAtMs === null || h.resumeAtMs > nowMs) continue;
    const key = scopeKey(h.scope);
    if (!breaches.has(key) && h.rule !== "venue_errors") continue;
    if (breaches.get(key)) continue;
    if (h.scope.kind === "agent" && erroring.has(h.scope.id)) continue;
    clear.push(h.scope);
  }
  return { trip, clear };
}
