/**
 * One symbol across venues: the best bid and ask, and smart order routing that splits a parent
 * order over the venues' books.
 *
 * Routing is greedy, level by level: the next quantity always goes to the level with the best
 * effective price after the venue's taker fee (a buy pays price × (1 + fee), a sell receives
 * price × (1 − fee)); ties go to the venue listed first. Each venue's share is floored to its lot
 * size. A venue whose share would be under its min notional (share × its limit price, as the
 * venue's matching checks it) is dropped and the order is routed again without it. What no venue
 * can take (depth, the parent's limit price, lot granularity) is reported as unrouted.
 *
 * A child is an ioc limit order at the worst level planned for it, so it cannot walk further than
 * planned; against the same book, `core/matching` fills it exactly as expected (same levels, same
 * per-level fees).
 */
import { type ParsedLevels, parsedLevels, priceAt, sizeAt } from "./book-levels.js";
import type { OrderBook, OrderRequest, Side, SymbolSpec, VenueSpec } from "./market.js";
import { averagePrice, feeFor } from "./matching.js";
import { AMOUNT_PATTERN, Decimal, ZERO, str } from "./money.js";
import { floorTo } from "./ticks.js";

/** A venue's current book for a symbol, with what routing needs to know about the venue. */
export interface VenueBook {
  readonly venueId: string;
  readonly book: OrderBook;
  readonly spec: SymbolSpec;
  /** Fraction of notional ("0.001" = 10 bp). */
  readonly takerFeeRate: string;
}

/** Pairs a venue's book with the venue's symbol spec and taker fee. */
export function venueBook(venue: VenueSpec, book: OrderBook): VenueBook {
  const spec = venue.symbols.find((s) => s.symbol === book.symbol);
  if (!spec) throw new Error(`invariant: venue ${venue.id} lists ${book.symbol}`);
  return { venueId: venue.id, book, spec, takerFeeRate: venue.takerFeeRate };
}

export interface Quote {
  readonly venueId: string;
  readonly price: string;
  readonly size: string;
}

export interface BestQuotes {
  readonly symbol: string;
  /** The highest bid of any venue (at equal prices the larger size, then the venue listed first). */
  readonly bid: Quote | null;
  /** The lowest ask of any venue (same tie-breaks). */
  readonly ask: Quote | null;
  /** ask − bid; negative when two venues are crossed. */
  readonly spread: string | null;
}

/** The best bid and ask for `symbol` over the venues' books (books of other symbols are ignored). */
export function bestBidAsk(books: readonly VenueBook[], symbol: string): BestQuotes {
  let bid: { q: Quote; price: Decimal; size: Decimal } | null = null;
  let ask: { q: Quote; price: Decimal; size: Decimal } | null = null;
  for (const vb of books) {
    if (vb.book.symbol !== symbol) continue;
    const b = vb.book.bids[0];
    if (b) {
      const price = new Decimal(b.price);
      const size = new Decimal(b.size);
      if (!bid || price.gt(bid.price) || (price.eq(bid.price) && size.gt(bid.size))) bid = { q: { venueId: vb.venueId, ...b }, price, size };
    }
    const a = vb.book.asks[0];
    if (a) {
      const price = new Decimal(a.price);
      const size = new Decimal(a.size);
      if (!ask || price.lt(ask.price) || (price.eq(ask.price) && size.gt(ask.size))) ask = { q: { venueId: vb.venueId, ...a }, price, size };
    }
  }
  return { symbol, bid: bid?.q ?? null, ask: ask?.q ?? null, spread: bid && ask ? str(ask.price.minus(bid.price)) : null };
}

export interface ParentOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: string;
  /** Levels priced worse than this (before fees) are not used; null for none. */
  readonly limitPrice: string | null;
}

export interface ChildOrder {
  readonly venueId: string;
  /** Ready to submit: ioc limit at the worst level planned, id `<parent>:<venue>`. */
  readonly order: OrderRequest;
  readonly expectedAveragePrice: string;
  readonly expectedNotional: string;
  readonly expectedFee: string;
}

export interface RoutePlan {
  readonly ok: true;
  readonly symbol: string;
  readonly side: Side;
  /** In the order each venue was first used: best venue first. */
  readonly children: ChildOrder[];
  readonly routedQuantity: string;
  readonly unroutedQuantity: string;
  readonly averagePrice: string;
  readonly notional: string;
  readonly fees: string;
  /** What a unit costs (buy: notional + fees) or yields (sell: notional − fees), on average. */
  readonly effectiveAveragePrice: string;
}

export type { RouteRejectCode } from "./refusals.js";
import type { RouteRejectCode } from "./refusals.js";

export interface RouteRejected {
  readonly ok: false;
  readonly code: RouteRejectCode;
  readonly message: string;
}

/** Splits a parent order over the venues' books (see the file comment). */
export function routeOrder(parent: ParentOrder, books: readonly VenueBook[]): RoutePlan | RouteRejected {
  if (!AMOUNT_PATTERN.test(parent.quantity) || !new Decimal(parent.quantity).gt(0)) {
    return { ok: false, code: "invalid_quantity", message: `quantity ${parent.quantity} is not a positive plain decimal` };
  }
  if (parent.limitPrice !== null && (!AMOUNT_PATTERN.test(parent.limitPrice) || !new Decimal(parent.limitPrice).gt(0))) {
    return { ok: false, code: "invalid_price", message: `limit price ${parent.limitPrice} is not a positive plain decimal` };
  }
  const quantity = new Decimal(parent.quantity);
  const limit = parent.limitPrice === null ? null : new Decimal(parent.limitPrice);
  const buy = parent.side === "buy";
  const eligible = books.filter((vb) => vb.book.symbol === parent.symbol && vb.spec.symbol === parent.symbol);

  let excluded = new Set<string>();
  let cursors = allocate(eligible, excluded, buy, quantity, limit);
  for (;;) {
    const small = cursors
      .filter((c) => c.quantity.gt(0) && c.quantity.times(c.worst).lt(c.minNotional))
      .sort((a, b) => a.notional.comparedTo(b.notional));
    const drop = small[0];
    if (!drop) break;
    excluded = new Set([...excluded, drop.vb.venueId]);
    cursors = allocate(eligible, excluded, buy, quantity, limit);
  }

  const used = cursors.filter((c) => c.quantity.gt(0)).sort((a, b) => a.firstUse - b.firstUse);
  if (used.length === 0) return { ok: false, code: "unroutable", message: `no venue can take any of ${parent.quantity} ${parent.symbol}` };
  let routed = ZERO;
  let notional = ZERO;
  let fees = ZERO;
  const children = used.map((c): ChildOrder => {
    routed = routed.plus(c.quantity);
    notional = notional.plus(c.notional);
    fees = fees.plus(c.fees);
    return {
      venueId: c.vb.venueId,
      order: {
        clientOrderId: `${parent.clientOrderId}:${c.vb.venueId}`,
        symbol: parent.symbol,
        side: parent.side,
        type: "limit",
        quantity: str(c.quantity),
        price: str(c.worst),
        timeInForce: "ioc",
      },
      expectedAveragePrice: averagePrice(c.notional, c.quantity),
      expectedNotional: str(c.notional),
      expectedFee: str(c.fees),
    };
  });
  return {
    ok: true,
    symbol: parent.symbol,
    side: parent.side,
    children,
    routedQuantity: str(routed),
    unroutedQuantity: str(quantity.minus(routed)),
    averagePrice: averagePrice(notional, routed),
    notional: str(notional),
    fees: str(fees),
    effectiveAveragePrice: averagePrice(buy ? notional.plus(fees) : notional.minus(fees), routed),
  };
}

interface Cursor {
  readonly vb: VenueBook;
  readonly levels: ParsedLevels;
  readonly lot: Decimal;
  readonly minNotional: Decimal;
  readonly feeRate: Decimal;
  /** 1 + fee for a buy, 1 − fee for a sell: effective price = price × this. */
  readonly feeFactor: Decimal;
  level: number;
  usedAtLevel: Decimal;
  done: boolean;
  quantity: Decimal;
  notional: Decimal;
  fees: Decimal;
  worst: Decimal;
  firstUse: number;
}

function allocate(books: readonly VenueBook[], excluded: ReadonlySet<string>, buy: boolean, quantity: Decimal, limit: Decimal | null): Cursor[] {
  const cursors: Cursor[] = books
    .filter((vb) => !excluded.has(vb.venueId))
    .map((vb) => {
      const feeRate = new Decimal(vb.takerFeeRate);
      return {
        vb,
        levels: parsedLevels(buy ? vb.book.asks : vb.book.bids),
        lot: new Decimal(vb.spec.lotSize),
        minNotional: new Decimal(vb.spec.minNotional),
        feeRate,
        feeFactor: buy ? feeRate.plus(1) : new Decimal(1).minus(feeRate),
        level: 0,
        usedAtLevel: ZERO,
        done: false,
        quantity: ZERO,
        notional: ZERO,
        fees: ZERO,
        worst: ZERO,
        firstUse: Number.MAX_SAFE_INTEGER,
      };
    });
  let remaining = quantity;
  let allocations = 0;
  while (remaining.gt(0)) {
    let best: Cursor | null = null;
    let bestEffective = ZERO;
    for (const c of cursors) {
      if (!settle(c, buy, limit)) continue;
      const effective = priceAt(c.levels, c.level).times(c.feeFactor);
      if (!best || (buy ? effective.lt(bestEffective) : effective.gt(bestEffective))) {
        best = c;
        bestEffective = effective;
      }
    }
    if (!best) break;
    const available = sizeAt(best.levels, best.level).minus(best.usedAtLevel);
    const qty = floorTo(available.lt(remaining) ? available : remaining, best.lot);
    if (qty.isZero()) {
      // What is left is under this venue's lot: the other venues may still take it.
      best.done = true;
      continue;
    }
    const price = priceAt(best.levels, best.level);
    const value = price.times(qty);
    best.quantity = best.quantity.plus(qty);
    best.notional = best.notional.plus(value);
    best.fees = best.fees.plus(feeFor(value, best.feeRate));
    best.worst = price;
    best.usedAtLevel = best.usedAtLevel.plus(qty);
    if (best.firstUse === Number.MAX_SAFE_INTEGER) best.firstUse = allocations;
    allocations++;
    remaining = remaining.minus(qty);
  }
  return cursors;
}

/** Moves the cursor to its next usable level; false when the venue has nothing more to offer. */
function settle(c: Cursor, buy: boolean, limit: Decimal | null): boolean {
  if (c.done) return false;
  const n = c.levels.levels.length;
  while (c.level < n && sizeAt(c.levels, c.level).minus(c.usedAtLevel).lt(c.lot)) {
    c.level++;
    c.usedAtLevel = ZERO;
  }
  if (c.level >= n) {
    c.done = true;
    return false;
  }
  const price = priceAt(c.levels, c.level);
  if (limit !== null && (buy ? price.gt(limit) : price.lt(limit))) {
    c.done = true;
    return false;
  }
  return true;
}
