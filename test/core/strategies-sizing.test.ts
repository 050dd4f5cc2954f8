import { describe, expect, it } from "vitest";
import type { SymbolSpec } from "../../core/market.js";
import { Decimal } from "../../core/money.js";
import { type SizingBook, type SizingLimits, onTick, sizeSignal } from "../../core/strategies/sizing.js";
import { RollingExtreme, fmt } from "../../core/strategies/common.js";
import type { Signal } from "../../core/strategies/types.js";
import { noise } from "./strategies.fixtures.js";

const BTC: SymbolSpec = { symbol: "BTC-USD", base: "BTC", quote: "USD", tickSize: "0.01", lotSize: "0.001", minNotional: "10" };
const ETH: SymbolSpec = { symbol: "ETH-USD", base: "ETH", quote: "USD", tickSize: "0.01", lotSize: "0.01", minNotional: "10" };

const book = (over: Partial<SizingBook> = {}): SizingBook => ({ equity: "10000", cash: "10000", prices: ["30000", "2000"], positions: ["0", "0"], ...over });
const limits = (over: Partial<SizingLimits> = {}): SizingLimits => ({ maxExposure: 1, specs: [BTC, ETH], ...over });
const signal = (over: Partial<Signal>): Signal => ({ side: "hold", strength: 0, confidence: 1, reason: "test", ...over });
const brief = (orders: ReturnType<typeof sizeSignal>): string[] => orders.map((o) => `${o.instrument} ${o.side} ${o.type} ${o.timeInForce} ${o.quantity} @ ${o.price ?? "mkt"} (${o.role})`);

describe("targets and buy/sell", () => {
  it("when a target is set then it buys that share of equity, rounded down to the lot, as a market ioc", () => {
    // 0.5 × 10,000 / 30,000 = 0.1666… → 0.166 on a 0.001 lot.
    expect(brief(sizeSignal(signal({ side: "buy", targets: [0.5, 0] }), book(), limits()))).toEqual(["0 buy market ioc 0.166 @ mkt (target)"]);
  });

  it("when a target exceeds maxExposure then the cap applies", () => {
    const capped = sizeSignal(signal({ targets: [0.9] }), book(), limits({ maxExposure: 0.5 }));
    expect(capped).toEqual(sizeSignal(signal({ targets: [0.5] }), book(), limits({ maxExposure: 0.5 })));
  });

  it("when buy has a strength then it targets strength × maxExposure, and never sells what is above it", () => {
    expect(brief(sizeSignal(signal({ side: "buy", strength: 0.5 }), book(), limits({ maxExposure: 0.6 })))).toEqual(["0 buy market ioc 0.1 @ mkt (target)"]);
    expect(sizeSignal(signal({ side: "buy", strength: 0.1 }), book({ positions: ["0.2", "0"] }), limits())).toEqual([]);
  });

  it("when sell then the whole position goes, down to the lot (dust stays)", () => {
    expect(brief(sizeSignal(signal({ side: "sell" }), book({ positions: ["0.1234567", "0"] }), limits()))).toEqual(["0 sell market ioc 0.123 @ mkt (target)"]);
  });

  it("when an order is under the min notional then it is dropped", () => {
    // 0.0005 × 10,000 = 5 USD of BTC: under the 10 USD minimum.
    expect(sizeSignal(signal({ targets: [0.0005] }), book(), limits())).toEqual([]);
    expect(sizeSignal(signal({ side: "sell" }), book({ positions: ["0.0002", "0"] }), limits())).toEqual([]);
  });

  it("when targets move from one leg to another then the sell comes first and the buy spends its proceeds", () => {
    const orders = sizeSignal(signal({ targets: [0, 1] }), book({ cash: "0", positions: ["0.3", "0"], equity: "9000" }), limits({ feeRates: ["0.001", "0.001"] }));
    // The sale brings 9,000 × 0.999 = 8,991; at 2,000 × 1.001 per ETH that buys 4.4910… → 4.49 (not the 4.5 targeted).
    expect(brief(orders)).toEqual(["0 sell market ioc 0.3 @ mkt (target)", "1 buy market ioc 4.49 @ mkt (target)"]);
  });

  it("when cash is short then a buy is capped at what cash pays with the fee reserved", () => {
    const orders = sizeSignal(signal({ targets: [0, 1] }), book({ cash: "1000" }), limits({ feeRates: ["0", "0.001"] }));
    // 1000 / (2000 × 1.001) = 0.4995… → 0.49.
    expect(brief(orders)).toEqual(["1 buy market ioc 0.49 @ mkt (target)"]);
  });

  it("when hold then nothing is sent", () => {
    expect(sizeSignal(signal({ side: "hold" }), book({ positions: ["1", "1"] }), limits())).toEqual([]);
  });
});

describe("quotes", () => {
  const mm = (bidPrice: number, askPrice: number, bidSize: number, askSize: number): Signal => signal({ side: "buy", quotes: { bidPrice, askPrice, bidSize, askSize } });

  it("when quotes are sized then the bid rounds down and the ask up to the tick, both post-only", () => {
    const orders = sizeSignal(mm(29_990.017, 30_010.011, 0.1, 0.1), book({ positions: ["0.5", "0"] }), limits());
    // 1,000 / 29,990.01 = 0.0333…; 1,000 / 30,010.02 = 0.0333… → 0.033 each.
    expect(brief(orders)).toEqual(["0 buy limit post_only 0.033 @ 29990.01 (quote)", "0 sell limit post_only 0.033 @ 30010.02 (quote)"]);
  });

  it("when the ask asks for more than is held then it sells only what is held", () => {
    const orders = sizeSignal(mm(29_990, 30_010, 0, 0.5), book({ positions: ["0.01", "0"] }), limits());
    expect(brief(orders)).toEqual(["0 sell limit post_only 0.01 @ 30010 (quote)"]);
  });

  it("when quotes are null then there is nothing to send (the caller cancels the resting ones)", () => {
    expect(sizeSignal(signal({ side: "buy", quotes: null }), book(), limits())).toEqual([]);
  });
});

describe("legs", () => {
  const LOT4: SymbolSpec = { ...BTC, lotSize: "0.0004" };
  const legs = (size: number, maxQuantity?: number): Signal =>
    signal({
      side: "buy",
      legs: [
        { instrument: 0, side: "buy", limitPrice: 30_000, size, ...(maxQuantity === undefined ? {} : { maxQuantity }) },
        { instrument: 1, side: "sell", limitPrice: 30_100, size, ...(maxQuantity === undefined ? {} : { maxQuantity }) },
      ],
    });
  const pair = (positions: [string, string]): SizingBook => book({ prices: ["30000", "30100"], positions });

  it("when legs are sized then both get one quantity on a lot both venues accept, ioc limits", () => {
    // 0.25 × 10,000 / 30,100 = 0.08305… on lcm(0.001, 0.0004) = 0.002 → 0.082.
    const orders = sizeSignal(legs(0.25), pair(["0", "1"]), limits({ specs: [BTC, LOT4] }));
    expect(brief(orders)).toEqual(["0 buy limit ioc 0.082 @ 30000 (leg)", "1 sell limit ioc 0.082 @ 30100 (leg)"]);
  });

  it("when the book's depth or the sell venue's inventory is smaller then the legs shrink to it", () => {
    const same = limits({ specs: [BTC, BTC] });
    expect(sizeSignal(legs(0.25, 0.05), pair(["0", "1"]), same)[0]?.quantity).toBe("0.05");
    expect(sizeSignal(legs(0.25), pair(["0", "0.0415"]), same)[1]?.quantity).toBe("0.041");
  });

  it("when a leg would be under its min notional then no leg is sent", () => {
    // 0.0003 BTC is on this lot but worth 9 USD at the buy's 30,000: under the 10 USD minimum.
    const fine: SymbolSpec = { ...BTC, lotSize: "0.0001" };
    expect(sizeSignal(legs(0.25), pair(["0", "0.0003"]), limits({ specs: [fine, fine] }))).toEqual([]);
    expect(sizeSignal(legs(0.25), pair(["0", "0.0004"]), limits({ specs: [fine, fine] })).map((o) => o.quantity)).toEqual(["0.0004", "0.0004"]);
  });
});

describe("onTick", () => {
  it("when a price is already on the tick then float noise does not move it", () => {
    expect(onTick(60123.45, new Decimal("0.01"), "floor").toFixed()).toBe("60123.45");
    expect(onTick(60123.45, new Decimal("0.01"), "ceil").toFixed()).toBe("60123.45");
    expect(onTick(0.3, new Decimal("0.1"), "floor").toFixed()).toBe("0.3");
    expect(onTick(0.30001, new Decimal("0.1"), "ceil").toFixed()).toBe("0.4");
  });
});

describe("the strategies' helpers", () => {
  it("when a rolling extreme runs over noise then it equals the naive max and min of each window", () => {
    const xs = noise(2_000, 1, 31);
    for (const n of [1, 3, 20, 257]) {
      const hi = new RollingExtreme(n, true);
      const lo = new RollingExtreme(n, false);
      for (let i = 0; i < xs.length; i++) {
        const h = hi.update(xs[i] as number);
        const l = lo.update(xs[i] as number);
        if (i < n - 1) {
          expect(Number.isNaN(h) && Number.isNaN(l)).toBe(true);
          continue;
        }
        const w = xs.slice(i - n + 1, i + 1);
        expect(h).toBe(Math.max(...w));
        expect(l).toBe(Math.min(...w));
      }
    }
  });

  it("when numbers go into words then they keep about six digits and no float noise", () => {
    expect([fmt(60123.456789), fmt(0.1 + 0.2), fmt(-2.5), fmt(0.000123456789), fmt(NaN), fmt(0)]).toEqual(["60123.46", "0.3", "-2.5", "0.0001234568", "NaN", "0"]);
  });
});
