/**
 * What a decision cycle leaves behind: its id (derived from the agent and the paper-time slot, so
 * a retried cycle has the same id and the same client order ids), the decision and signal records,
 * and the events of its AG-UI run. Pure.
 */
import { type BaseEvent, type Json, custom, stepFinished, stepStarted } from "../events.js";
import type { Fill } from "../market.js";
import { Decimal, ZERO } from "../money.js";
import type { Signal } from "../strategies/types.js";
import type { AgentView } from "../farm/types.js";
import type { CycleInstrument, PlannedOrder } from "./cycle.js";
import type { AgentConfig, DecisionOutcome, DecisionRecord, FarmModeName, SignalRecord } from "./types.js";

/**
 * The start of the cycle slot `nowMs` falls in (paper time). Each agent's slots are offset by a
 * fixed share of the cycle derived from its id, so a desk's agents do not all wake at once.
 */
export function slotStartMs(nowMs: number, cycleMs: number, agentId = ""): number {
  const offset = cycleOffsetMs(agentId, cycleMs);
  return Math.floor((nowMs - offset) / cycleMs) * cycleMs + offset;
}

/** An agent's offset into its cycle: FNV-1a of its id, modulo the cycle (whole ms). */
export function cycleOffsetMs(agentId: string, cycleMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < agentId.length; i++) h = Math.imul(h ^ agentId.charCodeAt(i), 0x01000193) >>> 0;
  return h % cycleMs;
}

/** `<slug>.t<slot start in seconds, base 36>`: unique per agent and slot, short enough for client order ids. */
export function cycleIdOf(agentId: string, slotMs: number): string {
  const slug = agentId.startsWith("agent:") ? agentId.slice("agent:".length) : agentId;
  return `${slug}.t${Math.floor(slotMs / 1000).toString(36)}`;
}

/** The stages of a cycle, as STEP_STARTED / STEP_FINISHED pairs in its run. */
export const CYCLE_STEPS = ["market", "strategy", "mode", "sizing", "risk", "order"] as const;

export function stepEvents(steps: readonly string[], nowMs: number): BaseEvent[] {
  return steps.flatMap((s) => [stepStarted(s, nowMs), stepFinished(s, nowMs)]);
}

/** The signal records of a cycle: one per instrument's view. */
export function signalRecords(cycleId: string, views: readonly AgentView[], instruments: readonly CycleInstrument[], nowMs: number): SignalRecord[] {
  return views.map((v, k) => ({
    id: `${cycleId}.${k}`,
    agent: v.agent,
    farm: v.farm,
    cycleId,
    venue: v.venue,
    symbol: v.symbol,
    side: v.side,
    strength: round(v.strength),
    confidence: round(v.confidence),
    reason: v.reason,
    price: instruments[k]?.mark ?? "0",
    atMs: nowMs,
  }));
}

export interface DecisionInput {
  readonly agent: string;
  readonly farm: string | null;
  readonly cycleId: string;
  readonly config: AgentConfig;
  readonly mode: FarmModeName;
  readonly outcome: DecisionOutcome;
  readonly reason: string;
  readonly signal: Signal;
  readonly orders: readonly PlannedOrder[];
  readonly approvalId: string | null;
  readonly atMs: number;
  readonly latencyMs: number;
}

/** The decision record: the first order (new risk first) summarizes what was done. */
export function decisionRecord(d: DecisionInput): DecisionRecord {
  const main = d.orders.find((o) => !o.reducing) ?? d.orders[0] ?? null;
  const notional = d.orders.reduce((sum, o) => sum.plus(new Decimal(o.request.price ?? o.mark).times(o.request.quantity)), ZERO);
  return {
    id: d.cycleId,
    agent: d.agent,
    farm: d.farm,
    cycleId: d.cycleId,
    strategy: d.config.strategy,
    mode: d.mode,
    outcome: d.outcome,
    reason: d.reason,
    side: main ? main.request.side : d.signal.side,
    symbol: main?.request.symbol ?? d.config.symbols[0] ?? null,
    venue: main?.venue ?? d.config.venues[0] ?? null,
    quantity: main?.request.quantity ?? null,
    price: main ? (main.request.price ?? main.mark) : null,
    notional: d.orders.length > 0 ? notional.toFixed(2) : null,
    orders: d.orders.map((o) => o.request.clientOrderId),
    approvalId: d.approvalId,
    atMs: d.atMs,
    latencyMs: d.latencyMs,
  };
}

/**
 * The body of the cycle's run: its stages, each signal, the decision; a quiet cycle (between bars,
 * nothing done) carries `cival.agent.cycle` instead: a heartbeat with what it waits for.
 */
export function cycleEvents(signals: readonly SignalRecord[], decision: DecisionRecord, nowMs: number, quiet = false): BaseEvent[] {
  // A heartbeat carries no stages: a desk's quiet cycles are most of its cycles, and each event is stored and sent.
  if (quiet) return [custom("cival.agent.cycle", { cycleId: decision.cycleId, reason: decision.reason, latencyMs: decision.latencyMs }, nowMs)];
  return [...stepEvents(CYCLE_STEPS, nowMs), ...signals.map((s) => custom("cival.agent.signal", s as unknown as Json, nowMs)), custom("cival.agent.decision", decision as unknown as Json, nowMs)];
}

/**
 * When each position was opened (the fill that took it from flat to long), per `venue|symbol`,
 * from the fills in the order they happened; a position that went flat has none.
 */
export function entryTimes(fills: ReadonlyArray<{ readonly venue: string; readonly fill: Fill }>): Map<string, number> {
  const qty = new Map<string, Decimal>();
  const since = new Map<string, number>();
  for (const { venue, fill } of fills) {
    const key = `${venue}|${fill.symbol}`;
    const before = qty.get(key) ?? ZERO;
    const after = fill.side === "buy" ? before.plus(fill.quantity) : before.minus(fill.quantity);
    qty.set(key, after);
    if (before.lte(0) && after.gt(0)) since.set(key, fill.timeMs);
    if (after.lte(0)) since.delete(key);
  }
  return since;
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : 0;
}
