import type { AgentConfig, AgentSummary, DecisionRecord } from "../../../../core/agents/types.ts";
import type { Strategy } from "../backtests/model.ts";

/** Plain records shaped as the API answers them, for the page's unit tests. */

export const T0 = 1_700_000_000_000;

export function config(over: Partial<AgentConfig> = {}): AgentConfig {
  return {
    strategy: "momentum",
    params: { fast: 10, slow: 30, allowShort: false },
    symbols: ["BTC-USD"],
    venues: ["paper-binance"],
    barInterval: "1m",
    cycleMs: 15_000,
    sizing: { mode: "volatility_target", targetVolatility: 0.2, maxFraction: 0.25, lookbackBars: 48 },
    paused: false,
    version: 3,
    updatedAtMs: T0,
    ...over,
  };
}

export function decision(over: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    id: "marcus-momentum.c1",
    agent: "agent:marcus-momentum",
    farm: "farm:momentum",
    cycleId: "c1",
    strategy: "momentum",
    mode: "independent",
    outcome: "hold",
    reason: "fast SMA under slow: nothing to do",
    side: "hold",
    symbol: "BTC-USD",
    venue: "paper-binance",
    quantity: null,
    price: "62000",
    notional: null,
    orders: [],
    approvalId: null,
    atMs: T0,
    latencyMs: 4,
    ...over,
  };
}

export function summary(over: Partial<AgentSummary> = {}): AgentSummary {
  return {
    id: "marcus-momentum",
    name: "Marcus Momentum",
    farm: "farm:momentum",
    status: "running",
    config: config(),
    equity: "120000",
    cash: "100000",
    realizedPnl: "12.5",
    unrealizedPnl: "-3.25",
    fees: "1.2",
    winRate: 0.5,
    trades: 4,
    openTrades: 1,
    lastDecision: decision(),
    pendingApprovals: 0,
    lastCycleAtMs: T0,
    nextCycleAtMs: T0 + 15_000,
    ...over,
  };
}

/** The momentum strategy as GET /api/strategies describes it (a JSON Schema of its parameters). */
export function momentumStrategy(): Strategy {
  return {
    id: "momentum",
    name: "Momentum",
    description: "fast and slow moving averages",
    instruments: 1,
    warmupDefault: 30,
    params: {
      type: "object",
      properties: {
        fast: { type: "integer", minimum: 2, maximum: 200, default: 10, description: "fast period" },
        slow: { type: "integer", minimum: 3, maximum: 400, default: 30, description: "slow period" },
        allowShort: { type: "boolean", default: false, description: "sell short" },
      },
    },
    defaults: { fast: 10, slow: 30, allowShort: false },
  };
}
