import { Decimal } from "../core/money.js";
import type { ScopeMark } from "../core/risk/report.js";
import { type MonitorEffects, type MonitorState, RECENT_ALERTS } from "../core/risk/monitor/index.js";
import { scopeKey } from "../core/risk/breakers.js";
import { DEFAULT_LIMITS } from "../core/risk/limits.js";
import type { Halt, LimitsConfig, RiskAlert, RiskPosition, RiskReport } from "../core/risk/types.js";
import { type Outbox, OUTBOX_SCHEMA } from "./outbox.js";
import { NOTICE_SCHEMA } from "./risk-notices.js";

/** A venue error older than this no longer counts towards the breaker. */
const VENUE_ERROR_WINDOW_MS = 5 * 60_000;

/** The monitor's tables, besides its outbox's. */
export const RISK_SCHEMA: readonly string[] = [
  ...OUTBOX_SCHEMA,
  ...NOTICE_SCHEMA,
  `CREATE TABLE IF NOT EXISTS risk_config (id INTEGER PRIMARY KEY CHECK (id = 1), config TEXT NOT NULL, updated_ms INTEGER NOT NULL, updated_by TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS halts (scope TEXT PRIMARY KEY, halt TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS alerts (key TEXT PRIMARY KEY, alert TEXT NOT NULL, active INTEGER NOT NULL, last_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS marks (scope TEXT PRIMARY KEY, day_ms INTEGER NOT NULL, day_start_perf TEXT NOT NULL, peak_perf TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS report (id INTEGER PRIMARY KEY CHECK (id = 1), report TEXT NOT NULL, positions TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS venue_errors (id INTEGER PRIMARY KEY AUTOINCREMENT, venue TEXT NOT NULL, agent TEXT NOT NULL, code TEXT NOT NULL, at_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS loop (id INTEGER PRIMARY KEY CHECK (id = 1), started INTEGER NOT NULL, next_cycle_ms INTEGER NOT NULL)`,
];

/** The monitor's state as stored, and the positions of its last report. */
export function loadState(sql: SqlStorage): { state: MonitorState; positions: RiskPosition[] } {
  const cfg = sql.exec<{ config: string }>(`SELECT config FROM risk_config WHERE id = 1`).toArray()[0];
  const halts = new Map<string, Halt>();
  for (const r of sql.exec<{ scope: string; halt: string }>(`SELECT scope, halt FROM halts`)) halts.set(r.scope, JSON.parse(r.halt) as Halt);
  const active = new Map<string, RiskAlert>();
  const recent: RiskAlert[] = [];
  for (const r of sql.exec<{ key: string; alert: string; active: number }>(`SELECT key, alert, active FROM alerts ORDER BY last_ms DESC LIMIT ?`, RECENT_ALERTS * 4)) {
    const alert = JSON.parse(r.alert) as RiskAlert;
    if (r.active) active.set(r.key, alert);
    else if (recent.length < RECENT_ALERTS) recent.push(alert);
  }
  const rep = sql.exec<{ report: string; positions: string }>(`SELECT report, positions FROM report WHERE id = 1`).toArray()[0];
  const state: MonitorState = { config: cfg ? (JSON.parse(cfg.config) as LimitsConfig) : DEFAULT_LIMITS, halts, active, recent, last: rep ? (JSON.parse(rep.report) as RiskReport) : null };
  return { state, positions: rep ? (JSON.parse(rep.positions) as RiskPosition[]) : [] };
}

/** Writes a decision's effects (call inside the transaction that makes the new state current): rows here, history for D1, runs for the hub. */
export function persistEffects(sql: SqlStorage, outbox: Outbox, effects: MonitorEffects, nowMs: number): void {
  if (effects.config) sql.exec(`INSERT OR REPLACE INTO risk_config (id, config, updated_ms, updated_by) VALUES (1, ?, ?, ?)`, JSON.stringify(effects.config.config), nowMs, effects.config.by);
  for (const h of effects.haltsPut) sql.exec(`INSERT OR REPLACE INTO halts (scope, halt) VALUES (?, ?)`, scopeKey(h.scope), JSON.stringify(h));
  for (const key of effects.haltsRemoved) sql.exec(`DELETE FROM halts WHERE scope = ?`, key);
  for (const action of effects.actions) outbox.enqueue({ t: "risk_action", action });
  for (const { alert: a, active } of effects.alerts) {
    sql.exec(`INSERT OR REPLACE INTO alerts (key, alert, active, last_ms) VALUES (?, ?, ?, ?)`, a.key, JSON.stringify(a), active ? 1 : 0, a.lastAtMs);
    outbox.enqueue({ t: "risk_alert", alert: { key: a.key, firstAtMs: a.firstAtMs, level: a.level, rule: a.rule, scope: JSON.stringify(a.scope), message: a.message, lastAtMs: a.lastAtMs, clearedAtMs: a.clearedAtMs } });
  }
  if (effects.snapshot) {
    outbox.enqueue({ t: "risk_snapshot", snapshot: effects.snapshot });
    // The desk's equity curve, beside the agents' and the farms' (cash: equity less what positions are worth).
    const s = effects.snapshot;
    outbox.enqueue({ t: "equity", scope: "desk", atMs: s.asOfMs, equity: s.equity, cash: new Decimal(s.equity).minus(s.grossExposure).toFixed(2) });
  }
  for (const r of effects.runs) outbox.emit(r.runId, r.events, nowMs);
}

/** The report and the positions it was computed from, kept for a restart. */
export function saveReport(sql: SqlStorage, report: RiskReport, positions: readonly RiskPosition[]): void {
  sql.exec(`INSERT OR REPLACE INTO report (id, report, positions) VALUES (1, ?, ?)`, JSON.stringify(report), JSON.stringify(positions));
}

export function loadMarks(sql: SqlStorage): Map<string, ScopeMark> {
  const out = new Map<string, ScopeMark>();
  for (const r of sql.exec<{ scope: string; day_ms: number; day_start_perf: string; peak_perf: string }>(`SELECT * FROM marks`)) out.set(r.scope, { dayMs: r.day_ms, dayStartPerf: r.day_start_perf, peakPerf: r.peak_perf });
  return out;
}

export function saveMarks(sql: SqlStorage, marks: ReadonlyMap<string, ScopeMark>): void {
  for (const [scope, m] of marks) sql.exec(`INSERT OR REPLACE INTO marks (scope, day_ms, day_start_perf, peak_perf) VALUES (?, ?, ?, ?)`, scope, m.dayMs, m.dayStartPerf, m.peakPerf);
}

export function addVenueError(sql: SqlStorage, venue: string, agent: string, code: string, nowMs: number): void {
  sql.exec(`INSERT INTO venue_errors (venue, agent, code, at_ms) VALUES (?, ?, ?, ?)`, venue, agent, code, nowMs);
}

/** Venue errors within the window, by venue, with the agents they hit (older ones are dropped). */
export function venueErrorCounts(sql: SqlStorage, nowMs: number): Map<string, { count: number; agents: string[] }> {
  sql.exec(`DELETE FROM venue_errors WHERE at_ms < ?`, nowMs - VENUE_ERROR_WINDOW_MS);
  const out = new Map<string, { count: number; agents: string[] }>();
  for (const r of sql.exec<{ venue: string; agent: string }>(`SELECT venue, agent FROM venue_errors`)) {
    const e = out.get(r.venue) ?? { count: 0, agents: [] };
    e.count++;
    if (!e.agents.includes(r.agent)) e.agents.push(r.agent);
    out.set(r.venue, e);
  }
  return out;
}

/** When the next cycle is due (null before the loop has started). */
export function nextCycleMs(sql: SqlStorage): number | null {
  return sql.exec<{ next_cycle_ms: number }>(`SELECT next_cycle_ms FROM loop WHERE id = 1`).toArray()[0]?.next_cycle_ms ?? null;
}

/** Starts the loop once; true when it was not started before. */
export function startLoop(sql: SqlStorage, firstMs: number): boolean {
  if (sql.exec(`SELECT started FROM loop WHERE id = 1`).toArray()[0]) return false;
  sql.exec(`INSERT INTO loop (id, started, next_cycle_ms) VALUES (1, 1, ?)`, firstMs);
  return true;
}

export function setNextCycle(sql: SqlStorage, atMs: number): void {
  sql.exec(`UPDATE loop SET next_cycle_ms = ? WHERE id = 1`, atMs);
}
