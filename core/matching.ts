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
import type { Fill, OrderBook, OrderRequest, OrderStatus, Side, VenueOrder, VenueSpec } from "./market.js";
import { AMOUNT_PATTERN, Decimal, ZERO, str } from "./money.js";
import { ceilTo, floorTo } from "./ticks.js";

export const FEE_DECIMALS = 8;
export const AVERAGE_PRICE_DECIMALS = 18;
export const DEFAULT_MAX_RESTING_ORDERS = 1_000;

/** A venue's rules for one symbol, parsed once. */
export interface MatchingSpec {
  readonly venueId: string;
  readonly symbol: string;
  /** The fee asset: the symbol's quote. */
  readonly quote: string;
  readonly tickSize: Decimal;
  readonly lotSize: Decimal;
  readonly minNotional: Decimal;
  readonly makerFeeRate: Decimal;
  readonly takerFeeRate: Decimal;
  readonly latencyMs: number;
  readonly maxRestingOrders: number;
}

export function matchingSpec(venue: VenueSpec, symbol: string, maxRestingOrders = DEFAULT_MAX_RESTING_ORDERS): MatchingSpec {
  const s = venue.symbols.find((x) => x.symbol === symbol);
  if (!s) throw new Error(`invariant: venue ${venue.id} lists ${symbol}`);
  const spec: MatchingSpec = {
    venueId: venue.id,
    symbol,
    quote: s.quote,
    tickSize: new Decimal(s.tickSize),
    lotSize: new Decimal(s.lotSize),
    minNotional: new Decimal(s.minNotional),
    makerFeeRate: new Decimal(venue.makerFeeRate),
    takerFeeRate: new Decimal(venue.takerFeeRate),
    latencyMs: venue.latencyMs,
    maxRestingOrders,
  };
  if (!spec.tickSize.gt(0) || !spec.lotSize.gt(0) || spec.minNotional.lt(0)) throw new Error(`invariant: ${venue.id} ${symbol} has tick, lot > 0 and min notional >= 0`);
  return spec;
}

export interface RestingOrder {
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly side: Side;
  readonly timeInForce: "gtc" | "post_only";
  readonly price: string;
  readonly quantity: string;
  readonly filledQuantity: string;
  /** Σ price × quantity of its fills, for the average price. */
  readonly filledNotional: string;
  /** How many fills it has had (numbers its fill ids). */
  readonly fillCount: number;
  /** Arrival order: time priority among orders at one price. */
  readonly seq: number;
  /** When it reached the venue (submitted + latency); only a book after this fills it. */
  readonly acceptedAtMs: number;
}

/** The desk's resting orders for one symbol at one venue: plain data, JSON round-trips it. */
export interface RestingBook {
  readonly symbol: string;
  /** Priority order: bids by price descending, asks ascending; arrival order within a price. */
  readonly bids: readonly RestingOrder[];
  readonly asks: readonly RestingOrder[];
  readonly nextSeq: number;
  /** The newest book `matchResting` used; a book not newer fills nothing. */
  readonly lastBookTimeMs: number;
}

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

export interface RestingMatch {
  readonly resting: RestingBook;
  readonly fills: Fill[];
  /** The resting orders that filled, as they stand after this book. */
  readonly orders: VenueOrder[];
}

export function emptyRestingBook(symbol: string): RestingBook {
  return { symbol, bids: [], asks: [], nextSeq: 1, lastBookTimeMs: Number.MIN_SAFE_INTEGER };
}

/** The fee on one fill: notional × rate, rounded up to FEE_DECIMALS places. */
export function feeFor(notional: Decimal, rate: Decimal): Decimal {
  return rate.isZero() ? ZERO : notional.times(rate).toDecimalPlaces(FEE_DECIMALS, Decimal.ROUND_CEIL);
}

/** Matches a new order against `book`, the book at `submittedAtMs + spec.latencyMs`. */
export function submitOrder(resting: RestingBook, order: OrderRequest, book: OrderBook, submittedAtMs: number, spec: MatchingSpec): Accepted | Rejected {
  if (book.symbol !== spec.symbol || resting.symbol !== spec.symbol) throw new Error(`invariant: book and resting orders are for ${spec.symbol}`);
  const atMs = submittedAtMs + spec.latencyMs;
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

  const fills: Fill[] = [];
  let filled = ZERO;
  let notional = ZERO;
  if (crosses) {
    const taken = take(opposite, buy, quantity, limit, spec, order, atMs, fills);
    filled = taken.filled;
    notional = taken.notional;
  }
  const seq = resting.nextSeq;
  const remaining = quantity.minus(filled);
  let next: RestingBook = { ...resting, nextSeq: seq + 1 };
  let status: OrderStatus;
  if (remaining.isZero()) {
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
    restingPrices.set(rest, limit);
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

/** Fills resting orders that `book` trades at or through, in price-time priority (maker, at their own price). */
export function matchResting(resting: RestingBook, book: OrderBook, spec: MatchingSpec): RestingMatch {
  if (book.symbol !== spec.symbol || resting.symbol !== spec.symbol) throw new Error(`invariant: book and resting orders are for ${spec.symbol}`);
  if (book.timeMs <= resting.lastBookTimeMs) return { resting, fills: [], orders: [] };
  const fills: Fill[] = [];
  const orders: VenueOrder[] = [];
  const bids = fillResting(resting.bids, parsedLevels(book.asks), true, book.timeMs, spec, fills, orders);
  const asks = fillResting(resting.asks, parsedLevels(book.bids), false, book.timeMs, spec, fills, orders);
  return { resting: { ...resting, bids, asks, lastBookTimeMs: book.timeMs }, fills, orders };
}

/** Cancels a resting order. */
export function cancelOrder(
  resting: RestingBook,
  clientOrderId: string,
  nowMs: number,
  spec: MatchingSpec,
): { readonly ok: true; readonly resting: RestingBook; readonly order: VenueOrder } | { readonly ok: false; readonly code: "unknown_order"; readonly message: string } {
  for (const side of ["bids", "asks"] as const) {
    const i = resting[side].findIndex((o) => o.clientOrderId === clientOrderId);
    const o = resting[side][i];
    if (o) {
      const kept = resting[side].filter((_, k) => k !== i);
      return { ok: true, resting: { ...resting, [side]: kept }, order: venueOrderOf(o, spec, "cancelled", nowMs) };
    }
  }
  return { ok: false, code: "unknown_order", message: `${clientOrderId} is not resting` };
}

/** A resting order as the venue reports it. */
export function venueOrderOf(o: RestingOrder, spec: MatchingSpec, status: OrderStatus, updatedAtMs: number): VenueOrder {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    symbol: spec.symbol,
    side: o.side,
    type: "limit",
    timeInForce: o.timeInForce,
    price: o.price,
    quantity: o.quantity,
    filledQuantity: o.filledQuantity,
    averagePrice: averagePrice(new Decimal(o.filledNotional), new Decimal(o.filledQuantity)),
    status,
    updatedAtMs,
  };
}

const restingPrices = new WeakMap<RestingOrder, Decimal>();

/** A resting order's price, parsed once per order object (they are immutable). */
function restingPrice(o: RestingOrder): Decimal {
  let d = restingPrices.get(o);
  if (!d) {
    d = new Decimal(o.price);
    restingPrices.set(o, d);
  }
  return d;
}

function reject(code: RejectCode, message: string): Rejected {
  return { ok: false, code, message };
}

function crossesPrice(levelPrice: Decimal, limit: Decimal, buy: boolean): boolean {
  return buy ? levelPrice.lte(limit) : levelPrice.gte(limit);
}

function isResting(resting: RestingBook, clientOrderId: string): boolean {
  for (const o of resting.bids) if (o.clientOrderId === clientOrderId) return true;
  for (const o of resting.asks) if (o.clientOrderId === clientOrderId) return true;
  return false;
}

/** notional / quantity, half-even to AVERAGE_PRICE_DECIMALS places; "0" for no quantity. */
export function averagePrice(notional: Decimal, quantity: Decimal): string {
  return quantity.isZero() ? "0" : str(notional.div(quantity).toDecimalPlaces(AVERAGE_PRICE_DECIMALS, Decimal.ROUND_HALF_EVEN));
}

/** Walks the opposite side as a taker; one Fill per level touched. */
function take(
  levels: ParsedLevels,
  buy: boolean,
  quantity: Decimal,
  limit: Decimal | null,
  spec: MatchingSpec,
  order: OrderRequest,
  timeMs: number,
  fills: Fill[],
): { filled: Decimal; notional: Decimal } {
  let remaining = quantity;
  let notional = ZERO;
  const n = levels.levels.length;
  for (let i = 0; i < n && remaining.gt(0); i++) {
    const price = priceAt(levels, i);
    if (limit !== null && !crossesPrice(price, limit, buy)) break;
    const size = sizeAt(levels, i);
    const qty = size.lt(remaining) ? floorTo(size, spec.lotSize) : remaining;
    if (qty.isZero()) continue;
    const value = price.times(qty);
    fills.push({
      fillId: `${order.clientOrderId}-${fills.length + 1}`,
      clientOrderId: order.clientOrderId,
      symbol: spec.symbol,
      side: order.side,
      price: levels.levels[i]?.price ?? str(price),
      quantity: str(qty),
      fee: str(feeFor(value, spec.takerFeeRate)),
      feeAsset: spec.quote,
      liquidity: "taker",
      timeMs,
    });
    remaining = remaining.minus(qty);
    notional = notional.plus(value);
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

/**
 * One side of the resting orders against the book's opposite side. Liquidity is shared: the
 * best-priority order takes the best levels first. Copy-on-write: unchanged sides come back as is.
 */
function fillResting(
  side: readonly RestingOrder[],
  levels: ParsedLevels,
  buy: boolean,
  bookTimeMs: number,
  spec: MatchingSpec,
  fills: Fill[],
  orders: VenueOrder[],
): readonly RestingOrder[] {
  const n = levels.levels.length;
  let out: RestingOrder[] | null = null;
  let level = 0;
  let used = ZERO;
  let k = 0;
  for (; k < side.length && level < n; k++) {
    const o = side[k];
    if (!o) break;
    const price = restingPrice(o);
    // The best liquidity left does not reach this order, so none reaches the ones behind it either.
    if (!crossesPrice(priceAt(levels, level), price, buy)) break;
    if (o.acceptedAtMs >= bookTimeMs) {
      out?.push(o);
      continue;
    }
    let need = new Decimal(o.quantity).minus(o.filledQuantity);
    let got = ZERO;
    let value = ZERO;
    let fillCount = o.fillCount;
    while (need.gt(0) && level < n && crossesPrice(priceAt(levels, level), price, buy)) {
      const available = sizeAt(levels, level).minus(used);
      const qty = floorTo(available.lt(need) ? available : need, spec.lotSize);
      if (qty.gt(0)) {
        const v = price.times(qty);
        fillCount++;
        fills.push({
          fillId: `${o.clientOrderId}-${fillCount}`,
          clientOrderId: o.clientOrderId,
          symbol: spec.symbol,
          side: o.side,
          price: o.price,
          quantity: str(qty),
          fee: str(feeFor(v, spec.makerFeeRate)),
          feeAsset: spec.quote,
          liquidity: "maker",
          timeMs: bookTimeMs,
        });
        need = need.minus(qty);
        got = got.plus(qty);
        value = value.plus(v);
        used = used.plus(qty);
      }
      if (sizeAt(levels, level).minus(used).lt(spec.lotSize)) {
        level++;
        used = ZERO;
      }
    }
    if (got.isZero()) {
      out?.push(o);
      continue;
    }
    out ??= side.slice(0, k);
    const updated: RestingOrder = {
      ...o,
      filledQuantity: str(new Decimal(o.filledQuantity).plus(got)),
      filledNotional: str(new Decimal(o.filledNotional).plus(value)),
      fillCount,
    };
    const done = need.isZero();
    if (!done) out.push(updated);
    orders.push(venueOrderOf(updated, spec, done ? "filled" : "partially_filled", bookTimeMs));
  }
  if (!out) return side;
  for (; k < side.length; k++) {
    const o = side[k];
    if (o) out.push(o);
  }
  return out;
}
