import type { AgentConfig, ApprovalRecord, DecisionRecord } from "../core/agents/types.js";
import type { CyclePlan } from "../core/agents/cycle.js";
import type { AgentView } from "../core/farm/types.js";

/**
 * The decision cycle's tables in the agent's SQLite: its configuration, each cycle's plan (written
 * before any order leaves, so a retried cycle re-sends the same client order ids), the approvals
 * it waits on, its latest views (what it votes from) and its last decisions.
 */
export const CYCLE_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS agent_config (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS cycles (id TEXT PRIMARY KEY, state TEXT NOT NULL, plan TEXT NOT NULL, decision TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS cycles_state ON cycles (state)`,
  `CREATE TABLE IF NOT EXISTS approvals (id TEXT PRIMARY KEY, state TEXT NOT NULL, expires_ms INTEGER NOT NULL, json TEXT NOT NULL, plan TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS approvals_state ON approvals (state, expires_ms)`,
  `CREATE TABLE IF NOT EXISTS views (venue TEXT NOT NULL, symbol TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (venue, symbol))`,
  `CREATE TABLE IF NOT EXISTS decisions (id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, json TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS agent_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS order_marks (client_order_id TEXT PRIMARY KEY, mark TEXT NOT NULL)`,
];

/** Decisions kept in the object (D1 keeps them all). */
const DECISIONS_KEPT = 50;
/** Decided approvals kept in the object. */
const APPROVALS_KEPT = 100;
/** Finished cycles kept (their ids make a repeat of a slot a no-op). */
const CYCLES_KEPT = 200;

/** A cycle's plan as persisted: the orders and cancels left to send, the decision draft, the state. */
export interface CycleRow {
  readonly id: string;
  readonly state: "placing" | "awaiting_approval" | "done";
  readonly plan: CyclePlan;
  readonly decision: DecisionRecord;
}

export class CycleStore {
  constructor(private readonly sql: SqlStorage) {}

  config(): AgentConfig | null {
    const row = this.sql.exec<{ json: string }>(`SELECT json FROM agent_config WHERE id = 1`).toArray()[0];
    return row ? (JSON.parse(row.json) as AgentConfig) : null;
  }

  saveConfig(config: AgentConfig): void {
    this.sql.exec(`INSERT OR REPLACE INTO agent_config (id, json) VALUES (1, ?)`, JSON.stringify(config));
  }

  cycle(id: string): CycleRow | null {
    const row = this.sql.exec<{ id: string; state: string; plan: string; decision: string }>(`SELECT id, state, plan, decision FROM cycles WHERE id = ?`, id).toArray()[0];
    return row ? { id: row.id, state: row.state as CycleRow["state"], plan: JSON.parse(row.plan) as CyclePlan, decision: JSON.parse(row.decision) as DecisionRecord } : null;
  }

  /** The cycle left half-done (its orders not all sent), if any. */
  unfinished(): CycleRow | null {
    const row = this.sql.exec<{ id: string }>(`SELECT id FROM cycles WHERE state = 'placing' ORDER BY created_ms LIMIT 1`).toArray()[0];
    return row ? this.cycle(row.id) : null;
  }

  saveCycle(row: CycleRow, nowMs: number): void {
    this.sql.exec(
      `INSERT INTO cycles (id, state, plan, decision, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, plan = excluded.plan, decision = excluded.decision, updated_ms = excluded.updated_ms`,
      row.id,
      row.state,
      JSON.stringify(row.plan),
      JSON.stringify(row.decision),
      nowMs,
      nowMs,
    );
    for (const o of row.plan.orders) this.sql.exec(`INSERT OR IGNORE INTO order_marks (client_order_id, mark) VALUES (?, ?)`, o.request.clientOrderId, o.mark);
    this.sql.exec(`DELETE FROM cycles WHERE state = 'done' AND id NOT IN (SELECT id FROM cycles ORDER BY created_ms DESC LIMIT ?)`, CYCLES_KEPT);
  }

  approval(id: string): { record: ApprovalRecord; plan: CyclePlan } | null {
    const row = this.sql.exec<{ json: string; plan: string }>(`SELECT json, plan FROM approvals WHERE id = ?`, id).toArray()[0];
    return row ? { record: JSON.parse(row.json) as ApprovalRecord, plan: JSON.parse(row.plan) as CyclePlan } : null;
  }

  saveApproval(record: ApprovalRecord, plan: CyclePlan): void {
    this.sql.exec(`INSERT OR REPLACE INTO approvals (id, state, expires_ms, json, plan) VALUES (?, ?, ?, ?, ?)`, record.id, record.state, record.expiresAtMs, JSON.stringify(record), JSON.stringify(plan));
    // Decided requests live on in D1; the object keeps the latest few.
    this.sql.exec(`DELETE FROM approvals WHERE state != 'pending' AND id NOT IN (SELECT id FROM approvals ORDER BY expires_ms DESC LIMIT ?)`, APPROVALS_KEPT);
  }

  pendingApprovals(): ApprovalRecord[] {
    return this.sql.exec<{ json: string }>(`SELECT json FROM approvals WHERE state = 'pending' ORDER BY expires_ms`).toArray().map((r) => JSON.parse(r.json) as ApprovalRecord);
  }

  /** Approvals in the object, newest first (pending and the recently decided). */
  approvals(limit: number): ApprovalRecord[] {
    return this.sql.exec<{ json: string }>(`SELECT json FROM approvals ORDER BY expires_ms DESC LIMIT ?`, limit).toArray().map((r) => JSON.parse(r.json) as ApprovalRecord);
  }

  /** When the first pending approval expires (null: none). */
  nextExpiryMs(): number | null {
    return this.sql.exec<{ t: number | null }>(`SELECT MIN(expires_ms) AS t FROM approvals WHERE state = 'pending'`).one().t;
  }

  saveViews(views: readonly AgentView[]): void {
    for (const v of views) this.sql.exec(`INSERT OR REPLACE INTO views (venue, symbol, json) VALUES (?, ?, ?)`, v.venue, v.symbol, JSON.stringify(v));
  }

  views(): AgentView[] {
    return this.sql.exec<{ json: string }>(`SELECT json FROM views`).toArray().map((r) => JSON.parse(r.json) as AgentView);
  }

  saveDecision(d: DecisionRecord): void {
    this.sql.exec(`INSERT OR REPLACE INTO decisions (id, at_ms, json) VALUES (?, ?, ?)`, d.id, d.atMs, JSON.stringify(d));
    this.sql.exec(`DELETE FROM decisions WHERE id NOT IN (SELECT id FROM decisions ORDER BY at_ms DESC LIMIT ?)`, DECISIONS_KEPT);
  }

  decisions(limit: number): DecisionRecord[] {
    return this.sql.exec<{ json: string }>(`SELECT json FROM decisions ORDER BY at_ms DESC LIMIT ?`, limit).toArray().map((r) => JSON.parse(r.json) as DecisionRecord);
  }

  /** The price each cycle order was decided at, by client order id (slippage is measured from it). */
  marks(): Map<string, string> {
    return new Map(this.sql.exec<{ client_order_id: string; mark: string }>(`SELECT client_order_id, mark FROM order_marks`).toArray().map((r) => [r.client_order_id, r.mark]));
  }

  meta(k: string): string | null {
    return this.sql.exec<{ v: string }>(`SELECT v FROM agent_meta WHERE k = ?`, k).toArray()[0]?.v ?? null;
  }

  setMeta(k: string, v: string): void {
    this.sql.exec(`INSERT OR REPLACE INTO agent_meta (k, v) VALUES (?, ?)`, k, v);
  }
}
