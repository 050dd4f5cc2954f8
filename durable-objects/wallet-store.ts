import { isAsset } from "../core/money.js";
import type { InboxRow, TransferRefusal, TransferRow, TransferState } from "../core/transfers/index.js";

/**
 * A wallet object's tables and the rows of its transfer protocol, read and written as core's
 * plain rows. Functions of the object's SqlStorage: call them inside its transaction.
 */

export const BASE_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS wallet_meta (id INTEGER PRIMARY KEY CHECK (id = 1), record TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ref TEXT NOT NULL,
     counterparty TEXT, at_ms INTEGER NOT NULL, lines TEXT NOT NULL, UNIQUE (kind, ref))`,
  `CREATE TABLE IF NOT EXISTS balances (account TEXT NOT NULL, asset TEXT NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (account, asset))`,
  `CREATE TABLE IF NOT EXISTS outbox (transfer_id TEXT PRIMARY KEY, to_wallet TEXT NOT NULL, asset TEXT NOT NULL,
     amount TEXT NOT NULL, forward_to TEXT, memo TEXT, state TEXT NOT NULL, code TEXT, message TEXT,
     attempts INTEGER NOT NULL, next_attempt_ms INTEGER, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
     version INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_ms)`,
  `CREATE TABLE IF NOT EXISTS inbox (transfer_id TEXT PRIMARY KEY, from_wallet TEXT NOT NULL, asset TEXT NOT NULL,
     amount TEXT NOT NULL, forward_id TEXT, created_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS history_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS commands (id TEXT PRIMARY KEY, result TEXT NOT NULL, created_ms INTEGER NOT NULL)`,
];

/** Version 2: runs of AG-UI events waiting for the hub, and the thread state the hub was last told. */
export const EVENTS_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS event_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, events TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS published_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)`,
];

/** Runs the steps of `component` the storage has not run yet: step N runs once, when below version N. */
export function migrate(sql: SqlStorage, component: string, steps: readonly (readonly string[])[]): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)`);
  const row = sql.exec<{ version: number }>(`SELECT version FROM schema_version WHERE component = ?`, component).toArray()[0];
  const current = row?.version ?? 0;
  for (let v = current; v < steps.length; v++) {
    for (const statement of steps[v] ?? []) sql.exec(statement);
  }
  if (steps.length > current) sql.exec(`INSERT OR REPLACE INTO schema_version (component, version) VALUES (?, ?)`, component, steps.length);
}

interface OutboxSqlRow {
  transfer_id: string;
  to_wallet: string;
  asset: string;
  amount: string;
  forward_to: string | null;
  memo: string | null;
  state: string;
  code: string | null;
  message: string | null;
  attempts: number;
  next_attempt_ms: number | null;
  created_ms: number;
  updated_ms: number;
  version: number;
  [key: string]: SqlStorageValue;
}

function fromSql(r: OutboxSqlRow): TransferRow {
  if (!isAsset(r.asset)) throw new Error(`invariant: unknown asset ${r.asset} in outbox`);
  return {
    id: r.transfer_id,
    to: r.to_wallet,
    asset: r.asset,
    amount: r.amount,
    forwardTo: r.forward_to,
    memo: r.memo,
    state: r.state as TransferState,
    code: r.code as TransferRefusal | null,
    message: r.message,
    attempts: r.attempts,
    nextAttemptMs: r.next_attempt_ms,
    createdAtMs: r.created_ms,
    updatedAtMs: r.updated_ms,
    version: r.version,
  };
}

/** The outbox row of a transfer this wallet sent. */
export function readTransfer(sql: SqlStorage, transferId: string): TransferRow | null {
  const row = sql.exec<OutboxSqlRow>(`SELECT * FROM outbox WHERE transfer_id = ?`, transferId).toArray()[0];
  return row ? fromSql(row) : null;
}

/** Pending transfers, oldest first, at most `limit`. */
export function readPending(sql: SqlStorage, limit: number): TransferRow[] {
  return sql.exec<OutboxSqlRow>(`SELECT * FROM outbox WHERE state = 'pending' ORDER BY created_ms LIMIT ?`, limit).toArray().map(fromSql);
}

/** Ids of pending transfers due by `horizonMs`, earliest first. */
export function readDue(sql: SqlStorage, horizonMs: number, limit: number): string[] {
  return sql
    .exec<{ transfer_id: string }>(`SELECT transfer_id FROM outbox WHERE state = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms LIMIT ?`, horizonMs, limit)
    .toArray()
    .map((r) => r.transfer_id);
}

/** When the earliest pending delivery is due, or null. */
export function nextDeliveryMs(sql: SqlStorage): number | null {
  return sql.exec<{ due: number | null }>(`SELECT MIN(next_attempt_ms) AS due FROM outbox WHERE state = 'pending'`).one().due;
}

export function countPending(sql: SqlStorage): number {
  return sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'`).one().n;
}

export function writeTransfer(sql: SqlStorage, r: TransferRow): void {
  sql.exec(
    `INSERT OR REPLACE INTO outbox (transfer_id, to_wallet, asset, amount, forward_to, memo, state, code, message, attempts, next_attempt_ms, created_ms, updated_ms, version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    r.id,
    r.to,
    r.asset,
    r.amount,
    r.forwardTo,
    r.memo,
    r.state,
    r.code,
    r.message,
    r.attempts,
    r.nextAttemptMs,
    r.createdAtMs,
    r.updatedAtMs,
    r.version,
  );
}

/** The inbox row of a transfer this wallet credited. */
export function readInbox(sql: SqlStorage, transferId: string): InboxRow | null {
  const r = sql
    .exec<{ from_wallet: string; asset: string; amount: string; forward_id: string | null; created_ms: number }>(
      `SELECT from_wallet, asset, amount, forward_id, created_ms FROM inbox WHERE transfer_id = ?`,
      transferId,
    )
    .toArray()[0];
  if (!r) return null;
  if (!isAsset(r.asset)) throw new Error(`invariant: unknown asset ${r.asset} in inbox`);
  return { transferId, from: r.from_wallet, asset: r.asset, amount: r.amount, forwardId: r.forward_id, createdAtMs: r.created_ms };
}

export function writeInbox(sql: SqlStorage, r: InboxRow): void {
  sql.exec(
    `INSERT INTO inbox (transfer_id, from_wallet, asset, amount, forward_id, created_ms) VALUES (?, ?, ?, ?, ?, ?)`,
    r.transferId,
    r.from,
    r.asset,
    r.amount,
    r.forwardId,
    r.createdAtMs,
  );
}
