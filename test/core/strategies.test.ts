import { describe, expect, it } from "vitest";
import { arbitrage } from "../../core/strategies/arbitrage.js";
import { marketMaking } from "../../core/strategies/market-making.js";
import { meanReversion } from "../../core/strategies/mean-reversion.js";
import { momentum } from "../../core/strategies/momentum.js";
import { pairs } from "../../core/strategies/pairs.js";
import { HOLD } from "../../core/strategies/types.js";
import { bars, instrument, noise, run, walk } from "./strategies.fixtures.js";

const flat = (n: number, v = 100): number[] => Array.from({ length: n }, () => v);
const rising = (n: number, from: number, rate: number): number[] => Array.from({ length: n }, (_, i) => from * (1 + rate) ** (i + 1));

describe("momentum", () => {
  const closes = [...flat(40), ...rising(20, 100, 0.01)];

  it("when a rising series with volume crosses the EMAs then it buys, strength from ATRs and confidence from volume", () => {
    const steps = run(momentum, {}, [bars(closes, closes.map((_, i) => (i < 40 ? 10 : 20)))]);
    expect(steps.map((s) => [s.i, s.signal.side])).toEqual([[40, "buy"]]);
    const buy = steps[0]!.signal;
    expect(buy.reason).toMatch(/EMA 12 .* crossed above EMA 26/);
    expect(buy.strength).toBeGreaterThan(0.5); // the close is above the slow EMA
    expect(buy.strength).toBeLessThanOrEqual(1);
    // 20 against a required 1.2 × 10: confidence is the ratio over twice the requirement.
    expect(buy.confidence).toBeCloseTo(20 / (2 * 12), 12);
  });

  it("when the cross comes without volume then it holds", () => {
    expect(run(momentum, {}, [bars(closes)])).toEqual([]);
    expect(run(momentum, { volumeFactor: 0 }, [bars(closes)]).map((s) => s.signal.side)).toEqual(["buy"]);
  });

  it("when the trend turns after an entry then it sells on the stop or the opposite cross", () => {
    const turn = [...closes, ...rising(15, closes.at(-1)!, -0.03)];
    const steps = run(momentum, {}, [bars(turn, turn.map((_, i) => (i < 40 ? 10 : 30)))]);
    expect(steps.map((s) => s.signal.side)).toEqual(["buy", "sell"]);
    expect(steps[1]!.i).toBeGreaterThan(59);
    expect(steps[1]!.signal.reason).toMatch(/trailing stop|crossed below/);
  });

  it("when the close breaks above the Donchian high with volume then the breakout entry buys", () => {
    const c = [...flat(30), 103];
    const steps = run(momentum, { entry: "breakout" }, [bars(c, c.map((_, i) => (i < 30 ? 10 : 30)))]);
    expect(steps.map((s) => [s.i, s.signal.side])).toEqual([[30, "buy"]]);
    expect(steps[0]!.signal.reason).toContain("broke above the 20-bar high 101");
  });

  it("when a bar is missing then it holds on it and nothing breaks", () => {
    const steps = run(momentum, {}, [{ ...bars(closes, closes.map((_, i) => (i < 40 ? 10 : 20))), missing: new Set([10, 11]) }]);
    expect(steps.map((s) => [s.i, s.signal.side])).toEqual([[40, "buy"]]);
  });
});

describe("mean reversion", () => {
  const calm = Array.from({ length: 60 }, (_, i) => 100 + 0.5 * Math.sin(i));
  const dropped = [...calm, 97, 94, 94, 94];

  it("when the close drops below the lower band with RSI oversold then it buys", () => {
    const steps = run(meanReversion, {}, [bars(dropped)]);
    expect(steps.length).toBe(1);
    expect(steps[0]!.signal.side).toBe("buy");
    expect(steps[0]!.i).toBeGreaterThanOrEqual(60);
    expect(steps[0]!.signal.reason).toMatch(/below the lower band .* RSI .* under 30/);
    expect(steps[0]!.signal.strength).toBeGreaterThan(0.5);
  });

  it("when the close is below the band but RSI is not oversold enough then it holds", () => {
    expect(run(meanReversion, { oversold: 10 }, [bars(dropped)])).toEqual([]);
  });

  it("when the price reverts to the middle band then it sells", () => {
    const back = [...dropped, 97, 100, 101];
    const steps = run(meanReversion, {}, [bars(back)]);
    expect(steps.map((s) => s.signal.side)).toEqual(["buy", "sell"]);
    expect(steps[1]!.signal.reason).toMatch(/middle band|overbought/);
  });

  it("when the price keeps falling after an entry then the ATR stop sells", () => {
    const fall = [...dropped, 90, 85, 80, 75];
    const steps = run(meanReversion, {}, [bars(fall)]);
    expect(steps.slice(0, 2).map((s) => s.signal.side)).toEqual(["buy", "sell"]);
    expect(steps[1]!.signal.reason).toContain("hit the stop");
  });
});

describe("pairs", () => {
  const n = 300;
  const x = walk(n, 100, 0.01, 3);
  const e = noise(n, 0.001, 5);
  /** y follows x (beta 0.8 in logs) with noise; `offset` adds a log shift from bar i on. */
  const y = (offset: (i: number) => number): number[] => x.map((xi, i) => Math.exp(0.8 * Math.log(xi) + 1 + (e[i] as number) + offset(i)));
  // Noise alone stays within 3 sd (a sum of three uniforms): thresholds of 4 see only the planted ramp.
  const planted = { entryZ: 4, stopZ: 10 };
  const ramp = (sign: number) => (i: number) => (i >= 250 && i < 255 ? sign * 0.003 * (i - 249) : 0);

  it("when the spread's z passes +entry then it targets the cheap leg (x) and flats the other", () => {
    const steps = run(pairs, planted, [bars(y(ramp(1))), bars(x)]);
    const entry = steps.find((s) => s.signal.side === "buy");
    expect(entry?.signal.targets).toEqual([0, 0.5]);
    expect(entry?.i).toBeGreaterThanOrEqual(250);
    expect(entry?.signal.reason).toContain("long x");
    expect(entry?.signal.confidence).toBeGreaterThanOrEqual(0.7);
    const exit = steps.find((s) => s.i > entry!.i);
    expect(exit?.signal.targets).toEqual([0, 0]);
    expect(exit?.signal.reason).toContain("back within");
  });

  it("when the spread's z passes −entry then it targets y", () => {
    const entry = run(pairs, planted, [bars(y(ramp(-1))), bars(x)]).find((s) => s.signal.side === "buy");
    expect(entry?.signal.targets).toEqual([0.5, 0]);
  });

  it("when the spread widens past stopZ while long the cheap leg then it stops out", () => {
    const jump = (i: number): number => (i >= 250 ? 0.05 : 0);
    const steps = run(pairs, {}, [bars(y(jump)), bars(x)], { start: [0, 0.5], hold: true });
    const atJump = steps.find((s) => s.i === 250);
    expect(atJump?.signal.targets).toEqual([0, 0]);
    expect(atJump?.signal.reason).toContain("widened past");
  });

  it("when the pair is not correlated then it does not enter", () => {
    const lone = noise(n, 0.001, 9).map((v, i) => 50 * Math.exp(v + ramp(1)(i)));
    expect(run(pairs, planted, [bars(lone), bars(x)]).filter((s) => s.signal.side === "buy")).toEqual([]);
    // The planted divergence of a correlated pair, under a filter no pair passes.
    expect(run(pairs, { ...planted, minCorrelation: 1 }, [bars(y(ramp(1))), bars(x)]).filter((s) => s.signal.side === "buy")).toEqual([]);
  });
});

describe("arbitrage", () => {
  const a = [100, 100, 100];

  it("when the edge is below both taker fees then it holds, and above them it sends two legs", () => {
    const b = [100, 101, 100.15];
    const steps = run(arbitrage, {}, [bars(a), bars(b)], { start: [0.25, 0.25], hold: true });
    expect(steps.map((s) => s.i)).toEqual([1]);
    const [buy, sell] = steps[0]!.signal.legs!;
    expect(buy).toMatchObject({ instrument: 0, side: "buy", limitPrice: 100.01, size: 0.25, maxQuantity: 1 });
    expect(sell).toMatchObject({ instrument: 1, side: "sell", limitPrice: 100.98, size: 0.25, maxQuantity: 1 });
    expect(steps[0]!.signal.reason).toMatch(/cheaper net of fees at paper-0/);
  });

  it("when the fees are zero then the same 15 bp gap is worth taking", () => {
    const free = [instrument("x", { takerFeeRate: 0 }), instrument("y", { takerFeeRate: 0 })];
    const steps = run(arbitrage, {}, [bars(a), bars([100, 100, 100.15])], { instruments: free, start: [0.25, 0.25], hold: true });
    expect(steps.map((s) => [s.i, s.signal.legs?.length])).toEqual([[2, 2]]);
  });

  it("when the dear venue holds no inventory then it holds (spot: nothing to sell)", () => {
    expect(run(arbitrage, {}, [bars(a), bars([100, 101, 100])], { start: [0.25, 0], hold: true })).toEqual([]);
  });

  it("when it holds nothing at either venue then it stocks inventory at both", () => {
    const steps = run(arbitrage, {}, [bars(a), bars(a)], { hold: true });
    expect(steps.map((s) => s.signal.targets)).toEqual([[0.25, 0.25], [0.25, 0.25], [0.25, 0.25]]);
  });

  it("when the legs' size exceeds the inventory at the dear venue then it is capped there", () => {
    const steps = run(arbitrage, { legSize: 0.5 }, [bars(a), bars([100, 101, 100])], { start: [0.25, 0.1], hold: true });
    expect(steps[0]!.signal.legs!.map((l) => l.size)).toEqual([0.1, 0.1]);
  });
});

describe("market making", () => {
  const closes = walk(120, 100, 0.002, 21);
  const last = (start: number, params = {}) => run(marketMaking, params, [bars(closes)], { start: [start], hold: true }).at(-1)!.signal;

  it("when flat then it bids around the mid and does not ask (spot)", () => {
    const q = last(0).quotes!;
    expect((q.bidPrice + q.askPrice) / 2).toBeCloseTo(closes.at(-1)!, 9);
    expect(q.bidSize).toBe(0.1);
    expect(q.askSize).toBe(0);
    expect(last(0).reason).toContain("no ask");
    // The words are written lazily; a record of the signal still carries them.
    expect(JSON.parse(JSON.stringify(last(0)))).toMatchObject({ side: "buy", reason: last(0).reason, quotes: { askSize: 0 } });
  });

  it("when inventory is long then the reservation price is below the mid and both sides quote", () => {
    const q = last(0.25).quotes!;
    expect((q.bidPrice + q.askPrice) / 2).toBeLessThan(closes.at(-1)!);
    expect(q.bidSize).toBeGreaterThan(0);
    expect(q.askSize).toBe(0.1);
  });

  it("when inventory is at its limit then there is no bid", () => {
    const q = last(0.5).quotes!;
    expect(q.bidSize).toBe(0);
    expect(q.askSize).toBe(0.1);
  });

  it("when volatility and the liquidity term are tiny then the half spread is the maker fee", () => {
    const quiet = walk(120, 100, 1e-6, 21);
    const q = run(marketMaking, { gamma: 0.01, kappa: 1_000_000 }, [bars(quiet)], { hold: true }).at(-1)!.signal.quotes!;
    expect(q.askPrice / q.bidPrice).toBeCloseTo(1.0002 / 0.9998, 12);
  });

  it("when the mid moves less than requoteBp then the quotes stay (hold)", () => {
    const every = run(marketMaking, { requoteBp: 0 }, [bars(closes)], { hold: true }).length;
    const some = run(marketMaking, { requoteBp: 100 }, [bars(closes)], { hold: true }).length;
    expect(every).toBe(closes.length - marketMaking.warmup(marketMaking.params.parse({})) + 1);
    expect(some).toBeGreaterThan(0);
    expect(some).toBeLessThan(every / 4);
  });
});

describe("HOLD", () => {
  it("when a strategy holds then it returns the one shared frozen constant", () => {
    const runner = momentum.create(momentum.params.parse({}), [instrument("x")]);
    const bar = { present: true, timeMs: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 };
    expect(runner.onBar([bar], { exposure: [0], entryPrice: [NaN], barsHeld: [0] })).toBe(HOLD);
    expect(Object.isFrozen(HOLD)).toBe(true);
  });
});
