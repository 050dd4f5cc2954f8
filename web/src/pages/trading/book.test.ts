import { describe, expect, test } from "vitest";
import { bookView } from "./book.ts";

const book = {
  symbol: "BTC-USD",
  timeMs: 0,
  bids: [
    { price: "60000.1", size: "0.1" },
    { price: "59999.9", size: "0.2" },
    { price: "59999", size: "0.7" },
  ],
  asks: [
    { price: "60000.3", size: "0.3" },
    { price: "60001", size: "0.1" },
  ],
};

describe("bookView", () => {
  test("when a book has both sides then totals run from the touch, asks read down to the spread and bars scale to the deeper side", () => {
    const v = bookView(book, 10);
    expect(v.bids.map((r) => [r.price, r.total, r.depthPct])).toEqual([
      ["60000.1", "0.1", 10],
      ["59999.9", "0.3", 30],
      ["59999", "1", 100],
    ]);
    expect(v.asks.map((r) => [r.price, r.total, r.depthPct])).toEqual([
      ["60001", "0.4", 40],
      ["60000.3", "0.3", 30],
    ]);
    // 0.1 + 0.2 in floats is 0.30000000000000004; the totals are exact.
    expect(v.spread).toBe("0.2");
    expect(v.mid).toBe("60000.2");
    expect(v.spreadBp).toBe("0.0");
  });

  test("when only `count` levels are asked for then deeper levels are left out", () => {
    const v = bookView(book, 1);
    expect(v.bids).toHaveLength(1);
    expect(v.asks).toHaveLength(1);
    expect(v.bids[0]?.depthPct).toBe(33.3);
  });

  test("when a side is empty then there is no spread and no mid", () => {
    const v = bookView({ ...book, asks: [] }, 10);
    expect(v.spread).toBeNull();
    expect(v.mid).toBeNull();
    expect(v.asks).toEqual([]);
  });
});
