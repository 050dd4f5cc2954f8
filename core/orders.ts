import { CASH, type JournalEntry, assertBalanced } from "./ledger.js";
import type { Fill, OrderRequest, SymbolSpec, VenueOrder } from "./market.js";
import { type Decimal, ZERO, dec, str } from "./money.js";
import type { RefusalCode } from "./refusals.js";

/**
 * An agent's orders in its journal. Open buys reserve quote cash, open sells reserve the base
 * position: available = balance − reserved. A fill moves the reserved side to the venue and the
 * other asset from it, and pays the fee; what an order no longer needs is released.
 *   reserved          what open orders hold (per asset)
 *   venue:<id>        the other side of trades on a venue
 *   fees              fees paid
 */
export const RESERVED = "reserved";
export const FEES = "fees";
export const venueAccount = (venueId: string): string => `venue:${venueId}`;

export type OrderEntryKind = "order_reserve" | "order_fill" | "order_release";

export interface OrderEntry extends Omit<JournalEntry, "kind"> {
  readonly kind: OrderEntryKind;
}

function entry(kind: OrderEntryKind, ref: string, counterparty: string | null, lines: OrderEntry["lines"]): OrderEntry {
  const e: OrderEntry = { kind, ref, counterparty, lines: lines.filter((l) => !dec(l.amount).isZero()) };
  assertBalanced(e as unknown as JournalEntry);
  return e;
}

/** Buffer over the best ask that a market buy reserves for slippage and fees. */
export const MARKET_BUY_BUFFER = "0.05";

/**
 * What an order must reserve: quote for a buy (price × quantity, plus the taker fee; a market buy
 * at the reference price plus a buffer), the base quantity for a sell.
 */
export function reservationFor(order: OrderRequest, spec: SymbolSpec, referencePrice: Decimal, takerFeeRate: Decimal): { asset: string; amount: Decimal } {
  const qty = dec(order.quantity);
  if (order.side === "sell") return { asset: spec.base, amount: qty };
  const price = order.type === "limit" && order.price ? dec(order.price) : referencePrice.times(dec(MARKET_BUY_BUFFER).plus(1));
  return { asset: spec.quote, amount: price.times(qty).times(takerFeeRate.plus(1)) };
}

export function reserveEntry(clientOrderId: string, asset: string, amount: Decimal): OrderEntry {
  return entry("order_reserve", clientOrderId, null, [
    { account: CASH, asset: asset as never, amount: str(amount.neg()) },
    { account: RESERVED, asset: asset as never, amount: str(amount) },
  ]);
}

export function releaseEntry(clientOrderId: string, asset: string, amount: Decimal): OrderEntry {
  return entry("order_release", clientOrderId, null, [
    { account: RESERVED, asset: asset as never, amount: str(amount.neg()) },
    { account: CASH, asset: asset as never, amount: str(amount) },
  ]);
}

/** A fill: the reserved side goes to the venue, the other asset comes from it, the fee is paid (in quote). */
export function fillEntry(venueId: string, spec: SymbolSpec, fill: Fill): OrderEntry {
  const qty = dec(fill.quantity);
  const notional = dec(fill.price).times(qty);
  const fee = dec(fill.fee);
  const venue = venueAccount(venueId);
  const q = spec.quote as never;
  const b = spec.base as never;
  if (fill.side === "buy") {
    return entry("order_fill", fill.fillId, venueId, [
      { account: RESERVED, asset: q, amount: str(notional.plus(fee).neg()) },
      { account: venue, asset: q, amount: str(notional) },
      { account: FEES, asset: q, amount: str(fee) },
      { account: CASH, asset: b, amount: str(qty) },
      { account: venue, asset: b, amount: str(qty.neg()) },
    ]);
  }
  return entry("order_fill", fill.fillId, venueId, [
    { account: RESERVED, asset: b, amount: str(qty.neg()) },
    { account: venue, asset: b, amount: str(qty) },
    { account: CASH, asset: q, amount: str(notional.minus(fee)) },
    { account: venue, asset: q, amount: str(notional.neg()) },
    { account: FEES, asset: q, amount: str(fee) },
  ]);
}

/** What a fill used of the order's reservation. */
export function reservationUsed(fill: Fill): Decimal {
  return fill.side === "buy" ? dec(fill.price).times(dec(fill.quantity)).plus(dec(fill.fee)) : dec(fill.quantity);
}

/** The reservation left after fills, never below zero (a fill may cost more than a limit's estimate only by rounding). */
export function remainingReservation(reserved: Decimal, fills: readonly Fill[]): Decimal {
  let left = reserved;
  for (const f of fills) left = left.minus(reservationUsed(f));
  return left.gt(ZERO) ? left : ZERO;
}

/** An agent's order as it keeps it and the API reports it: the request, the venue's latest word, and what it still reserves. */
export interface AgentOrder {
  readonly clientOrderId: string;
  readonly venue: string;
  readonly request: OrderRequest;
  readonly order: VenueOrder | null;
  readonly status: string;
  readonly reservedAsset: string;
  readonly reserved: string;
  /** Why the order was refused or is in doubt. */
  readonly code: RefusalCode | null;
  readonly message: string | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

