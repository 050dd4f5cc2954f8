import { describe, expect, it } from "vitest";
import { type ArbitrageOpportunity, scanArbitrage } from "../../core/arbitrage.js";
import type { OrderBook } from "../../core/market.js";
import { bookFor } from "../../core/market-book.js";
import { createMarket, stepMarket, symbolSpecs } from "../../core/market-sim.js";
import { dec, str } from "../../core/money.js";
import type { VenueBook } from "../../core/routing.js";
import { commonStep } from "../../core/ticks.js";

type Rows = ReadonlyArray<readonly [string, string]>;

function vb(venueId: string, bids: Rows, asks: Rows, takerFeeRate = "0", lotSize = "0.001", minNotional = "10", symbol = "BTC-USD"): VenueBook {
  const book: OrderBook = {
    symbol,
    bids: bids.map(([price, size]) => ({ price, size })),
    asks: asks.map(([price, size]) => ({ price, size })),
    timeMs: 1_000,
  };
  const [base = "", quote = ""] = symbol.split("-");
  return { venueId, book, spec: { symbol, base, quote, tickSize: "0.01", lotSize, minNotional }, takerFeeRate };
}

const summary = (o: ArbitrageOpportunity): string => `${o.buyVenueId}->${o.sellVenueId} ${o.quantity} profit ${o.expectedProfit}`;

describe("a planted crossed market", () => {
  const A = vb("a", [["99", "1"]], [["100", "1"], ["100.5", "2"], ["101", "5"]]);
  const B = vb("b", [["101", "1.5"], ["100.8", "1"], ["100.2", "5"]], [["102", "1"]]);

  it("when one venue's bids are above another's asks then the scanner buys low, sells high and sizes by depth", () => {
    const [o, ...rest] = scanArbitrage([A, B]);
    expect(rest).toEqual([]);
    expect(o).toMatchObject({
      symbol: "BTC-USD",
      buyVenueId: "a",
      sellVenueId: "b",
      // 1 @ 100 → 101, 0.5 @ 100.5 → 101, 1 @ 100.5 → 100.8; then 100.5 → 100.2 has no edge.
      quantity: "2.5",
      buyAveragePrice: "100.3",
      sellAveragePrice: "100.92",
      buyLimitPrice: "100.5",
      sellLimitPrice: "100.8",
      buyNotional: "250.75",
      sellNotional: "252.3",
      fees: "0",
      expectedProfit: "1.55",
    });
    expect(o?.topEdgeBp).toBeCloseTo(100, 9);
    expect(o?.edgeBp).toBeCloseTo((1.55 / 250.75) * 10_000, 9);
  });

  it("when the books are listed the other way round then the same opportunity is found", () => {
    expect(scanArbitrage([B, A]).map(summary)).toEqual(scanArbitrage([A, B]).map(summary));
  });

  it("when a quantity cap is given then the opportunity stops at the cap", () => {
    expect(scanArbitrage([A, B], { maxQuantity: "1.2" }).map(summary)).toEqual(["a->b 1.2 profit 1.1"]);
  });
});

describe("fees and minimum edge", () => {
  // 10 bp gross: ask 100 at one venue, bid 100.1 at another.
  it.each([
    ["no fees", "0", 1, "0.1"],
    ["2 bp each side", "0.0002", 1, "0.05998"],
    ["4.99 bp each side", "0.000499", 1, "0.0001501"],
    ["5 bp each side (the whole edge)", "0.0005", 0, null],
    ["10 bp each side", "0.001", 0, null],
  ] as const)("when the taker fee is %s then an edge smaller than the fees is ignored", (_, fee, count, profit) => {
    const found = scanArbitrage([vb("a", [], [["100", "1"]], fee), vb("b", [["100.1", "1"]], [], fee)]);
    expect(found).toHaveLength(count);
    if (profit !== null) expect(found[0]?.expectedProfit).toBe(profit);
  });

  it.each([
    [0, "2"],
    [5, "1"],
    [10, "1"],
    [10.01, null],
  ] as const)("when the minimum edge is %f bp then the walk stops where the marginal edge falls below it", (minEdgeBp, quantity) => {
    // Level one: 10 bp. Level two: 2 bp.
    const found = scanArbitrage([vb("a", [], [["100", "1"], ["100.08", "1"]]), vb("b", [["100.1", "5"]], [])], { minEdgeBp });
    expect(found[0]?.quantity ?? null).toBe(quantity);
  });

  it("when fees are rounded then the expected profit is what both legs' per-fill fees leave", () => {
    const [o] = scanArbitrage([vb("a", [], [["100.01", "0.333"]], "0.00075"), vb("b", [["101.03", "0.333"]], [], "0.001")]);
    const buyFee = dec("100.01").times("0.333").times("0.00075").toDecimalPlaces(8, 2);
    const sellFee = dec("101.03").times("0.333").times("0.001").toDecimalPlaces(8, 2);
    expect(o?.fees).toBe(str(buyFee.plus(sellFee)));
    expect(o?.expectedProfit).toBe(str(dec("101.03").minus("100.01").times("0.333").minus(buyFee).minus(sellFee)));
  });
});

describe("scanning", () => {
  it("when several venues disagree then every profitable pair is reported, largest expected profit first", () => {
    const low = vb("low", [["99.5", "10"]], [["100", "1"]]);
    const mid = vb("mid", [["100.5", "1"]], [["100.7", "1"]]);
    const high = vb("high", [["101", "1"]], [["101.5", "1"]]);
    expect(scanArbitrage([mid, high, low]).map(summary)).toEqual(["low->high 1 profit 1", "low->mid 1 profit 0.5", "mid->high 1 profit 0.3"]);
  });

  it.each([
    ["books of different symbols", [vb("a", [], [["100", "1"]]), vb("b", [["101", "1"]], [], "0", "0.001", "10", "ETH-USD")]],
    ["two books of the same venue", [vb("a", [], [["100", "1"]]), vb("a", [["101", "1"]], [])]],
    ["uncrossed books", [vb("a", [["99", "1"]], [["100", "1"]]), vb("b", [["99.9", "1"]], [["100.1", "1"]])]],
    ["empty books", [vb("a", [], []), vb("b", [], [])]],
    ["a crossed edge too small for min notional", [vb("a", [], [["100", "0.05"]]), vb("b", [["101", "0.05"]], [])]],
  ])("when the scanner sees %s then it finds nothing", (_, books) => {
    expect(scanArbitrage(books)).toEqual([]);
  });

  it("when the venues' lots differ then the quantity is a multiple of both", () => {
    const [o] = scanArbitrage([vb("a", [], [["100", "1"]], "0", "0.3"), vb("b", [["101", "1"]], [], "0", "0.2")]);
    expect(o?.quantity).toBe("0.6");
  });

  it.each([
    ["0.001", "0.0004", "0.002"],
    ["0.3", "0.2", "0.6"],
    ["0.01", "0.01", "0.01"],
    ["1", "0.00001", "1"],
  ])("when lots are %s and %s then the common lot is %s", (a, b, expected) => {
    expect(str(commonStep(dec(a), dec(b)))).toBe(expected);
  });
});

describe("the simulated market", () => {
  const specs = symbolSpecs(createMarket({}, 1).params);
  const venues = ["paper-binance", "paper-coinbase", "paper-kraken"];

  function scanPath(takerFeeRate: string, minEdgeBp: number): number {
    let m = createMarket({}, 77);
    let found = 0;
    for (let k = 0; k < 300; k++) {
      m = stepMarket(m, 10_000);
      for (const spec of specs) {
        const books = venues.map((v): VenueBook => ({ venueId: v, book: bookFor(m, v, spec.symbol, spec, m.timeMs), spec, takerFeeRate }));
        found += scanArbitrage(books, { minEdgeBp }).length;
      }
    }
    return found;
  }

  it("when venue bases drift apart and fees are zero then crossed books appear", () => {
    expect(scanPath("0", 0)).toBeGreaterThan(10);
  });

  it("when every venue charges 10 bp taker fees then a few bp of basis is never worth trading", () => {
    expect(scanPath("0.001", 0)).toBe(0);
  });
});
