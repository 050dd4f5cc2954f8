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
