import { DurableObject } from "cloudflare:workers";
import {
  Balances,
  CASH,
  type JournalEntry,
  TRANSIT,
  transferDeliveredEntry,
  transferInEntry,
  transferOutEntry,
  transferReturnedEntry,
} from "../core/ledger.js";
import { type BaseEvent, type Json, custom, toolCall } from "../core/events.js";
import { type Asset, type Decimal, addBalances, dec, isAsset, str } from "../core/money.js";
import { RESERVED } from "../core/orders.js";
import {
  type ReceiveRequest,
  type ReceiveResult,
  type SendRequest,
  type SendResult,
  type TransferRefusal,
  type TransferView,
  forwardTransferId,
  retryDelayMs,
} from "../core/transfers.js";
import type { WalletRecord } from "../core/wallets.js";
import type { HistoryRecord } from "../adapters/db/history.js";
import { Outbox } from "./outbox.js";
import { walletStub } from "./stubs.js";
import type { FaultPoint, WalletState } from "../core/messages.js";



/** Deliveries retried per alarm run: the rest wait for the next run. */
const DELIVERIES_PER_ALARM = 50;
/** A fresh transfer is delivered inline; the alarm picks it up only if that fails for this long. */
const INLINE_GRACE_MS = 5_000;
/** How soon the alarm retries a history flush that did not reach D1. */
const HISTORY_RETRY_MS = 2_000;

const BASE_SCHEMA: readonly string[] = [
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
const EVENTS_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS event_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, events TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS published_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)`,
];

interface OutboxRow {
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

type Refusal = { readonly code: TransferRefusal; readonly message: string };

/**
 * What every wallet object shares: the journal, balances derived from it, and the exactly-once
 * transfer protocol (outbox on the sender, inbox on the receiver, retries by alarm). Subclasses
 * decide whom they accept money from (`admit`) and add their own commands.
 */
export abstract class WalletActor extends DurableObject<Env> {
  protected readonly sql: SqlStorage;
  protected readonly balances = new Balances();
  protected record: WalletRecord | null = null;
  protected readonly outbox: Outbox;
  /** When the alarm was last set for: an alarm run early (tests, a platform retry) still does the work it was set for. */
  #armedDueMs = 0;
  /** Set by tests (through runInDurableObject) to make the protocol fail at a given point. */
  faultHook: ((point: FaultPoint) => void) | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.outbox = new Outbox(this.sql, env, { thread: () => this.record?.id ?? null, state: () => this.threadState(), topics: () => this.threadTopics() }, () => this.armAlarm());
    void ctx.blockConcurrencyWhile(async () => {
      this.migrate("wallet", [BASE_SCHEMA, EVENTS_SCHEMA]);
      this.migrate(this.constructor.name, this.schema());
      this.load();
      this.onLoad();
    });
  }

  /** Set-up after the schema and state are loaded, inside the constructor's concurrency block. */
  protected onLoad(): void {}

  /** Tables of the subclass, as versioned steps: step N runs once, when the object is below version N. */
  protected schema(): readonly (readonly string[])[] {
    return [];
  }

  /** Whom this wallet accepts a transfer from; null admits it. Runs inside the credit's transaction. */
  protected abstract admit(req: ReceiveRequest): Refusal | null;

  /** Where a credited transfer goes on when its sender did not say (an archived farm sends it home). */
  protected autoForward(_req: ReceiveRequest): string | null {
    return null;
  }

  /** Extra work the subclass wants the alarm to run, and when. */
  protected nextDueMs(): number | null {
    return null;
  }

  protected async onAlarm(_nowMs: number): Promise<void> {}

  private migrate(component: string, steps: readonly (readonly string[])[]): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)`);
    const row = this.sql.exec<{ version: number }>(`SELECT version FROM schema_version WHERE component = ?`, component).toArray()[0];
    const current = row?.version ?? 0;
    for (let v = current; v < steps.length; v++) {
      for (const statement of steps[v] ?? []) this.sql.exec(statement);
    }
    if (steps.length > current) {
      this.sql.exec(`INSERT OR REPLACE INTO schema_version (component, version) VALUES (?, ?)`, component, steps.length);
    }
  }

  private load(): void {
    const meta = this.sql.exec<{ record: string }>(`SELECT record FROM wallet_meta WHERE id = 1`).toArray()[0];
    this.record = meta ? (JSON.parse(meta.record) as WalletRecord) : null;
    for (const b of this.sql.exec<{ account: string; asset: string; amount: string }>(`SELECT account, asset, amount FROM balances`)) {
      this.balances.set(b.account, b.asset, dec(b.amount));
    }
  }

  /** A synchronous storage transaction; on failure the in-memory balances are reloaded from storage. */
  protected tx<T>(fn: () => T): T {
    try {
      return this.ctx.storage.transactionSync(fn);
    } catch (err) {
      this.load();
      throw err;
    }
  }

  protected fault(point: FaultPoint): void {
    this.faultHook?.(point);
  }

  protected get walletId(): string {
    if (!this.record) throw new Error("invariant: wallet used before init");
    return this.record.id;
  }

  /** Saves this wallet's record (name, parent, status); a record older than the one held is ignored. */
  protected saveRecord(record: WalletRecord): void {
    if (this.record && (this.record.id !== record.id || this.record.updatedAtMs > record.updatedAtMs)) {
      if (this.record.id !== record.id) throw new Error(`invariant: object of ${this.record.id} asked to become ${record.id}`);
      return;
    }
    const changed = JSON.stringify(this.record) !== JSON.stringify(record);
    this.sql.exec(`INSERT OR REPLACE INTO wallet_meta (id, record) VALUES (1, ?)`, JSON.stringify(record));
    this.record = record;
    if (changed) this.emit(`wallet:${record.updatedAtMs}`, [custom("cival.wallet.updated", { ...record }, record.updatedAtMs)], record.updatedAtMs);
  }

  /** The thread's state as the dashboard sees it: the record and the amounts. */
  protected threadState(): Json {
    const r = this.record;
    return {
      id: r?.id ?? null,
      kind: r?.kind ?? null,
      name: r?.name ?? null,
      status: r?.status ?? null,
      parent: r?.parent ?? null,
      strategy: r?.strategy ?? null,
      role: r?.role ?? null,
      balances: { USD: "0", ...addBalances(this.balances.byAsset(CASH), this.balances.byAsset(RESERVED)) },
      available: { USD: "0", ...this.balances.byAsset(CASH) },
      inTransit: { USD: "0", ...this.balances.byAsset(TRANSIT) },
    };
  }

  /** Topics beyond `desk` and the thread itself: an agent's events also go to its farm's topic. */
  protected threadTopics(): string[] {
    const r = this.record;
    return r?.kind === "agent" && r.parent?.startsWith("farm:") ? [r.parent] : [];
  }

  /** Queues one run on this wallet's thread (see Outbox.emit). Call inside `tx`. */
  protected emit(runId: string, events: readonly BaseEvent[], atMs: number): void {
    if (!this.record) return;
    this.outbox.emit(runId, events, atMs);
  }

  /** After a change: history to D1 and events to the hub, both retried by the alarm if they fail. */
  protected async drain(): Promise<void> {
    await this.outbox.drain();
  }

  /** Sets up this wallet with its directory record. Idempotent; also how renames and archives reach it. */
  async init(record: WalletRecord): Promise<WalletRecord> {
    this.tx(() => this.saveRecord(record));
    this.armAlarm();
    await this.drain();
    return this.record ?? record;
  }

  protected enqueue(record: HistoryRecord): void {
    this.outbox.enqueue(record);
  }

  /** Posts a balanced entry to the journal and the cached balances. Call inside `tx`. */
  protected post(entry: JournalEntry, atMs: number): number {
    const seq = this.sql
      .exec<{ seq: number }>(
        `INSERT INTO journal (kind, ref, counterparty, at_ms, lines) VALUES (?, ?, ?, ?, ?) RETURNING seq`,
        entry.kind,
        entry.ref,
        entry.counterparty,
        atMs,
        JSON.stringify(entry.lines),
      )
      .one().seq;
    this.balances.apply(entry);
    for (const l of entry.lines) {
      this.sql.exec(
        `INSERT OR REPLACE INTO balances (account, asset, amount) VALUES (?, ?, ?)`,
        l.account,
        l.asset,
        str(this.balances.get(l.account, l.asset)),
      );
    }
    this.enqueue({ t: "entry", walletId: this.walletId, seq, atMs, entry });
    return seq;
  }

  /** Money reserved by open orders is not available; until orders exist, all cash is. */
  protected available(asset: Asset): Decimal {
    return this.balances.get(CASH, asset);
  }

  /** What an agent earned on what it was given; null until it has realized P&L. */
  protected trackRecord(): WalletState["trackRecord"] {
    return null;
  }

  async state(): Promise<WalletState> {
    const cash = addBalances(this.balances.byAsset(CASH), this.balances.byAsset(RESERVED));
    const pending = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'`).one().n;
    return {
      record: this.record,
      balances: { USD: "0", ...cash },
      available: { USD: "0", ...this.balances.byAsset(CASH) },
      inTransit: { USD: "0", ...this.balances.byAsset(TRANSIT) },
      trackRecord: this.trackRecord(),
      pendingTransfers: pending,
    };
  }

  protected outboxRow(transferId: string): OutboxRow | undefined {
    return this.sql.exec<OutboxRow>(`SELECT * FROM outbox WHERE transfer_id = ?`, transferId).toArray()[0];
  }

  protected view(row: OutboxRow): TransferView {
    if (!isAsset(row.asset)) throw new Error(`invariant: unknown asset ${row.asset} in outbox`);
    return {
      id: row.transfer_id,
      from: this.walletId,
      to: row.to_wallet,
      asset: row.asset,
      amount: row.amount,
      forwardTo: row.forward_to,
      state: row.state as TransferView["state"],
      code: row.code as TransferView["code"],
      message: row.message,
      attempts: row.attempts,
      createdAtMs: row.created_ms,
      updatedAtMs: row.updated_ms,
    };
  }

  private recordTransfer(row: OutboxRow): void {
    this.enqueue({ t: "transfer", transfer: this.view(row), memo: row.memo, version: row.version });
  }

  /** Debits cash into transit and queues the delivery. Call inside `tx`, after every check. */
  protected queueTransfer(id: string, to: string, asset: Asset, amount: Decimal, forwardTo: string | null, memo: string | null, nowMs: number): void {
    this.post(transferOutEntry(id, to, asset, amount), nowMs);
    this.sql.exec(
      `INSERT INTO outbox (transfer_id, to_wallet, asset, amount, forward_to, memo, state, attempts, next_attempt_ms, created_ms, updated_ms, version)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, 1)`,
      id,
      to,
      asset,
      str(amount),
      forwardTo,
      memo,
      nowMs + INLINE_GRACE_MS,
      nowMs,
      nowMs,
    );
    const row = this.outboxRow(id);
    if (row) this.recordTransfer(row);
    const args = { transferId: id, from: this.walletId, to, asset, amount: str(amount), forwardTo, memo };
    this.emit(`transfer:${id}:debit`, toolCall(`transfer:${id}`, "transfer", args, { transferId: id, state: "pending" }, nowMs), nowMs);
  }

  /** Checks a send against this wallet's state; returns the amount to move or why not. */
  private checkSend(req: SendRequest): { amount: Decimal } | Refusal {
    if (!this.record) return { code: "wallet_not_initialised", message: "this wallet does not exist yet" };
    if (this.record.status === "archived" && req.to !== this.record.parent) {
      return { code: "wallet_archived", message: `${this.record.id} is archived: it may only send its money to ${this.record.parent}` };
    }
    const available = this.available(req.asset);
    const amount = req.amount === null ? available : dec(req.amount);
    if (amount.lte(0)) return { code: "zero_amount", message: `${this.record.id} has no ${req.asset} available to move` };
    if (amount.gt(available)) {
      return { code: "insufficient_funds", message: `${this.record.id} has ${str(available)} ${req.asset} available, ${str(amount)} asked` };
    }
    return { amount };
  }

  /**
   * Sends money to another wallet, exactly once per transfer id: a repeat answers the first
   * outcome (and re-attempts delivery if it is still pending) and moves nothing twice.
   */
  async send(req: SendRequest): Promise<SendResult> {
    const nowMs = Date.now();
    const accepted = this.tx((): Refusal | { fresh: boolean } => {
      const existing = this.outboxRow(req.transferId);
      if (existing) {
        const same = existing.to_wallet === req.to && existing.asset === req.asset && existing.forward_to === req.forwardTo && (req.amount === null || dec(req.amount).eq(dec(existing.amount)));
        return same ? { fresh: false } : { code: "transfer_id_conflict", message: `transfer ${req.transferId} exists with different terms` };
      }
      const check = this.checkSend(req);
      if ("code" in check) return check;
      this.queueTransfer(req.transferId, req.to, req.asset, check.amount, req.forwardTo, req.memo, nowMs);
      return { fresh: true };
    });
    if ("code" in accepted) return { ok: false, ...accepted };
    this.armAlarm();
    this.fault("send:after_debit");
    const delivered = await this.deliver(req.transferId);
    await this.drain();
    return { ok: true, ...delivered };
  }

  /** Attempts delivery of a pending transfer; a failure leaves it pending with its next retry time. */
  protected async deliver(transferId: string): Promise<{ transfer: TransferView; forward: TransferView | null }> {
    const row = this.outboxRow(transferId);
    if (!row) throw new Error(`invariant: deliver of unknown transfer ${transferId}`);
    if (row.state !== "pending") return { transfer: this.view(row), forward: null };
    let result: ReceiveResult;
    try {
      this.fault("deliver:before_call");
      result = await walletStub(this.env, row.to_wallet).receive({
        transferId,
        from: this.walletId,
        asset: row.asset as Asset,
        amount: row.amount,
        forwardTo: row.forward_to,
      });
      this.fault("deliver:after_call");
    } catch (err) {
      const nowMs = Date.now();
      this.tx(() => {
        const current = this.outboxRow(transferId);
        if (!current || current.state !== "pending") return;
        const attempts = current.attempts + 1;
        this.sql.exec(
          `UPDATE outbox SET attempts = ?, next_attempt_ms = ?, message = ?, updated_ms = ?, version = version + 1 WHERE transfer_id = ?`,
          attempts,
          nowMs + retryDelayMs(attempts, Math.random()),
          `delivery attempt ${attempts} failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300),
          nowMs,
          transferId,
        );
        const updated = this.outboxRow(transferId);
        if (updated) this.recordTransfer(updated);
      });
      this.armAlarm();
      const after = this.outboxRow(transferId);
      if (!after) throw new Error(`invariant: transfer ${transferId} vanished`);
      return { transfer: this.view(after), forward: null };
    }
    const nowMs = Date.now();
    this.tx(() => {
      const current = this.outboxRow(transferId);
      // Another delivery of the same transfer (alarm and request racing) may have settled it meanwhile.
      if (!current || current.state !== "pending") return;
      const amount = dec(current.amount);
      const asset = current.asset as Asset;
      const fact = { transferId, from: this.walletId, to: current.to_wallet, asset, amount: current.amount };
      if (result.status === "rejected") {
        this.post(transferReturnedEntry(transferId, current.to_wallet, asset, amount), nowMs);
        this.emit(`transfer:${transferId}:returned`, [custom("cival.transfer.returned", { ...fact, code: result.code, message: result.message }, nowMs)], nowMs);
        this.sql.exec(
          `UPDATE outbox SET state = 'rejected', code = ?, message = ?, next_attempt_ms = NULL, updated_ms = ?, version = version + 1 WHERE transfer_id = ?`,
          result.code,
          result.message,
          nowMs,
          transferId,
        );
      } else {
        this.post(transferDeliveredEntry(transferId, current.to_wallet, asset, amount), nowMs);
        this.emit(`transfer:${transferId}:completed`, [custom("cival.transfer.completed", fact, nowMs)], nowMs);
        this.sql.exec(
          `UPDATE outbox SET state = 'delivered', message = NULL, next_attempt_ms = NULL, updated_ms = ?, version = version + 1 WHERE transfer_id = ?`,
          nowMs,
          transferId,
        );
      }
      const updated = this.outboxRow(transferId);
      if (updated) this.recordTransfer(updated);
    });
    this.armAlarm();
    const settled = this.outboxRow(transferId);
    if (!settled) throw new Error(`invariant: transfer ${transferId} vanished`);
    return { transfer: this.view(settled), forward: result.status === "rejected" ? null : result.forward };
  }

  /**
   * Credits a transfer, exactly once per transfer id. A refusal changes nothing; a credit that
   * must go on (treasury → farm → agent) debits the forward leg in the same transaction.
   */
  async receive(req: ReceiveRequest): Promise<ReceiveResult> {
    this.fault("receive:before_credit");
    const nowMs = Date.now();
    const outcome = this.tx((): { status: "credited" | "duplicate"; forwardId: string | null } | (Refusal & { status: "rejected" }) => {
      const seen = this.sql.exec<{ from_wallet: string; asset: string; amount: string; forward_id: string | null }>(
        `SELECT from_wallet, asset, amount, forward_id FROM inbox WHERE transfer_id = ?`,
        req.transferId,
      ).toArray()[0];
      if (seen) {
        if (seen.from_wallet !== req.from || seen.asset !== req.asset || !dec(seen.amount).eq(dec(req.amount))) {
          return { status: "rejected", code: "transfer_id_conflict", message: `transfer ${req.transferId} was credited with different terms` };
        }
        return { status: "duplicate", forwardId: seen.forward_id };
      }
      const refusal = this.admit(req);
      if (refusal) return { status: "rejected", ...refusal };
      const amount = dec(req.amount);
      this.post(transferInEntry(req.transferId, req.from, req.asset, amount), nowMs);
      this.emit(`transfer:${req.transferId}:credit`, [custom("cival.transfer.received", { transferId: req.transferId, from: req.from, to: this.walletId, asset: req.asset, amount: req.amount }, nowMs)], nowMs);
      const forwardTo = req.forwardTo ?? this.autoForward(req);
      const forwardId = forwardTo ? forwardTransferId(req.transferId) : null;
      if (forwardTo && forwardId) this.queueTransfer(forwardId, forwardTo, req.asset, amount, null, `forward of ${req.transferId}`, nowMs);
      this.sql.exec(
        `INSERT INTO inbox (transfer_id, from_wallet, asset, amount, forward_id, created_ms) VALUES (?, ?, ?, ?, ?, ?)`,
        req.transferId,
        req.from,
        req.asset,
        req.amount,
        forwardId,
        nowMs,
      );
      return { status: "credited", forwardId };
    });
    this.armAlarm();
    this.fault("receive:after_credit");
    if (outcome.status === "rejected") return { status: "rejected", code: outcome.code, message: outcome.message };
    const forward = outcome.forwardId ? (await this.deliver(outcome.forwardId)).transfer : null;
    await this.drain();
    return { status: outcome.status, forward };
  }

  /** A transfer this wallet sent, as it stands now. */
  async transfer(transferId: string): Promise<TransferView | null> {
    const row = this.outboxRow(transferId);
    return row ? this.view(row) : null;
  }

  /** Whether this wallet has credited a transfer (tests and reconciliation ask). */
  async hasReceived(transferId: string): Promise<boolean> {
    return this.sql.exec(`SELECT 1 FROM inbox WHERE transfer_id = ?`, transferId).toArray().length > 0;
  }

  /** Transfers this wallet sent that are still pending. */
  async pendingTransfers(): Promise<TransferView[]> {
    return this.sql.exec<OutboxRow>(`SELECT * FROM outbox WHERE state = 'pending' ORDER BY created_ms`).toArray().map((r) => this.view(r));
  }

  /** Cash and the pending transfers, in one read (tests and reconciliation take the desk's picture with it). */
  async inspect(): Promise<{ cash: string; pending: TransferView[] }> {
    return { cash: str(this.balances.get(CASH, "USD")), pending: await this.pendingTransfers() };
  }

  /** Sets the one alarm to the earliest pending work, or deletes it when there is none. */
  protected armAlarm(): void {
    let due = this.sql.exec<{ due: number | null }>(`SELECT MIN(next_attempt_ms) AS due FROM outbox WHERE state = 'pending'`).one().due;
    if (this.outbox.pending() > 0) due = Math.min(due ?? Infinity, Date.now() + HISTORY_RETRY_MS);
    const extra = this.nextDueMs();
    if (extra !== null) due = Math.min(due ?? Infinity, extra);
    if (due === null) void this.ctx.storage.deleteAlarm();
    else {
      this.#armedDueMs = due;
      void this.ctx.storage.setAlarm(due);
    }
  }

  /** Retries due deliveries and history; safe to run twice (at-least-once alarms). */
  override async alarm(): Promise<void> {
    try {
      const nowMs = Date.now();
      const horizonMs = Math.max(nowMs, this.#armedDueMs);
      const due = this.sql
        .exec<{ transfer_id: string }>(
          `SELECT transfer_id FROM outbox WHERE state = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms LIMIT ?`,
          horizonMs,
          DELIVERIES_PER_ALARM,
        )
        .toArray();
      for (const { transfer_id } of due) await this.deliver(transfer_id);
      await this.onAlarm(nowMs);
      await this.drain();
    } finally {
      this.armAlarm();
    }
  }

  /** Retries every pending transfer now, due or not (operators and tests use it to settle the desk). */
  async retryPending(): Promise<TransferView[]> {
    const rows = this.sql.exec<{ transfer_id: string }>(`SELECT transfer_id FROM outbox WHERE state = 'pending' LIMIT ?`, DELIVERIES_PER_ALARM).toArray();
    const out: TransferView[] = [];
    for (const { transfer_id } of rows) out.push((await this.deliver(transfer_id)).transfer);
    await this.drain();
    return out;
  }

  /** Stored results of composite commands (rebalances, archives), keyed by command id. */
  protected commandResult<T>(id: string): T | null {
    const row = this.sql.exec<{ result: string }>(`SELECT result FROM commands WHERE id = ?`, id).toArray()[0];
    return row ? (JSON.parse(row.result) as T) : null;
  }

  protected saveCommandResult(id: string, result: unknown): void {
    this.sql.exec(`INSERT OR REPLACE INTO commands (id, result, created_ms) VALUES (?, ?, ?)`, id, JSON.stringify(result), Date.now());
  }

  /** The journal's sums recomputed from its lines: tests compare them with the cached balances. */
  async audit(): Promise<{ journal: Record<string, string>; cached: Record<string, string> }> {
    const journal = new Balances();
    for (const row of this.sql.exec<{ kind: string; ref: string; counterparty: string | null; lines: string }>(`SELECT kind, ref, counterparty, lines FROM journal`)) {
      journal.apply({ kind: row.kind as JournalEntry["kind"], ref: row.ref, counterparty: row.counterparty, lines: JSON.parse(row.lines) });
    }
    const toRecord = (b: Balances): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const [k, v] of b.entries()) if (!v.isZero()) out[k] = str(v);
      return out;
    };
    return { journal: toRecord(journal), cached: toRecord(this.balances) };
  }
}
