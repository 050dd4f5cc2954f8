/**
 * A paper venue's matching: orders against an order-book snapshot, pure (the caller passes the
 * book and the time). The book is the market's liquidity; the desk's own resting limit orders are
 * kept beside it in a `RestingBook` and fill when a later book trades at or through their price.
 * Resting orders never match one another: every resting order is the desk's, and a desk trading
 * with itself is a wash trade.
 *
 * - market: walks the opposite side level by level (each level one Fill, so a larger order pays
 *   a worse average price); what the book cannot fill is cancelled (a market order is always
 *   immediate-or-cancel, whatever its timeInForce says, except post_only which is refused).
 * - quote budget (market buys): the walk stops before a level would take the spend (notional +
 *   taker fee) past the budget, taking what fits of that level rounded down to the lot; the rest
 *   is cancelled like any unfilled market remainder. A fill never spends more than was reserved.
 * - limit gtc: takes what crosses its price now (taker), then the rest rests (maker).
 * - limit ioc: takes what crosses its price now; the rest is cancelled.
 * - limit post_only: refused if it would take; otherwise rests.
 * - latency: an order submitted at `submittedAtMs` reaches the book at `submittedAtMs +
 *   latencyMs`; the caller passes the book of that moment, and fills carry that time.
 * - a resting order fills from a book later than its arrival, at its own limit price, against the
 *   opposite liquidity at or through that price, in price-time priority (best price first, then
 *   earliest arrival). Each book is used once: a book not newer than the last one used fills nothing.
 *
 * Rounding: quantity down to the lot; a limit price to the tick, never past what the order asked
 * (a buy down, a sell up); fee = price × quantity × rate per fill, rounded up (toward +∞) to
 * FEE_DECIMALS places, so a paper fee is never below the exact one; average price = notional /
 * quantity, half-even to AVERAGE_PRICE_DECIMALS places.
 *
 * Rejections (typed results, never throws), in order of precedence: invalid_symbol,
 * invalid_quantity (not a plain positive decimal, or under one lot), invalid_price (a limit
 * without a positive price, or a market order with one), invalid_time_in_force (post_only market),
 * duplicate_client_order_id (already resting), too_many_resting_orders (an order that could rest
 * when `maxRestingOrders` rest already), no_liquidity (market order, empty opposite side),
 * below_min_notional (quantity × limit price, or × best opposite price for a market order),
 * post_only_would_cross.
 */
import type { MatchRejectCode } from "./refusals.js";
import { type ParsedLevels, parsedLevels, priceAt, sizeAt } from "./book-levels.js";
import type { Fill, OrderBook, OrderRequest, OrderStatus, VenueOrder } from "./market.js";
import { AMOUNT_PATTERN, Decimal, ZERO, str } from "./money.js";
import { ceilTo, floorTo } from "./ticks.js";
import { type MatchingSpec, type RestingBook, type RestingOrder, averagePrice, crossesPrice, feeFor, restingPrice } from "./paper-venue/rules.js";

export {
  AVERAGE_PRICE_DECIMALS,
  DEFAULT_MAX_RESTING_ORDERS,
  FEE_DECIMALS,
  type MatchingSpec,
  type RestingBook,
  type RestingMatch,
  type RestingOrder,
  averagePrice,
  emptyRestingBook,
  feeFor,
  matchingSpec,
  venueOrderOf,
} from "./paper-venue/rules.js";
export { cancelOrder, matchResting } from "./paper-venue/resting.js";

export type RejectCode = MatchRejectCode;

export interface Rejected {
  readonly ok: false;
  readonly code: RejectCode;
  readonly message: string;
}

export interface Accepted {
  readonly ok: true;
  /** The order after matching: filled, open / partially_filled (resting), or cancelled (the rest of a market or ioc order). */
  readonly order: VenueOrder;
  readonly fills: Fill[];
  readonly resting: RestingBook;
  /** submittedAtMs + latencyMs: when the order met the book. */
  readonly matchedAtMs: number;
}

export interface SubmitOptions {
  /** A market buy spends at most this in quote (notional + taker fee); ignored for limit orders and sells. */
  readonly quoteBudget?: string | null;
}

/** An order that passed validation: its quantity on the lot, its limit on the tick (null: market). */
interface Checked {
  readonly quantity: Decimal;
  readonly limit: Decimal | null;
  readonly budget: Decimal | null;
  readonly mayRest: boolean;
  readonly opposite: ParsedLevels;
  readonly crosses: boolean;
}

/** Matches a new order against `book`, the book at `submittedAtMs + spec.latencyMs`. */
export function submitOrder(resting: RestingBook, order: OrderRequest, book: OrderBook, submittedAtMs: number, spec: MatchingSpec, options: SubmitOptions = {}): Accepted | Rejected {
  if (book.symbol !== spec.symbol || resting.symbol !== spec.symbol) throw new Error(`invariant: book and resting orders are for ${spec.symbol}`);
  const atMs = submittedAtMs + spec.latencyMs;
  const checked = check(resting, order, book, spec, options);
  if (!checked.ok) return checked;
  const { quantity, limit, budget, mayRest, opposite, crosses } = checked.value;
  const buy = order.side === "buy";
  const fills: Fill[] = [];
  const taken = crosses ? take(opposite, buy, quantity, limit, budget, spec, order, atMs, fills) : { filled: ZERO, notional: ZERO };
  const { filled, notional } = taken;
  const seq = resting.nextSeq;
  let next: RestingBook = { ...resting, nextSeq: seq + 1 };
  let status: OrderStatus;
  if (quantity.minus(filled).isZero()) {
    status = "filled";
  } else if (mayRest && limit !== null) {
    const rest: RestingOrder = {
      clientOrderId: order.clientOrderId,
      venueOrderId: String(seq),
      side: order.side,
      timeInForce: order.timeInForce === "post_only" ? "post_only" : "gtc",
      price: str(limit),
      quantity: str(quantity),
      filledQuantity: str(filled),
      filledNotional: str(notional),
      fillCount: fills.length,
      seq,
      acceptedAtMs: atMs,
    };
    next = buy ? { ...next, bids: inserted(resting.bids, rest, limit, true) } : { ...next, asks: inserted(resting.asks, rest, limit, false) };
    status = filled.isZero() ? "open" : "partially_filled";
  } else {
    status = "cancelled";
  }
  const venueOrder: VenueOrder = {
    clientOrderId: order.clientOrderId,
    venueOrderId: String(seq),
    symbol: spec.symbol,
    side: order.side,
    type: order.type,
    timeInForce: order.timeInForce,
    price: limit === null ? null : str(limit),
    quantity: str(quantity),
    filledQuantity: str(filled),
    averagePrice: averagePrice(notional, filled),
    status,
    updatedAtMs: atMs,
  };
  return { ok: true, order: venueOrder, fills, resting: next, matchedAtMs: atMs };
}

/** The rejections, in their order of precedence (see the header); what passes, parsed. */
function check(resting: RestingBook, order: OrderRequest, book: OrderBook, spec: MatchingSpec, options: SubmitOptions): { ok: true; value: Checked } | Rejected {
  if (order.symbol !== spec.symbol) return reject("invalid_symbol", `${spec.venueId} matches ${spec.symbol}, not ${order.symbol}`);
  if (!AMOUNT_PATTERN.test(order.quantity)) return reject("invalid_quantity", `quantity ${order.quantity} is not a plain decimal`);
  const quantity = floorTo(new Decimal(order.quantity), spec.lotSize);
  if (quantity.isZero()) return reject("invalid_quantity", `quantity ${order.quantity} is under one lot (${str(spec.lotSize)})`);
  const buy = order.side === "buy";
  let limit: Decimal | null = null;
  if (order.type === "limit") {
    if (order.price === null || !AMOUNT_PATTERN.test(order.price)) return reject("invalid_price", `a limit order needs a plain decimal price, got ${order.price}`);
    limit = buy ? floorTo(new Decimal(order.price), spec.tickSize) : ceilTo(new Decimal(order.price), spec.tickSize);
    if (limit.isZero()) return reject("invalid_price", `price ${order.price} is under one tick (${str(spec.tickSize)})`);
  } else {
    if (order.price !== null) return reject("invalid_price", "a market order has no price");
    if (order.timeInForce === "post_only") return reject("invalid_time_in_force", "a market order cannot be post_only");
  }
  const rawBudget = options.quoteBudget ?? null;
  const budgeted = rawBudget !== null && limit === null && buy;
  if (budgeted && !AMOUNT_PATTERN.test(rawBudget)) return reject("invalid_quantity", `quote budget ${rawBudget} is not a plain decimal`);
  if (isResting(resting, order.clientOrderId)) return reject("duplicate_client_order_id", `${order.clientOrderId} is already resting`);
  const mayRest = order.type === "limit" && order.timeInForce !== "ioc";
  if (mayRest && resting.bids.length + resting.asks.length >= spec.maxRestingOrders) {
    return reject("too_many_resting_orders", `${spec.maxRestingOrders} orders already rest on ${spec.symbol}`);
  }
  const opposite = parsedLevels(buy ? book.asks : book.bids);
  const hasLiquidity = opposite.levels.length > 0;
  if (limit === null && !hasLiquidity) return reject("no_liquidity", `no ${buy ? "asks" : "bids"} for a market ${order.side}`);
  const valuationPrice = limit ?? priceAt(opposite, 0);
  if (quantity.times(valuationPrice).lt(spec.minNotional)) {
    return reject("below_min_notional", `${str(quantity)} × ${str(valuationPrice)} is under ${str(spec.minNotional)}`);
  }
  const crosses = hasLiquidity && (limit === null || crossesPrice(priceAt(opposite, 0), limit, buy));
  if (order.timeInForce === "post_only" && crosses) return reject("post_only_would_cross", `${order.side} at ${str(limit ?? ZERO)} would take liquidity`);
  return { ok: true, value: { quantity, limit, budget: budgeted ? new Decimal(rawBudget) : null, mayRest, opposite, crosses } };
}

function reject(code: RejectCode, message: string): Rejected {
  return { ok: false, code, message };
}

function isResting(resting: RestingBook, clientOrderId: string): boolean {
  for (const o of resting.bids) if (o.clientOrderId === clientOrderId) return true;
  for (const o of resting.asks) if (o.clientOrderId === clientOrderId) return true;
  return false;
}

/** The most of `qty` at `price` that `budget` pays for with the taker fee, on the lot. */
function affordable(qty: Decimal, price: Decimal, budget: Decimal, spec: MatchingSpec): Decimal {
  const cost = (q: Decimal) => price.times(q).plus(feeFor(price.times(q), spec.takerFeeRate));
  if (cost(qty).lte(budget)) return qty;
  let q = floorTo(budget.div(price.times(spec.takerFeeRate.plus(1))), spec.lotSize);
  if (q.gt(qty)) q = qty;
  // The fee rounds up: step down a lot at a time until the cost fits.
  while (q.gt(0) && cost(q).gt(budget)) q = q.minus(spec.lotSize);
  return q.gt(0) ? q : ZERO;
}

/** Walks the opposite side as a taker; one Fill per level touched; stops where the budget (if any) runs out. */
function take(
  levels: ParsedLevels,
  buy: boolean,
  quantity: Decimal,
  limit: Decimal | null,
  budget: Decimal | null,
  spec: MatchingSpec,
  order: OrderRequest,
  timeMs: number,
  fills: Fill[],
): { filled: Decimal; notional: Decimal } {
  let remaining = quantity;
  let notional = ZERO;
  let left = budget;
  const n = levels.levels.length;
  for (let i = 0; i < n && remaining.gt(0); i++) {
    const price = priceAt(levels, i);
    if (limit !== null && !crossesPrice(price, limit, buy)) break;
    const size = sizeAt(levels, i);
    const wanted = size.lt(remaining) ? floorTo(size, spec.lotSize) : remaining;
    const qty = left === null ? wanted : affordable(wanted, price, left, spec);
    if (qty.isZero() && left !== null && wanted.gt(0)) break;
    if (qty.isZero()) continue;
    const value = price.times(qty);
    const fee = feeFor(value, spec.takerFeeRate);
    fills.push({
      fillId: `${order.clientOrderId}-${fills.length + 1}`,
      clientOrderId: order.clientOrderId,
      symbol: spec.symbol,
      side: order.side,
      price: levels.levels[i]?.price ?? str(price),
      quantity: str(qty),
      fee: str(fee),
      feeAsset: spec.quote,
      liquidity: "taker",
      timeMs,
    });
    remaining = remaining.minus(qty);
    notional = notional.plus(value);
    if (left !== null) {
      left = left.minus(value).minus(fee);
      if (qty.lt(wanted)) break;
    }
  }
  return { filled: quantity.minus(remaining), notional };
}

/** Inserts after every order at an equal or better price (price, then time). */
function inserted(side: readonly RestingOrder[], order: RestingOrder, price: Decimal, buy: boolean): RestingOrder[] {
  let lo = 0;
  let hi = side.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const o = side[mid];
    if (!o) break;
    const p = restingPrice(o);
    if (buy ? p.gte(price) : p.lte(price)) lo = mid + 1;
    else hi = mid;
  }
  const out = side.slice();
  out.splice(lo, 0, order);
  return out;
}
