import { DurableObject } from "cloudflare:workers";
import { Balances, CASH, type JournalEntry, TRANSIT } from "../core/ledger.js";
import { type BaseEvent, type Json, custom } from "../core/events.js";
import { type Asset, type Decimal, addBalances, dec, str } from "../core/money.js";
import { RESERVED } from "../core/orders.js";
import type { WalletRecord } from "../core/wallets.js";
import type { HistoryRecord } from "../adapters/db/history.js";
import { Outbox } from "./outbox.js";
import type { RunEnds } from "../core/agents/approval.js";
import type { FaultPoint, WalletState } from "../core/messages.js";
import { BASE_SCHEMA, EVENTS_SCHEMA, countPending, migrate } from "./wallet-store.js";

/**
 * What every wallet object stands on: its record, the journal and the balances cached from it,
 * the outbox of events and history, and stored command results. The transfer protocol is built
 * on it in WalletActor.
 */
export abstract class WalletBase extends DurableObject<Env> {
  protected readonly sql: SqlStorage;
  protected readonly balances = new Balances();
  protected record: WalletRecord | null = null;
  protected readonly outbox: Outbox;
  /** Set by tests (through runInDurableObject) to make the protocol fail at a given point. */
  faultHook: ((point: FaultPoint) => void) | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.outbox = new Outbox(this.sql, env, { thread: () => this.record?.id ?? null, state: () => this.threadState(), topics: () => this.threadTopics() }, () => this.armAlarm());
    void ctx.blockConcurrencyWhile(async () => {
      migrate(this.sql, "wallet", [BASE_SCHEMA, EVENTS_SCHEMA]);
      migrate(this.sql, this.constructor.name, this.schema());
      this.load();
      this.onLoad();
    });
  }

  /** Sets the one alarm to the earliest pending work, or deletes it when there is none. */
  protected abstract armAlarm(): void;

  /** Set-up after the schema and state are loaded, inside the constructor's concurrency block. */
  protected onLoad(): void {}

  /** Tables of the subclass, as versioned steps: step N runs once, when the object is below version N. */
  protected schema(): readonly (readonly string[])[] {
    return [];
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
  protected emit(runId: string, events: readonly BaseEvent[], atMs: number, ends?: RunEnds): void {
    if (!this.record) return;
    this.outbox.emit(runId, events, atMs, ends);
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
      this.sql.exec(`INSERT OR REPLACE INTO balances (account, asset, amount) VALUES (?, ?, ?)`, l.account, l.asset, str(this.balances.get(l.account, l.asset)));
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
    return {
      record: this.record,
      balances: { USD: "0", ...cash },
      available: { USD: "0", ...this.balances.byAsset(CASH) },
      inTransit: { USD: "0", ...this.balances.byAsset(TRANSIT) },
      trackRecord: this.trackRecord(),
      pendingTransfers: countPending(this.sql),
    };
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
