import { type DeskLevel, DEFAULT_APPROVAL_POLICY, type ApprovalPolicyPatch, applyPolicyPatch } from "../core/agents/approval.js";
import type { ApprovalPolicy } from "../core/agents/types.js";
import { netViews } from "../core/farm/netting.js";
import type { AgentView, FarmMode, Netting, Proposal } from "../core/farm/types.js";
import { farmStub, treasuryStub } from "./stubs.js";
import type { Halt, RiskAlert } from "../core/risk/types.js";

export type { AgentView, ApprovalPolicy, ApprovalPolicyPatch, Proposal };

/** How long an agent's view counts in the desk's netting (four default cycles). */
export const DESK_VIEW_TTL_MS = 60_000;

export const DESK_SCHEMA: readonly string[] = [`CREATE TABLE IF NOT EXISTS approval_policy (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)`];

/** The desk's answer to a cycle: how much of its proposal survives netting across farms, the desk's alert level and the approval policy. */
export interface DeskReview {
  readonly netting: Netting | null;
  readonly deskLevel: DeskLevel;
  readonly policy: ApprovalPolicy;
}

/**
 * The desk-level half of every decision cycle, kept by the risk monitor: the agents' latest views
 * (in memory: a restart forgets them for one cycle, which nets nothing away), netting across farms
 * with the farms' one rule, and the approval policy (persisted; admins change it).
 */
export class DeskBoard {
  private readonly views = new Map<string, AgentView>();
  private policyCache: ApprovalPolicy | null = null;

  constructor(private readonly sql: SqlStorage) {
    for (const s of DESK_SCHEMA) sql.exec(s);
  }

  policy(): ApprovalPolicy {
    if (this.policyCache) return this.policyCache;
    const row = this.sql.exec<{ json: string }>(`SELECT json FROM approval_policy WHERE id = 1`).toArray()[0];
    this.policyCache = row ? (JSON.parse(row.json) as ApprovalPolicy) : DEFAULT_APPROVAL_POLICY;
    return this.policyCache;
  }

  setPolicy(patch: ApprovalPolicyPatch): ApprovalPolicy {
    const next = applyPolicyPatch(this.policy(), patch);
    this.sql.exec(`INSERT OR REPLACE INTO approval_policy (id, json) VALUES (1, ?)`, JSON.stringify(next));
    this.policyCache = next;
    return next;
  }

  /** Records the views and nets the proposal against the other farms' views of its symbol (the proposer's own farm nets inside the farm). */
  review(views: readonly AgentView[], proposal: Proposal | null, nowMs: number, alerts: Iterable<RiskAlert>, halts: Iterable<Halt>): DeskReview {
    for (const v of views) this.views.set(`${v.agent}|${v.venue}|${v.symbol}`, v);
    for (const [k, v] of this.views) if (nowMs - v.atMs >= DESK_VIEW_TTL_MS) this.views.delete(k);
    let netting: Netting | null = null;
    if (proposal) {
      // Across farms: the proposer's view against other farms' views only; inside a farm its mode has already decided.
      const others = [...this.views.values()].filter((v) => v.agent === proposal.agent || v.farm !== proposal.view.farm || v.farm === null);
      netting = netViews(others, proposal, nowMs, DESK_VIEW_TTL_MS);
    }
    return { netting, deskLevel: levelOf(alerts, halts), policy: this.policy() };
  }
}

/** The worst active alert (a halt in force is critical). */
export function levelOf(alerts: Iterable<RiskAlert>, halts: Iterable<Halt>): DeskLevel {
  for (const _ of halts) return "critical";
  let level: DeskLevel = "calm";
  for (const a of alerts) {
    if (a.clearedAtMs !== null) continue;
    if (a.level === "critical") return "critical";
    if (a.level === "warning") level = "warning";
  }
  return level;
}

export const EMERGENCY_SCHEMA = `CREATE TABLE IF NOT EXISTS emergency_prior (farm TEXT PRIMARY KEY, mode TEXT NOT NULL)`;

/**
 * A halt of the desk or a farm puts the farms it covers in emergency (hold: no new risk, exits
 * go), remembering each farm's mode; lifting it gives back the mode the monitor took, unless the
 * operator changed it since. Best effort: the halt itself is already in force at pre-trade.
 */
export async function syncEmergencies(env: Env, sql: SqlStorage, put: readonly Halt[], removed: readonly string[]): Promise<void> {
  sql.exec(EMERGENCY_SCHEMA);
  const farms = async (key: string): Promise<string[]> =>
    key === "desk" ? (await treasuryStub(env).directory()).filter((r) => r.kind === "farm" && r.status === "active").map((r) => r.id) : key.startsWith("farm:") ? [key] : [];
  for (const h of put) {
    for (const farm of await farms(h.scope.kind === "desk" ? "desk" : h.scope.id)) {
      const stub = farmStub(env, farm);
      const current = await stub.mode();
      if (current.mode === "emergency") continue;
      sql.exec(`INSERT OR IGNORE INTO emergency_prior (farm, mode) VALUES (?, ?)`, farm, JSON.stringify(current));
      await stub.setMode({ mode: "emergency", emergency: "hold" }, "monitor", `halted: ${h.reason}`);
    }
  }
  for (const key of removed) {
    for (const farm of await farms(key)) {
      const row = sql.exec<{ mode: string }>(`SELECT mode FROM emergency_prior WHERE farm = ?`, farm).toArray()[0];
      if (!row) continue;
      sql.exec(`DELETE FROM emergency_prior WHERE farm = ?`, farm);
      const stub = farmStub(env, farm);
      const current = await stub.mode();
      if (current.mode !== "emergency" || current.setBy !== "monitor") continue;
      const prior = JSON.parse(row.mode) as FarmMode;
      await stub.setMode({ mode: prior.mode, ...(prior.lead ? { lead: prior.lead } : {}), quorum: prior.quorum, emergency: prior.emergency }, "monitor", "halt lifted: the farm's mode before it");
    }
  }
}
