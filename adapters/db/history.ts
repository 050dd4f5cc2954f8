import { type BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { ApprovalRecord, DecisionRecord, SignalRecord } from "../../core/agents/types.js";
import type { JournalEntry } from "../../core/ledger.js";
import { cashDelta } from "../../core/ledger.js";
import { str } from "../../core/money.js";
import type { TransferView } from "../../core/transfers/index.js";
import type { WalletRecord } from "../../core/wallets.js";
import { approvalUpsert, decisionUpsert, equityInsert, signalInsert } from "./agents.js";
import { fills, journalEntries, journalLines, orders, riskActions, riskAlerts, riskSnapshots, transfers, wallets } from "./schema.js";

/** A fact an object records for D1, queued in its own SQLite in the same transaction as the change. */
export type HistoryRecord =
  | { readonly t: "wallet"; readonly wallet: WalletRecord }
  | { readonly t: "transfer"; readonly transfer: TransferView; readonly memo: string | null; readonly version: number }
  | { readonly t: "entry"; readonly walletId: string; readonly seq: number; readonly atMs: number; readonly entry: JournalEntry }
  | { readonly t: "order"; readonly order: typeof orders.$inferInsert }
  | { readonly t: "fill"; readonly fill: typeof fills.$inferInsert }
  | { readonly t: "risk_snapshot"; readonly snapshot: typeof riskSnapshots.$inferInsert }
  | { readonly t: "risk_alert"; readonly alert: typeof riskAlerts.$inferInsert }
  | { readonly t: "risk_action"; readonly action: typeof riskActions.$inferInsert }
  | { readonly t: "signal"; readonly signal: SignalRecord }
  | { readonly t: "decision"; readonly decision: DecisionRecord }
  | { readonly t: "approval"; readonly approval: ApprovalRecord }
  | { readonly t: "equity"; readonly scope: string; readonly atMs: number; readonly equity: string; readonly cash: string };

/** Statements per D1 batch: a batch is one transaction, keep it small enough to commit fast. */
export const HISTORY_BATCH_ROWS = 100;

type Db = ReturnType<typeof drizzle>;
type Statement = BatchItem<"sqlite">;

/** Writes records to D1 in one batch. Every write is an upsert on a natural key: replays are harmless. */
export async function writeHistory(d1: D1Database, records: readonly HistoryRecord[]): Promise<void> {
  const db = drizzle(d1);
  const [first, ...rest] = records.flatMap((r) => statementsFor(db, r));
  if (!first) return;
  await db.batch([first, ...rest]);
}

/** The upserts of one record, on its natural key. */
function statementsFor(db: Db, r: HistoryRecord): Statement[] {
  switch (r.t) {
    case "wallet":
      return [walletUpsert(db, r.wallet)];
    case "transfer":
      return [transferUpsert(db, r.transfer, r.memo, r.version)];
    case "order":
      return [orderUpsert(db, r.order)];
    case "fill":
      return [db.insert(fills).values(r.fill).onConflictDoNothing()];
    case "risk_snapshot":
      return [db.insert(riskSnapshots).values(r.snapshot).onConflictDoNothing()];
    case "risk_alert":
      return [alertUpsert(db, r.alert)];
    case "risk_action":
      return [db.insert(riskActions).values(r.action).onConflictDoNothing()];
    case "entry":
      return entryInserts(db, r.walletId, r.seq, r.atMs, r.entry);
    case "signal":
      return [signalInsert(db, r.signal)];
    case "decision":
      return [decisionUpsert(db, r.decision)];
    case "approval":
      return [approvalUpsert(db, r.approval)];
    case "equity":
      return [equityInsert(db, r.scope, r.atMs, r.equity, r.cash)];
  }
}

function walletUpsert(db: Db, w: WalletRecord): Statement {
  return db
    .insert(wallets)
    .values({ ...w })
    .onConflictDoUpdate({
      target: wallets.id,
      set: { name: w.name, parent: w.parent, status: w.status, strategy: w.strategy, role: w.role, updatedAtMs: w.updatedAtMs },
      setWhere: sql`excluded.updated_at_ms >= ${wallets.updatedAtMs}`,
    });
}

/** A transfer's row; a later version replaces an earlier one, never the reverse. */
function transferUpsert(db: Db, x: TransferView, memo: string | null, version: number): Statement {
  const row = {
    id: x.id,
    fromWallet: x.from,
    toWallet: x.to,
    asset: x.asset,
    amount: x.amount,
    forwardTo: x.forwardTo,
    state: x.state,
    code: x.code,
    message: x.message,
    attempts: x.attempts,
    memo,
    version,
    createdAtMs: x.createdAtMs,
    updatedAtMs: x.updatedAtMs,
  };
  return db
    .insert(transfers)
    .values(row)
    .onConflictDoUpdate({
      target: transfers.id,
      set: { state: row.state, code: row.code, message: row.message, attempts: row.attempts, version: row.version, updatedAtMs: row.updatedAtMs },
      setWhere: sql`excluded.version > ${transfers.version}`,
    });
}

function orderUpsert(db: Db, o: typeof orders.$inferInsert): Statement {
  return db
    .insert(orders)
    .values(o)
    .onConflictDoUpdate({
      target: orders.clientOrderId,
      set: { status: o.status, filledQuantity: o.filledQuantity, averagePrice: o.averagePrice, code: o.code, updatedAtMs: o.updatedAtMs },
      setWhere: sql`excluded.updated_at_ms >= ${orders.updatedAtMs}`,
    });
}

function alertUpsert(db: Db, a: typeof riskAlerts.$inferInsert): Statement {
  return db
    .insert(riskAlerts)
    .values(a)
    .onConflictDoUpdate({
      target: [riskAlerts.key, riskAlerts.firstAtMs],
      set: { level: a.level, message: a.message, lastAtMs: a.lastAtMs, clearedAtMs: a.clearedAtMs },
      setWhere: sql`excluded.last_at_ms >= ${riskAlerts.lastAtMs}`,
    });
}

/** A journal entry: its header (with the cash change a statement shows) and its lines. */
function entryInserts(db: Db, walletId: string, seq: number, atMs: number, entry: JournalEntry): Statement[] {
  const asset = entry.lines[0]?.asset ?? "USD";
  return [
    db
      .insert(journalEntries)
      .values({ walletId, seq, kind: entry.kind, ref: entry.ref, counterparty: entry.counterparty, asset, cashDelta: str(cashDelta(entry, asset)), atMs })
      .onConflictDoNothing(),
    db
      .insert(journalLines)
      .values(entry.lines.map((l, i) => ({ walletId, seq, lineNo: i, account: l.account, asset: l.asset, amount: l.amount })))
      .onConflictDoNothing(),
  ];
}

export interface TransactionRow {
  readonly seq: number;
  readonly kind: string;
  readonly ref: string;
  readonly counterparty: string | null;
  readonly asset: string;
  readonly amount: string;
  readonly atMs: number;
}

/** A wallet's journal from D1, newest first; `cursor` is the seq of the last row already seen. */
export async function listTransactions(
  d1: D1Database,
  walletId: string,
  cursor: number | null,
  limit: number,
): Promise<{ transactions: TransactionRow[]; nextCursor: string | null }> {
  const db = drizzle(d1);
  const where = cursor === null ? eq(journalEntries.walletId, walletId) : and(eq(journalEntries.walletId, walletId), lt(journalEntries.seq, cursor));
  const rows = await db.select().from(journalEntries).where(where).orderBy(desc(journalEntries.seq)).limit(limit + 1);
  const page = rows.slice(0, limit).map((r) => ({
    seq: r.seq,
    kind: r.kind,
    ref: r.ref,
    counterparty: r.counterparty,
    asset: r.asset,
    amount: r.cashDelta,
    atMs: r.atMs,
  }));
  const last = page[page.length - 1];
  return { transactions: page, nextCursor: rows.length > limit && last ? String(last.seq) : null };
}
