import { type Json, custom } from "../../events.js";
import { reconcileAlerts } from "../alerts.js";
import { isHalted, scopeKey } from "../breakers.js";
import { type RiskComputation, type ScopeMark, usageConditions } from "../report.js";
import type { LimitUsage, RiskReport } from "../types.js";
import { liftHalt, putHalts } from "./halts.js";
import { type RiskOrder, mitigationOrders } from "./orders.js";
import { type MonitorDecision, type MonitorState, RECENT_ALERTS, draft, finish, withState } from "./state.js";

/** What one cycle decided besides its state and effects: the report, the day marks to keep, the orders to send. */
export interface CycleDecision extends MonitorDecision {
  readonly report: RiskReport;
  readonly marks: ReadonlyMap<string, ScopeMark>;
  readonly orders: readonly RiskOrder[];
}

/**
 * One cycle's decisions from its figures (core/risk/report) and the limit gauges: trip the breakers
 * that fired, lift the halts whose cool-down ended, raise, continue and clear alerts (warning from
 * 80% of a limit, critical over it), keep the report and its snapshot row, and plan mitigation.
 */
export function decideCycle(state: MonitorState, out: RiskComputation, usage: readonly LimitUsage[], nowMs: number): CycleDecision {
  const d = draft(state);
  putHalts(d, out.trips, nowMs);
  for (const scope of out.clears) {
    const h = d.halts.get(scopeKey(scope));
    if (h) liftHalt(d, h, "monitor", "cool-down elapsed and the condition has cleared", nowMs);
  }
  const changes = reconcileAlerts(d.active, [...out.conditions, ...usageConditions(usage)], nowMs);
  d.active = changes.active;
  for (const a of [...changes.raised, ...changes.continued]) d.effects.alerts.push({ alert: a, active: true });
  for (const a of changes.cleared) d.effects.alerts.push({ alert: a, active: false });
  d.recent = [...changes.cleared, ...d.recent].slice(0, RECENT_ALERTS);
  d.effects.notify.push(...changes.raised);
  const settled = finish(d).state;
  const report = withState(settled, { ...out.report, usage: [...usage] });
  d.last = report;
  d.effects.snapshot = {
    asOfMs: nowMs,
    equity: report.equity,
    grossExposure: report.grossExposure,
    dailyPnl: report.dailyPnl,
    var99: report.var.find((v) => v.method === "parametric" && v.confidence === 0.99 && v.horizon === "1d")?.var ?? "0",
    halted: d.halts.size > 0,
    report: JSON.stringify(report),
  };
  // The cycle is a run on the risk thread: its alerts, then the report's change as a state delta.
  d.effects.runs.push({ runId: `cycle:${nowMs}`, events: changes.raised.map((a) => custom("cival.risk.alert", a as unknown as Json, nowMs)) });
  return { ...finish(d), report, marks: out.marks, orders: mitigationOrders(out.reductions, nowMs) };
}

/** The agents under a halt that have orders open: each is asked to cancel them. */
export function haltedWithOrders(state: MonitorState, agents: ReadonlyArray<{ readonly agent: string; readonly farm: string | null; readonly openOrders: number }>): string[] {
  if (state.halts.size === 0) return [];
  const halts = [...state.halts.values()];
  return agents.filter((a) => a.openOrders > 0 && isHalted(halts, a.agent, a.farm?.startsWith("farm:") ? a.farm : null)).map((a) => a.agent);
}
