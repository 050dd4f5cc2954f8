/**
 * The decision cycle's history in D1: signals, decisions, approvals and equity samples, written
 * through `writeHistory` (the upserts below) and read back as core's types for the API. Every
 * reader clamps its limit and ignores a bound that is not a finite time, so bad input never throws.
 */
import { type BatchItem } from "drizzle-orm/batch";
import { type SQL, and, desc, eq, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { ApprovalReason, ApprovalRecord, DecisionRecord, EquityPoint, SignalRecord } from "../../core/agents/types.js";
import type { TradeFill } from "../../core/trades/types.js";
import { approvals, decisions, equitySamples, fills, signals } from "./schema.js";

type Db = ReturnType<typeof drizzle>;
type Statement = BatchItem<"sqlite">;

/** The most rows one read returns, per kind. */
export const MAX_ROWS = { decisions: 500, signals: 1000, approvals: 500, equity: 2000, fills: 5000 } as const;

/** An equity sample: the point a chart draws and the cash beside it. */
export interface EquitySample extends EquityPoint {
  readonly cash: string;
}

/** A limit as a whole number in [1, max]; anything that is not a finite number gets `fallback`. */
export function clampLimit(limit: unknown, max: number, fallback = Math.min(100, max)): number {
  const n = typeof limit === "number" && Number.isFinite(limit) ? Math.floor(limit) : fallback;
  return Math.min(max, Math.max(1, n));
}

/** A time bound (ms) usable in SQL, or null when it is absent or not a safe integer time. */
function timeBound(ms: unknown): number | null {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return null;
  const t = Math.floor(ms);
  return Number.isSafeInteger(t) ? t : null;
}

/** A JSON array of strings from a column, or [] when the text is anything else. */
function stringArray(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

const APPROVAL_REASONS: readonly ApprovalReason[] = ["notional_above_threshold", "first_live_order", "desk_state"];
const isApprovalReason = (x: string): x is ApprovalReason => (APPROVAL_REASONS as readonly string[]).includes(x);

/** A signal, once: a retried cycle writes the same id. */
export function signalInsert(db: Db, s: SignalRecord): Statement {
  return db.insert(signals).values({ ...s }).onConflictDoNothing();
}

/** A decision; one awaiting approval is replaced by its outcome, a final outcome never changes. */
export function decisionUpsert(db: Db, d: DecisionRecord): Statement {
  const row = { ...d, orders: JSON.stringify(d.orders) };
  return db
    .insert(decisions)
    .values(row)
    .onConflictDoUpdate({
      target: decisions.id,
      set: { outcome: row.outcome, reason: row.reason, side: row.side, symbol: row.symbol, venue: row.venue, quantity: row.quantity, price: row.price, notional: row.notional, orders: row.orders, approvalId: row.approvalId, latencyMs: row.latencyMs },
      setWhere: sql`${decisions.outcome} = 'awaiting_approval'`,
    });
}

/**
 * An approval; it moves forward only: a pending row takes any state, a decided one only the same
 * state again (to add the order placed and its result). A late `pending` never undoes a decision.
 */
export function approvalUpsert(db: Db, a: ApprovalRecord): Statement {
  const row = { ...a, reasons: JSON.stringify(a.reasons) };
  return db
    .insert(approvals)
    .values(row)
    .onConflictDoUpdate({
      target: approvals.id,
      set: {
        state: sql`excluded.state`,
        decidedAtMs: sql`coalesce(${approvals.decidedAtMs}, excluded.decided_at_ms)`,
        decidedBy: sql`coalesce(${approvals.decidedBy}, excluded.decided_by)`,
        clientOrderId: sql`coalesce(excluded.client_order_id, ${approvals.clientOrderId})`,
        result: sql`coalesce(excluded.result, ${approvals.result})`,
      },
      setWhere: sql`${approvals.state} = 'pending' or ${approvals.state} = excluded.state`,
    });
}

/** An equity sample; the first at a time wins (a retried cycle samples the same time). */
export function equityInsert(db: Db, scope: string, atMs: number, equity: string, cash: string): Statement {
  return db.insert(equitySamples).values({ scope, atMs, equity, cash }).onConflictDoNothing();
}

/** An agent's decisions, newest first; `beforeMs` pages back (decisions strictly older). */
export async function recentDecisions(d1: D1Database, agent: string, limit: number, beforeMs?: number): Promise<DecisionRecord[]> {
  const before = timeBound(beforeMs);
  const where = before === null ? eq(decisions.agent, agent) : and(eq(decisions.agent, agent), lt(decisions.atMs, before));
  const rows = await drizzle(d1).select().from(decisions).where(where).orderBy(desc(decisions.atMs), desc(decisions.id)).limit(clampLimit(limit, MAX_ROWS.decisions));
  return rows.map((r) => ({ ...r, orders: stringArray(r.orders) }));
}

export interface SignalQuery {
  readonly agent?: string;
  readonly symbol?: string;
  readonly farm?: string;
  readonly limit: number;
  readonly beforeMs?: number;
}

/** Signals, newest first, filtered by any of agent, symbol and farm. */
export async function querySignals(d1: D1Database, q: SignalQuery): Promise<SignalRecord[]> {
  const conds: SQL[] = [];
  if (typeof q.agent === "string") conds.push(eq(signals.agent, q.agent));
  if (typeof q.symbol === "string") conds.push(eq(signals.symbol, q.symbol));
  if (typeof q.farm === "string") conds.push(eq(signals.farm, q.farm));
  const before = timeBound(q.beforeMs);
  if (before !== null) conds.push(lt(signals.atMs, before));
  return drizzle(d1)
    .select()
    .from(signals)
    .where(conds.length > 0 ? and(...conds) : undefined)
    .orderBy(desc(signals.atMs), desc(signals.id))
    .limit(clampLimit(q.limit, MAX_ROWS.signals));
}

export interface ApprovalQuery {
  readonly state?: ApprovalRecord["state"];
  readonly agent?: string;
  readonly limit: number;
}

/** Approvals, newest first, filtered by state and agent. */
export async function queryApprovals(d1: D1Database, q: ApprovalQuery): Promise<ApprovalRecord[]> {
  const conds: SQL[] = [];
  if (typeof q.state === "string") conds.push(eq(approvals.state, q.state));
  if (typeof q.agent === "string") conds.push(eq(approvals.agent, q.agent));
  const rows = await drizzle(d1)
    .select()
    .from(approvals)
    .where(conds.length > 0 ? and(...conds) : undefined)
    .orderBy(desc(approvals.createdAtMs), desc(approvals.id))
    .limit(clampLimit(q.limit, MAX_ROWS.approvals));
  return rows.map((r) => ({ ...r, reasons: stringArray(r.reasons).filter(isApprovalReason) }));
}

/**
 * A scope's equity since `sinceMs`, oldest first. With more samples than `limit`, it keeps `limit`
 * of them evenly spaced by position, always the first and the last (one: the last alone). Row i of
 * n is kept when ⌊i·(L−1)/(n−1)⌋ steps up from row i−1: exactly L rows, the last among them.
 */
export async function equitySeries(d1: D1Database, scope: string, opts: { sinceMs?: number; limit: number }): Promise<EquitySample[]> {
  const limit = clampLimit(opts.limit, MAX_ROWS.equity);
  const since = timeBound(opts.sinceMs) ?? Number.MIN_SAFE_INTEGER;
  // D1 binds numbers as REAL, and the thinning needs integer division: the limit (an integer
  // clampLimit made, never user text) goes in as a literal.
  const l = sql.raw(String(limit));
  const rows = await drizzle(d1).all<{ at_ms: number; equity: string; cash: string }>(sql`
    select at_ms, equity, cash from (
      select at_ms, equity, cash, row_number() over (order by at_ms) - 1 as rn, count(*) over () as n
      from ${equitySamples} where scope = ${scope} and at_ms >= ${since}
    )
    where n <= ${l}
      or (${l} = 1 and rn = n - 1)
      or (${l} > 1 and (rn = 0 or (rn * (${l} - 1)) / (n - 1) > ((rn - 1) * (${l} - 1)) / (n - 1)))
    order by at_ms`);
  return rows.map((r) => ({ atMs: r.at_ms, equity: r.equity, cash: r.cash }));
}

/** The agent's latest fills, oldest first (the order trades are matched in). */
export async function fillsOf(d1: D1Database, agent: string, limit: number): Promise<TradeFill[]> {
  const rows = await drizzle(d1)
    .select()
    .from(fills)
    .where(eq(fills.agent, agent))
    .orderBy(desc(fills.timeMs), desc(sql`rowid`))
    .limit(clampLimit(limit, MAX_ROWS.fills, 1000));
  return rows.reverse().map((r) => ({
    fillId: r.fillId,
    clientOrderId: r.clientOrderId,
    venue: r.venue,
    symbol: r.symbol,
    side: r.side === "sell" ? "sell" : "buy",
    price: r.price,
    quantity: r.quantity,
    fee: r.fee,
    feeAsset: r.feeAsset,
    liquidity: r.liquidity === "maker" ? "maker" : "taker",
    timeMs: r.timeMs,
    decisionPrice: r.decisionPrice,
  }));
}
