import { CASH } from "../core/ledger.js";
import { str } from "../core/money.js";
import {
  type DeliveryOutcome,
  type ReceiveRequest,
  type ReceiveResult,
  type Refusal,
  type SendRequest,
  type SendResult,
  type TransferEffect,
  type TransferRow,
  type TransferView,
  decideDelivery,
  decideReceive,
  decideSend,
  transferView,
} from "../core/transfers/index.js";
import { walletStub } from "./stubs.js";
import { WalletBase } from "./wallet-base.js";
import { nextDeliveryMs, readDue, readInbox, readPending, readTransfer, writeInbox, writeTransfer } from "./wallet-store.js";

/** Deliveries retried per alarm run: the rest wait for the next run. */
const DELIVERIES_PER_ALARM = 50;
/** How soon the alarm retries a history flush that did not reach D1. */
const HISTORY_RETRY_MS = 2_000;

/**
 * The exactly-once transfer protocol on a wallet object: outbox on the sender, inbox on the
 * receiver, retries by alarm. The decisions are core's (core/transfers); this shell loads their
 * state, applies their effects in one transaction, makes the calls and arms the alarm.
 * Subclasses say whom they accept money from (`admit`, with core's rules) and add their commands.
 */
export abstract class WalletActor extends WalletBase {
  /** When the alarm was last set for: an alarm run early (tests, a platform retry) still does the work it was set for. */
  #armedDueMs = 0;

  /** Whom this wallet accepts a transfer from; null admits it. Runs inside the credit's transaction. */
  protected abstract admit(req: ReceiveRequest): Refusal | null;

  /** Extra work the subclass wants the alarm to run, and when. */
  protected nextDueMs(): number | null {
    return null;
  }

  protected async onAlarm(_nowMs: number): Promise<void> {}

  /** Applies a decision's effects in their order. Call inside `tx`. */
  #persist(effects: readonly TransferEffect[], nowMs: number): void {
    for (const e of effects) {
      if (e.t === "post") this.post(e.entry, nowMs);
      else if (e.t === "emit") this.emit(e.runId, e.events, nowMs);
      else if (e.t === "inbox") writeInbox(this.sql, e.row);
      else {
        writeTransfer(this.sql, e.row);
        this.enqueue({ t: "transfer", transfer: transferView(this.walletId, e.row), memo: e.row.memo, version: e.row.version });
      }
    }
  }

  private settledRow(transferId: string): TransferRow {
    const row = readTransfer(this.sql, transferId);
    if (!row) throw new Error(`invariant: transfer ${transferId} vanished`);
    return row;
  }

  /**
   * Sends money to another wallet, exactly once per transfer id: a repeat answers the first
   * outcome (and re-attempts delivery if it is still pending) and moves nothing twice.
   */
  async send(req: SendRequest): Promise<SendResult> {
    const nowMs = Date.now();
    const decision = this.tx(() => {
      const d = decideSend({ record: this.record, available: this.available(req.asset), existing: readTransfer(this.sql, req.transferId) }, req, nowMs);
      this.#persist(d.effects, nowMs);
      return d;
    });
    if (!decision.ok) return { ok: false, ...decision.refusal };
    this.armAlarm();
    this.fault("send:after_debit");
    const delivered = await this.deliver(req.transferId);
    await this.drain();
    return { ok: true, ...delivered };
  }

  /** Attempts delivery of a pending transfer; a failure leaves it pending with its next retry time. */
  protected async deliver(transferId: string): Promise<{ transfer: TransferView; forward: TransferView | null }> {
    const row = readTransfer(this.sql, transferId);
    if (!row) throw new Error(`invariant: deliver of unknown transfer ${transferId}`);
    if (row.state !== "pending") return { transfer: transferView(this.walletId, row), forward: null };
    let outcome: DeliveryOutcome;
    try {
      this.fault("deliver:before_call");
      const request = { transferId, from: this.walletId, asset: row.asset, amount: row.amount, forwardTo: row.forwardTo };
      outcome = { t: "answered", result: await walletStub(this.env, row.to).receive(request) };
      this.fault("deliver:after_call");
    } catch (err) {
      outcome = { t: "lost", error: err instanceof Error ? err.message : String(err), random: Math.random() };
    }
    const nowMs = Date.now();
    // Decided on the row as it is now: the alarm and a request racing may have settled it meanwhile.
    this.tx(() => this.#persist(decideDelivery(this.walletId, readTransfer(this.sql, transferId), outcome, nowMs), nowMs));
    this.armAlarm();
    const settled = transferView(this.walletId, this.settledRow(transferId));
    const forward = outcome.t === "answered" && outcome.result.status !== "rejected" ? outcome.result.forward : null;
    return { transfer: settled, forward };
  }

  /**
   * Credits a transfer, exactly once per transfer id. A refusal changes nothing; a credit that
   * must go on (treasury → farm → agent) debits the forward leg in the same transaction.
   */
  async receive(req: ReceiveRequest): Promise<ReceiveResult> {
    this.fault("receive:before_credit");
    const nowMs = Date.now();
    const decision = this.tx(() => {
      const seen = readInbox(this.sql, req.transferId);
      const d = decideReceive({ record: this.record, seen, admission: seen ? null : this.admit(req) }, req, nowMs);
      this.#persist(d.effects, nowMs);
      return d;
    });
    this.armAlarm();
    this.fault("receive:after_credit");
    if (decision.status === "rejected") return { status: "rejected", code: decision.code, message: decision.message };
    const forward = decision.forwardId ? (await this.deliver(decision.forwardId)).transfer : null;
    await this.drain();
    return { status: decision.status, forward };
  }

  /** A transfer this wallet sent, as it stands now. */
  async transfer(transferId: string): Promise<TransferView | null> {
    const row = readTransfer(this.sql, transferId);
    return row ? transferView(this.walletId, row) : null;
  }

  /** Whether this wallet has credited a transfer (tests and reconciliation ask). */
  async hasReceived(transferId: string): Promise<boolean> {
    return readInbox(this.sql, transferId) !== null;
  }

  /** Transfers this wallet sent that are still pending. */
  async pendingTransfers(): Promise<TransferView[]> {
    return readPending(this.sql, -1).map((r) => transferView(this.walletId, r));
  }

  /** Cash and the pending transfers, in one read (tests and reconciliation take the desk's picture with it). */
  async inspect(): Promise<{ cash: string; pending: TransferView[] }> {
    return { cash: str(this.balances.get(CASH, "USD")), pending: await this.pendingTransfers() };
  }

  /** Sets the one alarm to the earliest pending work, or deletes it when there is none. */
  protected override armAlarm(): void {
    let due = nextDeliveryMs(this.sql);
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
      for (const id of readDue(this.sql, Math.max(nowMs, this.#armedDueMs), DELIVERIES_PER_ALARM)) await this.deliver(id);
      await this.onAlarm(nowMs);
      await this.drain();
    } finally {
      this.armAlarm();
    }
  }

  /** Retries every pending transfer now, due or not (operators and tests use it to settle the desk). */
  async retryPending(): Promise<TransferView[]> {
    const out: TransferView[] = [];
    for (const row of readPending(this.sql, DELIVERIES_PER_ALARM)) out.push((await this.deliver(row.id)).transfer);
    await this.drain();
    return out;
  }
}
