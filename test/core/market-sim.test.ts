import { describe, expect, it } from "vitest";
import type { OrderBook, SymbolSpec } from "../../core/market.js";
import { bookFor } from "../../core/market-book.js";
import { candlesFrom, simulatePath } from "../../core/market-path.js";
import {
  DEFAULT_ASSETS,
  type MarketState,
  basisBp,
  createMarket,
  referencePrice,
  resolveMarketParams,
  stepMarket,
  symbolSpecs,
  venueMid,
  venuePrice,
} from "../../core/market-sim.js";
import { dec } from "../../core/money.js";

const MINUTE = 60_000;
const SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD"] as const;
const VENUES = ["paper-binance", "paper-coinbase", "paper-kraken"] as const;
const SPECS = symbolSpecs(resolveMarketParams());
const specOf = (symbol: string): SymbolSpec => {
  const s = SPECS.find((x) => x.symbol === symbol);
  if (!s) throw new Error(symbol);
  return s;
};

function run(state: MarketState, dtMs: number, steps: number): MarketState {
  let s = state;
  for (let i = 0; i < steps; i++) s = stepMarket(s, dtMs);
  return s;
}

function logReturns(prices: Float64Array): Float64Array {
  const out = new Float64Array(prices.length - 1);
  for (let i = 1; i < prices.length; i++) out[i - 1] = Math.log((prices[i] ?? 1) / (prices[i - 1] ?? 1));
  return out;
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

function std(x: Float64Array): number {
  const m = mean(x);
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return Math.sqrt(s / (x.length - 1));
}

function correlation(a: Float64Array, b: Float64Array): number {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] ?? 0) - ma;
    const y = (b[i] ?? 0) - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

function autocorrelation(x: Float64Array, lag: number): number {
  return correlation(x.subarray(0, x.length - lag), x.subarray(lag));
}

describe("determinism", () => {
  it("when two markets share a seed then their paths are identical", () => {
    const a = run(createMarket({}, 42), MINUTE, 500);
    const b = run(createMarket({}, 42), MINUTE, 500);
    expect(a).toEqual(b);
    expect(bookFor(a, "paper-kraken", "ETH-USD", specOf("ETH-USD"), a.timeMs)).toEqual(bookFor(b, "paper-kraken", "ETH-USD", specOf("ETH-USD"), b.timeMs));
  });

  it.each([
    [1, 2],
    [42, "42x"],
  ])("when the seeds differ (%s, %s) then the paths differ", (s1, s2) => {
    const a = run(createMarket({}, s1), MINUTE, 50);
    const b = run(createMarket({}, s2), MINUTE, 50);
    expect(a.prices).not.toEqual(b.prices);
    expect(a.basisBp).not.toEqual(b.basisBp);
  });

  it("when the state goes through JSON then the restored market continues the same path", () => {
    const s = run(createMarket({}, 7), MINUTE, 100);
    const restored = JSON.parse(JSON.stringify(s)) as MarketState;
    expect(restored).toEqual(s);
    expect(run(restored, 15_000, 100)).toEqual(run(s, 15_000, 100));
  });

  it("when a step is zero long then the state is unchanged, and a negative or fractional step is a programmer error", () => {
    const s = createMarket({}, 1);
    expect(stepMarket(s, 0)).toBe(s);
    expect(() => stepMarket(s, -1)).toThrow(/invariant/);
    expect(() => stepMarket(s, 1.5)).toThrow(/invariant/);
  });

  it("when a step is longer than maxStepMs then it advances time by exactly the step", () => {
    const s = stepMarket(createMarket({}, 1, 1_700_000_000_000), 3_600_000);
    expect(s.timeMs).toBe(1_700_000_000_000 + 3_600_000);
    expect(s.steps).toBe(1);
  });
});

describe("price dynamics", () => {
  // 50,000 one-minute returns (about 35 days): the sampling error of a correlation near 0.75 is ~0.003;
  // jumps and regimes add more, so the tolerance is 0.05.
  const { path } = simulatePath(createMarket({}, 20261124), MINUTE, 50_000);
  const returns = path.prices.map(logReturns);

  it.each([
    [0, 1, 0.8],
    [0, 2, 0.7],
    [1, 2, 0.75],
  ])("when returns of assets %i and %i are correlated over a long path then the correlation is close to %f", (i, j, target) => {
    const a = returns[i];
    const b = returns[j];
    if (!a || !b) throw new Error("rows");
    expect(Math.abs(correlation(a, b) - target)).toBeLessThan(0.05);
  });

  it("when the path is long then its per-minute volatility is in the range the calm and volatile regimes imply", () => {
    DEFAULT_ASSETS.forEach((asset, i) => {
      const r = returns[i];
      if (!r) throw new Error("rows");
      const calmPerMinute = asset.annualVolatility * Math.sqrt(MINUTE / (365.25 * 86_400_000));
      const s = std(r);
      expect(s).toBeGreaterThan(calmPerMinute);
      expect(s).toBeLessThan(calmPerMinute * 2.5);
    });
  });

  it("when the regime switches then volatile stretches have larger returns than calm ones", () => {
    let s = createMarket({ jumpsPerDay: 0 }, 5);
    const calm: number[] = [];
    const volatile: number[] = [];
    for (let k = 0; k < 20_000; k++) {
      const next = stepMarket(s, MINUTE);
      const r = Math.log((next.prices[0] ?? 1) / (s.prices[0] ?? 1));
      (next.regime === "calm" ? calm : volatile).push(r);
      s = next;
    }
    expect(calm.length).toBeGreaterThan(1_000);
    expect(volatile.length).toBeGreaterThan(1_000);
    const ratio = std(Float64Array.from(volatile)) / std(Float64Array.from(calm));
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(3);
  });

  it("when diffusion is off then prices move only by Poisson jumps, at about the configured rate", () => {
    const assets = DEFAULT_ASSETS.map((a) => ({ ...a, annualVolatility: 0 }));
    const { path: p } = simulatePath(createMarket({ assets, jumpsPerDay: 24, regime: { volatileJumpMultiplier: 1 } }, 3), MINUTE, 10 * 1_440);
    const r = logReturns(p.prices[0] ?? new Float64Array());
    const drift = [...r].sort((x, y) => x - y)[r.length >> 1] ?? 0;
    const jumps = r.filter((x) => Math.abs(x - drift) > 1e-9).length;
    // 240 expected over ten days; the Poisson sd is ~15.5.
    expect(jumps).toBeGreaterThan(190);
    expect(jumps).toBeLessThan(290);
  });
});

describe("venue basis", () => {
  // 10-second steps: the default half-life is 60 s, so lag 1 keeps 2^(-1/6) ≈ 0.89 and lag 60 (ten half-lives) ~0.
  let s = createMarket({}, 11);
  const n = 20_000;
  const series = VENUES.map(() => new Float64Array(n));
  for (let k = 0; k < n; k++) {
    s = stepMarket(s, 10_000);
    VENUES.forEach((v, i) => {
      const row = series[i];
      if (row) row[k] = (venueMid(s, v, "BTC-USD") / (s.prices[0] ?? 1) - 1) * 10_000;
    });
  }

  it.each(VENUES.map((v, i) => [v, i] as const))("when %s's basis deviates then it mean-reverts: autocorrelation decays with the lag", (_, i) => {
    const x = series[i];
    if (!x) throw new Error("row");
    expect(autocorrelation(x, 1)).toBeGreaterThan(0.85);
    expect(autocorrelation(x, 1)).toBeLessThan(0.93);
    expect(autocorrelation(x, 6)).toBeGreaterThan(0.35);
    expect(autocorrelation(x, 6)).toBeLessThan(0.65);
    expect(Math.abs(autocorrelation(x, 60))).toBeLessThan(0.1);
  });

  it.each(VENUES.map((v, i) => [v, i] as const))("when %s's basis is sampled then it stays small and bounded", (_, i) => {
    const x = series[i];
    if (!x) throw new Error("row");
    expect(Math.abs(mean(x))).toBeLessThan(0.5);
    expect(std(x)).toBeGreaterThan(2.5);
    expect(std(x)).toBeLessThan(3.5);
    expect(Math.max(...x.map(Math.abs))).toBeLessThanOrEqual(25 + 1e-9);
  });

  it("when a venue has a basis mean then its price sits that many bp from the reference", () => {
    const m = createMarket({ venues: [{ venueId: "rich", basisMeanBp: 10, basisStdBp: 0 }] }, 1);
    expect(basisBp(m, "rich", "ETH-USD")).toBe(10);
    expect(venueMid(m, "rich", "ETH-USD")).toBeCloseTo(3_000 * 1.001, 9);
  });

  it("when the clamp is tight then the basis never leaves it", () => {
    let m = createMarket({ venues: [{ venueId: "v", basisStdBp: 50 }], basisClampBp: 5 }, 2);
    for (let k = 0; k < 500; k++) {
      m = stepMarket(m, 10_000);
      expect(Math.abs(basisBp(m, "v", "SOL-USD"))).toBeLessThanOrEqual(5);
    }
  });
});

describe("books", () => {
  const tickOk = (value: string, step: string): boolean => dec(value).mod(step).isZero();

  function expectWellFormed(b: OrderBook, spec: SymbolSpec, mid: number, levels: number): void {
    expect(b.bids).toHaveLength(levels);
    expect(b.asks).toHaveLength(levels);
    const bids = b.bids.map((l) => dec(l.price));
    const asks = b.asks.map((l) => dec(l.price));
    for (let i = 1; i < levels; i++) {
      expect(bids[i]?.lt(bids[i - 1] ?? 0)).toBe(true);
      expect(asks[i]?.gt(asks[i - 1] ?? 0)).toBe(true);
    }
    expect(bids[0]?.lt(asks[0] ?? 0)).toBe(true);
    expect(bids[0]?.toNumber()).toBeLessThanOrEqual(mid);
    expect(asks[0]?.toNumber()).toBeGreaterThanOrEqual(mid);
    for (const l of [...b.bids, ...b.asks]) {
      expect(tickOk(l.price, spec.tickSize), `${l.price} on tick ${spec.tickSize}`).toBe(true);
      expect(tickOk(l.size, spec.lotSize), `${l.size} on lot ${spec.lotSize}`).toBe(true);
      expect(dec(l.size).gt(0)).toBe(true);
    }
    const depth = (side: typeof b.bids, from: number, to: number): number => side.slice(from, to).reduce((sum, l) => sum + Number(l.size), 0);
    expect(depth(b.bids, 15, 20)).toBeGreaterThan(depth(b.bids, 0, 5));
    expect(depth(b.asks, 15, 20)).toBeGreaterThan(depth(b.asks, 0, 5));
  }

  const states: Array<[string, MarketState]> = [];
  let s = createMarket({}, 99);
  for (let k = 0; k < 3_000 && states.length < 6; k++) {
    s = stepMarket(s, MINUTE);
    if (k % 500 === 0 || (s.regime === "volatile" && !states.some(([, x]) => x.regime === "volatile"))) states.push([`${s.regime} at minute ${k + 1}`, s]);
  }

  it("when the sample is taken then it covers both regimes", () => {
    expect(states.some(([, x]) => x.regime === "volatile")).toBe(true);
    expect(states.some(([, x]) => x.regime === "calm")).toBe(true);
  });

  it.each(states)("when books are built (%s) then every venue and symbol has a well-formed, rounded book", (_, state) => {
    for (const venue of VENUES) {
      for (const symbol of SYMBOLS) {
        const b = bookFor(state, venue, symbol, specOf(symbol), state.timeMs + 5);
        expect(b.symbol).toBe(symbol);
        expect(b.timeMs).toBe(state.timeMs + 5);
        expectWellFormed(b, specOf(symbol), venueMid(state, venue, symbol), 20);
      }
    }
  });

  it("when the regime is volatile then the touch spread is wider and the top level thinner", () => {
    const calm = createMarket({}, 1);
    const volatile: MarketState = { ...calm, regime: "volatile" };
    const spread = (b: OrderBook): number => Number(b.asks[0]?.price) - Number(b.bids[0]?.price);
    const bc = bookFor(calm, "paper-binance", "BTC-USD", specOf("BTC-USD"), 0);
    const bv = bookFor(volatile, "paper-binance", "BTC-USD", specOf("BTC-USD"), 0);
    expect(spread(bv)).toBeGreaterThan(spread(bc) * 1.5);
    expect(Number(bv.bids[0]?.size)).toBeLessThan(Number(bc.bids[0]?.size));
  });

  it("when the tick is coarse next to the spread then bids still stay below asks, one tick apart at least", () => {
    const m = createMarket({ venues: [{ venueId: "v", halfSpreadBp: 0, levelSpacingBp: 0 }] }, 1);
    const spec: SymbolSpec = { ...specOf("BTC-USD"), tickSize: "100", lotSize: "0.1" };
    const b = bookFor(m, "v", "BTC-USD", spec, 0);
    expectWellFormed(b, spec, venueMid(m, "v", "BTC-USD"), 20);
    expect(dec(b.asks[0]?.price ?? "0").minus(b.bids[0]?.price ?? "0").toString()).toBe("100");
  });

  it("when prices are read then they are rounded to the asset's tick", () => {
    const m = run(createMarket({}, 4), MINUTE, 3);
    expect(tickOk(venuePrice(m, "paper-coinbase", "SOL-USD"), "0.001")).toBe(true);
    expect(Number(referencePrice(m, "BTC-USD"))).toBeCloseTo(m.prices[0] ?? 0, 2);
  });
});

describe("candles", () => {
  const { path } = simulatePath(createMarket({}, 8, 0), MINUTE, 150);
  const candles = candlesFrom(path, "ETH-USD", 3_600_000, specOf("ETH-USD"));

  it("when 150 one-minute steps are aggregated hourly then there are two full candles and a partial one", () => {
    expect(candles.map((c) => c.openTimeMs)).toEqual([0, 3_600_000, 7_200_000]);
  });

  it("when candles are built then open/close/high/low match the recorded prices and sit on the tick", () => {
    const prices = path.prices[1];
    if (!prices) throw new Error("row");
    const first = candles[0];
    expect(Number(first?.open)).toBeCloseTo(prices[0] ?? 0, 2);
    expect(Number(first?.close)).toBeCloseTo(prices[59] ?? 0, 2);
    expect(Number(first?.high)).toBeCloseTo(Math.max(...prices.subarray(0, 60)), 2);
    expect(Number(first?.low)).toBeCloseTo(Math.min(...prices.subarray(0, 60)), 2);
    for (const c of candles) {
      for (const x of [c.open, c.high, c.low, c.close]) expect(dec(x).mod("0.01").isZero()).toBe(true);
      expect(dec(c.high).gte(dec(c.open)) && dec(c.high).gte(dec(c.close))).toBe(true);
      expect(dec(c.low).lte(dec(c.open)) && dec(c.low).lte(dec(c.close))).toBe(true);
    }
  });

  it("when candles are built then their volume is the simulated volume, each step in the candle it began in", () => {
    const volumes = path.volumes[1];
    if (!volumes) throw new Error("row");
    const firstHour = volumes.subarray(1, 61).reduce((a, b) => a + b, 0);
    expect(Number(candles[0]?.volume)).toBeCloseTo(firstHour, 3);
    const total = candles.reduce((sum, c) => sum + Number(c.volume), 0);
    expect(total).toBeCloseTo(volumes.reduce((a, b) => a + b, 0), 2);
    expect(Number(candles[0]?.volume)).toBeGreaterThan(150 * 60 * 0.5);
  });
});

describe("parameters", () => {
  it.each([
    ["a correlation matrix that is not positive definite", { correlations: [[1, 0.99, -0.99], [0.99, 1, 0.99], [-0.99, 0.99, 1]] }],
    ["an asymmetric correlation matrix", { correlations: [[1, 0.5, 0], [0.4, 1, 0], [0, 0, 1]] }],
    ["duplicate venues", { venues: [{ venueId: "a" }, { venueId: "a" }] }],
    ["a zero basis half-life", { venues: [{ venueId: "a", basisHalfLifeMs: 0 }] }],
  ])("when the market is created with %s then it throws an invariant error", (_, input) => {
    expect(() => createMarket(input, 1)).toThrow(/invariant/);
  });

  it("when assets other than the defaults are simulated then unknown pairs are uncorrelated", () => {
    const params = resolveMarketParams({ assets: [...DEFAULT_ASSETS, { ...DEFAULT_ASSETS[0], symbol: "DOGE-USD" } as (typeof DEFAULT_ASSETS)[number]] });
    expect(params.correlations[3]).toEqual([0, 0, 0, 1]);
    expect(params.correlations[0]?.[1]).toBe(0.8);
  });
});

describe("aggregateCandles", () => {
  it("when one-minute candles are merged into five then open is first, close last, high and low the extremes, volume summed", async () => {
    const { aggregateCandles } = await import("../../core/market.js");
    const m = (t: number, o: string, h: string, l: string, c: string, v: string) => ({ openTimeMs: t * 60_000, open: o, high: h, low: l, close: c, volume: v });
    const out = aggregateCandles([m(0, "10", "12", "9", "11", "1"), m(1, "11", "15", "10", "14", "2.5"), m(4, "14", "14", "8", "9", "0.5"), m(5, "9", "10", "9", "10", "1")], 300_000);
    expect(out).toEqual([
      { openTimeMs: 0, open: "10", high: "15", low: "8", close: "9", volume: "4" },
      { openTimeMs: 300_000, open: "9", high: "10", low: "9", close: "10", volume: "1" },
    ]);
  });
});
