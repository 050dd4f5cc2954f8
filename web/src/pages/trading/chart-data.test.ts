import { describe, expect, test } from "vitest";
import type { AgentTrades, OpenTrade } from "../../../../core/trades/types.ts";
import type { Candle, OrderFill } from "../../types.ts";
import { fillMarkers, mergeTail, priceFormatFor, stopLines, toBars, volumeBars, withLastPrice } from "./chart-data.ts";
import { asAgentTrades } from "./trades-feed.ts";

const MIN = 60_000;
const candle = (openTimeMs: number, open: string, high: string, low: string, close: string, volume = "0"): Candle => ({ openTimeMs, open, high, low, close, volume });
const fill = (fillId: string, side: "buy" | "sell", timeMs: number, over: Partial<OrderFill> = {}): OrderFill => ({
  fillId,
  clientOrderId: "o",
  symbol: "BTC-USD",
  side,
  price: "60000",
  quantity: "0.01",
  fee: "0.6",
  feeAsset: "USD",
  liquidity: "taker",
  timeMs,
  venue: "paper-binance",
  ...over,
});

describe("toBars", () => {
  test("when candles repeat or arrive out of order then bars are one per time, oldest first, in seconds", () => {
    const bars = toBars([candle(2 * MIN, "2", "2", "2", "2"), candle(MIN, "1", "1", "1", "1"), candle(2 * MIN, "3", "4", "3", "3.5")]);
    expect(bars).toEqual([
      { time: 60, open: 1, high: 1, low: 1, close: 1 },
      { time: 120, open: 3, high: 4, low: 3, close: 3.5 },
    ]);
  });
});

describe("withLastPrice", () => {
  const candles = [candle(0, "100", "110", "90", "105")];

  test.each([
    ["inside the range: only the close moves", "101.5", 30_000, candle(0, "100", "110", "90", "101.5")],
    ["above the high: the high follows", "120.25", 30_000, candle(0, "100", "120.25", "90", "120.25")],
    ["below the low: the low follows", "80", 59_999, candle(0, "100", "110", "80", "80")],
  ])("when the price is %s", (_name, price, timeMs, expected) => {
    expect(withLastPrice(candles, price, timeMs, MIN)).toEqual([expected]);
  });

  test("when the tick is past the last candle's interval then a new candle opens at the last close", () => {
    expect(withLastPrice(candles, "107", 2 * MIN + 5, MIN)).toEqual([candles[0], candle(2 * MIN, "105", "107", "105", "107")]);
  });

  test("when nothing changes or the tick is older than the last candle then the same list comes back", () => {
    expect(withLastPrice(candles, "105", 1_000, MIN)).toBe(candles);
    expect(withLastPrice([candle(MIN, "1", "1", "1", "1")], "5", 1_000, MIN)).toHaveLength(1);
    expect(withLastPrice([], "5", 1_000, MIN)).toEqual([]);
  });
});

describe("fillMarkers", () => {
  test("when fills span venues and symbols then only this market's, from the first candle on, are marked at their candle and price", () => {
    const fills = [
      fill("late-sell", "sell", 3 * MIN + 10, { price: "60123.45" }),
      fill("other-venue", "buy", 2 * MIN, { venue: "paper-kraken" }),
      fill("other-symbol", "buy", 2 * MIN, { symbol: "ETH-USD" }),
      fill("too-old", "buy", MIN - 1),
      fill("buy", "buy", 2 * MIN + 59_000, { quantity: "0.25" }),
    ];
    expect(fillMarkers(fills, "paper-binance", "BTC-USD", MIN, MIN)).toEqual([
      { id: "buy", time: 120, position: "atPriceBottom", price: 60000, shape: "arrowUp", color: "#2fbf71", text: "B 0.25" },
      { id: "late-sell", time: 180, position: "atPriceTop", price: 60123.45, shape: "arrowDown", color: "#f05d5e", text: "S 0.01" },
    ]);
  });

  test("when there are no candles then there is nothing to mark", () => {
    expect(fillMarkers([fill("a", "buy", 0)], "paper-binance", "BTC-USD", MIN, null)).toEqual([]);
  });
});

describe("priceFormatFor", () => {
  test.each([
    ["0.01", 2, 0.01],
    ["0.001", 3, 0.001],
    ["1", 0, 1],
  ])("when the tick is %s then the axis shows %i decimals", (tick, precision, minMove) => {
    expect(priceFormatFor(tick)).toEqual({ type: "price", precision, minMove });
  });
});

describe("volumeBars", () => {
  test("when candles close up, down or flat then each volume bar is green for up or flat, red for down, one per time, oldest first", () => {
    const bars = volumeBars([candle(2 * MIN, "10", "12", "8", "9", "3.5"), candle(MIN, "10", "12", "8", "11", "1.25"), candle(3 * MIN, "9", "9", "9", "9", "0")]);
    expect(bars.map((b) => [b.time, b.value])).toEqual([
      [60, 1.25],
      [120, 3.5],
      [180, 0],
    ]);
    expect(bars[0]?.color).toBe(bars[2]?.color);
    expect(bars[1]?.color).not.toBe(bars[0]?.color);
  });
});

describe("mergeTail", () => {
  const loaded = [candle(0, "1", "1", "1", "1"), candle(MIN, "1", "2", "1", "2"), candle(2 * MIN, "2", "2", "2", "2")];

  test("when the tail repeats the newest bar and adds one then the newest is replaced and the new one appended", () => {
    const tail = [candle(2 * MIN, "2", "3", "2", "3", "5"), candle(3 * MIN, "3", "3", "3", "3", "1")];
    expect(mergeTail(loaded, tail, MIN, 10)).toEqual([loaded[0], loaded[1], ...tail]);
  });

  test("when the list would pass the limit then the oldest bars go", () => {
    const tail = [candle(3 * MIN, "3", "3", "3", "3"), candle(4 * MIN, "3", "3", "3", "3")];
    expect(mergeTail(loaded, tail, MIN, 3)).toEqual([loaded[2], ...tail]);
  });

  test("when the tail starts after a missed bar then there is nothing to merge into (the caller reloads)", () => {
    expect(mergeTail(loaded, [candle(4 * MIN, "3", "3", "3", "3")], MIN, 10)).toBeNull();
    expect(mergeTail([], [candle(0, "3", "3", "3", "3")], MIN, 10)).toBeNull();
  });

  test("when the tail is empty then the list stays as it is", () => {
    expect(mergeTail(loaded, [], MIN, 10)).toBe(loaded);
  });
});

describe("stopLines", () => {
  const open = (id: string, over: Partial<OpenTrade> = {}): OpenTrade => ({
    id,
    venue: "paper-binance",
    symbol: "BTC-USD",
    quantity: "0.5",
    entryTimeMs: 0,
    entryPrice: "60000",
    currentPrice: "61000",
    unrealizedPnl: "500",
    unrealizedPct: 1.67,
    durationMs: MIN,
    stop: "58000",
    fees: "30",
    ...over,
  });
  const trades = (list: OpenTrade[]): AgentTrades => ({
    agent: "agent:marcus-momentum",
    open: list,
    closed: [],
    attribution: { scope: "agent:marcus-momentum", realizedPnl: "0", unrealizedPnl: "500", fees: "30", slippage: "0", closedTrades: 0, wins: 0, hitRate: null },
  });

  test("when open trades span markets and some have no stop then only this market's stops are lines", () => {
    const lines = stopLines(trades([open("a"), open("b", { stop: null }), open("c", { venue: "paper-kraken" }), open("d", { symbol: "ETH-USD" })]), "paper-binance", "BTC-USD");
    expect(lines).toEqual([{ id: "a", price: "58000", label: "stop 0.5" }]);
  });

  test("when the trades are not known then there are no stop lines", () => {
    expect(stopLines(null, "paper-binance", "BTC-USD")).toEqual([]);
  });

  test("when the trades route answers bare, wrapped or something else then the trades are read or none", () => {
    const t = trades([open("a")]);
    expect(asAgentTrades(t)).toBe(t);
    expect(asAgentTrades({ trades: t })).toBe(t);
    expect(asAgentTrades({ error: { code: "not_found" } })).toBeNull();
    expect(asAgentTrades(null)).toBeNull();
  });
});
