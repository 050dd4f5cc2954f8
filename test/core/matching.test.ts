import { describe, expect, it } from "vitest";
import type { BookLevel, Fill, OrderBook, OrderRequest, Side, TimeInForce, VenueSpec } from "../../core/market.js";
import {
  type Accepted,
  type RejectCode,
  type RestingBook,
  cancelOrder,
  emptyRestingBook,
  feeFor,
  matchResting,
  matchingSpec,
  submitOrder,
} from "../../core/matching.js";
import { dec, str } from "../../core/money.js";

const SYMBOL = "BTC-USD";
const VENUE: VenueSpec = {
  id: "paper-test",
  exchange: "binance",
  paper: true,
  makerFeeRate: "0.0002",
  takerFeeRate: "0.001",
  latencyMs: 50,
  symbols: [{ symbol: SYMBOL, base: "BTC", quote: "USD", tickSize: "0.01", lotSize: "0.001", minNotional: "10" }],
};
const SPEC = matchingSpec(VENUE, SYMBOL);
const T0 = 1_000;

const levels = (rows: ReadonlyArray<readonly [string, string]>): BookLevel[] => rows.map(([price, size]) => ({ price, size }));
function book(bids: ReadonlyArray<readonly [string, string]>, asks: ReadonlyArray<readonly [string, string]>, timeMs = T0 + 50): OrderBook {
  return { symbol: SYMBOL, bids: levels(bids), asks: levels(asks), timeMs };
}
/** 99/98/97 bid, 101/102/103 ask; sizes 1, 2, 3 away from the mid. */
const BOOK = book(
  [["99", "1"], ["98", "2"], ["97", "3"]],
  [["101", "1"], ["102", "2"], ["103", "3"]],
);

function order(side: Side, type: "market" | "limit", quantity: string, price: string | null = null, timeInForce: TimeInForce = "gtc", clientOrderId = "o1"): OrderRequest {
  return { clientOrderId, symbol: SYMBOL, side, type, quantity, price, timeInForce };
}

function accept(resting: RestingBook, o: OrderRequest, b: OrderBook = BOOK, submittedAtMs = T0): Accepted {
  const r = submitOrder(resting, o, b, submittedAtMs, SPEC);
  if (!r.ok) throw new Error(`expected acceptance, got ${r.code}: ${r.message}`);
  return r;
}

/** A book nothing near 100 crosses. */
const QUIET = book([["50", "1"]], [["150", "1"]]);

const fillsOf = (fills: readonly Fill[]): string[] => fills.map((f) => `${f.side} ${f.quantity}@${f.price} fee ${f.fee} ${f.liquidity}`);
const EMPTY = emptyRestingBook(SYMBOL);

describe("market orders", () => {
  it.each([
    ["buy", "0.5", ["buy 0.5@101 fee 0.0505 taker"], "101", "filled"],
    ["buy", "2.5", ["buy 1@101 fee 0.101 taker", "buy 1.5@102 fee 0.153 taker"], "101.6", "filled"],
    ["buy", "6", ["buy 1@101 fee 0.101 taker", "buy 2@102 fee 0.204 taker", "buy 3@103 fee 0.309 taker"], "102.333333333333333333", "filled"],
    ["sell", "1.5", ["sell 1@99 fee 0.099 taker", "sell 0.5@98 fee 0.049 taker"], "98.666666666666666667", "filled"],
    ["buy", "10", ["buy 1@101 fee 0.101 taker", "buy 2@102 fee 0.204 taker", "buy 3@103 fee 0.309 taker"], "102.333333333333333333", "cancelled"],
  ] as const)("when a market %s of %s walks the book then it fills level by level", (side, qty, fills, avg, status) => {
    const r = accept(EMPTY, order(side, "market", qty));
    expect(fillsOf(r.fills)).toEqual(fills);
    expect(r.order.averagePrice).toBe(avg);
    expect(r.order.status).toBe(status);
    expect(r.resting.bids).toHaveLength(0);
    expect(r.resting.asks).toHaveLength(0);
  });

  it("when a market order is larger then its average price is worse than a small one's", () => {
    const small = accept(EMPTY, order("buy", "market", "0.2"));
    const large = accept(EMPTY, order("buy", "market", "5"));
    expect(dec(large.order.averagePrice).gt(dec(small.order.averagePrice))).toBe(true);
    expect(large.fills.length).toBeGreaterThan(small.fills.length);
    const slippageBp = (avg: string): number => dec(avg).minus("101").div("101").times(10_000).toNumber();
    expect(slippageBp(small.order.averagePrice)).toBe(0);
    expect(slippageBp(large.order.averagePrice)).toBeGreaterThan(100);
  });

  it("when the book cannot fill the whole market order then the rest is cancelled and the filled part reported", () => {
    const r = accept(EMPTY, order("buy", "market", "10"));
    expect(r.order.filledQuantity).toBe("6");
    expect(r.order.quantity).toBe("10");
    expect(r.order.status).toBe("cancelled");
  });

  it("when an order is submitted then it meets the book after the venue's latency and fills carry that time", () => {
    const r = accept(EMPTY, order("buy", "market", "1"), BOOK, 5_000);
    expect(r.matchedAtMs).toBe(5_050);
    expect(r.order.updatedAtMs).toBe(5_050);
    expect(r.fills.map((f) => f.timeMs)).toEqual([5_050]);
    expect(r.fills[0]?.fillId).toBe("o1-1");
    expect(r.fills[0]?.feeAsset).toBe("USD");
  });
});

describe("limit orders", () => {
  it("when a limit buy does not cross then it rests open without fills", () => {
    const r = accept(EMPTY, order("buy", "limit", "1", "100"));
    expect(r.fills).toEqual([]);
    expect(r.order.status).toBe("open");
    expect(r.resting.bids.map((o) => `${o.clientOrderId} ${o.quantity}@${o.price}`)).toEqual(["o1 1@100"]);
  });

  it("when a limit buy crosses part of the book then it takes what crosses and rests the remainder", () => {
    const r = accept(EMPTY, order("buy", "limit", "5", "102"));
    expect(fillsOf(r.fills)).toEqual(["buy 1@101 fee 0.101 taker", "buy 2@102 fee 0.204 taker"]);
    expect(r.order.status).toBe("partially_filled");
    expect(r.order.filledQuantity).toBe("3");
    expect(r.resting.bids).toMatchObject([{ clientOrderId: "o1", price: "102", quantity: "5", filledQuantity: "3", filledNotional: "305", fillCount: 2 }]);
  });

  it("when a limit sell crosses the whole book then it fills and nothing rests", () => {
    const r = accept(EMPTY, order("sell", "limit", "3", "98"));
    expect(fillsOf(r.fills)).toEqual(["sell 1@99 fee 0.099 taker", "sell 2@98 fee 0.196 taker"]);
    expect(r.order.status).toBe("filled");
    expect(r.resting.asks).toEqual([]);
  });

  it.each([
    ["crosses in part", "5", "102", ["buy 1@101 fee 0.101 taker", "buy 2@102 fee 0.204 taker"], "3"],
    ["does not cross", "5", "100", [], "0"],
  ])("when an ioc order %s then the rest is cancelled and nothing rests", (_, qty, price, fills, filled) => {
    const r = accept(EMPTY, order("buy", "limit", qty, price, "ioc"));
    expect(fillsOf(r.fills)).toEqual(fills);
    expect(r.order.filledQuantity).toBe(filled);
    expect(r.order.status).toBe("cancelled");
    expect(r.resting.bids).toEqual([]);
  });

  it.each([
    ["buy", "101"],
    ["buy", "150"],
    ["sell", "99"],
    ["sell", "50"],
  ] as const)("when a post-only %s at %s would take then it is rejected", (side, price) => {
    const r = submitOrder(EMPTY, order(side, "limit", "1", price, "post_only"), BOOK, T0, SPEC);
    expect(r).toMatchObject({ ok: false, code: "post_only_would_cross" });
  });

  it("when a post-only order does not cross then it rests as a maker", () => {
    const r = accept(EMPTY, order("sell", "limit", "1", "100.5", "post_only"));
    expect(r.fills).toEqual([]);
    expect(r.order.status).toBe("open");
    expect(r.resting.asks).toMatchObject([{ price: "100.5", timeInForce: "post_only" }]);
  });
});

describe("resting orders", () => {
  const later = (bids: ReadonlyArray<readonly [string, string]>, asks: ReadonlyArray<readonly [string, string]>, timeMs = 2_000): OrderBook => book(bids, asks, timeMs);

  it("when a later book trades through a resting bid then it fills at its own price as a maker", () => {
    const placed = accept(EMPTY, order("buy", "limit", "1", "100"));
    const m = matchResting(placed.resting, later([["99", "5"]], [["99.5", "0.4"], ["100", "0.3"], ["100.5", "9"]]), SPEC);
    expect(fillsOf(m.fills)).toEqual(["buy 0.4@100 fee 0.008 maker", "buy 0.3@100 fee 0.006 maker"]);
    expect(m.fills.map((f) => f.fillId)).toEqual(["o1-1", "o1-2"]);
    expect(m.orders).toMatchObject([{ clientOrderId: "o1", status: "partially_filled", filledQuantity: "0.7", averagePrice: "100" }]);
    expect(m.resting.bids).toMatchObject([{ filledQuantity: "0.7", fillCount: 2 }]);

    const m2 = matchResting(m.resting, later([["99", "5"]], [["99.9", "2"]], 3_000), SPEC);
    expect(fillsOf(m2.fills)).toEqual(["buy 0.3@100 fee 0.006 maker"]);
    expect(m2.fills[0]?.fillId).toBe("o1-3");
    expect(m2.orders).toMatchObject([{ status: "filled", filledQuantity: "1", averagePrice: "100" }]);
    expect(m2.resting.bids).toEqual([]);
  });

  it("when a later book's bids reach a resting ask then the ask fills", () => {
    const placed = accept(EMPTY, order("sell", "limit", "2", "101.5"));
    const m = matchResting(placed.resting, later([["101.6", "1"], ["101.5", "5"]], [["101.7", "1"]]), SPEC);
    expect(fillsOf(m.fills)).toEqual(["sell 1@101.5 fee 0.0203 maker", "sell 1@101.5 fee 0.0203 maker"]);
    expect(m.resting.asks).toEqual([]);
  });

  it("when the best ask stays above a resting bid then nothing fills", () => {
    const placed = accept(EMPTY, order("buy", "limit", "1", "100"));
    const m = matchResting(placed.resting, later([["99.9", "1"]], [["100.01", "5"]]), SPEC);
    expect(m.fills).toEqual([]);
    expect(m.resting.bids).toBe(placed.resting.bids);
  });

  it.each([
    // [resting bids: id price (arrival order)], crossing ask liquidity, expected fills in priority order
    [[["a", "100"], ["b", "100"], ["c", "100.5"]], [["99", "1.5"]], ["c 1", "a 0.5"]],
    [[["a", "100"], ["b", "100"], ["c", "100.5"]], [["99", "2.5"]], ["c 1", "a 1", "b 0.5"]],
    [[["a", "100"], ["b", "101"], ["c", "99"]], [["99.5", "1"], ["100", "1"], ["100.5", "1"]], ["b 1", "a 1"]],
    [[["a", "100"], ["b", "100"]], [["100", "0.7"]], ["a 0.7"]],
  ] as const)("when resting bids %j meet asks %j then they fill in price-time priority", (bids, asks, expected) => {
    let resting = EMPTY;
    bids.forEach(([id, price], k) => {
      resting = accept(resting, order("buy", "limit", "1", price, "gtc", id), QUIET, T0 + k).resting;
    });
    const m = matchResting(resting, later([["90", "1"]], asks), SPEC);
    expect(m.fills.map((f) => `${f.clientOrderId} ${f.quantity}`)).toEqual(expected);
  });

  it("when orders rest then the side is kept in priority order: best price, then arrival", () => {
    let resting = EMPTY;
    const placements = [["a", "100"], ["b", "100.5"], ["c", "100"], ["d", "99"], ["e", "100.5"]] as const;
    for (const [id, price] of placements) resting = accept(resting, order("buy", "limit", "1", price, "gtc", id)).resting;
    expect(resting.bids.map((o) => o.clientOrderId)).toEqual(["b", "e", "a", "c", "d"]);
    for (const [id, price] of placements) resting = accept(resting, order("sell", "limit", "1", String(Number(price) + 10), "gtc", `s${id}`)).resting;
    expect(resting.asks.map((o) => o.clientOrderId)).toEqual(["sd", "sa", "sc", "sb", "se"]);
  });

  it("when a book is not newer than the order's arrival then it cannot fill the order", () => {
    const placed = accept(EMPTY, order("buy", "limit", "1", "100"), BOOK, 2_000);
    const atArrival = matchResting(placed.resting, later([], [["99", "5"]], 2_050), SPEC);
    expect(atArrival.fills).toEqual([]);
    const after = matchResting(atArrival.resting, later([], [["99", "5"]], 2_051), SPEC);
    expect(after.fills).toHaveLength(1);
  });

  it("when the same book is matched twice then the second time fills nothing", () => {
    const placed = accept(EMPTY, order("buy", "limit", "3", "100"));
    const crossing = later([], [["100", "1"]]);
    const first = matchResting(placed.resting, crossing, SPEC);
    expect(first.fills).toHaveLength(1);
    const again = matchResting(first.resting, crossing, SPEC);
    expect(again.fills).toEqual([]);
    expect(again.resting).toBe(first.resting);
  });

  it("when a resting order is cancelled then it leaves the book and reports what had filled", () => {
    const placed = accept(EMPTY, order("buy", "limit", "2", "101"));
    const c = cancelOrder(placed.resting, "o1", 9_000, SPEC);
    expect(c).toMatchObject({ ok: true, order: { status: "cancelled", filledQuantity: "1", averagePrice: "101", updatedAtMs: 9_000 } });
    if (c.ok) expect(c.resting.bids).toEqual([]);
    expect(cancelOrder(placed.resting, "nope", 9_000, SPEC)).toMatchObject({ ok: false, code: "unknown_order" });
  });

  it("when the resting book goes through JSON then matching continues identically", () => {
    const placed = accept(accept(EMPTY, order("buy", "limit", "1", "100", "gtc", "a")).resting, order("sell", "limit", "1", "102.5", "gtc", "b"));
    const restored = JSON.parse(JSON.stringify(placed.resting)) as RestingBook;
    const b = later([["103", "1"]], [["99", "1"]]);
    expect(matchResting(restored, b, SPEC)).toEqual(matchResting(placed.resting, b, SPEC));
  });
});

describe("fees and rounding", () => {
  it.each([
    ["101.01", "0.003", "0.001", "0.00030303"],
    ["101.01", "0.001", "0.00075", "0.00007576"],
    ["101.01", "0.007", "-0.0001", "-0.0000707"],
    ["60000", "0.00001", "0.001", "0.0006"],
    ["1", "1", "0", "0"],
  ])("when %s × %s is charged at rate %s then the fee is %s (rounded up to 8 places)", (price, qty, rate, fee) => {
    expect(str(feeFor(dec(price).times(qty), dec(rate)))).toBe(fee);
  });

  it("when maker and taker rates differ then a taker fill pays the taker rate and a later maker fill the maker rate", () => {
    const placed = accept(EMPTY, order("buy", "limit", "2", "101.37"));
    expect(fillsOf(placed.fills)).toEqual(["buy 1@101 fee 0.101 taker"]);
    const m = matchResting(placed.resting, book([], [["100", "5"]], 2_000), SPEC);
    expect(fillsOf(m.fills)).toEqual(["buy 1@101.37 fee 0.020274 maker"]);
  });

  it.each([
    ["buy", "0.1015", "100.019", "0.101", "100.01"],
    ["sell", "0.1239", "100.011", "0.123", "100.02"],
    ["buy", "1", "100", "1", "100"],
  ] as const)("when a %s of %s at %s arrives then it is rounded to %s at %s", (side, qty, price, roundedQty, roundedPrice) => {
    const r = accept(EMPTY, order(side, "limit", qty, price), QUIET);
    expect(r.order.quantity).toBe(roundedQty);
    expect(r.order.price).toBe(roundedPrice);
  });
});

describe("rejections", () => {
  const full: RestingBook = (() => {
    let r = EMPTY;
    const spec = { ...SPEC, maxRestingOrders: 2 };
    for (const id of ["a", "b"]) {
      const x = submitOrder(r, order("buy", "limit", "1", "90", "gtc", id), BOOK, T0, spec);
      if (x.ok) r = x.resting;
    }
    return r;
  })();

  it.each<[string, OrderRequest, RejectCode, RestingBook?, OrderBook?]>([
    ["another symbol", { ...order("buy", "market", "1"), symbol: "ETH-USD" }, "invalid_symbol"],
    ["a quantity that is not a decimal", order("buy", "market", "1e3"), "invalid_quantity"],
    ["a negative quantity", order("buy", "market", "-1"), "invalid_quantity"],
    ["a quantity under one lot", order("buy", "market", "0.0009"), "invalid_quantity"],
    ["a zero quantity", order("buy", "market", "0"), "invalid_quantity"],
    ["a limit order without a price", order("buy", "limit", "1", null), "invalid_price"],
    ["a limit price that is not a decimal", order("buy", "limit", "1", "abc"), "invalid_price"],
    ["a buy price under one tick", order("buy", "limit", "1", "0.009"), "invalid_price"],
    ["a market order with a price", order("buy", "market", "1", "100"), "invalid_price"],
    ["a post-only market order", order("buy", "market", "1", null, "post_only"), "invalid_time_in_force"],
    ["an id that is already resting", order("buy", "limit", "1", "90", "gtc", "a"), "duplicate_client_order_id", full],
    ["a full resting book", order("buy", "limit", "1", "90", "gtc", "c"), "too_many_resting_orders", full],
    ["a market order into an empty side", order("buy", "market", "1"), "no_liquidity", EMPTY, book([["99", "1"]], [])],
    ["a limit notional under the minimum", order("buy", "limit", "0.09", "100"), "below_min_notional"],
    ["a market notional under the minimum at the best price", order("sell", "market", "0.1"), "below_min_notional"],
    ["a post-only that would cross", order("buy", "limit", "1", "101", "post_only"), "post_only_would_cross"],
  ])("when the order has %s then it is rejected", (_, o, code, resting = EMPTY, b = BOOK) => {
    const spec = resting === full ? { ...SPEC, maxRestingOrders: 2 } : SPEC;
    const r = submitOrder(resting, o, b, T0, spec);
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
  });

  it("when an ioc order arrives at a full resting book then it is accepted (it can never rest)", () => {
    const r = submitOrder(full, order("buy", "limit", "1", "101", "ioc", "c"), BOOK, T0, { ...SPEC, maxRestingOrders: 2 });
    expect(r.ok).toBe(true);
  });

  it("when a limit order's notional is exactly the minimum then it is accepted", () => {
    expect(submitOrder(EMPTY, order("buy", "limit", "0.1", "100"), BOOK, T0, SPEC).ok).toBe(true);
  });
});

describe("a market buy with a quote budget", () => {
  const spent = (fills: readonly Fill[]) => fills.reduce((s, f) => s.plus(dec(f.price).times(f.quantity)).plus(f.fee), dec("0"));
  it.each([
    ["the budget covers it", "2.5", "1000", ["buy 1@101 fee 0.101 taker", "buy 1.5@102 fee 0.153 taker"], "filled"],
    ["the budget is exactly the cost", "1", "101.101", ["buy 1@101 fee 0.101 taker"], "filled"],
    ["the budget runs out inside the second level", "2.5", "200", ["buy 1@101 fee 0.101 taker", "buy 0.968@102 fee 0.098736 taker"], "cancelled"],
    ["the budget runs out inside the first level", "1", "50", ["buy 0.494@101 fee 0.049894 taker"], "cancelled"],
    ["the budget buys less than a lot", "1", "0.05", [], "cancelled"],
  ])("when %s then it takes what fits, rounded down to the lot, and cancels the rest", (_when, quantity, budget, fills, status) => {
    const r = submitOrder(EMPTY, order("buy", "market", quantity), BOOK, T0, SPEC, { quoteBudget: budget });
    if (!r.ok) throw new Error(r.message);
    expect(fillsOf(r.fills)).toEqual(fills);
    expect(r.order.status).toBe(status);
    expect(spent(r.fills).lte(budget)).toBe(true);
  });

  it.each([
    ["a limit buy", order("buy", "limit", "1", "101"), "buy 1@101 fee 0.101 taker"],
    ["a market sell", order("sell", "market", "1"), "sell 1@99 fee 0.099 taker"],
  ])("when %s carries a budget then the budget is not applied", (_when, o, fill) => {
    const r = submitOrder(EMPTY, o, BOOK, T0, SPEC, { quoteBudget: "1" });
    if (!r.ok) throw new Error(r.message);
    expect(fillsOf(r.fills)).toEqual([fill]);
  });

  it("when the budget is not a plain decimal then the order is refused", () => {
    expect(submitOrder(EMPTY, order("buy", "market", "1"), BOOK, T0, SPEC, { quoteBudget: "1e3" })).toMatchObject({ ok: false, code: "invalid_quantity" });
  });

  it("when budgets vary then no fill set ever spends more than its budget", () => {
    for (let cents = 1; cents < 70_000; cents += 977) {
      const budget = str(dec(String(cents)).div(100));
      const r = submitOrder(EMPTY, order("buy", "market", "6"), BOOK, T0, SPEC, { quoteBudget: budget });
      if (!r.ok) throw new Error(r.message);
      expect(spent(r.fills).lte(budget), budget).toBe(true);
    }
  });
});
