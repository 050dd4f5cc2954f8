/**
 * The paper venue's matching rules shared by new and resting orders: a symbol's parsed spec, the
 * desk's resting orders as plain data, fees, average prices and price crossing.
 */
import type { Fill, OrderStatus, Side, VenueOrder, VenueSpec } from "../market.js";
import { Decimal, ZERO, str } from "../money.js";

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

/** The matching rules of one symbol of a venue (throws if the venue does not list it). */
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
export function restingPrice(o: RestingOrder): Decimal {
  let d = restingPrices.get(o);
  if (!d) {
    d = new Decimal(o.price);
    restingPrices.set(o, d);
  }
  return d;
}

/** Whether a level at `levelPrice` trades with a `buy` (or sell) limited at `limit`. */
export function crossesPrice(levelPrice: Decimal, limit: Decimal, buy: boolean): boolean {
  return buy ? levelPrice.lte(limit) : levelPrice.gte(limit);
}

/** notional / quantity, half-even to AVERAGE_PRICE_DECIMALS places; "0" for no quantity. */
export function averagePrice(notional: Decimal, quantity: Decimal): string {
  return quantity.isZero() ? "0" : str(notional.div(quantity).toDecimalPlaces(AVERAGE_PRICE_DECIMALS, Decimal.ROUND_HALF_EVEN));
}

