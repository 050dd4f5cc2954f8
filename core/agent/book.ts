import { Balances, CASH, peer } from "../ledger.js";
import { type Fill, type OrderRequest, type SymbolSpec, splitSymbol } from "../market.js";
import type { AgentRiskView, FundsCheck, HeldPosition } from "../messages.js";
import { Decimal, ZERO, dec, str } from "../money.js";
import { RESERVED, reservationFor, venueAccount } from "../orders.js";
import type { WalletRecord } from "../wallets.js";

/**
 * An agent's book, read from its journal's balances: cash and what open orders reserve, the base
 * asset held at each venue (the `venue:<id>` account is the other side of its trades), and the
 * average cost and P&L of each position, rebuilt from its fills.
 */

/** Realized trading P&L: cash on one side, this account on the other (credit-negative, like income). */
export const PNL = "pnl";

/** The farm an agent belongs to, as the risk monitor scopes it (null outside a farm). */
export function farmOf(record: Pick<WalletRecord, "parent">): string | null {
  return record.parent?.startsWith("farm:") ? record.parent : null;
}

/** The base assets held at each venue (bought there less sold there), as the risk monitor counts positions. */
export function heldPositions(balances: Balances, agent: string, farm: string | null): HeldPosition[] {
  const out: HeldPosition[] = [];
  for (const [key, amount] of balances.entries()) {
    const [account, asset] = key.split("|");
    if (!account?.startsWith("venue:") || !asset || asset === "USD" || amount.isZero()) continue;
    out.push({ agent, farm, venue: account.slice("venue:".length), symbol: `${asset}-USD`, asset, quantity: str(amount.neg()) });
  }
  return out.sort((a, b) => (a.venue + a.symbol < b.venue + b.symbol ? -1 : 1));
}

/** An open order as the book sees it: where, what was asked, and how much of it has filled. */
export interface OpenOrderFacts {
  readonly venue: string;
  readonly request: OrderRequest;
  readonly filledQuantity: string;
}

/**
 * What open buy orders could still add, per venue and symbol (quantity not yet filled): the risk
 * monitor counts it as held, so resting orders cannot add up past a limit when they fill.
 */
export function openBuys(orders: readonly OpenOrderFacts[], agent: string, farm: string | null): HeldPosition[] {
  const sums = new Map<string, Decimal>();
  for (const o of orders) {
    if (o.request.side !== "buy") continue;
    const left = dec(o.request.quantity).minus(dec(o.filledQuantity));
    if (left.lte(0)) continue;
    const key = `${o.venue}|${o.request.symbol}`;
    sums.set(key, (sums.get(key) ?? ZERO).plus(left));
  }
  return [...sums].map(([key, q]) => {
    const [venue = "", symbol = ""] = key.split("|");
    return { agent, farm, venue, symbol, asset: splitSymbol(symbol).base, quantity: str(q) };
  });
}

/** True when the order only takes away from what the agent holds at that venue (a sell of at most the position, or a buy covering a short). */
export function reduces(balances: Balances, venueId: string, req: OrderRequest): boolean {
  const { base } = splitSymbol(req.symbol);
  const held = balances.get(venueAccount(venueId), base as never).neg();
  return req.side === "sell" ? dec(req.quantity).lte(held) : held.lt(0) && dec(req.quantity).lte(held.neg());
}

/** A position's running cost at the average: quantity held, its total cost, and the P&L its sales realized. */
export interface PositionCost {
  readonly quantity: Decimal;
  readonly cost: Decimal;
  readonly realized: Decimal;
}

/** Average cost per venue and symbol, from fills in the order they happened (fees are not in the cost). */
export function averageCosts(fills: ReadonlyArray<{ readonly venue: string; readonly fill: Fill }>): Map<string, PositionCost> {
  const out = new Map<string, PositionCost>();
  for (const { venue, fill } of fills) {
    const key = `${venue}|${fill.symbol}`;
    const c = out.get(key) ?? { quantity: ZERO, cost: ZERO, realized: ZERO };
    const q = dec(fill.quantity);
    const price = dec(fill.price);
    if (fill.side === "buy") {
      out.set(key, { quantity: c.quantity.plus(q), cost: c.cost.plus(q.times(price)), realized: c.realized });
      continue;
    }
    // A sale takes out its share of the cost at the average: what remains keeps its average price.
    const left = c.quantity.minus(q);
    const average = c.quantity.gt(0) ? c.cost.div(c.quantity) : ZERO;
    const sold = Decimal.min(q, c.quantity.gt(0) ? c.quantity : ZERO);
    out.set(key, {
      quantity: left,
      cost: c.quantity.isZero() || left.lte(0) ? ZERO : c.cost.times(left).div(c.quantity),
      realized: c.realized.plus(price.minus(average).times(sold)),
    });
  }
  return out;
}

/** The average entry price of a position, or null when nothing is held long. */
export function entryPrice(c: PositionCost | undefined): string | null {
  return c && c.quantity.gt(0) ? str(c.cost.div(c.quantity).toDecimalPlaces(8)) : null;
}

/** What a position would gain or lose if closed at `mark`: (mark − average cost) × quantity held. */
export function unrealizedPnl(c: PositionCost, mark: Decimal): Decimal {
  return c.quantity.gt(0) ? mark.times(c.quantity).minus(c.cost) : ZERO;
}

/** What the risk monitor reads of an agent: cash, capital, positions with their average cost, open orders. */
export function riskView(record: WalletRecord, balances: Balances, fills: ReadonlyArray<{ readonly venue: string; readonly fill: Fill }>, openOrders: number): AgentRiskView {
  const costs = averageCosts(fills);
  const positions = heldPositions(balances, record.id, farmOf(record)).map((p) => ({
    venue: p.venue,
    symbol: p.symbol,
    asset: p.asset,
    quantity: p.quantity,
    entryPrice: entryPrice(costs.get(`${p.venue}|${p.symbol}`)),
  }));
  return {
    agent: record.id,
    farm: farmOf(record),
    status: record.status,
    cash: str(balances.get(CASH, "USD").plus(balances.get(RESERVED, "USD"))),
    capital: record.parent ? str(balances.get(peer(record.parent), "USD").neg()) : "0",
    positions,
    openOrders,
  };
}

/** The funds check: what the order must reserve against what is available of that asset. */
export function fundsFor(balances: Balances, req: OrderRequest, spec: SymbolSpec, referencePrice: Decimal, takerFeeRate: Decimal): FundsCheck {
  const reservation = reservationFor(req, spec, referencePrice, takerFeeRate);
  const available = balances.get(CASH, reservation.asset as never);
  return { asset: reservation.asset, needed: str(reservation.amount), available: str(available), enough: reservation.amount.lte(available) };
}

/** An agent's earnings on the capital it was given; null until it has realized P&L. */
export function trackRecord(record: WalletRecord | null, balances: Balances): { pnl: string; capital: string } | null {
  if (!record?.parent) return null;
  const key = Balances.key(PNL, "USD");
  if (![...balances.entries()].some(([k]) => k === key)) return null;
  return { pnl: str(balances.get(PNL, "USD").neg()), capital: str(balances.get(peer(record.parent), "USD").neg()) };
}
