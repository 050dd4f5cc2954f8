import { describe, expect, it } from "vitest";
import { Decimal, dec } from "../../core/money.js";
import {
  LEVERAGE_CAP,
  LIQUIDITY_CAP,
  concentration,
  correlationSummary,
  dailyPnl,
  drawdown,
  exposures,
  leverage,
  liquidity,
  portfolioVariance,
} from "../../core/risk/metrics.js";
import type { RiskPosition, RiskQuote } from "../../core/risk/types.js";

function pos(agent: string, venue: string, asset: string, quantity: string, price: string): RiskPosition {
  return { agent, farm: null, venue, symbol: `${asset}-USD`, asset, quantity, price, entryPrice: null };
}

function quote(venue: string, symbol: string, depthBid1Pct: string, depthAsk1Pct: string, dailyVolume: string): RiskQuote {
  return { venue, symbol, bid: "99", ask: "101", depthBid1Pct, depthAsk1Pct, dailyVolume, timeMs: 0 };
}

/** Long 2 BTC and short 0.5 BTC on two venues, long ETH, short SOL: gross 170,000, net 90,000. */
const BOOK: RiskPosition[] = [
  pos("agent:a1", "paper-binance", "BTC", "2", "50000"),
  pos("agent:a2", "paper-coinbase", "BTC", "-0.5", "50000"),
  pos("agent:a1", "paper-coinbase", "ETH", "10", "3000"),
  pos("agent:a3", "paper-binance", "SOL", "-100", "150"),
];

describe("exposures", () => {
  it("when positions are long and short across venues then nets by asset and grosses by venue", () => {
    const e = exposures(BOOK);
    expect(e.byAsset).toEqual([
      { asset: "BTC", quantity: "1.5", notional: "75000" },
      { asset: "ETH", quantity: "10", notional: "30000" },
      { asset: "SOL", quantity: "-100", notional: "-15000" },
    ]);
    expect(e.byVenue).toEqual([
      { venue: "paper-binance", notional: "115000" },
      { venue: "paper-coinbase", notional: "55000" },
    ]);
    expect(e.gross).toBe("170000");
    expect(e.net).toBe("90000");
  });

  it("when notionals have sub-cent digits then sums exactly and rounds only the strings", () => {
    const e = exposures([pos("agent:a", "v", "BTC", "0.1", "0.04"), pos("agent:b", "w", "BTC", "0.1", "0.04")]);
    // 0.004 each rounds to 0; together 0.008 rounds to 0.01.
    expect(e.gross).toBe("0.01");
    expect(e.byVenue.map((v) => v.notional)).toEqual(["0", "0"]);
    expect(e.byAsset[0]?.quantity).toBe("0.2");
  });

  it("when the book is empty then everything is zero", () => {
    expect(exposures([])).toEqual({ byAsset: [], byVenue: [], gross: "0", net: "0" });
  });
});

describe("concentration", () => {
  it("when one asset holds most of gross then reports its weight and the Herfindahl index", () => {
    const c = concentration(BOOK);
    // Gross by asset: BTC 100,000 + 25,000, ETH 30,000, SOL 15,000 of 170,000.
    expect(c.largestAsset).toBe("BTC");
    expect(c.largestWeight).toBeCloseTo(125_000 / 170_000, 12);
    expect(c.herfindahl).toBeCloseTo((125 ** 2 + 30 ** 2 + 15 ** 2) / 170 ** 2, 12);
  });

  it("when the book is evenly split then the Herfindahl index is 1/n", () => {
    const c = concentration([pos("a", "v", "BTC", "1", "100"), pos("a", "v", "ETH", "-2", "50"), pos("a", "v", "SOL", "4", "25")]);
    expect(c.herfindahl).toBeCloseTo(1 / 3, 12);
    expect(c.largestWeight).toBeCloseTo(1 / 3, 12);
  });

  it("when the book is empty then there is no largest asset", () => {
    expect(concentration([])).toEqual({ largestAsset: null, largestWeight: 0, herfindahl: 0 });
  });
});

describe("liquidity", () => {
  const quotes = [
    quote("paper-binance", "BTC-USD", "4", "1", "100"),
    quote("paper-coinbase", "BTC-USD", "10", "0.25", "50"),
    quote("paper-binance", "SOL-USD", "500", "0", "10000"),
  ];

  it("when a long closes into the bids and a short into the asks then divides by that side's depth", () => {
    const rows = liquidity(BOOK, quotes);
    const row = (agent: string, symbol: string) => rows.find((r) => r.agent === agent && r.symbol === symbol);
    expect(row("agent:a1", "BTC-USD")).toMatchObject({ notional: "100000", depthMultiple: 0.5, daysToLiquidate: 0.2 });
    expect(row("agent:a2", "BTC-USD")).toMatchObject({ notional: "-25000", depthMultiple: 2, daysToLiquidate: 0.1 });
  });

  it("when there is no quote or no depth on the closing side then reports the cap, and the output survives JSON", () => {
    const rows = liquidity(BOOK, quotes);
    expect(rows.find((r) => r.symbol === "ETH-USD")).toMatchObject({ depthMultiple: LIQUIDITY_CAP, daysToLiquidate: LIQUIDITY_CAP });
    expect(rows.find((r) => r.symbol === "SOL-USD")).toMatchObject({ depthMultiple: LIQUIDITY_CAP, daysToLiquidate: 0.1 });
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });

  it("when listing then puts the least liquid first", () => {
    const multiples = liquidity(BOOK, quotes).map((r) => r.depthMultiple);
    expect(multiples).toEqual([...multiples].sort((a, b) => b - a));
  });
});

describe("correlationSummary", () => {
  const assets = ["BTC", "ETH", "SOL", "XRP"];
  /** BTC–ETH 0.8 and ETH–SOL 0.75 link BTC to SOL (0.5) by single linkage; XRP joins no one. */
  const corr = Float64Array.from([
    1, 0.8, 0.5, 0.1,
    0.8, 1, 0.75, 0.1,
    0.5, 0.75, 1, 0.1,
    0.1, 0.1, 0.1, 1,
  ]);

  it("when pairs chain above the threshold then groups them in one cluster and leaves loners out", () => {
    const s = correlationSummary(assets, corr);
    expect(s.clusters).toEqual([["BTC", "ETH", "SOL"]]);
    expect(s.averagePairwise).toBeCloseTo((0.8 + 0.5 + 0.1 + 0.75 + 0.1 + 0.1) / 6, 12);
    expect(s.matrix).toEqual([...corr]);
  });

  it("when a correlation is just under the threshold then it does not link", () => {
    const s = correlationSummary(["A", "B", "C"], Float64Array.from([1, 0.69, 0.7, 0.69, 1, 0.2, 0.7, 0.2, 1]));
    expect(s.clusters).toEqual([["A", "C"]]);
  });

  it("when an entry is undefined then the matrix reads 0 and the average skips it", () => {
    const s = correlationSummary(["A", "B", "C"], Float64Array.from([1, Number.NaN, 0.4, Number.NaN, 1, 0.2, 0.4, 0.2, 1]));
    expect(s.matrix[1]).toBe(0);
    expect(s.averagePairwise).toBeCloseTo(0.3, 12);
  });

  it("when the matrix has the wrong size then throws", () => {
    expect(() => correlationSummary(["A", "B"], new Float64Array(3))).toThrow(/4 entries/);
  });
});

describe("leverage", () => {
  it("when equity is positive then divides exposure by it", () => {
    expect(leverage(dec("170000"), dec("-42500"), dec("85000"))).toEqual({ gross: 2, net: -0.5 });
  });

  it("when equity is gone then any exposure reads the cap and none reads 0", () => {
    expect(leverage(dec("100"), dec("-100"), dec("0"))).toEqual({ gross: LEVERAGE_CAP, net: -LEVERAGE_CAP });
    expect(leverage(dec("0"), dec("0"), dec("-5"))).toEqual({ gross: 0, net: 0 });
  });
});

describe("drawdown", () => {
  it("when equity rises, falls, recovers and falls deeper then reports the deepest fall and the current one", () => {
    const d = drawdown(["100", "120", "90", "110", "60", "80"]);
    expect(d).toEqual({
      peak: "120",
      maxDrawdown: 0.5,
      maxDrawdownUsd: "60",
      peakIndex: 1,
      troughIndex: 4,
      currentDrawdown: 40 / 120,
      currentDrawdownUsd: "40",
    });
  });

  it("when a small early fall is deeper as a fraction than a later large one then the fraction decides", () => {
    const d = drawdown([new Decimal(50), new Decimal(20), new Decimal(200), new Decimal(140)]);
    expect(d.maxDrawdown).toBeCloseTo(0.6, 12);
    expect(d.maxDrawdownUsd).toBe("30");
    expect([d.peakIndex, d.troughIndex]).toEqual([0, 1]);
    expect(d.currentDrawdown).toBeCloseTo(0.3, 12);
  });

  it("when equity only rises then there is no drawdown", () => {
    expect(drawdown(["1", "2", "3"])).toMatchObject({ maxDrawdown: 0, currentDrawdown: 0, peak: "3" });
  });
});

describe("dailyPnl and portfolioVariance", () => {
  it("when equity fell since the day's start then the P&L is negative, exactly", () => {
    expect(dailyPnl(dec("99999.99"), dec("100000.005")).toFixed()).toBe("-0.015");
  });

  it("when two assets are perfectly correlated then σ is the sum of the exposures' σ", () => {
    const v = portfolioVariance(Float64Array.from([100, 200]), Float64Array.from([0.0004, 0.0006, 0.0006, 0.0009]));
    expect(Math.sqrt(v)).toBeCloseTo(100 * 0.02 + 200 * 0.03, 9);
  });
});

describe("quotes from books", () => {
  it("when a book is read then depth counts only the levels within 1% of mid, each side", async () => {
    const { quoteFromBook } = await import("../../core/risk/metrics.js");
    const book = {
      symbol: "BTC-USD",
      bids: [{ price: "99.9", size: "1" }, { price: "99.1", size: "2" }, { price: "98.9", size: "4" }],
      asks: [{ price: "100.1", size: "1.5" }, { price: "101", size: "2.5" }, { price: "101.2", size: "8" }],
      timeMs: 5,
    };
    // mid 100: bids at or above 99, asks at or below 101.
    expect(quoteFromBook("paper-binance", book, new Decimal("1440"))).toEqual({
      venue: "paper-binance", symbol: "BTC-USD", bid: "99.9", ask: "100.1", depthBid1Pct: "3", depthAsk1Pct: "4", dailyVolume: "1440", timeMs: 5,
    });
    expect(quoteFromBook("paper-binance", { ...book, asks: [] }, new Decimal("1"))).toBeNull();
  });
});
