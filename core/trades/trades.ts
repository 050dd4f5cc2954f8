/**
 * An agent's fills as trades (spot, long only). Buys open lots; sells close them first in, first
 * out, per venue and symbol. A sell that closes parts of several lots makes one closed trade per
 * lot portion: each keeps its own entry time and price, so a trader can see which buy it closed.
 *
 * Fees, so that the numbers agree with the agent's ledger (core/orders.ts fillEntry) to the digit:
 * - in the quote (what the paper venues and live fills charge): a buy costs price × qty + fee, a
 *   sell returns price × qty − fee;
 * - in the base (an exchange taking a buy's fee from what was bought): the base moved changes by
 *   the fee (a buy's lot holds qty − fee; a sell gives up qty + fee) and the fee counts as
 *   fee × price in quote, so the quote paid or received is still price × qty;
 * - in any other asset: counted as quote (the desk has no price for it here).
 * A lot's entry fee, and a sell's fee, is shared between portions pro rata by quantity (rounded
 * down), the last portion taking what is left, so the portions add up to the fee exactly.
 *
 * A sell beyond the open lots (a position older than the fills given) closes what there is; the
 * rest has no known entry and makes no trade.
 */
import { Decimal, ZERO, dec, str } from "../money.js";
import type { ClosedTrade, OpenTrade, TradeFill } from "./types.js";

/** The price or stop for a venue's symbol, or null when there is none. */
export type PriceOf = (venue: string, symbol: string) => string | null;

interface Lot {
  readonly fillId: string;
  readonly timeMs: number;
  readonly price: Decimal;
  qty: Decimal;
  /** Entry fee (quote) not yet charged to a closed portion. */
  fee: Decimal;
}

interface Book {
  readonly venue: string;
  readonly symbol: string;
  /** Lots in the order they were bought; those before `head` are closed (a queue without shifting). */
  readonly lots: Lot[];
  head: number;
  /** Σ qty of the open lots. */
  held: Decimal;
  /** The fill that opened the position from flat: the open trade's id. */
  openedBy: string | null;
}

/** Decimals a shared fee portion keeps (the money scale at rest). */
const PORTION_SCALE = 18;

/** The base asset of a "BASE-QUOTE" symbol, or the symbol itself when it has no dash. */
function baseOf(symbol: string): string {
  const i = symbol.indexOf("-");
  return i > 0 ? symbol.slice(0, i) : symbol;
}

/** True when the fill's fee was taken in the base asset (it moves the base, not the quote). */
export function feeInBase(fill: TradeFill): boolean {
  return fill.feeAsset === baseOf(fill.symbol) && fill.feeAsset !== "";
}

/** The fill's fee in quote: fee × price when it was taken in the base, the fee otherwise. */
export function feeInQuote(fill: TradeFill): Decimal {
  const fee = dec(fill.fee);
  return feeInBase(fill) ? fee.times(dec(fill.price)) : fee;
}

/** The base the fill moved: a buy adds qty (less a base fee), a sell removes qty (plus a base fee). */
export function baseMoved(fill: TradeFill): Decimal {
  const qty = dec(fill.quantity);
  const baseFee = feeInBase(fill) ? dec(fill.fee) : ZERO;
  return fill.side === "buy" ? qty.minus(baseFee) : qty.plus(baseFee).neg();
}

/**
 * `part` of `whole`'s `amount`, rounded down to the money scale: the caller gives the last portion
 * the rest, which rounding down keeps at or above its own share (never a negative fee).
 */
function share(amount: Decimal, part: Decimal, whole: Decimal): Decimal {
  if (whole.isZero()) return ZERO;
  return amount.times(part).div(whole).toDecimalPlaces(PORTION_SCALE, Decimal.ROUND_DOWN);
}

/** Percent of `pnl` over `cost` as a number; 0 when the cost is zero. */
function pct(pnl: Decimal, cost: Decimal): number {
  return cost.isZero() ? 0 : pnl.div(cost).times(100).toNumber();
}

/** Fills in time order; fills at the same time keep the order they were given in. */
function inTimeOrder(fills: readonly TradeFill[]): TradeFill[] {
  return fills
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.timeMs - b.f.timeMs || a.i - b.i)
    .map((x) => x.f);
}

function bookFor(books: Map<string, Book>, fill: TradeFill): Book {
  const key = `${fill.venue}\u0000${fill.symbol}`;
  let book = books.get(key);
  if (!book) {
    book = { venue: fill.venue, symbol: fill.symbol, lots: [], head: 0, held: ZERO, openedBy: null };
    books.set(key, book);
  }
  return book;
}

function openLot(book: Book, fill: TradeFill): void {
  const qty = baseMoved(fill);
  if (qty.lte(ZERO)) return;
  if (book.held.isZero()) book.openedBy = fill.fillId;
  book.lots.push({ fillId: fill.fillId, timeMs: fill.timeMs, price: dec(fill.price), qty, fee: feeInQuote(fill) });
  book.held = book.held.plus(qty);
}

/** Closes lots first in, first out against a sell; one closed trade per lot portion. */
function closeLots(book: Book, fill: TradeFill, out: ClosedTrade[]): void {
  const sold = baseMoved(fill).neg();
  if (sold.lte(ZERO)) return;
  const exitPrice = dec(fill.price);
  const sellFee = feeInQuote(fill);
  const matched = Decimal.min(sold, book.held);
  let left = matched;
  let feeLeft = matched.eq(sold) ? sellFee : share(sellFee, matched, sold);
  while (left.gt(ZERO)) {
    const lot = book.lots[book.head];
    if (!lot) break;
    const qty = Decimal.min(left, lot.qty);
    const whole = qty.eq(lot.qty);
    const last = qty.eq(left);
    const entryFee = whole ? lot.fee : share(lot.fee, qty, lot.qty);
    const exitFee = last ? feeLeft : share(sellFee, qty, sold);
    const cost = lot.price.times(qty);
    const pnl = exitPrice.times(qty).minus(cost).minus(entryFee).minus(exitFee);
    out.push({
      id: `${book.venue}:${book.symbol}:${lot.fillId}:${fill.fillId}`,
      venue: book.venue,
      symbol: book.symbol,
      quantity: str(qty),
      entryTimeMs: lot.timeMs,
      entryPrice: str(lot.price),
      exitTimeMs: fill.timeMs,
      exitPrice: str(exitPrice),
      realizedPnl: str(pnl),
      realizedPct: pct(pnl, cost.plus(entryFee)),
      fees: str(entryFee.plus(exitFee)),
      durationMs: Math.max(0, fill.timeMs - lot.timeMs),
    });
    lot.qty = lot.qty.minus(qty);
    lot.fee = lot.fee.minus(entryFee);
    feeLeft = feeLeft.minus(exitFee);
    left = left.minus(qty);
    if (lot.qty.isZero()) book.head++;
  }
  book.held = book.held.minus(matched);
  if (book.held.isZero()) book.openedBy = null;
}

/** The position left in a book as one open trade (null when flat). */
function openTradeOf(book: Book, marks: PriceOf, nowMs: number, stops: PriceOf | undefined): OpenTrade | null {
  const first = book.lots[book.head];
  if (!first) return null;
  let qty = ZERO;
  let cost = ZERO;
  let fees = ZERO;
  for (let i = book.head; i < book.lots.length; i++) {
    const lot = book.lots[i] as Lot;
    qty = qty.plus(lot.qty);
    cost = cost.plus(lot.price.times(lot.qty));
    fees = fees.plus(lot.fee);
  }
  const mark = marks(book.venue, book.symbol);
  // Unrealized P&L from the exact cost, not from the rounded average entry price.
  const unrealized = mark === null ? null : dec(mark).times(qty).minus(cost).minus(fees);
  return {
    id: `${book.venue}:${book.symbol}:${book.openedBy ?? first.fillId}`,
    venue: book.venue,
    symbol: book.symbol,
    quantity: str(qty),
    entryTimeMs: first.timeMs,
    entryPrice: str(cost.div(qty).toDecimalPlaces(PORTION_SCALE, Decimal.ROUND_HALF_EVEN)),
    currentPrice: mark,
    unrealizedPnl: unrealized === null ? null : str(unrealized),
    unrealizedPct: unrealized === null ? null : pct(unrealized, cost.plus(fees)),
    durationMs: Math.max(0, nowMs - first.timeMs),
    stop: stops ? stops(book.venue, book.symbol) : null,
    fees: str(fees),
  };
}

/**
 * An agent's fills as open trades (one per venue and symbol still held, entry = its open lots)
 * and closed trades (one per lot portion a sell closed, in the order they closed).
 */
export function tradesOf(fills: readonly TradeFill[], marks: PriceOf, nowMs: number, stops?: PriceOf): { open: OpenTrade[]; closed: ClosedTrade[] } {
  const books = new Map<string, Book>();
  const closed: ClosedTrade[] = [];
  for (const fill of inTimeOrder(fills)) {
    const book = bookFor(books, fill);
    if (fill.side === "buy") openLot(book, fill);
    else closeLots(book, fill, closed);
  }
  const open: OpenTrade[] = [];
  for (const book of books.values()) {
    const trade = openTradeOf(book, marks, nowMs, stops);
    if (trade) open.push(trade);
  }
  return { open, closed };
}
