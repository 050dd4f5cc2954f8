import { Decimal, ZERO, str } from "../../../../core/money.ts";
import type { BookLevel, OrderBook } from "../../types.ts";

/** One level as the ladder shows it: cumulative size from the touch, and a depth bar. */
export interface DepthRow {
  readonly price: string;
  readonly size: string;
  /** Size from the best level down to this one. */
  readonly total: string;
  /** This level's cumulative size as a share of the deeper side's (0–100), for the bar only. */
  readonly depthPct: number;
}

export interface BookView {
  /** Worst shown first, best last: asks sit above the spread, read downwards toward it. */
  readonly asks: readonly DepthRow[];
  /** Best first. */
  readonly bids: readonly DepthRow[];
  /** ask − bid, null when a side is empty. */
  readonly spread: string | null;
  /** The spread in basis points of the mid, one decimal. */
  readonly spreadBp: string | null;
  readonly mid: string | null;
}

function cumulative(levels: readonly BookLevel[], count: number): { level: BookLevel; total: Decimal }[] {
  let total = ZERO;
  return levels.slice(0, count).map((level) => {
    total = total.plus(new Decimal(level.size));
    return { level, total };
  });
}

/** The top `count` levels of each side with running totals, the spread and the mid. */
export function bookView(book: OrderBook, count: number): BookView {
  const asks = cumulative(book.asks, count);
  const bids = cumulative(book.bids, count);
  const deepest = Decimal.max(asks.at(-1)?.total ?? ZERO, bids.at(-1)?.total ?? ZERO);
  const row = ({ level, total }: { level: BookLevel; total: Decimal }): DepthRow => ({
    price: level.price,
    size: level.size,
    total: str(total),
    depthPct: deepest.isZero() ? 0 : total.div(deepest).times(100).toDecimalPlaces(1).toNumber(),
  });
  const bestBid = book.bids[0];
  const bestAsk = book.asks[0];
  let spread: string | null = null;
  let spreadBp: string | null = null;
  let mid: string | null = null;
  if (bestBid && bestAsk) {
    const bid = new Decimal(bestBid.price);
    const ask = new Decimal(bestAsk.price);
    const m = bid.plus(ask).div(2);
    spread = str(ask.minus(bid));
    mid = str(m);
    spreadBp = m.isZero() ? null : ask.minus(bid).div(m).times(10_000).toFixed(1);
  }
  return { asks: asks.map(row).reverse(), bids: bids.map(row), spread, spreadBp, mid };
}
