import { and, desc, eq, lt, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { backtests } from "./schema.js";

/** A backtest as D1 keeps it; `metrics` and `result` are JSON text the route wrote. */
export interface BacktestRow {
  readonly id: string;
  readonly createdAtMs: number;
  readonly owner: string;
  readonly strategy: string;
  readonly params: string;
  readonly symbols: string;
  readonly intervalMs: number;
  readonly bars: number;
  readonly metrics: string;
  readonly result: string;
  readonly status: "done";
}

/** Where a page of the list ends: the last row's time and id (newest first, the id breaks ties). */
export interface BacktestCursor {
  readonly createdAtMs: number;
  readonly id: string;
}

/** Keeps one backtest; the id is new for every run, so a repeat of the same id changes nothing. */
export async function insertBacktest(d1: D1Database, row: BacktestRow): Promise<void> {
  await drizzle(d1).insert(backtests).values(row).onConflictDoNothing();
}

/** One backtest, whole, or null. */
export async function findBacktest(d1: D1Database, id: string): Promise<BacktestRow | null> {
  const rows = await drizzle(d1).select().from(backtests).where(eq(backtests.id, id)).limit(1);
  return rows[0] ?? null;
}

/** A page of backtests, newest first, without their results (the list needs only the headline). */
export async function listBacktests(d1: D1Database, limit: number, after: BacktestCursor | null): Promise<{ rows: Array<Omit<BacktestRow, "result">>; next: BacktestCursor | null }> {
  const db = drizzle(d1);
  const rows = await db
    .select({
      id: backtests.id,
      createdAtMs: backtests.createdAtMs,
      owner: backtests.owner,
      strategy: backtests.strategy,
      params: backtests.params,
      symbols: backtests.symbols,
      intervalMs: backtests.intervalMs,
      bars: backtests.bars,
      metrics: backtests.metrics,
      status: backtests.status,
    })
    .from(backtests)
    .where(after ? or(lt(backtests.createdAtMs, after.createdAtMs), and(eq(backtests.createdAtMs, after.createdAtMs), lt(backtests.id, after.id))) : undefined)
    .orderBy(desc(backtests.createdAtMs), desc(backtests.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? { createdAtMs: last.createdAtMs, id: last.id } : null };
}
