/**
 * Everything a paper venue decides, as plain functions of (state, command, nowMs): the market
 * clock, candles, books, matching of new and resting orders, what to persist and which fills to
 * deliver. The Venue object loads the state a command concerns, calls one of these and persists
 * the step; a backtest keeps the whole state in memory and drives the same functions.
 *
 * The state is a view: `orders` holds the orders a command concerns (the object loads the one
 * named and the ones resting), `resting` the symbols' resting books. A plain caller keeps them all.
 */
import type { SubmitResult } from "../messages.js";
import type { Candle, Fill, OrderBook, OrderRequest, Ticker, VenueOrder, VenueSpec } from "../market.js";
import { bookFor } from "../market-book.js";
import { type MarketState, venuePrice } from "../market-sim.js";
import { Decimal } from "../money.js";
import { cancelOrder, submitOrder } from "../matching.js";
import { matchResting } from "./resting.js";
import { type MatchingSpec, type RestingBook, emptyRestingBook, matchingSpec } from "./rules.js";
import { type SymbolCandle, advanceMarket, keepMinutes } from "./market-clock.js";

/** An order at the venue with the account (agent) it belongs to and its fills so far. */
export interface OrderRecord {
  readonly account: string;
  readonly order: VenueOrder;
  readonly fills: readonly Fill[];
}

export interface PaperVenueState {
  readonly spec: VenueSpec;
  /** The synthetic market; null until first advanced (it then starts from the shared seed). */
  readonly market: MarketState | null;
  /** The desk's resting orders per symbol (a symbol missing has none). */
  readonly resting: Readonly<Record<string, RestingBook>>;
  /** Orders by client order id. */
  readonly orders: Readonly<Record<string, OrderRecord>>;
  /** The newest one-minute candle kept per symbol: a minute seen again merges with it. */
  readonly latestCandles: Readonly<Record<string, Candle>>;
}

/** What a command changed: the next state and what to persist (and deliver: every new fill). */
export interface VenueStep {
  readonly state: PaperVenueState;
  readonly marketChanged: boolean;
  readonly resting: readonly RestingBook[];
  readonly orders: readonly OrderRecord[];
  readonly fills: ReadonlyArray<{ readonly account: string; readonly fill: Fill }>;
  readonly candles: readonly SymbolCandle[];
  readonly dropCandlesBeforeMs: Readonly<Record<string, number>>;
}

/** Books fed from outside (the exchange's public books, a backtest's history) by symbol; they stand in for the synthetic market's. */
export type FedBooks = Readonly<Record<string, OrderBook | null | undefined>>;

/** How long after now the venue wants to run again: resting orders are checked every second, undelivered fills retried. */
export const RESTING_CHECK_MS = 1_000;
export const FILL_RETRY_MS = 2_000;

/** A paper venue with nothing on it yet. */
export function createPaperVenue(spec: VenueSpec, market: MarketState | null = null): PaperVenueState {
  return { spec, market, resting: {}, orders: {}, latestCandles: {} };
}

/** Advances the venue's market to now (the last grid point at or before it), recording candles. */
export function advanceVenue(state: PaperVenueState, nowMs: number): VenueStep {
  const advanced = advanceMarket(state.market, state.spec.id, state.spec.symbols, nowMs);
  const kept = keepMinutes(state.latestCandles, advanced.minutes);
  return {
    ...noChange({ ...state, market: advanced.market, latestCandles: kept.latest }),
    marketChanged: advanced.changed,
    candles: kept.writes,
    dropCandlesBeforeMs: kept.dropBeforeMs,
  };
}

/** The book of `symbol` now: the fed one if any, else the synthetic market's (advanced to now); null if the venue does not list it. */
export function bookAt(state: PaperVenueState, symbol: string, nowMs: number, fed: FedBooks = {}): { step: VenueStep; book: OrderBook | null } {
  const s = state.spec.symbols.find((x) => x.symbol === symbol);
  if (!s) return { step: noChange(state), book: null };
  const given = fed[symbol];
  if (given) return { step: noChange(state), book: given };
  const step = advanceVenue(state, nowMs);
  return { step, book: bookFor(step.state.market as MarketState, state.spec.id, symbol, s, nowMs) };
}

/** Best bid, ask and last of `symbol` now (last: the mid of a fed book, the market's price otherwise). */
export function tickerAt(state: PaperVenueState, symbol: string, nowMs: number, fed: FedBooks = {}): { step: VenueStep; ticker: Ticker | null } {
  const { step, book } = bookAt(state, symbol, nowMs, fed);
  if (!book) return { step, ticker: null };
  const bid = book.bids[0]?.price ?? "0";
  const ask = book.asks[0]?.price ?? "0";
  const last = fed[symbol] ? new Decimal(bid).plus(ask).div(2).toDecimalPlaces(8).toFixed() : venuePrice(step.state.market as MarketState, state.spec.id, symbol);
  return { step, ticker: { symbol, bid, ask, last, timeMs: book.timeMs } };
}

/**
 * Places an order for an account, idempotent on the client order id (a repeat answers the order
 * as it stands). It meets the book as it is after the venue's latency. A market buy with a
 * `quoteBudget` never spends more than it (notional + fee).
 */
export function submitPaper(
  state: PaperVenueState,
  account: string,
  order: OrderRequest,
  nowMs: number,
  options: { readonly quoteBudget?: string | null; readonly books?: FedBooks } = {},
): { step: VenueStep; reply: SubmitResult } {
  const known = state.orders[order.clientOrderId];
  if (known) {
    if (known.account !== account) return { step: noChange(state), reply: { ok: false, code: "duplicate_client_order_id", message: `${order.clientOrderId} belongs to another account` } };
    return { step: noChange(state), reply: { ok: true, order: known.order, fills: [...known.fills] } };
  }
  const m = matchingFor(state.spec, order.symbol);
  const s = state.spec.symbols.find((x) => x.symbol === order.symbol);
  if (!m || !s) return { step: noChange(state), reply: { ok: false, code: "invalid_symbol", message: `${state.spec.id} does not list ${order.symbol}` } };
  const arrivalMs = nowMs + m.latencyMs;
  const fed = options.books?.[order.symbol];
  const advanced = fed ? noChange(state) : advanceVenue(state, arrivalMs);
  const book = fed ? { ...fed, timeMs: arrivalMs } : bookFor(advanced.state.market as MarketState, state.spec.id, order.symbol, s, arrivalMs);
  const result = submitOrder(restingOf(state, order.symbol), order, book, nowMs, m, { quoteBudget: options.quoteBudget ?? null });
  if (!result.ok) return { step: advanced, reply: { ok: false, code: result.code, message: result.message } };
  const record: OrderRecord = { account, order: result.order, fills: result.fills };
  const next = withOrders({ ...advanced.state, resting: { ...advanced.state.resting, [order.symbol]: result.resting } }, [record]);
  return {
    step: { ...advanced, state: next, resting: [result.resting], orders: [record], fills: result.fills.map((fill) => ({ account, fill })) },
    reply: { ok: true, order: result.order, fills: result.fills },
  };
}

/** Cancels a resting order of the account; an order already final answers as it stands. */
export function cancelPaper(state: PaperVenueState, account: string, clientOrderId: string, nowMs: number): { step: VenueStep; reply: SubmitResult } {
  const known = state.orders[clientOrderId];
  if (!known || known.account !== account) return { step: noChange(state), reply: { ok: false, code: "unknown_order", message: `no order ${clientOrderId} for ${account}` } };
  if (!isOpen(known.order)) return { step: noChange(state), reply: { ok: true, order: known.order, fills: [...known.fills] } };
  const symbol = known.order.symbol;
  const m = matchingFor(state.spec, symbol);
  if (!m) return { step: noChange(state), reply: { ok: false, code: "invalid_symbol", message: symbol } };
  const out = cancelOrder(restingOf(state, symbol), clientOrderId, nowMs, m);
  if (!out.ok) return { step: noChange(state), reply: { ok: false, code: out.code, message: out.message } };
  const record: OrderRecord = { ...known, order: out.order };
  const next = withOrders({ ...state, resting: { ...state.resting, [symbol]: out.resting } }, [record]);
  return { step: { ...noChange(next), resting: [out.resting], orders: [record] }, reply: { ok: true, order: out.order, fills: [...known.fills] } };
}

/**
 * The venue's clock tick: advances the market to now and fills the resting orders the books (fed
 * or synthetic) trade at or through. Fills of orders the state does not hold are not made (the
 * object loads every resting order's record first).
 */
export function matchRestingAt(state: PaperVenueState, nowMs: number, books: FedBooks = {}): VenueStep {
  let step = advanceVenue(state, nowMs);
  for (const s of state.spec.symbols) {
    const resting = step.state.resting[s.symbol];
    if (!resting || (resting.bids.length === 0 && resting.asks.length === 0)) continue;
    const fed = books[s.symbol];
    step = merge(step, feedBook(step.state, fed ?? bookFor(step.state.market as MarketState, state.spec.id, s.symbol, s, nowMs)));
  }
  return step;
}

/** Matches the resting orders of the book's symbol against `book` (a backtest feeds its history this way). */
export function feedBook(state: PaperVenueState, book: OrderBook): VenueStep {
  const resting = state.resting[book.symbol];
  const m = matchingFor(state.spec, book.symbol);
  if (!resting || !m || (resting.bids.length === 0 && resting.asks.length === 0)) return noChange(state);
  const out = matchResting(resting, book, m);
  if (out.fills.length === 0 && out.orders.length === 0) return noChange(state);
  const records: OrderRecord[] = [];
  const fills: Array<{ account: string; fill: Fill }> = [];
  for (const o of out.orders) {
    const known = state.orders[o.clientOrderId];
    if (!known) continue;
    const mine = out.fills.filter((f) => f.clientOrderId === o.clientOrderId);
    records.push({ account: known.account, order: o, fills: [...known.fills, ...mine] });
    for (const fill of mine) fills.push({ account: known.account, fill });
  }
  const next = withOrders({ ...state, resting: { ...state.resting, [book.symbol]: out.resting } }, records);
  return { ...noChange(next), resting: [out.resting], orders: records, fills };
}

/** When the venue wants its alarm, in ms from now (null: no alarm). */
export function wakeAfterMs(openOrders: number, undeliveredFills: number): number | null {
  if (openOrders > 0) return RESTING_CHECK_MS;
  if (undeliveredFills > 0) return FILL_RETRY_MS;
  return null;
}

/** Whether an order may still fill or be cancelled. */
export function isOpen(order: VenueOrder): boolean {
  return order.status === "open" || order.status === "partially_filled";
}

const specs = new WeakMap<VenueSpec, Map<string, MatchingSpec>>();

/** A symbol's matching rules, parsed once per venue spec; null if the venue does not list it. */
export function matchingFor(spec: VenueSpec, symbol: string): MatchingSpec | null {
  if (!spec.symbols.some((s) => s.symbol === symbol)) return null;
  let bySymbol = specs.get(spec);
  if (!bySymbol) specs.set(spec, (bySymbol = new Map()));
  let m = bySymbol.get(symbol);
  if (!m) bySymbol.set(symbol, (m = matchingSpec(spec, symbol)));
  return m;
}

function restingOf(state: PaperVenueState, symbol: string): RestingBook {
  return state.resting[symbol] ?? emptyRestingBook(symbol);
}

function withOrders(state: PaperVenueState, records: readonly OrderRecord[]): PaperVenueState {
  if (records.length === 0) return state;
  const orders = { ...state.orders };
  for (const r of records) orders[r.order.clientOrderId] = r;
  return { ...state, orders };
}

function noChange(state: PaperVenueState): VenueStep {
  return { state, marketChanged: false, resting: [], orders: [], fills: [], candles: [], dropCandlesBeforeMs: {} };
}

/** Two steps in a row as one: the later state, everything either persists. */
function merge(a: VenueStep, b: VenueStep): VenueStep {
  const drop: Record<string, number> = { ...a.dropCandlesBeforeMs };
  for (const [symbol, ms] of Object.entries(b.dropCandlesBeforeMs)) drop[symbol] = Math.max(drop[symbol] ?? ms, ms);
  return {
    state: b.state,
    marketChanged: a.marketChanged || b.marketChanged,
    resting: [...a.resting.filter((r) => !b.resting.some((x) => x.symbol === r.symbol)), ...b.resting],
    orders: [...a.orders.filter((o) => !b.orders.some((x) => x.order.clientOrderId === o.order.clientOrderId)), ...b.orders],
    fills: [...a.fills, ...b.fills],
    candles: [...a.candles, ...b.candles],
    dropCandlesBeforeMs: drop,
  };
}
