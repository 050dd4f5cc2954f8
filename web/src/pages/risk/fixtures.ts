import type { Halt, RiskAlert, RiskLimits, RiskReport, StressResult, WatchedPosition } from "../../../../core/risk/types.ts";

/** Test data for the Risk page's unit tests: a small desk's report. */

export const DESK_LIMITS: RiskLimits = {
  maxOrderNotional: "50000",
  maxPositionNotional: "200000",
  maxGrossExposure: "800000",
  maxVar: "40000",
  maxDailyLoss: "30000",
  maxDrawdown: "0.1",
  maxOrdersPerMinute: 60,
  maxConcentration: "0.6",
  maxDepthMultiple: "1",
  stopDistance: "0.05",
};

export function position(over: Partial<WatchedPosition> = {}): WatchedPosition {
  return {
    agent: "agent:marcus-momentum",
    farm: "farm:momentum",
    venue: "paper-binance",
    symbol: "BTC-USD",
    asset: "BTC",
    quantity: "0.5",
    price: "60000",
    entryPrice: "58000",
    notional: "30000",
    stop: { price: "57000", source: "default" },
    ...over,
  };
}

export function stressResult(over: Partial<StressResult> = {}): StressResult {
  return {
    scenario: "btc_crash",
    name: "BTC −20%",
    loss: "6000.00",
    lossPct: 0.006,
    drivers: [{ agent: "agent:marcus-momentum", venue: "paper-binance", symbol: "BTC-USD", loss: "6000.00" }],
    detail: { shockBTC: -0.2 },
    ...over,
  };
}

export function halt(over: Partial<Halt> = {}): Halt {
  return { scope: { kind: "desk" }, rule: "kill_switch", reason: "fat finger", by: "ops", atMs: 1_000, resumeAtMs: null, ...over };
}

export function alert(over: Partial<RiskAlert> = {}): RiskAlert {
  return {
    key: "max_drawdown:desk",
    level: "warning",
    rule: "max_drawdown",
    scope: { kind: "desk" },
    message: "drawdown 8.1% of a 10% limit",
    firstAtMs: 1_000,
    lastAtMs: 2_000,
    clearedAtMs: null,
    ...over,
  };
}

export function report(over: Partial<RiskReport> = {}): RiskReport {
  return {
    asOfMs: 10_000,
    equity: "1000000",
    peakEquity: "1010000",
    dailyPnl: "-5000",
    drawdown: 0.0099,
    grossExposure: "45000",
    netExposure: "15000",
    leverage: { gross: 0.045, net: 0.015 },
    concentration: { largestAsset: "BTC", largestWeight: 0.66, herfindahl: 0.55 },
    correlation: { assets: ["BTC", "ETH"], matrix: [1, 0.8, 0.8, 1], averagePairwise: 0.8, clusters: [["BTC", "ETH"]] },
    liquidity: [{ agent: "agent:marcus-momentum", venue: "paper-binance", symbol: "BTC-USD", notional: "30000", depthMultiple: 0.4, daysToLiquidate: 0.01 }],
    exposure: {
      byAsset: [
        { asset: "BTC", quantity: "0.5", notional: "30000" },
        { asset: "ETH", quantity: "-5", notional: "-15000" },
      ],
      byVenue: [{ venue: "paper-binance", notional: "45000" }],
    },
    var: [
      { method: "historical", confidence: 0.95, horizon: "1h", var: "300.00", es: "420.00" },
      { method: "parametric", confidence: 0.99, horizon: "1d", var: "2500.00", es: "2900.00" },
    ],
    limits: { desk: DESK_LIMITS, farms: { "farm:momentum": { maxGrossExposure: "300000" } }, agents: {}, coolDownMinutes: 30, venueErrorThreshold: 5 },
    usage: [
      { scope: { kind: "desk" }, rule: "max_gross_exposure", value: "45000", limit: "800000", ratio: 0.05625 },
      { scope: { kind: "desk" }, rule: "max_daily_loss", value: "5000", limit: "30000", ratio: 0.1667 },
    ],
    halts: [],
    positions: [
      position(),
      position({ agent: "agent:paula-pairs", farm: "farm:pairs", symbol: "ETH-USD", asset: "ETH", quantity: "-5", price: "3000", entryPrice: null, notional: "-15000", stop: null }),
    ],
    stress: [stressResult()],
    alerts: [alert()],
    history: { bars: 720, source: "synthetic" },
    ...over,
  };
}
