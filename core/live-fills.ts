import type { Fill, OrderRequest, VenueOrder, VenueSpec } from "./market.js";
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

/**
 * What the desk's records say an exchange account should hold: the balances when trading went
 * live, plus what every fill since moved (a buy adds base and costs quote and fee; a sell the other
 * way round). Quote assets are matched by name (USDT stands in for USD on exchanges that quote in it).
 */
export function expectedBalances(baseline: Readonly<Record<string, string>>, fills: readonly Fill[], baseOf: (symbol: string) => { base: string; quote: string }): Record<string, Decimal> {
  const out = new Map<string, Decimal>();
  const add = (asset: string, amount: Decimal) => out.set(asset, (out.get(asset) ?? ZERO).plus(amount));
  for (const [asset, amount] of Object.entries(baseline)) add(asset, new Decimal(amount));
  for (const f of fills) {
    const { base, quote } = baseOf(f.symbol);
    const qty = new Decimal(f.quantity);
    const notional = qty.times(f.price);
    const fee = new Decimal(f.fee);
    if (f.side === "buy") {
      add(base, qty);
      add(quote, notional.plus(fee).neg());
    } else {
      add(base, qty.neg());
      add(quote, notional.minus(fee));
    }
  }
  return Object.fromEntries(out);
}

/** Assets whose balance at the exchange differs from the records by more than `tolerance`. */
export function balanceDifferences(expected: Readonly<Record<string, Decimal>>, actual: Readonly<Record<string, string>>, tolerance: Decimal): Array<{ asset: string; expected: string; actual: string }> {
  const assets = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  const out: Array<{ asset: string; expected: string; actual: string }> = [];
  for (const asset of assets) {
    const e = expected[asset] ?? ZERO;
    const a = new Decimal(actual[asset] ?? "0");
    if (e.minus(a).abs().gt(tolerance)) out.push({ asset, expected: str(e), actual: str(a) });
  }
  return out.sort((x, y) => x.asset.localeCompare(y.asset));
}

/** An order the exchange has not answered for yet: how long before "never placed" is concluded. */
export const LIVE_GRACE_MS = 30_000;

/** The record written before a real order is sent: `pending` until the exchange answers. */
export function pendingLiveOrder(order: OrderRequest, nowMs: number): VenueOrder {
  return { clientOrderId: order.clientOrderId, venueOrderId: null, symbol: order.symbol, side: order.side, type: order.type, timeInForce: order.timeInForce, price: order.price, quantity: order.quantity, filledQuantity: "0", averagePrice: "0", status: "pending", updatedAtMs: nowMs };
}

/** A new report of a live order and the fill it implies (priced at the venue's taker rate, in the symbol's quote). */
export function liveReport(prev: VenueOrder | null, next: VenueOrder, spec: VenueSpec, nowMs: number): { order: VenueOrder; fill: Fill | null } {
  const quote = spec.symbols.find((s) => s.symbol === next.symbol)?.quote ?? "USD";
  return { order: next, fill: fillFromProgress(prev, next, new Decimal(spec.takerFeeRate), quote, nowMs) };
}

/** While an account has an order whose outcome is not known, it takes no new risk. */
export function liveSubmitRefusal(account: string, outstanding: number): { code: "unknown_order_outstanding"; message: string } | null {
  return outstanding > 0 ? { code: "unknown_order_outstanding", message: `${account} has an order whose outcome is not known yet: no new orders until it is reconciled` } : null;
}

/**
 * What reconciliation does with one of the desk's live orders given the exchange's answer: take
 * the exchange's report when it moved, conclude `rejected` when the exchange never got an order
 * still unanswered after the grace period, or nothing.
 */
export function reconcileOrder(mine: VenueOrder, theirs: VenueOrder | null, nowMs: number): { kind: "report"; order: VenueOrder } | { kind: "rejected"; order: VenueOrder } | { kind: "none" } {
  if (!theirs) {
    const unanswered = mine.status === "pending" || mine.status === "unknown";
    return unanswered && nowMs - mine.updatedAtMs > LIVE_GRACE_MS ? { kind: "rejected", order: { ...mine, status: "rejected", updatedAtMs: nowMs } } : { kind: "none" };
  }
  const next = { ...theirs, symbol: mine.symbol };
  return next.status !== mine.status || next.filledQuantity !== mine.filledQuantity ? { kind: "report", order: next } : { kind: "none" };
}

/** The exchange's balances (free + locked) in the desk's asset names (USDT counted as USD where the exchange quotes in it). */
export function deskBalances(usdStandIn: string | null, balances: ReadonlyArray<{ asset: string; free: string; locked: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of balances) {
    const asset = b.asset === usdStandIn ? "USD" : b.asset;
    out[asset] = str(new Decimal(out[asset] ?? "0").plus(b.free).plus(b.locked));
  }
  return out;
}
