import { describe, expect, test } from "vitest";
import type { Candle, OrderFill } from "../../types.ts";
import { fillMarkers, priceFormatFor, toBars, withLastPrice } from "./chart-data.ts";

const MIN = 60_000;
const candle = (openTimeMs: number, open: string, high: string, low: string, close: string): Candle => ({ openTimeMs, open, high, low, close, volume: "0" });
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
  test("when fills span venues and symbols then only this market's, from the first candle on, are marked at their candle", () => {
    const fills = [
      fill("late-sell", "sell", 3 * MIN + 10),
      fill("other-venue", "buy", 2 * MIN, { venue: "paper-kraken" }),
      fill("other-symbol", "buy", 2 * MIN, { symbol: "ETH-USD" }),
      fill("too-old", "buy", MIN - 1),
      fill("buy", "buy", 2 * MIN + 59_000, { quantity: "0.25" }),
    ];
    expect(fillMarkers(fills, "paper-binance", "BTC-USD", MIN, MIN)).toEqual([
      { id: "buy", time: 120, position: "belowBar", shape: "arrowUp", color: "#2fbf71", text: "B 0.25" },
      { id: "late-sell", time: 180, position: "aboveBar", shape: "arrowDown", color: "#f05d5e", text: "S 0.01" },
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
