import type { AgentStatus, AgentSummary, DecisionOutcome, DecisionRecord, EquityPoint } from "../../../../core/agents/types.ts";
import { customFacts, isRecord } from "../../approvals/events.ts";
import { agentSlug } from "../../approvals/model.ts";
import { formatMoney, isZeroAmount } from "../../format.ts";
import type { LogEntry } from "../../live/log.ts";

/**
 * The Agents page's view model: status badges, signed P&L, win rates, decisions (from the API and
 * the live feed, merged), the equity curve's points, durations. Words and signs always carry the
 * meaning; colour only repeats it.
 */

export { agentSlug };

export type Tone = "ok" | "warn" | "bad" | "info" | "muted";

const STATUS: Readonly<Record<AgentStatus, { label: string; tone: Tone; glyph: string }>> = {
  running: { label: "running", tone: "ok", glyph: "●" },
  paused: { label: "paused", tone: "muted", glyph: "❚❚" },
  halted: { label: "halted", tone: "bad", glyph: "■" },
  awaiting_approval: { label: "awaiting approval", tone: "warn", glyph: "?" },
  warming_up: { label: "warming up", tone: "info", glyph: "◔" },
  archived: { label: "archived", tone: "muted", glyph: "–" },
  unconfigured: { label: "not configured", tone: "muted", glyph: "○" },
};

/** How an agent's status shows: a word, a glyph, a tone. */
export function statusBadge(status: AgentStatus): { label: string; tone: Tone; glyph: string } {
  return STATUS[status] ?? { label: String(status), tone: "muted", glyph: "○" };
}

/** Money with its sign spelled out: "+1,234.56", "−12.30", "0.00"; `tone` repeats the sign. */
export function signedMoney(value: string, asset = "USD"): { text: string; tone: "up" | "down" | "flat" } {
  const shown = formatMoney(value.trim(), asset);
  if (isZeroAmount(shown.replace(/,/g, ""))) return { text: shown.replace(/^-/, ""), tone: "flat" };
  if (shown.startsWith("-")) return { text: `−${shown.slice(1)}`, tone: "down" };
  return { text: `+${shown}`, tone: "up" };
}

/** A percentage with its sign: 1.234 → "+1.23%", -0.5 → "−0.50%"; null → "—". */
export function signedPct(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return "—";
  const text = Math.abs(pct).toFixed(2);
  if (text === "0.00") return "0.00%";
  return `${pct < 0 ? "−" : "+"}${text}%`;
}

/** 0.625 → "62.5%"; null (no closed trade yet) → "—". */
export function formatWinRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return "—";
  return `${(rate * 100).toFixed(rate === 0 || rate === 1 ? 0 : 1)}%`;
}

const OUTCOMES: Readonly<Record<DecisionOutcome, { label: string; tone: Tone }>> = {
  hold: { label: "hold", tone: "muted" },
  warming_up: { label: "warming up", tone: "info" },
  placed: { label: "placed", tone: "ok" },
  vetoed: { label: "vetoed", tone: "warn" },
  netted: { label: "netted", tone: "warn" },
  risk_rejected: { label: "risk rejected", tone: "bad" },
  awaiting_approval: { label: "awaiting approval", tone: "warn" },
  approval_rejected: { label: "approval rejected", tone: "bad" },
  approval_expired: { label: "approval expired", tone: "warn" },
  emergency: { label: "emergency", tone: "bad" },
  too_small: { label: "too small", tone: "muted" },
  failed: { label: "failed", tone: "bad" },
};

/** What became of a cycle, as a word and a tone. */
export function outcomeLabel(outcome: DecisionOutcome): { label: string; tone: Tone } {
  return OUTCOMES[outcome] ?? { label: String(outcome), tone: "muted" };
}

/** Newest first (by time, then id), one per id (the later copy wins), at most `limit`. */
export function mergeDecisions(current: readonly DecisionRecord[], incoming: readonly DecisionRecord[], limit = 50): DecisionRecord[] {
  const byId = new Map<string, DecisionRecord>();
  for (const d of current) byId.set(d.id, d);
  for (const d of incoming) byId.set(d.id, d);
  return [...byId.values()].sort((a, b) => b.atMs - a.atMs || b.id.localeCompare(a.id)).slice(0, limit);
}

/** True when `value` has the fields of a DecisionRecord the page reads. */
export function isDecision(value: unknown): value is DecisionRecord {
  if (!isRecord(value)) return false;
  return typeof value.id === "string" && typeof value.agent === "string" && typeof value.outcome === "string" && typeof value.reason === "string" && typeof value.atMs === "number";
}

export const DECISION_EVENT = "cival.agent.decision";
const LIVE_NAMES: ReadonlySet<string> = new Set([DECISION_EVENT]);

/** The decisions among live entries for the agent `slug` (its thread is `agent:<slug>`). */
export function liveDecisions(entries: readonly LogEntry[], slug: string): DecisionRecord[] {
  const thread = `agent:${slug}`;
  return customFacts(entries, LIVE_NAMES)
    .filter((f) => f.thread === thread)
    .map((f) => f.value)
    .filter(isDecision);
}

/** The agents (slugs) and farms (thread names) that spoke in `entries`: whose summaries are stale. */
export function touched(entries: readonly LogEntry[]): { agents: Set<string>; farms: Set<string> } {
  const agents = new Set<string>();
  const farms = new Set<string>();
  for (const e of entries) {
    if (e.thread.startsWith("agent:")) agents.add(agentSlug(e.thread));
    else if (e.thread.startsWith("farm:")) farms.add(e.thread);
  }
  return { agents, farms };
}

/** An equity curve for the chart: seconds, strictly increasing (a later point in the same second wins). */
export function equitySeries(points: readonly EquityPoint[]): Array<{ time: number; value: number }> {
  const out: Array<{ time: number; value: number }> = [];
  for (const p of points) {
    const value = Number(p.equity);
    if (!Number.isFinite(value)) continue;
    const time = Math.floor(p.atMs / 1000);
    const last = out[out.length - 1];
    if (last && time < last.time) continue;
    if (last && time === last.time) last.value = value;
    else out.push({ time, value });
  }
  return out;
}

/** 45_000 → "45s", "12m 05s", "3h 05m", "2d 4h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** The agents in list order: by farm (farmless last), then name. */
export function sortAgents(agents: readonly AgentSummary[]): AgentSummary[] {
  const farmOrder = (a: AgentSummary, b: AgentSummary) => (a.farm === b.farm ? 0 : a.farm === null ? 1 : b.farm === null ? -1 : a.farm.localeCompare(b.farm));
  return [...agents].sort((a, b) => farmOrder(a, b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** "farm:momentum" or "momentum" → "momentum" (the routes take the slug). */
export function farmSlug(id: string): string {
  return id.startsWith("farm:") ? id.slice("farm:".length) : id;
}
