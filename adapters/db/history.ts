import { type BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { JournalEntry } from "../../core/ledger.js";
import { cashDelta } from "../../core/ledger.js";
import { str } from "../../core/money.js";
import type { TransferView } from "../../core/transfers.js";
import type { WalletRecord } from "../../core/wallets.js";
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
  | { readonly t: "risk_action"; readonly action: typeof riskActions.$inferInsert };

/** Statements per D1 batch: a batch is one transaction, keep it small enough to commit fast. */
export const HISTORY_BATCH_ROWS = 100;

/** Writes records to D1 in one batch. Every write is an upsert on a natural key: replays are harmless. */
export async function writeHistory(d1: D1Database, records: readonly HistoryRecord[]): Promise<void> {
  const db = drizzle(d1);
  const statements: BatchItem<"sqlite">[] = [];
  for (const r of records) {
    if (r.t === "wallet") {
      const w = r.wallet;
      statements.push(
        db
          .insert(wallets)
          .values({ ...w })
          .onConflictDoUpdate({
            target: wallets.id,
            set: { name: w.name, parent: w.parent, status: w.status, strategy: w.strategy, role: w.role, updatedAtMs: w.updatedAtMs },
            setWhere: sql`excluded.updated_at_ms >= ${wallets.updatedAtMs}`,
          }),
      );
    } else if (r.t === "transfer") {
      const x = r.transfer;
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
        memo: r.memo,
        version: r.version,
        createdAtMs: x.createdAtMs,
        updatedAtMs: x.updatedAtMs,
      };
      statements.push(
        db
          .insert(transfers)
          .values(row)
          .onConflictDoUpdate({
            target: transfers.id,
            set: { state: row.state, code: row.code, message: row.message, attempts: row.attempts, version: row.version, updatedAtMs: row.updatedAtMs },
            setWhere: sql`excluded.version > ${transfers.version}`,
          }),
      );
    } else if (r.t === "order") {
      const o = r.order;
      statements.push(
        db
          .insert(orders)
          .values(o)
          .onConflictDoUpdate({
            target: orders.clientOrderId,
            set: { status: o.status, filledQuantity: o.filledQuantity, averagePrice: o.averagePrice, code: o.code, updatedAtMs: o.updatedAtMs },
            setWhere: sql`excluded.updated_at_ms >= ${orders.updatedAtMs}`,
          }),
      );
    } else if (r.t === "fill") {
      statements.push(db.insert(fills).values(r.fill).onConflictDoNothing());
    } else if (r.t === "risk_snapshot") {
      statements.push(db.insert(riskSnapshots).values(r.snapshot).onConflictDoNothing());
    } else if (r.t === "risk_alert") {
      const a = r.alert;
      statements.push(
        db
          .insert(riskAlerts)
          .values(a)
          .onConflictDoUpdate({
            target: [riskAlerts.key, riskAlerts.firstAtMs],
            set: { level: a.level, message: a.message, lastAtMs: a.lastAtMs, clearedAtMs: a.clearedAtMs },
            setWhere: sql`excluded.last_at_ms >= ${riskAlerts.lastAtMs}`,
          }),
      );
    } else if (r.t === "risk_action") {
      statements.push(db.insert(riskActions).values(r.action).onConflictDoNothing());
    } else {
      const asset = r.entry.lines[0]?.asset ?? "USD";
      statements.push(
        db
          .insert(journalEntries)
          .values({
            walletId: r.walletId,
            seq: r.seq,
            kind: r.entry.kind,
            ref: r.entry.ref,
            counterparty: r.entry.counterparty,
            asset,
            cashDelta: str(cashDelta(r.entry, asset)),
            atMs: r.atMs,
          })
          .onConflictDoNothing(),
        db
          .insert(journalLines)
          .values(r.entry.lines.map((l, i) => ({ walletId: r.walletId, seq: r.seq, lineNo: i, account: l.account, asset: l.asset, amount: l.amount })))
          .onConflictDoNothing(),
      );
    }
  }
  const [first, ...rest] = statements;
  if (!first) return;
  await db.batch([first, ...rest]);
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
