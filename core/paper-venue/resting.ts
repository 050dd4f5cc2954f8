/**
 * The desk's resting orders against later books: a resting order fills from a book later than its
 * arrival, at its own limit price, against the opposite liquidity at or through that price, in
 * price-time priority. Each book is used once. Resting orders never match one another.
 */
import { type ParsedLevels, parsedLevels, priceAt, sizeAt } from "../book-levels.js";
import type { Fill, OrderBook, VenueOrder } from "../market.js";
import { Decimal, ZERO, str } from "../money.js";
import { floorTo } from "../ticks.js";
import { type MatchingSpec, type RestingBook, type RestingMatch, type RestingOrder, crossesPrice, feeFor, restingPrice, venueOrderOf } from "./rules.js";

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
