import { describe, expect, it } from "vitest";
import type { BacktestMetrics, BacktestTrade } from "../../../../core/backtest/types.ts";
import { bucketOf, gridSize, metricRows, onPriceScale, paramFields, paramsFromForm, parseGrid, type Strategy, tradeMarkers } from "./model.ts";

const STRATEGY: Strategy = {
  id: "momentum",
  name: "Momentum",
  description: "",
  instruments: 1,
  warmupDefault: 26,
  defaults: { fast: 12, slow: 26, breakout: false, mode: "ema" },
  params: {
    type: "object",
    properties: {
      fast: { type: "integer", minimum: 2, maximum: 200, default: 12, description: "fast EMA" },
      slow: { type: "integer", minimum: 3, maximum: 500, default: 26, description: "slow EMA" },
      breakout: { type: "boolean", default: false, description: "use breakouts" },
      mode: { type: "string", enum: ["ema", "sma"], default: "ema", description: "average" },
      note: { type: "string", description: "not editable here" },
    },
  },
};

describe("the parameter form", () => {
  it("when the schema has integers, booleans and enums then each becomes a field with its default and bounds", () => {
    const fields = paramFields(STRATEGY);
    expect(fields.map((f) => [f.name, f.kind, f.defaultValue])).toEqual([
      ["fast", "integer", 12],
      ["slow", "integer", 26],
      ["breakout", "boolean", false],
      ["mode", "enum", "ema"],
    ]);
    expect(fields[0]).toMatchObject({ min: 2, max: 200, description: "fast EMA" });
  });

  it("when only some values change then only those are sent, typed", () => {
    const fields = paramFields(STRATEGY);
    expect(paramsFromForm(fields, { fast: "10", slow: "26", breakout: true, mode: "ema" })).toEqual({ params: { fast: 10, breakout: true } });
    expect(paramsFromForm(fields, { fast: "" })).toEqual({ params: {} });
  });

  it("when a whole number is not whole then the field is named", () => {
    expect(paramsFromForm(paramFields(STRATEGY), { fast: "10.5" })).toEqual({ error: "fast is a whole number" });
    expect(paramsFromForm(paramFields(STRATEGY), { slow: "abc" })).toEqual({ error: "slow is a whole number" });
  });
});

describe("the walk-forward grid", () => {
  it("when typed as name=values then it parses to numbers, booleans and words, and counts its points", () => {
    const g = parseGrid("fast=8, 12,16; breakout=true,false\nmode=ema");
    expect(g).toEqual({ grid: { fast: [8, 12, 16], breakout: [true, false], mode: ["ema"] } });
    expect("grid" in g && gridSize(g.grid)).toBe(6);
  });

  it("when a part is not name=values or nothing is given then it says so", () => {
    expect(parseGrid("fast 8,12")).toEqual({ error: '"fast 8,12" is not name=value,value,…' });
    expect("error" in parseGrid("  ")).toBe(true);
  });
});

describe("trades on the chart", () => {
  const times = [0, 100, 200, 300];
  const trade = (timeMs: number, side: "buy" | "sell", symbol = "BTC-USD") => ({ timeMs, side, symbol }) as unknown as BacktestTrade;

  it("when a time falls between candles then it belongs to the candle that opened before it", () => {
    expect([bucketOf(times, -1), bucketOf(times, 0), bucketOf(times, 150), bucketOf(times, 999)]).toEqual([-1, 0, 1, 3]);
  });

  it("when several fills share a candle then one marker per side counts them, other symbols left out", () => {
    const markers = tradeMarkers([trade(110, "buy"), trade(120, "buy"), trade(130, "sell"), trade(250, "sell"), trade(260, "buy", "ETH-USD")], "BTC-USD", times);
    expect(markers).toEqual([
      { timeMs: 100, side: "buy", text: "B 2" },
      { timeMs: 100, side: "sell", text: "S" },
      { timeMs: 200, side: "sell", text: "S" },
    ]);
  });

  it("when a plot is price-like then it goes over the candles; an oscillator does not", () => {
    const closes = [3000, 3100, 2900];
    expect(onPriceScale([2950, null, 3050], closes)).toBe(true);
    expect(onPriceScale([30, 55, 70], closes)).toBe(false);
    expect(onPriceScale([null, null], closes)).toBe(false);
  });
});

describe("the metrics table", () => {
  const base: BacktestMetrics = { totalReturn: 0.1, cagr: 0.2, annualizedVolatility: 0.3, sharpe: 1.5, sortino: 2, maxDrawdown: 0.1, maxDrawdownBars: 10, maxDrawdownMs: 1, winRate: 0.5, roundTrips: 4, profitFactor: null, exposureTime: 0.4, turnover: 3, trades: 8, feesPaid: "1.5", finalEquity: "11000" };

  it("when the strategy beats the benchmark on return and drawdown then those cells say so", () => {
    const rows = metricRows(base, { ...base, totalReturn: -0.2, maxDrawdown: 0.5, finalEquity: "8000" });
    const by = (k: string) => rows.find((r) => r.key === k);
    expect(by("totalReturn")).toMatchObject({ strategy: "10.00%", benchmark: "-20.00%", better: "strategy" });
    expect(by("maxDrawdown")?.better).toBe("strategy");
    expect(by("sharpe")?.better).toBe(null);
    expect(by("profitFactor")?.strategy).toBe("—");
    expect(by("finalEquity")).toMatchObject({ strategy: "11000", better: "strategy" });
  });
});
