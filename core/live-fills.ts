import type { Fill, VenueOrder } from "./market.js";
import { Decimal, ZERO, str } from "./money.js";

/**
 * A live exchange reports an order's progress (filled quantity, average price); the desk's
 * ledger wants fills. The fill between two reports is the difference: its quantity is the new
 * filled quantity minus the old, its price what makes the averages agree. Its id is the order's
 * id and the filled quantity it reaches, so a report seen twice makes the same fill, once.
 * The fee is the venue's taker rate on the notional: an estimate until the exchange's own fill
 * report is read.
 */
export function fillFromProgress(prev: VenueOrder | null, next: VenueOrder, takerFeeRate: Decimal, quote: string, nowMs: number): Fill | null {
  const before = new Decimal(prev?.filledQuantity ?? "0");
  const after = new Decimal(next.filledQuantity);
  const quantity = after.minus(before);
  if (quantity.lte(ZERO)) return null;
  const notionalBefore = before.times(prev?.averagePrice ?? "0");
  const notionalAfter = after.times(next.averagePrice);
  const price = notionalAfter.minus(notionalBefore).div(quantity).toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN);
  const fee = price.times(quantity).times(takerFeeRate).toDecimalPlaces(8, Decimal.ROUND_CEIL);
  return {
    fillId: `${next.clientOrderId}:${str(after)}`,
    clientOrderId: next.clientOrderId,
    symbol: next.symbol,
    side: next.side,
    price: str(price),
    quantity: str(quantity),
    fee: str(fee),
    feeAsset: quote,
    liquidity: "taker",
    timeMs: nowMs,
  };
}
