import { describe, expect, it } from "vitest";
import { type BreakerInput, type ScopeMetrics, evaluateBreakers, haltFor, isHalted, parseScopeKey, scopeKey } from "../../core/risk/breakers.js";
import { DEFAULT_LIMITS } from "../../core/risk/limits.js";
import { stopFor, triggeredStops } from "../../core/risk/stops.js";
import type { Halt, LimitsConfig, RiskPosition, RiskScope, WatchedPosition } from "../../core/risk/types.js";

const NOW = 1_800_000_000_000;
const DESK: RiskScope = { kind: "desk" };
const FARM: RiskScope = { kind: "farm", id: "farm:momentum" };
const AGENT: RiskScope = { kind: "agent", id: "agent:marcus" };

const CONFIG: LimitsConfig = {
  ...DEFAULT_LIMITS,
  desk: { ...DEFAULT_LIMITS.desk, maxDailyLoss: "25000", maxDrawdown: "0.2", maxVar: "40000" },
  farms: { "farm:momentum": { maxDailyLoss: "5000" } },
  coolDownMinutes: 30,
  venueErrorThreshold: 5,
};

function metrics(scope: RiskScope, over: Partial<ScopeMetrics> = {}): ScopeMetrics {
  return { scope, farm: scope.kind === "agent" ? "farm:momentum" : null, dailyPnl: "0", drawdown: 0, var: null, ...over };
}

function input(over: Partial<BreakerInput> = {}): BreakerInput {
  return { scopes: [], venueErrors: [], halts: [], ...over };
}

function halt(scope: RiskScope, rule: Halt["rule"], resumeAtMs: number | null, by = "monitor"): Halt {
  return { scope, rule, reason: "x", by, atMs: NOW - 3_600_000, resumeAtMs };
}

describe("scopeKey", () => {
  it.each([
    [DESK, "desk"],
    [FARM, "farm:momentum"],
    [AGENT, "agent:marcus"],
  ] as const)("when the scope is %j then its key is %s and parses back", (scope, key) => {
    expect(scopeKey(scope)).toBe(key);
    expect(parseScopeKey(key)).toEqual(scope);
  });

  it.each(["", "treasury", "farm:", "agent:Bad", "venue:x"])("when the key is %j then it names no scope", (key) => {
    expect(parseScopeKey(key)).toBeNull();
  });
});

describe("isHalted / haltFor", () => {
  const halts = [halt(FARM, "max_daily_loss", null), halt({ kind: "agent", id: "agent:other" }, "venue_errors", null)];

  it("when the agent's farm is halted then the agent is halted by it", () => {
    expect(isHalted(halts, "agent:marcus", "farm:momentum")).toBe(true);
    expect(haltFor(halts, "agent:marcus", "farm:momentum")?.scope).toEqual(FARM);
  });

  it("when neither the desk, the farm nor the agent is halted then it is not", () => {
    expect(isHalted(halts, "agent:marcus", "farm:other")).toBe(false);
    expect(isHalted(halts, "agent:marcus", null)).toBe(false);
  });

  it("when the desk is halted then it is named before the farm", () => {
    expect(haltFor([...halts, halt(DESK, "kill_switch", null, "admin")], "agent:marcus", "farm:momentum")?.scope).toEqual(DESK);
  });
});

describe("evaluateBreakers: trips", () => {
  it("when the desk's daily loss reaches its limit then the desk is halted with a cool-down", () => {
    const { trip, clear } = evaluateBreakers(input({ scopes: [metrics(DESK, { dailyPnl: "-25000" })] }), CONFIG, NOW);
    expect(clear).toEqual([]);
    expect(trip).toEqual([
      {
        scope: DESK,
        rule: "max_daily_loss",
        reason: "The desk has lost 25,000 USD today, reaching its max daily loss of 25,000 USD.",
        by: "monitor",
        atMs: NOW,
        resumeAtMs: NOW + 30 * 60_000,
      },
    ]);
  });

  it("when the loss is a cent short of the limit then nothing trips", () => {
    expect(evaluateBreakers(input({ scopes: [metrics(DESK, { dailyPnl: "-24999.99" })] }), CONFIG, NOW).trip).toEqual([]);
  });

  it("when a farm passes its own tighter loss limit then only the farm is halted", () => {
    const { trip } = evaluateBreakers(input({ scopes: [metrics(DESK, { dailyPnl: "-6000" }), metrics(FARM, { dailyPnl: "-6000" })] }), CONFIG, NOW);
    expect(trip.map((h) => [h.scope, h.rule])).toEqual([[FARM, "max_daily_loss"]]);
  });

  it("when an agent's drawdown reaches the limit then the agent is halted", () => {
    const { trip } = evaluateBreakers(input({ scopes: [metrics(AGENT, { drawdown: 0.2 })] }), CONFIG, NOW);
    expect(trip).toMatchObject([{ scope: AGENT, rule: "max_drawdown", reason: "Agent agent:marcus is 20% below its peak equity, reaching its max drawdown of 20%." }]);
    expect(evaluateBreakers(input({ scopes: [metrics(AGENT, { drawdown: 0.199 })] }), CONFIG, NOW).trip).toEqual([]);
  });

  it("when VaR exceeds the limit then the scope is halted; at the limit it is not", () => {
    expect(evaluateBreakers(input({ scopes: [metrics(DESK, { var: "40000.01" })] }), CONFIG, NOW).trip).toMatchObject([{ scope: DESK, rule: "max_var" }]);
    expect(evaluateBreakers(input({ scopes: [metrics(DESK, { var: "40000" })] }), CONFIG, NOW).trip).toEqual([]);
  });

  it("when the cool-down is off then a tripped halt has no resume time", () => {
    const { trip } = evaluateBreakers(input({ scopes: [metrics(DESK, { dailyPnl: "-30000" })] }), { ...CONFIG, coolDownMinutes: null }, NOW);
    expect(trip[0]?.resumeAtMs).toBeNull();
  });

  it("when the scope is already halted then no second halt is tripped", () => {
    const { trip } = evaluateBreakers(input({ scopes: [metrics(DESK, { dailyPnl: "-30000" })], halts: [halt(DESK, "kill_switch", null, "admin")] }), CONFIG, NOW);
    expect(trip).toEqual([]);
  });

  it("when a venue's errors reach the threshold then every agent trading there is halted", () => {
    const { trip } = evaluateBreakers(
      input({
        venueErrors: [
          { venue: "paper-kraken", count: 5, agents: ["agent:a", "agent:b"] },
          { venue: "paper-binance", count: 4, agents: ["agent:c"] },
        ],
      }),
      CONFIG,
      NOW,
    );
    expect(trip.map((h) => [scopeKey(h.scope), h.rule])).toEqual([
      ["agent:a", "venue_errors"],
      ["agent:b", "venue_errors"],
    ]);
    expect(trip[0]?.reason).toMatch(/paper-kraken \(5\) errors, threshold 5/);
  });
});

describe("evaluateBreakers: automatic resume", () => {
  const due = NOW - 1;

  it("when the cool-down has passed and the condition cleared then the halt clears", () => {
    const r = evaluateBreakers(input({ scopes: [metrics(DESK, { dailyPnl: "-100" })], halts: [halt(DESK, "max_daily_loss", due)] }), CONFIG, NOW);
    expect(r).toEqual({ trip: [], clear: [DESK] });
  });

  it("when the resume time is exactly now then it clears", () => {
    expect(evaluateBreakers(input({ scopes: [metrics(DESK)], halts: [halt(DESK, "max_daily_loss", NOW)] }), CONFIG, NOW).clear).toEqual([DESK]);
  });

  it("when the cool-down has not passed then the halt stays", () => {
    expect(evaluateBreakers(input({ scopes: [metrics(DESK)], halts: [halt(DESK, "max_daily_loss", NOW + 1)] }), CONFIG, NOW).clear).toEqual([]);
  });

  it("when the condition still holds then the halt stays", () => {
    const r = evaluateBreakers(input({ scopes: [metrics(DESK, { dailyPnl: "-26000" })], halts: [halt(DESK, "max_daily_loss", due)] }), CONFIG, NOW);
    expect(r).toEqual({ trip: [], clear: [] });
  });

  it("when another breaker condition holds for the scope then the halt stays", () => {
    const r = evaluateBreakers(input({ scopes: [metrics(DESK, { drawdown: 0.3 })], halts: [halt(DESK, "max_daily_loss", due)] }), CONFIG, NOW);
    expect(r.clear).toEqual([]);
  });

  it("when the scope has no metrics then a loss halt stays", () => {
    expect(evaluateBreakers(input({ halts: [halt(FARM, "max_daily_loss", due)] }), CONFIG, NOW).clear).toEqual([]);
  });

  it("when a kill switch is past its resume time then it never resumes by itself", () => {
    const r = evaluateBreakers(input({ scopes: [metrics(DESK)], halts: [halt(DESK, "kill_switch", due, "admin")] }), CONFIG, NOW);
    expect(r.clear).toEqual([]);
  });

  it("when a halt has no resume time then only an operator clears it", () => {
    expect(evaluateBreakers(input({ scopes: [metrics(DESK)], halts: [halt(DESK, "max_var", null)] }), CONFIG, NOW).clear).toEqual([]);
  });

  it("when a venue stops failing then the agents it halted resume; while it fails they stay", () => {
    const halts = [halt({ kind: "agent", id: "agent:a" }, "venue_errors", due)];
    expect(evaluateBreakers(input({ halts, venueErrors: [{ venue: "v", count: 1, agents: ["agent:a"] }] }), CONFIG, NOW).clear).toEqual([{ kind: "agent", id: "agent:a" }]);
    expect(evaluateBreakers(input({ halts, venueErrors: [{ venue: "v", count: 7, agents: ["agent:a"] }] }), CONFIG, NOW)).toEqual({ trip: [], clear: [] });
  });
});

function pos(quantity: string, over: Partial<RiskPosition> = {}): RiskPosition {
  return { agent: "agent:marcus", farm: "farm:momentum", venue: "paper-binance", symbol: "BTC-USD", asset: "BTC", quantity, price: "50000", entryPrice: "40000", ...over };
}

describe("stopFor", () => {
  const limits = { ...DEFAULT_LIMITS.desk, stopDistance: "0.08" };

  it("when a long has an entry then the default stop is 8% below it", () => {
    expect(stopFor(pos("1"), null, limits, "0.01")).toEqual({ price: "36800", source: "default" });
  });

  it("when a short has no entry then the default stop is 8% above the mark", () => {
    expect(stopFor(pos("-1", { entryPrice: null }), null, limits, "0.01")).toEqual({ price: "54000", source: "default" });
  });

  it("when the stop is off the tick then it is rounded toward the position (never further than the distance)", () => {
    expect(stopFor(pos("1", { entryPrice: "100.07" }), null, limits, "0.01")).toEqual({ price: "92.07", source: "default" }); // 92.0644
    expect(stopFor(pos("-1", { entryPrice: "100.07" }), null, limits, "0.01")).toEqual({ price: "108.07", source: "default" }); // 108.0756
  });

  it("when the strategy's stop is tighter or equal then it wins", () => {
    expect(stopFor(pos("1"), "38000", limits, "0.01")).toEqual({ price: "38000", source: "strategy" });
    expect(stopFor(pos("1"), "36800", limits, "0.01")).toEqual({ price: "36800", source: "strategy" });
    expect(stopFor(pos("-1"), "42000", limits, "0.01")).toEqual({ price: "42000", source: "strategy" });
  });

  it("when the strategy's stop is looser or not a price then the default applies", () => {
    expect(stopFor(pos("1"), "30000", limits, "0.01")).toEqual({ price: "36800", source: "default" });
    expect(stopFor(pos("-1"), "50000", limits, "0.01")).toEqual({ price: "43200", source: "default" });
    expect(stopFor(pos("1"), "abc", limits, "0.01")).toEqual({ price: "36800", source: "default" });
  });

  it("when the position is flat then there is no stop", () => {
    expect(stopFor(pos("0"), null, limits, "0.01")).toBeNull();
  });
});

describe("triggeredStops", () => {
  function watched(quantity: string, stop: string): WatchedPosition {
    return { ...pos(quantity), notional: "0", stop: { price: stop, source: "default" } };
  }
  const positions = [watched("1", "46000"), watched("-2", "54000")];

  it("when the mark is between the stops then nothing triggers", () => {
    expect(triggeredStops(positions, { "BTC-USD": "46000.01" })).toEqual([]);
    expect(triggeredStops(positions, { "BTC-USD": "53999.99" })).toEqual([]);
  });

  it("when the mark reaches a long's stop then the whole long is sold", () => {
    expect(triggeredStops(positions, { "BTC-USD": "46000" })).toEqual([{ position: positions[0], stop: positions[0]?.stop, side: "sell", quantity: "1" }]);
  });

  it("when the mark reaches a short's stop then the whole short is bought back", () => {
    expect(triggeredStops(positions, { "BTC-USD": "54500" })).toEqual([{ position: positions[1], stop: positions[1]?.stop, side: "buy", quantity: "2" }]);
  });

  it("when the position's own venue has a mark then it is used before the symbol's", () => {
    const marks = new Map([
      ["paper-binance|BTC-USD", "45000"],
      ["BTC-USD", "50000"],
    ]);
    expect(triggeredStops(positions, marks).map((t) => t.side)).toEqual(["sell"]);
    expect(triggeredStops(positions, { "paper-kraken|BTC-USD": "45000", "BTC-USD": "50000" })).toEqual([]);
  });

  it("when a position has no stop then it never triggers", () => {
    expect(triggeredStops([{ ...watched("1", "1"), stop: null }], { "BTC-USD": "1" })).toEqual([]);
  });
});
