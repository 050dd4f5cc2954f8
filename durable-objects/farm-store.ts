import { defaultFarmMode } from "../core/farm/mode.js";
import { abstention, voteOf } from "../core/farm/report.js";
import type { AgentView, FarmMode, FarmReport, FarmVerdict, Proposal, Vote } from "../core/farm/types.js";
import type { Attribution } from "../core/trades/types.js";
import { agentStub } from "./stubs.js";

/** Verdicts kept for retried cycles (a repeat of a cycle id answers the first verdict); older ones go. */
const VERDICTS_KEPT = 500;

/** The farm's decision tables: its mode, the latest view per member per symbol, each member's last report, recent verdicts. */
export const FARM_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS farm_mode (id INTEGER PRIMARY KEY CHECK (id = 1), mode TEXT NOT NULL, version INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS farm_views (agent TEXT NOT NULL, symbol TEXT NOT NULL, at_ms INTEGER NOT NULL, view TEXT NOT NULL, PRIMARY KEY (agent, symbol))`,
  `CREATE TABLE IF NOT EXISTS farm_agents (agent TEXT PRIMARY KEY, equity TEXT NOT NULL, cash TEXT NOT NULL, weight REAL NOT NULL, at_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS farm_verdicts (seq INTEGER PRIMARY KEY AUTOINCREMENT, cycle_id TEXT NOT NULL UNIQUE, agent TEXT NOT NULL, at_ms INTEGER NOT NULL, verdict TEXT)`,
  `CREATE TABLE IF NOT EXISTS farm_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
];

/** One member's last report: its equity and cash (USD) and the weight its views carried. */
export interface MemberReport {
  readonly agent: string;
  readonly equity: string;
  readonly cash: string;
  readonly weight: number;
  readonly atMs: number;
}

/** The farm's storage, in the object's SQLite. Writes go inside the object's transaction. */
export class FarmStore {
  constructor(private readonly sql: SqlStorage) {}

  /** The mode and how many times it was set; the default (as of `sinceMs`) until it is. */
  mode(sinceMs: number): { mode: FarmMode; version: number } {
    const row = this.sql.exec<{ mode: string; version: number }>(`SELECT mode, version FROM farm_mode WHERE id = 1`).toArray()[0];
    return row ? { mode: JSON.parse(row.mode) as FarmMode, version: row.version } : { mode: defaultFarmMode(sinceMs), version: 0 };
  }

  writeMode(mode: FarmMode, version: number): void {
    this.sql.exec(`INSERT OR REPLACE INTO farm_mode (id, mode, version) VALUES (1, ?, ?)`, JSON.stringify(mode), version);
  }

  /** Keeps the report's views (each replaces an older one of its agent and symbol) and the agent's equity. */
  writeReport(report: FarmReport): void {
    const views = report.proposal ? [...report.views, report.proposal.view] : report.views;
    let weight: number | null = null;
    for (const v of views) {
      this.sql.exec(
        `INSERT INTO farm_views (agent, symbol, at_ms, view) VALUES (?, ?, ?, ?)
         ON CONFLICT (agent, symbol) DO UPDATE SET at_ms = excluded.at_ms, view = excluded.view WHERE excluded.at_ms >= farm_views.at_ms`,
        v.agent,
        v.symbol,
        v.atMs,
        JSON.stringify(v),
      );
      weight = v.weight;
    }
    const before = this.member(report.agent);
    if (before && before.atMs > report.atMs) return;
    this.sql.exec(
      `INSERT OR REPLACE INTO farm_agents (agent, equity, cash, weight, at_ms) VALUES (?, ?, ?, ?, ?)`,
      report.agent,
      report.equity,
      report.cash,
      weight ?? before?.weight ?? 1,
      report.atMs,
    );
  }

  /** Every member's latest view of a symbol. */
  views(symbol: string): AgentView[] {
    return this.sql.exec<{ view: string }>(`SELECT view FROM farm_views WHERE symbol = ?`, symbol).toArray().map((r) => JSON.parse(r.view) as AgentView);
  }

  member(agent: string): MemberReport | undefined {
    return this.members().find((m) => m.agent === agent);
  }

  members(): MemberReport[] {
    return this.sql
      .exec<{ agent: string; equity: string; cash: string; weight: number; at_ms: number }>(`SELECT agent, equity, cash, weight, at_ms FROM farm_agents ORDER BY agent`)
      .toArray()
      .map((r) => ({ agent: r.agent, equity: r.equity, cash: r.cash, weight: r.weight, atMs: r.at_ms }));
  }

  /** The verdict given to a cycle already answered: undefined if none was; null if it had no proposal. */
  verdict(cycleId: string): FarmVerdict | null | undefined {
    const row = this.sql.exec<{ verdict: string | null }>(`SELECT verdict FROM farm_verdicts WHERE cycle_id = ?`, cycleId).toArray()[0];
    if (!row) return undefined;
    return row.verdict === null ? null : (JSON.parse(row.verdict) as FarmVerdict);
  }

  /** Records a cycle's verdict, keeping the last VERDICTS_KEPT. */
  writeVerdict(cycleId: string, agent: string, atMs: number, verdict: FarmVerdict): void {
    this.sql.exec(`INSERT OR IGNORE INTO farm_verdicts (cycle_id, agent, at_ms, verdict) VALUES (?, ?, ?, ?)`, cycleId, agent, atMs, JSON.stringify(verdict));
    this.sql.exec(`DELETE FROM farm_verdicts WHERE seq <= (SELECT MAX(seq) FROM farm_verdicts) - ?`, VERDICTS_KEPT);
  }

  /** The most recent verdicts, newest first. */
  recentVerdicts(limit: number): Array<{ cycleId: string; agent: string; atMs: number; verdict: FarmVerdict }> {
    return this.sql
      .exec<{ cycle_id: string; agent: string; at_ms: number; verdict: string }>(`SELECT cycle_id, agent, at_ms, verdict FROM farm_verdicts WHERE verdict IS NOT NULL ORDER BY seq DESC LIMIT ?`, limit)
      .toArray()
      .map((r) => ({ cycleId: r.cycle_id, agent: r.agent, atMs: r.at_ms, verdict: JSON.parse(r.verdict) as FarmVerdict }));
  }

  /** When the farm's equity was last sampled for D1 (0: never). */
  lastSampleMs(): number {
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM farm_kv WHERE key = 'last_sample_ms'`).toArray()[0];
    return row ? Number(row.value) : 0;
  }

  setLastSampleMs(atMs: number): void {
    this.sql.exec(`INSERT OR REPLACE INTO farm_kv (key, value) VALUES ('last_sample_ms', ?)`, String(atMs));
  }
}

/**
 * Asks each member for its vote on a proposal, all at once, each raced against `timeoutMs`: a
 * member that throws, answers nonsense or is late abstains (consensus counts that against).
 */
export async function askVotes(members: readonly string[], proposal: Proposal, timeoutMs: number, ask: (agent: string, proposal: Proposal) => Promise<unknown>): Promise<Vote[]> {
  return Promise.all(
    members.map(async (agent) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<Vote>((resolve) => {
        timer = setTimeout(() => resolve(abstention(agent, `no vote within ${timeoutMs} ms`)), timeoutMs);
      });
      const asked = Promise.resolve()
        .then(() => ask(agent, proposal))
        .then(
          (answer) => voteOf(agent, answer),
          (err: unknown) => abstention(agent, `could not vote: ${err instanceof Error ? err.message : String(err)}`),
        );
      try {
        return await Promise.race([asked, late]);
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }
    }),
  );
}

/** An agent's P&L attribution, or null when it cannot give one (not yet built, or the call failed). */
export async function attributionOf(env: Env, agent: string): Promise<Attribution | null> {
  try {
    return (await agentStub(env, agent).attribution()) as Attribution | null;
  } catch {
    return null;
  }
}
