import type { Asset } from "./money.js";

/**
 * The exactly-once transfer protocol between wallet objects (see ARCHITECTURE.md, Money):
 * the sender writes the debit and an outbox row in one transaction, then calls the receiver,
 * whose inbox keyed by transfer id makes the credit idempotent; the sender's alarm retries
 * anything undelivered. These are the messages and results of that protocol.
 */

export type TransferState = "pending" | "delivered" | "rejected";

export type { TransferRefusal } from "./refusals.js";
import type { TransferRefusal } from "./refusals.js";

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

/** The id of the leg a receiver forwards: derived, so a replayed credit forwards the same leg. */
export const forwardTransferId = (transferId: string): string => `${transferId}>`;

/** Retry delay after `attempts` failed deliveries: exponential from 250 ms, capped at 60 s, with full jitter. */
export function retryDelayMs(attempts: number, random: number): number {
  const ceiling = Math.min(60_000, 250 * 2 ** Math.min(attempts, 16));
  return Math.max(50, Math.floor(ceiling * random));
}
