import { describe, expect, it } from "vitest";
import { STRATEGIES, describeStrategies, strategyById } from "../../core/strategies/index.js";
import type { Strategy, StrategyId } from "../../core/strategies/types.js";
import { type Bars, bars, noise, run, signalText, walk } from "./strategies.fixtures.js";

const N = 300;
const K = 200;

/** A scenario per strategy in which it signals before bar K. */
function scenario(id: StrategyId): { params: Record<string, unknown>; series: Bars[] } {
  const a = walk(N, 100, 0.015, 17);
  const volume = noise(N, 0.5, 4).map((v) => 10 * Math.exp(v));
  switch (id) {
    case "momentum":
      return { params: { fast: 5, slow: 20, volumeFactor: 0.8 }, series: [bars(a, volume)] };
    case "mean-reversion":
      return { params: { oversold: 40 }, series: [bars(walk(N, 100, 0.02, 23), volume)] };
    case "pairs": {
      const e = noise(N, 0.002, 8);
      return { params: { lookback: 50, entryZ: 1.5 }, series: [bars(a.map((x, i) => Math.exp(0.8 * Math.log(x) + 1 + (e[i] as number)))), bars(a)] };
    }
    case "arbitrage": {
      const e = noise(N, 0.004, 12);
      return { params: {}, series: [bars(a, volume), bars(a.map((x, i) => x * Math.exp(e[i] as number)), volume)] };
    }
    case "market-making":
      return { params: { volPeriod: 20 }, series: [bars(a, volume)] };
  }
}

/** The same bars up to K, a different future: a fall of 1% a bar for 30 bars, then a rise of 2% a bar on 5× the volume. */
function alterFuture(s: Bars): Bars {
  const factor = (i: number): number => (i <= K ? 1 : i <= K + 30 ? 0.99 ** (i - K) : 0.99 ** 30 * 1.02 ** (i - K - 30));
  const base = s.close[K] as number;
  const move = (xs: readonly number[] | undefined): number[] | undefined => xs?.map((x, i) => (i <= K ? x : x - (s.close[i] as number) + base * factor(i)));
  return { close: move(s.close)!, high: move(s.high), low: move(s.low), volume: s.volume?.map((v, i) => (i > K ? v * 5 : v)) };
}

describe("no look-ahead", () => {
  for (const s of Object.values(STRATEGIES) as Strategy[]) {
    it(`when the bars after k change then ${s.id}'s signals up to k are identical`, () => {
      const { params, series } = scenario(s.id);
      const before = run(s, params, series).filter((x) => x.i <= K);
      const changed = run(s, params, series.map(alterFuture));
      expect(before.length).toBeGreaterThan(0);
      expect(changed.filter((x) => x.i <= K).map(signalText)).toEqual(before.map(signalText));
      // The change did reach the strategy: something after k differs.
      expect(changed.filter((x) => x.i > K).map(signalText)).not.toEqual(run(s, params, series).filter((x) => x.i > K).map(signalText));
    });
  }
});

describe("parameter schemas", () => {
  const described = describeStrategies();

  it("when the registry is described then every strategy appears once with its defaults, warm-up and JSON Schema", () => {
    expect(described.map((d) => d.id).sort()).toEqual(["arbitrage", "market-making", "mean-reversion", "momentum", "pairs"]);
    for (const d of described) {
      const s = strategyById(d.id)!;
      expect(d.defaults).toEqual(s.params.parse({}));
      expect(d.warmupDefault).toBe(s.warmup(s.params.parse({})));
      expect(d.warmupDefault).toBeGreaterThanOrEqual(1);
      expect(d.instruments).toBe(s.instruments);
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    }
  });

  it("when a field is described then it has a default, a description, and numbers have bounds", () => {
    for (const d of described) {
      const props = (d.params as { properties: Record<string, Record<string, unknown>> }).properties;
      expect(Object.keys(props).sort()).toEqual(Object.keys(d.defaults).sort());
      for (const [key, p] of Object.entries(props)) {
        expect(p.default, `${d.id}.${key}`).toEqual(d.defaults[key]);
        expect(typeof p.description, `${d.id}.${key}`).toBe("string");
        if (p.type === "number" || p.type === "integer") {
          expect(typeof p.minimum, `${d.id}.${key}`).toBe("number");
          expect(typeof p.maximum, `${d.id}.${key}`).toBe("number");
        }
      }
    }
  });

  it("when a number is out of its bounds, not an integer, or unknown then parsing rejects it", () => {
    for (const d of described) {
      const schema = strategyById(d.id)!.params;
      const props = (d.params as { properties: Record<string, { type?: string; minimum?: number; maximum?: number }> }).properties;
      for (const [key, p] of Object.entries(props)) {
        if (p.maximum !== undefined) expect(schema.safeParse({ [key]: p.maximum + 1 }).success, `${d.id}.${key} above`).toBe(false);
        if (p.minimum !== undefined) expect(schema.safeParse({ [key]: p.minimum - 1 }).success, `${d.id}.${key} below`).toBe(false);
        if (p.type === "integer") expect(schema.safeParse({ [key]: (p.minimum ?? 0) + 1.5 }).success, `${d.id}.${key} fraction`).toBe(false);
      }
      expect(schema.safeParse({ noSuchParameter: 1 }).success).toBe(false);
    }
  });

  it("when cross-field rules break then parsing rejects them with a message", () => {
    const cases: Array<[StrategyId, Record<string, unknown>, RegExp]> = [
      ["momentum", { fast: 30, slow: 20 }, /fast must be shorter than slow/],
      ["mean-reversion", { oversold: 50, overbought: 50 }, /oversold must be below overbought/],
      ["pairs", { exitZ: 2, entryZ: 1.5 }, /exitZ < entryZ < stopZ/],
    ];
    for (const [id, params, message] of cases) {
      const r = strategyById(id)!.params.safeParse(params);
      expect(r.success).toBe(false);
      expect(JSON.stringify(r.error?.issues)).toMatch(message);
    }
  });

  it("when an id is unknown or an object key then strategyById gives null", () => {
    expect(strategyById("nope")).toBeNull();
    expect(strategyById("toString")).toBeNull();
    expect(strategyById("pairs")?.instruments).toBe(2);
  });
});

describe("plots", () => {
  it("when a strategy plots then it writes one value per plot name", () => {
    for (const s of Object.values(STRATEGIES) as Strategy[]) {
      const { params, series } = scenario(s.id);
      const runner = s.create(s.params.parse(params), series.map((_, k) => ({ venueId: `v${k}`, symbol: "BTC-USD", makerFeeRate: 0, takerFeeRate: 0, halfSpreadBp: 0, tickSize: 0.01, intervalMs: 1 })));
      const out = new Float64Array(runner.plots.length + 1).fill(-1);
      runner.plot(out);
      expect(Array.from(out.subarray(0, runner.plots.length)).every((v) => v !== -1)).toBe(true);
      expect(out[runner.plots.length]).toBe(-1);
    }
  });
});
