import { type BaseEvent, custom, toolCall } from "../events.js";
import { type JournalEntry, transferDeliveredEntry, transferInEntry, transferOutEntry, transferReturnedEntry } from "../ledger.js";
import { type Asset, type Decimal, dec, str } from "../money.js";
import type { WalletRecord } from "../wallets.js";
import { autoForwardTo, checkSend } from "./admission.js";
import {
  INLINE_GRACE_MS,
  type InboxRow,
  MAX_MESSAGE_CHARS,
  type ReceiveRequest,
  type ReceiveResult,
  type Refusal,
  type SendRequest,
  type TransferRow,
  forwardTransferId,
  retryDelayMs,
} from "./protocol.js";

/**
 * The transfer protocol as a machine: each decision takes the state the object loaded, the
 * command and the time, and answers what to write, in order. The object applies the effects in
 * one transaction, then makes the calls the decision asks for (`deliver`).
 */

/** One change to make, applied in the order given (events report the balances as of their place). */
export type TransferEffect =
  | { readonly t: "post"; readonly entry: JournalEntry }
  | { readonly t: "emit"; readonly runId: string; readonly events: readonly BaseEvent[] }
  | { readonly t: "outbox"; readonly row: TransferRow }
  | { readonly t: "inbox"; readonly row: InboxRow };

export interface SendState {
  readonly record: WalletRecord | null;
  /** The sender's available balance in the request's asset. */
  readonly available: Decimal;
  /** The outbox row of the request's transfer id, if it exists. */
  readonly existing: TransferRow | null;
}

export type SendDecision =
  | { readonly ok: false; readonly refusal: Refusal; readonly effects: readonly [] }
  /** fresh: debited now; otherwise a repeat of an accepted send. Either way, deliver `transferId`. */
  | { readonly ok: true; readonly fresh: boolean; readonly effects: readonly TransferEffect[] };

/** A send: a repeat with the same terms answers the first outcome; a fresh one is checked, debited and queued. */
export function decideSend(state: SendState, req: SendRequest, nowMs: number): SendDecision {
  const existing = state.existing;
  if (existing) {
    const same = existing.to === req.to && existing.asset === req.asset && existing.forwardTo === req.forwardTo && (req.amount === null || dec(req.amount).eq(dec(existing.amount)));
    if (same) return { ok: true, fresh: false, effects: [] };
    return { ok: false, refusal: { code: "transfer_id_conflict", message: `transfer ${req.transferId} exists with different terms` }, effects: [] };
  }
  const check = checkSend(state.record, state.available, req);
  if ("code" in check) return { ok: false, refusal: check, effects: [] };
  const from = state.record?.id ?? "";
  return { ok: true, fresh: true, effects: debit(from, req.transferId, req.to, req.asset, check.amount, req.forwardTo, req.memo, nowMs) };
}

/** The debit of a transfer (cash into transit), its outbox row and its event. After every check. */
function debit(from: string, id: string, to: string, asset: Asset, amount: Decimal, forwardTo: string | null, memo: string | null, nowMs: number): TransferEffect[] {
  const row: TransferRow = {
    id,
    to,
    asset,
    amount: str(amount),
    forwardTo,
    memo,
    state: "pending",
    code: null,
    message: null,
    attempts: 0,
    nextAttemptMs: nowMs + INLINE_GRACE_MS,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    version: 1,
  };
  const args = { transferId: id, from, to, asset, amount: row.amount, forwardTo, memo };
  return [
    { t: "post", entry: transferOutEntry(id, to, asset, amount) },
    { t: "outbox", row },
    { t: "emit", runId: `transfer:${id}:debit`, events: toolCall(`transfer:${id}`, "transfer", args, { transferId: id, state: "pending" }, nowMs) },
  ];
}

/** How a delivery attempt ended: the receiver answered, or the call failed (`random` draws the jitter). */
export type DeliveryOutcome = { readonly t: "answered"; readonly result: ReceiveResult } | { readonly t: "lost"; readonly error: string; readonly random: number };

/**
 * A delivery's outcome on the sender's row: credited settles the transit, refused returns the
 * money to cash, lost schedules a retry with backoff and jitter. A row settled meanwhile (the
 * alarm and a request racing) changes nothing.
 */
export function decideDelivery(from: string, row: TransferRow | null, outcome: DeliveryOutcome, nowMs: number): readonly TransferEffect[] {
  if (!row || row.state !== "pending") return [];
  if (outcome.t === "lost") {
    const attempts = row.attempts + 1;
    const message = `delivery attempt ${attempts} failed: ${outcome.error}`.slice(0, MAX_MESSAGE_CHARS);
    return [{ t: "outbox", row: { ...row, attempts, nextAttemptMs: nowMs + retryDelayMs(attempts, outcome.random), message, updatedAtMs: nowMs, version: row.version + 1 } }];
  }
  const amount = dec(row.amount);
  const fact = { transferId: row.id, from, to: row.to, asset: row.asset, amount: row.amount };
  const result = outcome.result;
  if (result.status === "rejected") {
    return [
      { t: "post", entry: transferReturnedEntry(row.id, row.to, row.asset, amount) },
      { t: "emit", runId: `transfer:${row.id}:returned`, events: [custom("cival.transfer.returned", { ...fact, code: result.code, message: result.message }, nowMs)] },
      { t: "outbox", row: { ...row, state: "rejected", code: result.code, message: result.message, nextAttemptMs: null, updatedAtMs: nowMs, version: row.version + 1 } },
    ];
  }
  return [
    { t: "post", entry: transferDeliveredEntry(row.id, row.to, row.asset, amount) },
    { t: "emit", runId: `transfer:${row.id}:completed`, events: [custom("cival.transfer.completed", fact, nowMs)] },
    { t: "outbox", row: { ...row, state: "delivered", message: null, nextAttemptMs: null, updatedAtMs: nowMs, version: row.version + 1 } },
  ];
}

export interface ReceiveState {
  readonly record: WalletRecord | null;
  /** The inbox row of the request's transfer id, if it was credited before. */
  readonly seen: InboxRow | null;
  /** The receiver's admission of the request (see admission.ts); null admits it. */
  readonly admission: Refusal | null;
}

export type ReceiveDecision =
  | { readonly status: "credited" | "duplicate"; readonly forwardId: string | null; readonly effects: readonly TransferEffect[] }
  | { readonly status: "rejected"; readonly code: Refusal["code"]; readonly message: string; readonly effects: readonly [] };

/**
 * A credit, exactly once per transfer id: a replay answers the first outcome (and the same
 * forward leg), a refusal changes nothing, and a credit that must go on (treasury → farm → agent,
 * or an archived farm's money going home) debits the forward leg in the same step.
 */
export function decideReceive(state: ReceiveState, req: ReceiveRequest, nowMs: number): ReceiveDecision {
  const seen = state.seen;
  if (seen) {
    if (seen.from !== req.from || seen.asset !== req.asset || !dec(seen.amount).eq(dec(req.amount))) {
      return { status: "rejected", code: "transfer_id_conflict", message: `transfer ${req.transferId} was credited with different terms`, effects: [] };
    }
    return { status: "duplicate", forwardId: seen.forwardId, effects: [] };
  }
  if (state.admission) return { status: "rejected", ...state.admission, effects: [] };
  const me = state.record?.id ?? "";
  const amount = dec(req.amount);
  const received = { transferId: req.transferId, from: req.from, to: me, asset: req.asset, amount: req.amount };
  const effects: TransferEffect[] = [
    { t: "post", entry: transferInEntry(req.transferId, req.from, req.asset, amount) },
    { t: "emit", runId: `transfer:${req.transferId}:credit`, events: [custom("cival.transfer.received", received, nowMs)] },
  ];
  const forwardTo = req.forwardTo ?? autoForwardTo(state.record, req);
  const forwardId = forwardTo ? forwardTransferId(req.transferId) : null;
  if (forwardTo && forwardId) effects.push(...debit(me, forwardId, forwardTo, req.asset, amount, null, `forward of ${req.transferId}`, nowMs));
  effects.push({ t: "inbox", row: { transferId: req.transferId, from: req.from, asset: req.asset, amount: req.amount, forwardId, createdAtMs: nowMs } });
  return { status: "credited", forwardId, effects };
}
