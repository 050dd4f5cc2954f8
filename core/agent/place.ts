import type { Balances } from "../ledger.js";
import type { OrderRequest, SymbolSpec, VenueSpec } from "../market.js";
import { paperVenueSpec } from "../paper-venues.js";
import type { OrderCheck, PlaceOrigin, SubmitOptions } from "../messages.js";
import { type Decimal, ZERO, dec } from "../money.js";
import type { Refused } from "../refusals.js";
import type { PreTradeDecision, PreTradeOrder } from "../risk/types.js";
import type { WalletRecord } from "../wallets.js";
import { farmOf, fundsFor, reduces } from "./book.js";

/**
 * The rules an order meets before the venue: who may trade, what the risk monitor is asked, what
 * price a buy reserves against, and what the venue is told it may spend.
 */

/** Where an order can go: the venue and the symbol's rules there. */
export interface OrderVenue {
  readonly ok: true;
  readonly venue: VenueSpec;
  readonly spec: SymbolSpec;
}

/** Whether this agent may send an order for `symbol` to the venue (`venue` is null when the desk has no such venue). */
export function admitOrder(record: WalletRecord | null, venueId: string, venue: VenueSpec | null, symbol: string): OrderVenue | Refused {
  if (!record) return { ok: false, code: "unknown_wallet", message: "no such agent: it was never created" };
  if (record.status === "archived") return { ok: false, code: "wallet_archived", message: `${record.id} is archived` };
  if (record.role === "overseer") return { ok: false, code: "overseer_holds_no_capital", message: `${record.id} oversees risk and does not trade` };
  const spec = venue?.symbols.find((s) => s.symbol === symbol);
  if (!venue || !spec) return { ok: false, code: "invalid_symbol", message: `${venueId} does not list ${symbol}` };
  return { ok: true, venue, spec };
}

/** The order as the risk monitor checks it. Only the monitor's own orders and an operator's close may be reduce-only, and only when they reduce. */
export function preTradeOrder(record: WalletRecord, venueId: string, req: OrderRequest, spec: SymbolSpec, origin: PlaceOrigin, balances: Balances): PreTradeOrder {
  return {
    agent: record.id,
    farm: farmOf(record),
    venue: venueId,
    symbol: req.symbol,
    side: req.side,
    quantity: req.quantity,
    price: req.price,
    reduceOnly: origin !== "agent" && reduces(balances, venueId, req),
    lotSize: spec.lotSize,
    minNotional: spec.minNotional,
  };
}

/** The order at the quantity the risk monitor allows (a resize changes it; a rejection leaves it as asked). */
export function allowed(req: OrderRequest, risk: PreTradeDecision): OrderRequest {
  return risk.decision === "resize" ? { ...req, quantity: risk.quantity } : req;
}

/** True when only a market buy's reservation needs a price from the market. */
export function needsMarketPrice(req: OrderRequest): boolean {
  return req.side === "buy" && !(req.type === "limit" && req.price);
}

/**
 * The price a buy reserves against: the monitor's mark for a market buy (null: ask the venue),
 * nothing for the rest (a limit reserves at its price, a sell its quantity).
 */
export function referencePrice(req: OrderRequest, mark: string | null): Decimal | null {
  if (!needsMarketPrice(req)) return ZERO;
  return mark === null ? null : dec(mark);
}

/** The mark of a risk answer (a rejection carries none). */
export function markOf(risk: PreTradeDecision): string | null {
  return risk.decision === "reject" ? null : risk.mark;
}

/** What the venue is told: a market buy may spend no more than it reserved. */
export function submitOptions(req: OrderRequest, reserved: Decimal): SubmitOptions {
  return { quoteBudget: req.side === "buy" && req.type === "market" ? reserved.toFixed() : null };
}

/** An order checked, not placed: the risk answer, the funds for the quantity it allows, and whether both pass. */
export function checkOrder(req: OrderRequest, spec: SymbolSpec, venue: VenueSpec, risk: PreTradeDecision, price: Decimal, balances: Balances): OrderCheck {
  const funds = fundsFor(balances, allowed(req, risk), spec, price, dec(venue.takerFeeRate));
  return { risk, funds, passes: risk.decision !== "reject" && funds.enough };
}

/** The symbols a venue lists (a venue the desk does not know lists none). */
export function symbolsOf(venueId: string): readonly SymbolSpec[] {
  return paperVenueSpec(venueId)?.symbols ?? [];
}
