/**
 * Cross-venue arbitrage scanner: for every ordered pair of venues quoting the same symbol, buy
 * where the asks are low and sell where the bids are high, net of both taker fees.
 *
 * Sizing walks both books level by level and stops when the marginal net edge,
 * bid × (1 − sellFee) − ask × (1 + buyFee), falls to zero or below `minEdgeBp` of the unit cost
 * ask × (1 + buyFee). Quantities are multiples of both venues' lots (their least common multiple),
 * optionally capped by `maxQuantity`. Fees are charged per step and rounded up as `core/matching`
 * rounds them, so the expected profit errs low. An opportunity is dropped when its profit is not
 * positive or either leg is under its venue's min notional (quantity × the leg's limit price).
 * Results are sorted by expected profit, largest first (then by venue ids, for a stable order).
 */
import { type ParsedLevels, parsedLevels, priceAt, sizeAt } from "./book-levels.js";
import { averagePrice, feeFor } from "./matching.js";
import { Decimal, ZERO, str } from "./money.js";
import type { VenueBook } from "./routing.js";
import { commonStep, floorTo } from "./ticks.js";

export interface ArbitrageOptions {
  /** Smallest marginal net edge worth taking, in bp of the unit cost; default 0 (any positive edge). */
  readonly minEdgeBp?: number;
  /** Cap on one opportunity's quantity (base units); default none. */
  readonly maxQuantity?: string | null;
}

export interface ArbitrageOpportunity {
  readonly symbol: string;
  readonly buyVenueId: string;
  readonly sellVenueId: string;
  readonly quantity: string;
  readonly buyAveragePrice: string;
  readonly sellAveragePrice: string;
  /** Limit prices for the two ioc legs: the worst level used on each side. */
  readonly buyLimitPrice: string;
  readonly sellLimitPrice: string;
  readonly buyNotional: string;
  readonly sellNotional: string;
  /** Both legs' taker fees, in the quote asset. */
  readonly fees: string;
  /** sellNotional − buyNotional − fees. */
  readonly expectedProfit: string;
  /** Net edge of the first unit (top of both books), bp of its cost. */
  readonly topEdgeBp: number;
  /** expectedProfit over what the buy leg costs with its fee, in bp. */
  readonly edgeBp: number;
}

const BP = new Decimal("0.0001");

/** Every profitable buy-here/sell-there pair among the books, best first. */
export function scanArbitrage(books: readonly VenueBook[], options: ArbitrageOptions = {}): ArbitrageOpportunity[] {
  const minEdge = new Decimal(options.minEdgeBp ?? 0).times(BP);
  const cap = options.maxQuantity == null ? null : new Decimal(options.maxQuantity);
  const found: Array<{ o: ArbitrageOpportunity; profit: Decimal }> = [];
  for (const buy of books) {
    for (const sell of books) {
      if (buy === sell || buy.venueId === sell.venueId || buy.book.symbol !== sell.book.symbol) continue;
      const o = walk(buy, sell, minEdge, cap);
      if (o) found.push(o);
    }
  }
  found.sort((a, b) => b.profit.comparedTo(a.profit) || a.o.buyVenueId.localeCompare(b.o.buyVenueId) || a.o.sellVenueId.localeCompare(b.o.sellVenueId));
  return found.map((f) => f.o);
}

interface Side {
  readonly levels: ParsedLevels;
  level: number;
  used: Decimal;
}

function walk(buy: VenueBook, sell: VenueBook, minEdge: Decimal, cap: Decimal | null): { o: ArbitrageOpportunity; profit: Decimal } | null {
  const buyFee = new Decimal(buy.takerFeeRate);
  const sellFee = new Decimal(sell.takerFeeRate);
  const buyFactor = buyFee.plus(1);
  const sellFactor = new Decimal(1).minus(sellFee);
  const lot = commonStep(new Decimal(buy.spec.lotSize), new Decimal(sell.spec.lotSize));
  const asks: Side = { levels: parsedLevels(buy.book.asks), level: 0, used: ZERO };
  const bids: Side = { levels: parsedLevels(sell.book.bids), level: 0, used: ZERO };

  let quantity = ZERO;
  let buyNotional = ZERO;
  let sellNotional = ZERO;
  let fees = ZERO;
  let buyWorst = ZERO;
  let sellWorst = ZERO;
  let topEdgeBp: number | null = null;
  while (settle(asks, lot) && settle(bids, lot)) {
    const ask = priceAt(asks.levels, asks.level);
    const bid = priceAt(bids.levels, bids.level);
    const cost = ask.times(buyFactor);
    const edge = bid.times(sellFactor).minus(cost);
    if (!edge.gt(0) || edge.lt(cost.times(minEdge))) break;
    topEdgeBp ??= edge.div(cost).div(BP).toNumber();
    let step = Decimal.min(sizeAt(asks.levels, asks.level).minus(asks.used), sizeAt(bids.levels, bids.level).minus(bids.used));
    if (cap) step = Decimal.min(step, cap.minus(quantity));
    step = floorTo(step, lot);
    if (!step.gt(0)) break;
    const buyValue = ask.times(step);
    const sellValue = bid.times(step);
    quantity = quantity.plus(step);
    buyNotional = buyNotional.plus(buyValue);
    sellNotional = sellNotional.plus(sellValue);
    fees = fees.plus(feeFor(buyValue, buyFee)).plus(feeFor(sellValue, sellFee));
    buyWorst = ask;
    sellWorst = bid;
    asks.used = asks.used.plus(step);
    bids.used = bids.used.plus(step);
  }
  if (quantity.isZero() || topEdgeBp === null) return null;
  const profit = sellNotional.minus(buyNotional).minus(fees);
  if (!profit.gt(0)) return null;
  if (quantity.times(buyWorst).lt(buy.spec.minNotional) || quantity.times(sellWorst).lt(sell.spec.minNotional)) return null;
  const buyCost = buyNotional.plus(feeFor(buyNotional, buyFee));
  return {
    profit,
    o: {
      symbol: buy.book.symbol,
      buyVenueId: buy.venueId,
      sellVenueId: sell.venueId,
      quantity: str(quantity),
      buyAveragePrice: averagePrice(buyNotional, quantity),
      sellAveragePrice: averagePrice(sellNotional, quantity),
      buyLimitPrice: str(buyWorst),
      sellLimitPrice: str(sellWorst),
      buyNotional: str(buyNotional),
      sellNotional: str(sellNotional),
      fees: str(fees),
      expectedProfit: str(profit),
      topEdgeBp,
      edgeBp: profit.div(buyCost).div(BP).toNumber(),
    },
  };
}

/** Skips levels with less than one (common) lot left; false when the side is exhausted. */
function settle(side: Side, lot: Decimal): boolean {
  const n = side.levels.levels.length;
  while (side.level < n && sizeAt(side.levels, side.level).minus(side.used).lt(lot)) {
    side.level++;
    side.used = ZERO;
  }
  return side.level < n;
}
