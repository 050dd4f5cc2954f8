import { describe, expect, it } from "vitest";
import type { BookLevel, Candle, OrderBook, OrderRequest, VenueSpec } from "../../core/market.js";
import { MARKET_STEP_MS, paperVenueSpec } from "../../core/paper-venues.js";
import {
  CANDLES_KEPT,
  MAX_CATCH_UP_STEPS,
  advanceVenue,
  bookAt,
  cancelPaper,
  createPaperVenue,
  feedBook,
  gridPoint,
  keepMinutes,
  mergeCandle,
  submitPaper,
  wakeAfterMs,
} from "../../core/paper-venue/index.js";

const SPEC = paperVenueSpec("paper-binance") as VenueSpec;
const DAY = 86_400_000;
/** Noon on a day: far from any day boundary. */
const T = 20_000 * DAY + 12 * 3_600_000;
const AGENT = "agent:backtest";

const levels = (rows: ReadonlyArray<readonly [string, string]>): BookLevel[] => rows.map(([price, size]) => ({ price, size }));
const btcBook = (bid: string, ask: string, timeMs: number): OrderBook => ({ symbol: "BTC-USD", bids: levels([[bid, "5"]]), asks: levels([[ask, "5"]]), timeMs });
const order = (clientOrderId: string, side: "buy" | "sell", type: "market" | "limit", quantity: string, price: string | null = null): OrderRequest => ({ clientOrderId, symbol: "BTC-USD", side, type, quantity, price, timeInForce: "gtc" });

describe("the paper venue machine, driven with no object (as a backtest drives it)", () => {
  it("when a caller feeds its own books then a limit rests, a later book fills it, a market order takes the book and a cancel ends a resting order", () => {
    let state = createPaperVenue(SPEC);
    const quote = btcBook("60990", "61010", T);
    const placed = submitPaper(state, AGENT, order("bt-1", "buy", "limit", "0.01", "60000"), T, { books: { "BTC-USD": quote } });
    expect(placed.reply).toMatchObject({ ok: true, order: { status: "open" }, fills: [] });
    expect(placed.step.orders.map((o) => o.order.clientOrderId)).toEqual(["bt-1"]);
    state = placed.step.state;

    const through = feedBook(state, btcBook("59980", "59990", T + 1_000));
    expect(through.fills.map(({ account, fill }) => [account, fill.quantity, fill.price, fill.liquidity])).toEqual([[AGENT, "0.01", "60000", "maker"]]);
    state = through.state;
    expect(state.orders["bt-1"]?.order.status).toBe("filled");
    expect(feedBook(state, btcBook("59980", "59990", T + 2_000)).fills).toEqual([]);

    const bought = submitPaper(state, AGENT, order("bt-2", "buy", "market", "0.02"), T + 3_000, { books: { "BTC-USD": btcBook("61000", "61020", T + 3_000) } });
    expect(bought.reply).toMatchObject({ ok: true, order: { status: "filled", averagePrice: "61020" } });
    expect(bought.step.fills.map((f) => f.fill.timeMs)).toEqual([T + 3_000 + SPEC.latencyMs]);
    state = bought.step.state;

    const resting = submitPaper(state, AGENT, order("bt-3", "sell", "limit", "0.01", "70000"), T + 4_000, { books: { "BTC-USD": quote } });
    state = resting.step.state;
    const cancelled = cancelPaper(state, AGENT, "bt-3", T + 5_000);
    expect(cancelled.reply).toMatchObject({ ok: true, order: { status: "cancelled", updatedAtMs: T + 5_000 } });
    state = cancelled.step.state;
    expect(Object.values(state.orders).map((r) => [r.order.clientOrderId, r.order.status])).toEqual([
      ["bt-1", "filled"],
      ["bt-2", "filled"],
      ["bt-3", "cancelled"],
    ]);
    // Fed books never touch the synthetic market.
    expect(state.market).toBeNull();
  });

  it("when an order id is submitted again then the first outcome answers, and another account may not use it", () => {
    const first = submitPaper(createPaperVenue(SPEC), AGENT, order("dup", "buy", "market", "0.01"), T, { books: { "BTC-USD": btcBook("61000", "61010", T) } });
    const again = submitPaper(first.step.state, AGENT, order("dup", "buy", "market", "5"), T + 1);
    expect(again.reply).toEqual(first.reply);
    expect(again.step.fills).toEqual([]);
    expect(submitPaper(first.step.state, "agent:other", order("dup", "buy", "market", "0.01"), T + 1).reply).toMatchObject({ ok: false, code: "duplicate_client_order_id" });
    expect(submitPaper(first.step.state, AGENT, { ...order("x", "buy", "market", "1"), symbol: "DOGE-USD" }, T).reply).toMatchObject({ ok: false, code: "invalid_symbol" });
    expect(cancelPaper(first.step.state, "agent:other", "dup", T).reply).toMatchObject({ ok: false, code: "unknown_order" });
  });

  it("when a market buy carries a quote budget then the venue passes it to the matching", () => {
    const out = submitPaper(createPaperVenue(SPEC), AGENT, order("budget", "buy", "market", "1"), T, { books: { "BTC-USD": btcBook("61000", "61010", T) }, quoteBudget: "610.1" });
    expect(out.reply).toMatchObject({ ok: true, order: { status: "cancelled", filledQuantity: "0.00999" } });
  });
});

describe("the market clock", () => {
  it.each([
    [T, T],
    [T + 999, T],
    [T + 1_000, T + 1_000],
    [T + 1_001, T + 1_000],
  ])("when now is %i then the grid point is %i", (now, point) => {
    expect(gridPoint(now)).toBe(point);
  });

  it("when a venue first advances then it starts at the day's start on the shared seed and walks to the last grid point, recording every minute with its volume", () => {
    const step = advanceVenue(createPaperVenue(SPEC), T + 1_500);
    expect(step.marketChanged).toBe(true);
    expect(step.state.market?.timeMs).toBe(T + MARKET_STEP_MS);
    const btc = step.candles.filter((c) => c.symbol === "BTC-USD").map((c) => c.candle.openTimeMs);
    expect(btc).toEqual(Array.from({ length: 12 * 60 + 1 }, (_, i) => T - 12 * 3_600_000 + i * 60_000));
    expect(step.candles.every((c) => Number(c.candle.volume) > 0)).toBe(true);
    expect(step.state.latestCandles["BTC-USD"]?.openTimeMs).toBe(T);
    expect(step.dropCandlesBeforeMs["BTC-USD"]).toBe(T - CANDLES_KEPT * 60_000);
    // Two venues on the same clock walk the same path: the same time gives the same book.
    const other = advanceVenue(createPaperVenue(SPEC), T + 1_700);
    expect(bookAt(other.state, "BTC-USD", T + 1_700).book?.bids).toEqual(bookAt(step.state, "BTC-USD", T + 1_700).book?.bids);
  });

  it("when the clock has not reached the next grid point then nothing moves and nothing is written", () => {
    const first = advanceVenue(createPaperVenue(SPEC), T);
    const again = advanceVenue(first.state, T + 999);
    expect(again.marketChanged).toBe(false);
    expect(again.candles).toEqual([]);
    expect(again.state.market).toBe(first.state.market);
  });

  it("when the clock steps then the book moves, and a minute seen again merges with the one kept", () => {
    const first = advanceVenue(createPaperVenue(SPEC), T);
    const later = advanceVenue(first.state, T + 30_000);
    expect(bookAt(later.state, "BTC-USD", T + 30_000).book?.bids).not.toEqual(bookAt(first.state, "BTC-USD", T).book?.bids);
    const kept = first.state.latestCandles["BTC-USD"] as Candle;
    const merged = later.candles.find((c) => c.symbol === "BTC-USD" && c.candle.openTimeMs === T)?.candle;
    expect(merged?.open).toBe(kept.open);
  });

  it("when a market is more than a day behind then it catches up in one step", () => {
    const first = advanceVenue(createPaperVenue(SPEC), T);
    const far = T + (MAX_CATCH_UP_STEPS + 10) * MARKET_STEP_MS;
    const step = advanceVenue(first.state, far + 400);
    expect(step.state.market?.timeMs).toBe(far);
    expect(step.candles).toEqual([]);
  });
});

describe("candles", () => {
  const c = (openTimeMs: number, open: string, high: string, low: string, close: string, volume = "0"): Candle => ({ openTimeMs, open, high, low, close, volume });
  it.each([
    ["no minute is kept", null, c(60_000, "10", "12", "9", "11"), c(60_000, "10", "12", "9", "11")],
    ["the kept minute is older", c(0, "1", "1", "1", "1"), c(60_000, "10", "12", "9", "11"), c(60_000, "10", "12", "9", "11")],
    ["the same minute is kept, narrower", c(60_000, "10.5", "11", "10", "10.7", "2"), c(60_000, "10", "12", "9", "11", "3"), c(60_000, "10.5", "12", "9", "11", "5")],
    ["the same minute is kept, wider", c(60_000, "10.5", "13", "8", "10.7"), c(60_000, "10", "12", "9", "11", "0.5"), c(60_000, "10.5", "13", "8", "11", "0.5")],
  ])("when %s then the merge keeps the first open, the widest range, the newest close and the summed volume", (_when, prior, seen, merged) => {
    expect(mergeCandle(prior, seen)).toEqual(merged);
  });

  it("when minutes are kept then each symbol drops what is older than its retention", () => {
    const out = keepMinutes({}, [{ symbol: "BTC-USD", candle: c(CANDLES_KEPT * 60_000 + 120_000, "1", "1", "1", "1") }]);
    expect(out.dropBeforeMs).toEqual({ "BTC-USD": 120_000 });
  });
});

describe("the venue's alarm", () => {
  it.each([
    [1, 0, 1_000],
    [1, 5, 1_000],
    [0, 5, 2_000],
    [0, 0, null],
  ])("when %i orders rest and %i fills wait then it wakes after %s ms", (open, undelivered, after) => {
    expect(wakeAfterMs(open, undelivered)).toBe(after);
  });
});
