import type { Asset } from "../money.js";
import type { TransferRefusal } from "../refusals.js";

/**
 * The exactly-once transfer protocol between wallet objects (see ARCHITECTURE.md, Money):
 * the sender writes the debit and an outbox row in one transaction, then calls the receiver,
 * whose inbox keyed by transfer id makes the credit idempotent; the sender's alarm retries
 * anything undelivered. These are the messages, rows and results of that protocol.
 */

export type TransferState = "pending" | "delivered" | "rejected";

export type { TransferRefusal };

/** An expected refusal of a transfer, with words for the operator. */
export interface Refusal {
  readonly code: TransferRefusal;
  readonly message: string;
}

export interface SendRequest {
  readonly transferId: string;
  readonly to: string;
  readonly asset: Asset;
  /** null: everything available at the moment of the debit. */
  readonly amount: string | null;
  /** The receiver passes the money on to this wallet in the same step (treasury → farm → agent). */
  readonly forwardTo: string | null;
  readonly memo: string | null;
}

export interface ReceiveRequest {
  readonly transferId: string;
  readonly from: string;
  readonly asset: Asset;
  readonly amount: string;
  readonly forwardTo: string | null;
}

/** A transfer as its sender records it. */
export interface TransferView {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly asset: Asset;
  readonly amount: string;
  readonly forwardTo: string | null;
  readonly state: TransferState;
  readonly code: TransferRefusal | null;
  readonly message: string | null;
  readonly attempts: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export type SendResult =
  | { readonly ok: true; readonly transfer: TransferView; readonly forward: TransferView | null }
  | { readonly ok: false; readonly code: TransferRefusal; readonly message: string };

export type ReceiveResult =
  | { readonly status: "credited" | "duplicate"; readonly forward: TransferView | null }
  | { readonly status: "rejected"; readonly code: TransferRefusal; readonly message: string };

/** The sender's outbox row of one transfer: what it owes the receiver and how delivery stands. */
export interface TransferRow {
  readonly id: string;
  readonly to: string;
  readonly asset: Asset;
  readonly amount: string;
  readonly forwardTo: string | null;
  readonly memo: string | null;
  readonly state: TransferState;
  readonly code: TransferRefusal | null;
  readonly message: string | null;
  readonly attempts: number;
  /** When the alarm attempts delivery next; null once settled. */
  readonly nextAttemptMs: number | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** Bumped on every change: D1 keeps the highest version of a transfer. */
  readonly version: number;
}

/** The receiver's inbox row of one credited transfer: a replay is recognised by it. */
export interface InboxRow {
  readonly transferId: string;
  readonly from: string;
  readonly asset: Asset;
  readonly amount: string;
  /** The leg the credit forwarded, if any: a replay answers the same leg. */
  readonly forwardId: string | null;
  readonly createdAtMs: number;
}

/** A fresh transfer is delivered inline; the alarm picks it up only if that fails for this long. */
export const INLINE_GRACE_MS = 5_000;

/** Longest failure message kept on a transfer row. */
export const MAX_MESSAGE_CHARS = 300;

/** The id of the leg a receiver forwards: derived, so a replayed credit forwards the same leg. */
export const forwardTransferId = (transferId: string): string => `${transferId}>`;

/** Retry delay after `attempts` failed deliveries: exponential from 250 ms, capped at 60 s, with full jitter. */
export function retryDelayMs(attempts: number, random: number): number {
  const ceiling = Math.min(60_000, 250 * 2 ** Math.min(attempts, 16));
  return Math.max(50, Math.floor(ceiling * random));
}

/** A transfer row as the API and history show it. */
export function transferView(from: string, row: TransferRow): TransferView {
  return {
    id: row.id,
    from,
    to: row.to,
    asset: row.asset,
    amount: row.amount,
    forwardTo: row.forwardTo,
    state: row.state,
    code: row.code,
    message: row.message,
    attempts: row.attempts,
    createdAtMs: row.createdAtMs,
    updatedAtMs: row.updatedAtMs,
  };
}
