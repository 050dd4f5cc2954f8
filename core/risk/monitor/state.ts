import type { BaseEvent, Json } from "../../events.js";
import type { Halt, LimitsConfig, RiskAlert, RiskReport, RiskScope } from "../types.js";
import { scopeKey } from "../breakers.js";

/** Cleared alerts kept in memory (and in the report) besides the active ones. */
export const RECENT_ALERTS = 50;

/** What the monitor decides from: its limits, halts in force, alerts and last report. */
export interface MonitorState {
  readonly config: LimitsConfig;
  /** Halts in force by scope key ("desk", "farm:…", "agent:…"). */
  readonly halts: ReadonlyMap<string, Halt>;
  /** Alerts whose condition still holds, by key. */
  readonly active: ReadonlyMap<string, RiskAlert>;
  /** The latest alerts that are not active (cleared, one-off, halts), newest first. */
  readonly recent: readonly RiskAlert[];
  readonly last: RiskReport | null;
}

export type RiskActionKind = "halt" | "resume" | "limits" | "mitigation" | "stop";

/** A row of the desk's risk actions (D1 `risk_actions`). */
export interface RiskActionRow {
  readonly id: string;
  readonly kind: RiskActionKind;
  readonly scope: string;
  readonly by: string;
  readonly reason: string;
  readonly detail: string;
  readonly atMs: number;
}

/** A row of the risk snapshots (D1 `risk_snapshots`). */
export interface RiskSnapshotRow {
  readonly asOfMs: number;
  readonly equity: string;
  readonly grossExposure: string;
  readonly dailyPnl: string;
  readonly var99: string;
  readonly halted: boolean;
  readonly report: string;
}

/** A run on the `risk` thread: its events; the outbox adds the state change it made. */
export interface RiskRun {
  readonly runId: string;
  readonly events: readonly BaseEvent[];
}

/** Everything a decision asks the object to persist and send. */
export interface MonitorEffects {
  /** New limits to store, with who set them. */
  readonly config: { readonly config: LimitsConfig; readonly by: string } | null;
  readonly haltsPut: readonly Halt[];
  /** Scope keys whose halt ended. */
  readonly haltsRemoved: readonly string[];
  /** Alerts to store (and write to D1), with whether they are active. */
  readonly alerts: ReadonlyArray<{ readonly alert: RiskAlert; readonly active: boolean }>;
  readonly actions: readonly RiskActionRow[];
  readonly snapshot: RiskSnapshotRow | null;
  readonly runs: readonly RiskRun[];
  /** Warning and critical alerts for the operator's channels, sent after the change is in force. */
  readonly notify: readonly RiskAlert[];
}

export interface MonitorDecision {
  readonly state: MonitorState;
  readonly effects: MonitorEffects;
}

/** A decision being built: the state as it changes and the effects so far. */
export interface Draft {
  config: LimitsConfig;
  halts: Map<string, Halt>;
  active: Map<string, RiskAlert>;
  recent: RiskAlert[];
  last: RiskReport | null;
  effects: {
    config: MonitorEffects["config"];
    haltsPut: Halt[];
    haltsRemoved: string[];
    alerts: Array<{ alert: RiskAlert; active: boolean }>;
    actions: RiskActionRow[];
    snapshot: RiskSnapshotRow | null;
    runs: RiskRun[];
    notify: RiskAlert[];
  };
}

/** Starts a decision from the state. */
export function draft(state: MonitorState): Draft {
  return {
    config: state.config,
    halts: new Map(state.halts),
    active: new Map(state.active),
    recent: [...state.recent],
    last: state.last,
    effects: { config: null, haltsPut: [], haltsRemoved: [], alerts: [], actions: [], snapshot: null, runs: [], notify: [] },
  };
}

/** The decision a draft has come to. */
export function finish(d: Draft): MonitorDecision {
  return { state: { config: d.config, halts: d.halts, active: d.active, recent: d.recent, last: d.last }, effects: d.effects };
}

/** Records an action for D1. */
export function record(d: Draft, kind: RiskActionKind, scope: RiskScope, by: string, reason: string, detail: Json, nowMs: number, id?: string): void {
  d.effects.actions.push({ id: id ?? `${kind}:${scopeKey(scope)}:${nowMs}`, kind, scope: scopeKey(scope), by, reason, detail: JSON.stringify(detail), atMs: nowMs });
}

/** Stores an alert that is not active (one-off, cleared, a halt's) and puts it first among the recent ones. */
export function keepRecent(d: Draft, alert: RiskAlert): void {
  d.effects.alerts.push({ alert, active: false });
  d.recent = [alert, ...d.recent.filter((a) => a.key !== alert.key)].slice(0, RECENT_ALERTS);
}

/** The report with what the monitor holds itself: limits, halts, alerts. */
export function withState(state: MonitorState, report: RiskReport): RiskReport {
  const alerts = [...state.active.values()].sort((a, b) => b.lastAtMs - a.lastAtMs);
  return { ...report, limits: state.config, halts: [...state.halts.values()], alerts: [...alerts, ...state.recent].slice(0, RECENT_ALERTS) };
}

/** The state the `risk` thread shows: the report with the monitor's own state, or limits and halts before any cycle. */
export function threadState(state: MonitorState): Json {
  return (state.last ? withState(state, state.last) : { asOfMs: 0, halts: [...state.halts.values()], limits: state.config }) as unknown as Json;
}
