import { type BaseEvent, type Json, custom, run } from "../../events.js";
import type { PreTradeDecision, PreTradeOrder, StressScenario, VarConfidence, VarFigure, VarHorizon, VarMethod } from "../types.js";
import { STRESS_SCENARIOS, type StressRequest } from "../stress.js";
import type { MonitorRefusal } from "./halts.js";

/** A run for the hub that goes beyond the `risk` thread's own topics: to the agent's and its farm's. */
export interface RiskNotice {
  readonly thread: "risk";
  /** Topics beyond `desk` and `risk`. */
  readonly topics: readonly string[];
  /** A whole run: RUN_STARTED, the events, RUN_FINISHED. */
  readonly events: readonly BaseEvent[];
}

/**
 * Every risk denial is an event with its reason: a rejected order is `cival.risk.denied`, a
 * resized one `cival.risk.resized` (with what it was allowed), as a run on the `risk` thread that
 * also reaches the agent's topic and its farm's. An approval, or any dry run, announces nothing.
 * `seq` tells apart notices of one millisecond.
 */
export function decisionNotice(order: PreTradeOrder, decision: PreTradeDecision, dryRun: boolean, nowMs: number, seq: number): RiskNotice | null {
  if (dryRun || decision.decision === "approve") return null;
  const base = { agent: order.agent, farm: order.farm, venue: order.venue, symbol: order.symbol, side: order.side, quantity: order.quantity, rule: decision.rule, reason: decision.reason };
  const event =
    decision.decision === "reject"
      ? custom("cival.risk.denied", base as unknown as Json, nowMs)
      : custom("cival.risk.resized", { ...base, allowed: decision.quantity } as unknown as Json, nowMs);
  const topics = [`${order.agent}`, ...(order.farm ? [order.farm] : [])];
  return { thread: "risk", topics, events: run("risk", `${decision.decision === "reject" ? "denied" : "resized"}:${order.agent}:${nowMs}:${seq}`, nowMs, [event]) };
}

/** A VaR figure of the report (it has them all). */
export function findVar(figures: readonly VarFigure[], method: VarMethod, confidence: VarConfidence, horizon: VarHorizon): VarFigure {
  const figure = figures.find((v) => v.method === method && v.confidence === confidence && v.horizon === horizon);
  if (!figure) throw new Error(`invariant: the report has every VaR figure, missing ${method} ${confidence} ${horizon}`);
  return figure;
}

/** The scenario a stress request names or defines; an unknown name is refused with the known ones. */
export function stressScenario(req: StressRequest): { ok: true; scenario: StressScenario } | MonitorRefusal {
  if (!("scenario" in req)) return { ok: true, scenario: req.custom };
  const scenario = STRESS_SCENARIOS.find((s) => s.id === req.scenario);
  if (!scenario) return { ok: false, code: "unknown_scenario", message: `no scenario ${req.scenario}; the named ones are ${STRESS_SCENARIOS.map((s) => s.id).join(", ")}` };
  return { ok: true, scenario };
}
