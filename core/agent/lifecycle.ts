import type { OrderStatus } from "../market.js";
import type { AgentOrder } from "../orders.js";

/**
 * An order's life at the agent: `pending` once reserved and written, then the venue's word
 * (`open`, `partially_filled`, `filled`, `cancelled`, `rejected`), or `unknown` when the venue's
 * answer was lost. A done order can no longer fill, so it reserves nothing.
 */

/** Statuses after which an order can no longer fill. */
export const DONE_STATUSES: readonly OrderStatus[] = ["filled", "cancelled", "rejected"];
/** Statuses an order can still be cancelled in. */
export const CANCELLABLE_STATUSES: readonly OrderStatus[] = ["open", "partially_filled", "pending"];
/** Statuses that may still fill: the risk monitor counts their unfilled buys as held. */
export const LIVE_STATUSES: readonly OrderStatus[] = ["open", "partially_filled", "pending", "unknown"];
/** Statuses whose outcome the agent does not know yet: the alarm looks them up at the venue. */
export const RECONCILE_STATUSES: readonly OrderStatus[] = ["unknown", "pending"];

/** An order whose outcome is unknown for this long is looked up at its venue by the alarm. */
export const RECONCILE_AFTER_MS = 5_000;

/** Refusals that say the venue failed, not that the order was wrong: they count towards the venue-error breaker. */
export const VENUE_FAILURES: ReadonlySet<string> = new Set(["exchange_unreachable", "unavailable", "timeout", "rate_limited", "bad_response", "auth"]);

/** True when the order can no longer fill (and so must reserve nothing). */
export function isDone(status: string): boolean {
  return (DONE_STATUSES as readonly string[]).includes(status);
}

/** True when a cancel still has something to do. */
export function isCancellable(status: string): boolean {
  return (CANCELLABLE_STATUSES as readonly string[]).includes(status);
}

/** When the alarm should look up orders of unknown outcome, from the oldest one's last update (null: none waiting). */
export function reconcileDueMs(oldestUpdatedMs: number | null): number | null {
  return oldestUpdatedMs === null ? null : oldestUpdatedMs + RECONCILE_AFTER_MS;
}

/** The latest update time an order may have to be looked up now. */
export function reconcileCutoffMs(nowMs: number): number {
  return nowMs - RECONCILE_AFTER_MS;
}

/** The order as the desk's history (D1) keeps it. */
export interface OrderHistoryRow {
  readonly clientOrderId: string;
  readonly agent: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly timeInForce: string;
  readonly price: string | null;
  readonly quantity: string;
  readonly status: string;
  readonly filledQuantity: string;
  readonly averagePrice: string;
  readonly code: string | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** The history row of an order as it now stands. */
export function orderHistoryRow(agent: string, o: AgentOrder): OrderHistoryRow {
  const req = o.request;
  return {
    clientOrderId: o.clientOrderId,
    agent,
    venue: o.venue,
    symbol: req.symbol,
    side: req.side,
    type: req.type,
    timeInForce: req.timeInForce,
    price: req.price,
    quantity: req.quantity,
    status: o.status,
    filledQuantity: o.order?.filledQuantity ?? "0",
    averagePrice: o.order?.averagePrice ?? "0",
    code: o.code,
    createdAtMs: o.createdAtMs,
    updatedAtMs: o.updatedAtMs,
  };
}
