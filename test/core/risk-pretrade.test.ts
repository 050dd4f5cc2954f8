import { describe, expect, it } from "vitest";
import { Decimal } from "../../core/money.js";
import { DEFAULT_LIMITS } from "../../core/risk/limits.js";
import { PreTradeState, limitUsage, preTrade } from "../../core/risk/pretrade.js";
import type { Halt, LimitsConfig, PreTradeOrder, RiskLimits, RiskPosition, RiskQuote } from "../../core/risk/types.js";

const NOW = 1_800_000_000_000;
const AGENT = "agent:marcus";
const FARM = "farm:momentum";

/** Limits wide enough that only the rule under test can bind. */
const WIDE: RiskLimits = {
  maxOrderNotional: "1000000000",
  maxPositionNotional: "1000000000",
  maxGrossExposure: "1000000000",
  maxVar: "1000000000",
  maxDailyLoss: "1000000000",
  maxDrawdown: "1",
  maxOrdersPerMinute: 6000,
  maxConcentration: "1",
  maxDepthMultiple: "1000000",
  stopDistance: "0.08",
};

function config(desk: Partial<RiskLimits> = {}, farms: LimitsConfig["farms"] = {}, agents: LimitsConfig["agents"] = {}): LimitsConfig {
  return { desk: { ...WIDE, ...desk }, farms, agents, coolDownMinutes: null, venueErrorThreshold: 5 };
}

function position(quantity: string, over: Partial<RiskPosition> = {}): RiskPosition {
  return { agent: AGENT, farm: FARM, venue: "paper-binance", symbol: "BTC-USD", asset: "BTC", quantity, price: "50000", entryPrice: null, ...over };
}

function order(over: Partial<PreTradeOrder> = {}): PreTradeOrder {
  return {
    agent: AGENT,
    farm: FARM,
    venue: "paper-binance",
    symbol: "BTC-USD",
    side: "buy",
    quantity: "0.1",
    price: null,
    reduceOnly: false,
    lotSize: "0.001",
    minNotional: "10",
    ...over,
  };
}

function quote(venue: string, symbol: string, depthBid: string, depthAsk: string): RiskQuote {
  return { venue, symbol, bid: "49990", ask: "50010", depthBid1Pct: depthBid, depthAsk1Pct: depthAsk, dailyVolume: "1000", timeMs: NOW };
}

/** Depth so deep it never binds, except where a test sets its own (or none). */
const DEEP = ["paper-binance", "paper-kraken"].flatMap((venue) => ["BTC-USD", "ETH-USD", "SOL-USD"].map((symbol) => quote(venue, symbol, "1000000", "1000000")));

function state(cfg: LimitsConfig, positions: RiskPosition[] = [], depth: readonly RiskQuote[] = DEEP): PreTradeState {
  const s = new PreTradeState(cfg);
  s.setMarks({ "BTC-USD": "50000", "ETH-USD": "2500" });
  s.setPositions(positions);
  s.setDepth(depth);
  return s;
}

function halt(scope: Halt["scope"], rule: Halt["rule"] = "kill_switch"): Halt {
  return { scope, rule, reason: "Operator pulled the switch.", by: "admin", atMs: NOW - 1, resumeAtMs: null };
}

describe("preTrade: halts", () => {
  it.each([
    ["the desk", { kind: "desk" } as const],
    ["the agent's farm", { kind: "farm", id: FARM } as const],
    ["the agent", { kind: "agent", id: AGENT } as const],
  ])("when %s is halted then an order is rejected as halted", (_name, scope) => {
    const s = state(config());
    s.setHalts([halt(scope)]);
    const d = preTrade(s, order(), NOW);
    expect(d).toMatchObject({ decision: "reject", rule: "halted" });
    expect(d.reason).toMatch(/^Trading is halted for .*Operator pulled the switch\.$/);
  });

  it("when another farm or agent is halted then the order is approved", () => {
    const s = state(config());
    s.setHalts([halt({ kind: "farm", id: "farm:other" }), halt({ kind: "agent", id: "agent:other" })]);
    expect(s.isHalted(AGENT, FARM)).toBe(false);
    expect(s.isHalted("agent:other", FARM)).toBe(true);
    expect(preTrade(s, order(), NOW).decision).toBe("approve");
  });

  it("when the desk is halted then a reduce-only order still passes", () => {
    const s = state(config(), [position("1")]);
    s.setHalts([halt({ kind: "desk" })]);
    expect(preTrade(s, order({ side: "sell", quantity: "1", reduceOnly: true }), NOW)).toMatchObject({ decision: "approve", quantity: "1" });
  });

  it("when a reduce-only order is larger than the position then it is cut to the position, never past it", () => {
    const s = state(config(), [position("0.5")]);
    s.setHalts([halt({ kind: "desk" })]);
    const d = preTrade(s, order({ side: "sell", quantity: "2", reduceOnly: true }), NOW);
    expect(d).toMatchObject({ decision: "resize", quantity: "0.5", rule: "max_position_notional" });
  });

  it("when a reduce-only order would add to the position then it is rejected", () => {
    const s = state(config(), [position("0.5")]);
    expect(preTrade(s, order({ side: "buy", reduceOnly: true }), NOW)).toMatchObject({ decision: "reject", rule: "max_position_notional" });
  });

  it("when a reduce-only order exceeds every limit then it is still approved whole", () => {
    const s = state(config({ maxOrderNotional: "100", maxPositionNotional: "100", maxGrossExposure: "100", maxDepthMultiple: "0.001" }), [position("-3")]);
    expect(preTrade(s, order({ side: "buy", quantity: "3", reduceOnly: true }), NOW)).toMatchObject({ decision: "approve", quantity: "3" });
  });
});

describe("preTrade: price", () => {
  it("when there is no mark and no limit price then it is rejected as no_price", () => {
    const s = state(config());
    expect(preTrade(s, order({ symbol: "SOL-USD" }), NOW)).toMatchObject({ decision: "reject", rule: "no_price" });
  });

  it("when the limit price is zero and there is no mark then it is rejected as no_price", () => {
    expect(preTrade(state(config()), order({ symbol: "SOL-USD", price: "0" }), NOW)).toMatchObject({ decision: "reject", rule: "no_price" });
  });

  it("when the quantity is zero then it is a programming error", () => {
    expect(() => preTrade(state(config()), order({ quantity: "0" }), NOW)).toThrow(/invariant: preTrade needs a positive quantity/);
  });

  it("when there is no mark but a limit price then the limit price is used", () => {
    const s = state(config());
    expect(preTrade(s, order({ symbol: "SOL-USD", price: "150" }), NOW).decision).toBe("approve");
  });
});

describe("preTrade: max order notional", () => {
  const cfg = config({}, {}, { [AGENT]: { maxOrderNotional: "25000" } });

  it("when the order's notional equals the limit then it is approved", () => {
    expect(preTrade(state(cfg), order({ quantity: "0.5" }), NOW)).toMatchObject({ decision: "approve", quantity: "0.5" });
  });

  it("when the order's notional is above the limit then it is resized to the limit, down to the lot", () => {
    const d = preTrade(state(cfg), order({ quantity: "0.8", price: "50001" }), NOW);
    // 25000 / 50001 = 0.49999…, floored to 0.001.
    expect(d).toEqual({
      decision: "resize",
      quantity: "0.499",
      rule: "max_order_notional",
      mark: "50000",
      reason: "Order notional 40,000.80 USD exceeds the agent's max order notional 25,000 USD; resized to 0.499 BTC.",
    });
  });

  it("when the notional is one lot above the limit then the resize is exact", () => {
    expect(preTrade(state(cfg), order({ quantity: "0.501" }), NOW)).toMatchObject({ decision: "resize", quantity: "0.5" });
  });

  it("when the capacity is below one lot then it is rejected naming the rule", () => {
    const tiny = config({}, {}, { [AGENT]: { maxOrderNotional: "40" } });
    const d = preTrade(state(tiny), order({ quantity: "1" }), NOW);
    expect(d).toMatchObject({ decision: "reject", rule: "max_order_notional" });
    expect(d.reason).toMatch(/less than one lot of 0\.001 BTC\.$/);
  });

  it("when the resized order is below the venue's minimum notional then it is rejected", () => {
    const small = config({}, {}, { [AGENT]: { maxOrderNotional: "60" } });
    const d = preTrade(state(small), order({ quantity: "1", minNotional: "100" }), NOW);
    expect(d).toMatchObject({ decision: "reject", rule: "max_order_notional" });
    expect(d.reason).toMatch(/0\.001 BTC, is worth 50 USD, below the venue's minimum notional of 100 USD\.$/);
  });

  it("when the agent closes its own position with an order above the limit then the order limit still applies", () => {
    const d = preTrade(state(cfg, [position("2")]), order({ side: "sell", quantity: "1" }), NOW);
    expect(d).toMatchObject({ decision: "resize", quantity: "0.5", rule: "max_order_notional" });
  });
});

describe("preTrade: resize exactness", () => {
  it.each([
    ["33333.33", "0.001"],
    ["60123.45", "0.00001"],
    ["2999.99", "0.0001"],
    ["149.87", "0.01"],
    ["7", "1"],
    ["0.000123", "100"],
  ])("when the price is %s and the lot %s then the resize is the largest lot multiple within the limit", (price, lot) => {
    const s = state(config({}, {}, { [AGENT]: { maxOrderNotional: "25000" } }));
    const d = preTrade(s, order({ symbol: "SOL-USD", price, lotSize: lot, quantity: "1000000000", minNotional: "1" }), NOW);
    expect(d).toMatchObject({ decision: "resize", rule: "max_order_notional" });
    const q = new Decimal(d.decision === "resize" ? d.quantity : "0");
    expect(q.times(price).lte(25000)).toBe(true);
    expect(q.plus(lot).times(price).gt(25000)).toBe(true);
    expect(q.mod(lot).isZero()).toBe(true);
  });
});

describe("preTrade: max position notional", () => {
  it("when the agent's position would reach the limit exactly then it is approved", () => {
    const s = state(config({ maxPositionNotional: "100000" }), [position("1")]);
    expect(preTrade(s, order({ quantity: "1" }), NOW).decision).toBe("approve");
  });

  it("when the agent's position would exceed it then the order is cut to the room left", () => {
    const s = state(config({ maxPositionNotional: "100000" }), [position("1.5")]);
    const d = preTrade(s, order({ quantity: "1" }), NOW);
    expect(d).toMatchObject({ decision: "resize", quantity: "0.5", rule: "max_position_notional" });
    expect(d.reason).toBe("The agent's BTC-USD position would be 125,000 USD, above its max position notional 100,000 USD; resized to 0.5 BTC.");
  });

  it("when positions at other venues count then the symbol is summed over venues", () => {
    const s = state(config({}, {}, { [AGENT]: { maxPositionNotional: "100000" } }), [position("1"), position("0.8", { venue: "paper-kraken" })]);
    expect(preTrade(s, order({ quantity: "1" }), NOW)).toMatchObject({ decision: "resize", quantity: "0.2", rule: "max_position_notional" });
  });

  it("when the farm's limit binds then the farm is named", () => {
    const s = state(config({}, { [FARM]: { maxPositionNotional: "60000" } }), [position("1", { agent: "agent:other" })]);
    const d = preTrade(s, order({ quantity: "1" }), NOW);
    expect(d).toMatchObject({ decision: "resize", quantity: "0.2", rule: "max_position_notional" });
    expect(d.reason).toMatch(/^The farm's BTC-USD position would be 100,000 USD/);
  });

  it("when the order closes a short and opens a long then the closing part is free and the rest is limited", () => {
    const s = state(config({ maxPositionNotional: "50000" }), [position("-2")]);
    // 2 BTC close the short, 1 BTC (50,000 USD) is the most the new long may be.
    expect(preTrade(s, order({ quantity: "3" }), NOW)).toMatchObject({ decision: "approve", quantity: "3" });
    expect(preTrade(s, order({ quantity: "3.5" }), NOW)).toMatchObject({ decision: "resize", quantity: "3", rule: "max_position_notional" });
  });

  it("when the agent buys back its short while its farm is net long at the limit then the closing part still passes", () => {
    // The farm: marcus short 1 BTC, other long 3 BTC → net +2 BTC = 100,000 USD, at the farm's limit.
    const s = state(config({}, { [FARM]: { maxPositionNotional: "100000" } }), [position("-1"), position("3", { agent: "agent:other" })]);
    expect(preTrade(s, order({ quantity: "1" }), NOW)).toMatchObject({ decision: "approve", quantity: "1" });
    const d = preTrade(s, order({ quantity: "1.5" }), NOW);
    expect(d).toMatchObject({ decision: "resize", quantity: "1", rule: "max_position_notional" });
    expect(d.reason).toMatch(/^The farm's BTC-USD position would be 175,000 USD/);
  });

  it("when a sell closes a position already above the limit then it is never resized", () => {
    const s = state(config({ maxPositionNotional: "10000" }), [position("2")]);
    expect(preTrade(s, order({ side: "sell", quantity: "2" }), NOW)).toMatchObject({ decision: "approve", quantity: "2" });
  });
});

describe("preTrade: max gross exposure", () => {
  const positions = [position("1"), position("10", { symbol: "ETH-USD", asset: "ETH" })]; // 50,000 + 25,000

  it("when gross would reach the limit exactly then it is approved", () => {
    expect(preTrade(state(config({ maxGrossExposure: "100000" }), positions), order({ quantity: "0.5" }), NOW).decision).toBe("approve");
  });

  it("when gross would exceed it then the order is cut to the room left", () => {
    const d = preTrade(state(config({ maxGrossExposure: "100000" }), positions), order({ quantity: "1" }), NOW);
    expect(d).toMatchObject({ decision: "resize", quantity: "0.5", rule: "max_gross_exposure" });
    expect(d.reason).toMatch(/^The agent's gross exposure would be 125,000 USD, above its max gross exposure 100,000 USD/);
  });

  it("when an order flips a short then gross counts the closing part as freed room", () => {
    // Short 1 BTC: gross 75,000. Buying 2.6 BTC closes it (−50,000) and opens 1.6 (+80,000): 105,000.
    const s = state(config({ maxGrossExposure: "100000" }), [position("-1"), positions[1] as RiskPosition]);
    expect(preTrade(s, order({ quantity: "2.5" }), NOW)).toMatchObject({ decision: "approve" });
    expect(preTrade(s, order({ quantity: "2.6" }), NOW)).toMatchObject({ decision: "resize", quantity: "2.5", rule: "max_gross_exposure" });
  });

  it("when the agent's own gross limit is tighter then it binds", () => {
    const s = state(config({}, {}, { [AGENT]: { maxGrossExposure: "60000" } }), [position("1")]);
    expect(preTrade(s, order({ quantity: "1" }), NOW)).toMatchObject({ decision: "resize", quantity: "0.2", rule: "max_gross_exposure" });
  });
});

describe("preTrade: max concentration", () => {
  // Desk gross limit 100,000; one asset may be 60% of max(gross, 100,000).
  const cfg = config({ maxConcentration: "0.6", maxGrossExposure: "100000" });

  it("when the desk begins with its first asset then the order is measured against the gross limit", () => {
    expect(preTrade(state(cfg), order({ quantity: "1.2" }), NOW)).toMatchObject({ decision: "approve", quantity: "1.2" });
  });

  it("when the asset would pass its share then the order is cut to it", () => {
    const d = preTrade(state(cfg, [position("1")]), order({ quantity: "1" }), NOW);
    expect(d).toMatchObject({ decision: "resize", quantity: "0.2", rule: "max_concentration" });
    expect(d.reason).toBe("The desk's BTC exposure would be 100,000 USD, 100% of its gross exposure 100,000 USD, above its max concentration 60%; resized to 0.2 BTC.");
  });

  it("when another asset is bought then the concentrated one does not stop it", () => {
    const s = state(cfg, [position("1.2")]);
    expect(preTrade(s, order({ symbol: "ETH-USD", quantity: "10" }), NOW).decision).toBe("approve");
  });
});

describe("preTrade: max VaR", () => {
  function withVar(s: PreTradeState, v: string, marginal: Record<string, number>): PreTradeState {
    s.setRiskSensitivities([{ scope: { kind: "desk" }, var: v, marginal }]);
    return s;
  }

  it("when the linear estimate reaches the limit exactly then it is approved", () => {
    // 0.1 BTC × 50,000 × 0.1 = 500 of VaR added: 39,500 + 500 = 40,000.
    const s = withVar(state(config({ maxVar: "40000" })), "39500", { BTC: 0.1 });
    expect(preTrade(s, order({ quantity: "0.1" }), NOW).decision).toBe("approve");
  });

  it("when the estimate exceeds the limit then the order is cut to the VaR room", () => {
    const s = withVar(state(config({ maxVar: "40000" })), "39500", { BTC: 0.1 });
    const d = preTrade(s, order({ quantity: "0.3" }), NOW);
    expect(d).toMatchObject({ decision: "resize", quantity: "0.1", rule: "max_var" });
    expect(d.reason).toMatch(/^The desk's VaR would rise from 39,500 USD to about 41,000 USD, above its max VaR 40,000 USD/);
  });

  it("when the order lowers VaR (a sell against a positive marginal) then VaR does not bind", () => {
    const s = withVar(state(config({ maxVar: "40000" })), "45000", { BTC: 0.1 });
    expect(preTrade(s, order({ side: "sell", quantity: "0.3" }), NOW).decision).toBe("approve");
  });

  it("when the asset has no marginal then the largest known marginal is assumed", () => {
    const s = withVar(state(config({ maxVar: "40000" })), "39500", { ETH: 0.1 });
    expect(preTrade(s, order({ quantity: "0.3" }), NOW)).toMatchObject({ decision: "resize", quantity: "0.1", rule: "max_var" });
  });

  it("when the VaR is already above the limit then a risk-increasing order is rejected", () => {
    const s = withVar(state(config({ maxVar: "40000" })), "40001", { BTC: 0.1 });
    const d = preTrade(s, order(), NOW);
    expect(d).toMatchObject({ decision: "reject", rule: "max_var" });
    expect(d.reason).toMatch(/; no room is left for the order\.$/);
  });
});

describe("preTrade: max depth multiple", () => {
  it("when the resulting position equals the depth on its closing side then it is approved", () => {
    const s = state(config({ maxDepthMultiple: "1" }), [position("1")], [quote("paper-binance", "BTC-USD", "2", "0.1")]);
    expect(preTrade(s, order({ quantity: "1" }), NOW).decision).toBe("approve");
  });

  it("when it exceeds the bid depth then a buy is cut to it", () => {
    const s = state(config({ maxDepthMultiple: "1" }), [position("1")], [quote("paper-binance", "BTC-USD", "2", "100")]);
    const d = preTrade(s, order({ quantity: "1.5" }), NOW);
    expect(d).toMatchObject({ decision: "resize", quantity: "1", rule: "max_depth_multiple" });
    expect(d.reason).toMatch(/position at paper-binance would be 2\.5 BTC, 1\.25 times the 2 BTC on the bid within 1% of mid/);
  });

  it("when a sell opens a short then the ask depth measures it", () => {
    const s = state(config({ maxDepthMultiple: "2" }), [], [quote("paper-binance", "BTC-USD", "100", "0.25")]);
    expect(preTrade(s, order({ side: "sell", quantity: "1" }), NOW)).toMatchObject({ decision: "resize", quantity: "0.5", rule: "max_depth_multiple" });
  });

  it("when no depth is known for the venue then only closing orders pass", () => {
    const s = state(config(), [position("1")], []);
    expect(preTrade(s, order({ quantity: "0.1" }), NOW)).toMatchObject({ decision: "reject", rule: "max_depth_multiple" });
    expect(preTrade(s, order({ side: "sell", quantity: "1" }), NOW).decision).toBe("approve");
  });
});

describe("preTrade: daily loss and drawdown", () => {
  it("when the desk has reached its daily loss then a new position is rejected", () => {
    const s = state(config({ maxDailyLoss: "25000" }));
    s.setPnl([{ scope: { kind: "desk" }, dailyPnl: "-25000", drawdown: 0.05 }]);
    const d = preTrade(s, order(), NOW);
    expect(d).toMatchObject({ decision: "reject", rule: "max_daily_loss" });
    expect(d.reason).toBe("The desk has lost 25,000 USD today, reaching its max daily loss of 25,000 USD; only orders that reduce a position are accepted.");
  });

  it("when the loss is one cent short of the limit then the order is approved", () => {
    const s = state(config({ maxDailyLoss: "25000" }));
    s.setPnl([{ scope: { kind: "desk" }, dailyPnl: "-24999.99", drawdown: 0.05 }]);
    expect(preTrade(s, order(), NOW).decision).toBe("approve");
  });

  it("when the farm has reached its drawdown then its agents may only reduce", () => {
    const s = state(config({}, { [FARM]: { maxDrawdown: "0.2" } }), [position("1")]);
    s.setPnl([{ scope: { kind: "farm", id: FARM }, dailyPnl: "0", drawdown: 0.2 }]);
    expect(preTrade(s, order(), NOW)).toMatchObject({ decision: "reject", rule: "max_drawdown" });
    expect(preTrade(s, order({ side: "sell", quantity: "0.5" }), NOW).decision).toBe("approve");
    expect(preTrade(s, order({ side: "sell", quantity: "1.5" }), NOW)).toMatchObject({ decision: "resize", quantity: "1", rule: "max_drawdown" });
  });

  it("when the drawdown is below the limit then the order is approved", () => {
    const s = state(config({}, {}, { [AGENT]: { maxDrawdown: "0.2" } }));
    s.setPnl([{ scope: { kind: "agent", id: AGENT }, dailyPnl: "0", drawdown: 0.19 }]);
    expect(preTrade(s, order(), NOW).decision).toBe("approve");
  });
});

describe("preTrade: orders per minute", () => {
  const cfg = config({}, {}, { [AGENT]: { maxOrdersPerMinute: 3 } });

  it("when the agent has sent its limit within the minute then the next order is rejected", () => {
    const s = state(cfg);
    for (let i = 0; i < 3; i++) expect(preTrade(s, order(), NOW + i * 1_000).decision).toBe("approve");
    const d = preTrade(s, order(), NOW + 3_000);
    expect(d).toMatchObject({ decision: "reject", rule: "max_orders_per_minute" });
    expect(d.reason).toBe("The agent has sent 3 orders in the last minute, reaching its max of 3 per minute.");
  });

  it("when the window rolls past the oldest order then one more is accepted", () => {
    const s = state(cfg);
    for (let i = 0; i < 3; i++) preTrade(s, order(), NOW + i * 1_000);
    expect(preTrade(s, order(), NOW + 59_999).decision).toBe("reject");
    expect(preTrade(s, order(), NOW + 60_000).decision).toBe("approve");
    expect(preTrade(s, order(), NOW + 60_500).decision).toBe("reject");
    expect(preTrade(s, order(), NOW + 61_000).decision).toBe("approve");
  });

  it("when orders are rejected or reduce-only then they do not count", () => {
    const s = state(cfg, [position("1")]);
    s.setHalts([halt({ kind: "agent", id: AGENT })]);
    for (let i = 0; i < 5; i++) preTrade(s, order(), NOW);
    for (let i = 0; i < 5; i++) preTrade(s, order({ side: "sell", quantity: "0.01", reduceOnly: true }), NOW);
    expect(s.ordersInLastMinute(AGENT, NOW)).toBe(0);
  });

  it("when another agent trades then it has its own window", () => {
    const s = state(cfg);
    for (let i = 0; i < 3; i++) preTrade(s, order(), NOW);
    expect(preTrade(s, order({ agent: "agent:other" }), NOW).decision).toBe("approve");
  });

  it("when the limit is raised then the window grows and keeps counting", () => {
    const s = state(cfg);
    for (let i = 0; i < 3; i++) preTrade(s, order(), NOW + i);
    s.setConfig(config({}, {}, { [AGENT]: { maxOrdersPerMinute: 10 } }));
    for (let i = 3; i < 10; i++) expect(preTrade(s, order(), NOW + i).decision).toBe("approve");
    expect(preTrade(s, order(), NOW + 10).decision).toBe("reject");
    expect(s.ordersInLastMinute(AGENT, NOW + 10)).toBe(10);
  });
});

describe("preTrade: several rules", () => {
  it("when several rules bind then the tightest one resizes and is named", () => {
    const s = state(config({ maxOrderNotional: "25000", maxPositionNotional: "60000" }), [position("1")]);
    // Order limit allows 0.5; position room 0.2: the position limit binds.
    expect(preTrade(s, order({ quantity: "1" }), NOW)).toMatchObject({ decision: "resize", quantity: "0.2", rule: "max_position_notional" });
  });

  it("when the default limits apply then an ordinary order is approved", () => {
    const s = state(DEFAULT_LIMITS, [], [quote("paper-binance", "BTC-USD", "50", "50")]);
    expect(preTrade(s, order({ quantity: "0.2" }), NOW)).toEqual({ decision: "approve", quantity: "0.2", mark: "50000", reason: "The order is within every limit." });
  });

  it("when marks move then exposures are revalued", () => {
    const s = state(config({ maxPositionNotional: "100000" }), [position("1")]);
    s.setMarks({ "BTC-USD": "100000" });
    expect(preTrade(s, order({ quantity: "0.1" }), NOW)).toMatchObject({ decision: "reject", rule: "max_position_notional" });
  });
});

describe("limitUsage", () => {
  it("when the desk holds positions then each scope's gauges are reported with ratios", () => {
    const s = state(config({ maxGrossExposure: "100000", maxPositionNotional: "100000", maxConcentration: "0.6", maxDailyLoss: "10000", maxDepthMultiple: "1" }), [position("1")]);
    s.setPnl([{ scope: { kind: "desk" }, dailyPnl: "-2500", drawdown: 0.1 }]);
    s.setDepth([quote("paper-binance", "BTC-USD", "4", "4")]);
    s.recordOrder(AGENT, NOW);
    const usage = limitUsage(s, NOW);
    const find = (key: string, rule: string) => usage.find((u) => (u.scope.kind === "desk" ? "desk" : u.scope.id) === key && u.rule === rule);
    expect(find("desk", "max_gross_exposure")).toEqual({ scope: { kind: "desk" }, rule: "max_gross_exposure", value: "50000", limit: "100000", ratio: 0.5 });
    expect(find("desk", "max_daily_loss")).toMatchObject({ value: "2500", limit: "10000", ratio: 0.25 });
    expect(find("desk", "max_concentration")).toMatchObject({ value: "0.5", limit: "0.6" });
    expect(find("desk", "max_depth_multiple")).toMatchObject({ value: "0.25", ratio: 0.25 });
    expect(find(FARM, "max_position_notional")).toMatchObject({ value: "50000", ratio: 0.5 });
    expect(find(AGENT, "max_orders_per_minute")).toMatchObject({ value: "1", limit: "6000" });
    expect(usage[0]?.scope).toEqual({ kind: "desk" });
  });
});
