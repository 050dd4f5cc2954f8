import { describe, expect, it } from "vitest";
import type { OrderBook, Side, SymbolSpec, VenueSpec } from "../../core/market.js";
import { bookFor } from "../../core/market-book.js";
import { createMarket, stepMarket, symbolSpecs } from "../../core/market-sim.js";
import { emptyRestingBook, matchingSpec, submitOrder } from "../../core/matching.js";
import { ZERO, dec, str } from "../../core/money.js";
import { type ParentOrder, type RoutePlan, type VenueBook, bestBidAsk, routeOrder, venueBook } from "../../core/routing.js";

const SYMBOL = "ETH-USD";
type Rows = ReadonlyArray<readonly [string, string]>;

function spec(lotSize = "0.001", minNotional = "10"): SymbolSpec {
  return { symbol: SYMBOL, base: "ETH", quote: "USD", tickSize: "0.01", lotSize, minNotional };
}

function vb(venueId: string, bids: Rows, asks: Rows, takerFeeRate = "0", lotSize = "0.001", minNotional = "10"): VenueBook {
  const book: OrderBook = {
    symbol: SYMBOL,
    bids: bids.map(([price, size]) => ({ price, size })),
    asks: asks.map(([price, size]) => ({ price, size })),
    timeMs: 1_000,
  };
  return { venueId, book, spec: spec(lotSize, minNotional), takerFeeRate };
}

function parent(side: Side, quantity: string, limitPrice: string | null = null): ParentOrder {
  return { clientOrderId: "p1", symbol: SYMBOL, side, quantity, limitPrice };
}

function plan(p: ParentOrder, books: readonly VenueBook[]): RoutePlan {
  const r = routeOrder(p, books);
  if (!r.ok) throw new Error(`expected a plan, got ${r.code}: ${r.message}`);
  return r;
}

const childrenOf = (r: RoutePlan): string[] => r.children.map((c) => `${c.venueId} ${c.order.quantity} avg ${c.expectedAveragePrice} limit ${c.order.price} fee ${c.expectedFee}`);

describe("best bid and ask", () => {
  const A = vb("a", [["99", "1"]], [["101", "1"]]);
  const B = vb("b", [["99.5", "2"]], [["100.8", "1"]]);
  const C = vb("c", [["99.5", "3"]], [["101.2", "1"]]);

  it.each<[string, VenueBook[], string | null, string | null, string | null]>([
    ["three venues", [A, B, C], "c 99.5 3", "b 100.8 1", "1.3"],
    ["a venue bidding above another's ask", [A, B, vb("d", [["101", "1"]], [["102", "1"]])], "d 101 1", "b 100.8 1", "-0.2"],
    ["one venue", [A], "a 99 1", "a 101 1", "2"],
    ["only empty books", [vb("e", [], [])], null, null, null],
    ["no books", [], null, null, null],
  ])("when the books are %s then the best bid, ask and spread are found", (_, books, bid, ask, spread) => {
    const q = bestBidAsk(books, SYMBOL);
    expect(q.bid ? `${q.bid.venueId} ${q.bid.price} ${q.bid.size}` : null).toBe(bid);
    expect(q.ask ? `${q.ask.venueId} ${q.ask.price} ${q.ask.size}` : null).toBe(ask);
    expect(q.spread).toBe(spread);
  });

  it("when a book is for another symbol then it is ignored", () => {
    const other: VenueBook = { ...A, book: { ...A.book, symbol: "BTC-USD", bids: [{ price: "1000", size: "1" }] } };
    expect(bestBidAsk([other, B], SYMBOL).bid?.venueId).toBe("b");
  });
});

describe("routing", () => {
  const A = vb("a", [["99", "1"]], [["100", "1"], ["103", "5"]]);
  const B = vb("b", [["98.5", "2"], ["98", "5"]], [["101", "2"], ["102", "2"]]);

  it("when a buy is larger than the cheapest venue's top level then it goes to the cheaper venue first and spills over level by level", () => {
    const r = plan(parent("buy", "4"), [B, A]);
    expect(childrenOf(r)).toEqual(["a 1 avg 100 limit 100 fee 0", "b 3 avg 101.333333333333333333 limit 102 fee 0"]);
    expect(r.routedQuantity).toBe("4");
    expect(r.unroutedQuantity).toBe("0");
    expect(r.averagePrice).toBe("101");
    expect(r.children.map((c) => c.order)).toMatchObject([
      { clientOrderId: "p1:a", type: "limit", timeInForce: "ioc", side: "buy", symbol: SYMBOL },
      { clientOrderId: "p1:b", type: "limit", timeInForce: "ioc" },
    ]);
  });

  it("when a sell is routed then the highest bids are used first", () => {
    const r = plan(parent("sell", "2.5"), [A, B]);
    expect(childrenOf(r)).toEqual(["a 1 avg 99 limit 99 fee 0", "b 1.5 avg 98.5 limit 98.5 fee 0"]);
  });

  it.each([
    ["no fees", "0", "0", "a"],
    ["a high fee at the cheaper venue", "0.005", "0.001", "b"],
    ["equal fees", "0.001", "0.001", "a"],
  ])("when the venues charge %s then the order goes where the price after fees is best", (_, feeA, feeB, venue) => {
    const cheapPrice = vb("a", [], [["100", "10"]], feeA);
    const cheapFee = vb("b", [], [["100.2", "10"]], feeB);
    const r = plan(parent("buy", "1"), [cheapPrice, cheapFee]);
    expect(r.children.map((c) => c.venueId)).toEqual([venue]);
  });

  it("when fees differ then expected fees and the effective price include them", () => {
    const r = plan(parent("buy", "1"), [vb("b", [], [["100.2", "10"]], "0.001")]);
    expect(r.fees).toBe("0.1002");
    expect(r.effectiveAveragePrice).toBe("100.3002");
    const s = plan(parent("sell", "1"), [vb("b", [["100", "10"]], [], "0.001")]);
    expect(s.effectiveAveragePrice).toBe("99.9");
  });

  it("when venues have different lot sizes then each venue's share is a multiple of its lot", () => {
    const coarse = vb("coarse", [], [["100", "10"]], "0", "1");
    const fine = vb("fine", [], [["100.5", "10"]], "0", "0.001");
    const r = plan(parent("buy", "2.5"), [coarse, fine]);
    expect(childrenOf(r)).toEqual(["coarse 2 avg 100 limit 100 fee 0", "fine 0.5 avg 100.5 limit 100.5 fee 0"]);
  });

  it("when a level's size is not a whole number of lots then only whole lots are routed from it", () => {
    const r = plan(parent("buy", "3"), [vb("a", [], [["100", "1.5"], ["101", "5"]], "0", "1")]);
    expect(childrenOf(r)).toEqual(["a 3 avg 100.666666666666666667 limit 101 fee 0"]);
  });

  it("when the parent is finer than every lot then the residue is unrouted", () => {
    const r = plan(parent("buy", "2.7"), [vb("a", [], [["100", "10"]], "0", "1")]);
    expect(r.routedQuantity).toBe("2");
    expect(r.unroutedQuantity).toBe("0.7");
  });

  it("when a venue's share would be under its min notional then the venue is dropped and the order routed without it", () => {
    const thin = vb("thin", [], [["100", "0.05"]]);
    const deep = vb("deep", [], [["100.1", "10"]]);
    const r = plan(parent("buy", "1"), [thin, deep]);
    expect(childrenOf(r)).toEqual(["deep 1 avg 100.1 limit 100.1 fee 0"]);
  });

  it("when the parent has a limit price then worse levels are not used and the rest is unrouted", () => {
    const r = plan(parent("buy", "4", "101"), [A, B]);
    expect(childrenOf(r)).toEqual(["a 1 avg 100 limit 100 fee 0", "b 2 avg 101 limit 101 fee 0"]);
    expect(r.unroutedQuantity).toBe("1");
  });

  it.each<[string, ParentOrder, VenueBook[], string]>([
    ["a zero quantity", parent("buy", "0"), [A], "invalid_quantity"],
    ["a quantity that is not a decimal", parent("buy", "lots"), [A], "invalid_quantity"],
    ["a bad limit price", parent("buy", "1", "-5"), [A], "invalid_price"],
    ["empty books", parent("buy", "1"), [vb("e", [], [])], "unroutable"],
    ["a limit below every ask", parent("buy", "1", "50"), [A, B], "unroutable"],
    ["a quantity below every min notional", parent("buy", "0.01"), [A, B], "unroutable"],
  ])("when the parent has %s then routing refuses it", (_, p, books, code) => {
    expect(routeOrder(p, books)).toMatchObject({ ok: false, code });
  });
});

describe("routing and matching agree", () => {
  const venues: VenueSpec[] = [
    { id: "paper-binance", exchange: "binance", paper: true, makerFeeRate: "0.0002", takerFeeRate: "0.001", latencyMs: 20, symbols: [] },
    { id: "paper-coinbase", exchange: "coinbase", paper: true, makerFeeRate: "0.0004", takerFeeRate: "0.0006", latencyMs: 40, symbols: [] },
    { id: "paper-kraken", exchange: "kraken", paper: true, makerFeeRate: "0.0001", takerFeeRate: "0.0026", latencyMs: 60, symbols: [] },
  ];

  it.each([
    ["buy", "250", 2],
    ["sell", "250", 2],
    ["buy", "3.3333", 1],
    ["sell", "1200", 2],
    ["buy", "3000", 3],
  ] as const)("when a %s of %s ETH is routed over simulated books then matching the children fills exactly the plan", (side, quantity, venuesUsed) => {
    let m = createMarket({}, 31);
    m = stepMarket(m, 60_000);
    const specs = symbolSpecs(m.params).filter((s) => s.symbol === SYMBOL);
    const withSpecs = venues.map((v) => ({ ...v, symbols: specs }));
    const books = withSpecs.map((v) => venueBook(v, bookFor(m, v.id, SYMBOL, specs[0] ?? spec(), m.timeMs)));
    const r = plan(parent(side, quantity), books);
    expect(r.children).toHaveLength(venuesUsed);

    let filled = ZERO;
    let notional = ZERO;
    let fees = ZERO;
    for (const child of r.children) {
      const venue = withSpecs.find((v) => v.id === child.venueId);
      const b = books.find((x) => x.venueId === child.venueId);
      if (!venue || !b) throw new Error(child.venueId);
      const result = submitOrder(emptyRestingBook(SYMBOL), child.order, b.book, m.timeMs, matchingSpec(venue, SYMBOL));
      if (!result.ok) throw new Error(`${child.venueId}: ${result.code}`);
      expect(result.order.filledQuantity).toBe(child.order.quantity);
      expect(result.order.averagePrice).toBe(child.expectedAveragePrice);
      const childFees = result.fills.reduce((sum, f) => sum.plus(f.fee), ZERO);
      expect(str(childFees)).toBe(child.expectedFee);
      filled = filled.plus(result.order.filledQuantity);
      notional = notional.plus(result.fills.reduce((sum, f) => sum.plus(dec(f.price).times(f.quantity)), ZERO));
      fees = fees.plus(childFees);
    }
    expect(str(filled)).toBe(r.routedQuantity);
    expect(str(notional)).toBe(r.notional);
    expect(str(fees)).toBe(r.fees);
  });
});
