import { describe, expect, it } from "vitest";
import type { AgentRiskView } from "../../core/messages.js";
import { dec } from "../../core/money.js";
import { DEFAULT_LIMITS } from "../../core/risk/limits.js";
import {
  type MonitorDecision,
  type MonitorState,
  checkedPositions,
  decideCycle,
  decideHalt,
  decideLimits,
  decideNotifyFailure,
  decideOrderOutcome,
  decideResume,
  decisionNotice,
  haltAlert,
  haltedWithOrders,
  mitigationOrders,
  pricePositions,
  stopOrders,
  stressScenario,
  withAgentHeld,
  withOpenBuys,
} from "../../core/risk/monitor/index.js";
import type { RiskComputation } from "../../core/risk/report.js";
import type { Halt, PreTradeDecision, PreTradeOrder, RiskPosition, RiskQuote, RiskReport, WatchedPosition } from "../../core/risk/types.js";

const T0 = 1_800_000_000_000;
const MARCUS = "agent:marcus-momentum";
const FARM = "farm:momentum";
const EMPTY: MonitorState = { config: DEFAULT_LIMITS, halts: new Map(), active: new Map(), recent: [], last: null };

function halted(decision: MonitorDecision): MonitorState {
  return decision.state;
}

function names(d: MonitorDecision): string[] {
  return d.effects.runs.flatMap((r) => r.events.flatMap((e) => {
    const name = (e as { name?: string }).name;
    return name ? [name] : [];
  }));
}

function quote(venue: string, symbol: string, bid: string, ask: string): RiskQuote {
  return { venue, symbol, bid, ask, depthBid1Pct: "10", depthAsk1Pct: "10", dailyVolume: "1000", timeMs: T0 };
}

function position(over: Partial<RiskPosition> = {}): RiskPosition {
  return { agent: MARCUS, farm: FARM, venue: "paper-binance", symbol: "BTC-USD", asset: "BTC", quantity: "0.5", price: "60000", entryPrice: "60000", ...over };
}

function computation(over: Partial<RiskComputation> = {}): RiskComputation {
  const report = { asOfMs: T0, equity: "100000", grossExposure: "0", dailyPnl: "0", var: [], positions: [], usage: [], halts: [], alerts: [] } as unknown as RiskReport;
  return { report, covariance: new Float64Array(0), marks: new Map(), scopes: [], trips: [], clears: [], reductions: [], conditions: [], marksBySymbol: {}, ...over };
}

describe("halts and resumes", () => {
  it("when the kill switch halts a scope then the halt is stored, recorded, announced and alerted critical", () => {
    const d = decideHalt(EMPTY, { kind: "agent", id: MARCUS }, "test", "admin@test", T0);
    expect(d.halt).toMatchObject({ rule: "kill_switch", by: "admin@test", atMs: T0, resumeAtMs: null });
    expect([...d.state.halts.keys()]).toEqual([MARCUS]);
    expect(d.effects.haltsPut).toEqual([d.halt]);
    expect(d.effects.actions.map((a) => [a.kind, a.scope, a.by])).toEqual([["halt", MARCUS, "admin@test"]]);
    expect(d.effects.notify).toEqual([haltAlert(d.halt)]);
    expect(d.state.recent[0]).toMatchObject({ level: "critical", clearedAtMs: null });
    expect(names(d)).toEqual(["cival.risk.halted"]);
  });

  it("when a halted scope is halted again then the first halt stands and nothing new is raised", () => {
    const first = decideHalt(EMPTY, { kind: "desk" }, "one", "a", T0);
    const again = decideHalt(halted(first), { kind: "desk" }, "two", "b", T0 + 1);
    expect(again.halt).toEqual(first.halt);
    expect(again.effects.haltsPut).toEqual([]);
    expect(again.effects.notify).toEqual([]);
  });

  it("when a scope that is not halted is resumed then it is refused not_halted", () => {
    expect(decideResume(EMPTY, { kind: "desk" }, "x", "a", T0)).toMatchObject({ ok: false, code: "not_halted" });
  });

  it("when a halt is released then its critical alert is cleared with it and the resume is an info alert (defect 1)", () => {
    const state = halted(decideHalt(EMPTY, { kind: "desk" }, "drill", "a", T0));
    const d = decideResume(state, { kind: "desk" }, "over", "a", T0 + 5_000);
    if ("ok" in d) throw new Error("refused");
    expect(d.state.halts.size).toBe(0);
    expect(d.effects.haltsRemoved).toEqual(["desk"]);
    const kill = d.state.recent.filter((a) => a.rule === "kill_switch");
    expect(kill).toEqual([expect.objectContaining({ level: "critical", firstAtMs: T0, clearedAtMs: T0 + 5_000, lastAtMs: T0 + 5_000 })]);
    expect(d.state.recent.filter((a) => a.clearedAtMs === null)).toEqual([]);
    expect(d.effects.alerts.map((a) => [a.alert.rule, a.active])).toEqual([["kill_switch", false], ["resumed", false]]);
    expect(names(d)).toEqual(["cival.risk.resumed"]);
  });
});

describe("limits", () => {
  it("when limits change then they are stored with who set them, recorded and announced, and the last report shows them", () => {
    const state: MonitorState = { ...EMPTY, last: computation().report };
    const d = decideLimits(state, { desk: { maxVar: "45000" } }, "admin@test", T0);
    if ("ok" in d) throw new Error("refused");
    expect(d.limits.desk.maxVar).toBe("45000");
    expect(d.effects.config).toEqual({ config: d.limits, by: "admin@test" });
    expect(d.state.last?.limits).toEqual(d.limits);
    expect(d.effects.actions.map((a) => a.kind)).toEqual(["limits"]);
  });
});

describe("a cycle", () => {
  const trip: Halt = { scope: { kind: "agent", id: MARCUS }, rule: "max_daily_loss", reason: "lost", by: "monitor", atMs: T0, resumeAtMs: T0 + 60_000 };
  const cases: ReadonlyArray<{ name: string; state: () => MonitorState; out: Partial<RiskComputation>; halts: string[]; raised: string[]; snapshotHalted: boolean }> = [
    { name: "when nothing is wrong then no halt and no alert", state: () => EMPTY, out: {}, halts: [], raised: [], snapshotHalted: false },
    { name: "when a breaker trips then the scope is halted and its alert notified", state: () => EMPTY, out: { trips: [trip] }, halts: [MARCUS], raised: ["max_daily_loss"], snapshotHalted: true },
    {
      name: "when a cool-down has elapsed then the monitor lifts the halt",
      state: () => halted(decideHalt(EMPTY, { kind: "agent", id: MARCUS }, "x", "a", T0 - 1)),
      out: { clears: [{ kind: "agent", id: MARCUS }] },
      halts: [],
      raised: [],
      snapshotHalted: false,
    },
    {
      name: "when a figure raises a condition then it is an active alert",
      state: () => EMPTY,
      out: { conditions: [{ key: "venue_errors:paper-kraken", level: "warning", rule: "venue_errors", scope: { kind: "desk" }, message: "kraken" }] },
      halts: [],
      raised: ["venue_errors"],
      snapshotHalted: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decideCycle(c.state(), computation(c.out), [], T0);
      expect([...d.state.halts.keys()]).toEqual(c.halts);
      expect(d.effects.notify.map((a) => a.rule)).toEqual(c.raised);
      expect(d.effects.snapshot?.halted).toBe(c.snapshotHalted);
      expect(d.state.last).toBe(d.report);
      expect(d.effects.runs.at(-1)?.runId).toBe(`cycle:${T0}`);
    });
  }

  it("when a condition holds over two cycles then it is raised once and cleared when gone", () => {
    const cond = { key: "no_history", level: "warning" as const, rule: "no_price" as const, scope: { kind: "desk" as const }, message: "m" };
    const one = decideCycle(EMPTY, computation({ conditions: [cond] }), [], T0);
    const two = decideCycle(one.state, computation({ conditions: [cond] }), [], T0 + 10_000);
    expect(two.effects.notify).toEqual([]);
    expect(two.state.active.get("no_history")).toMatchObject({ firstAtMs: T0, lastAtMs: T0 + 10_000 });
    const three = decideCycle(two.state, computation(), [], T0 + 20_000);
    expect(three.state.active.size).toBe(0);
    expect(three.state.recent[0]).toMatchObject({ key: "no_history", clearedAtMs: T0 + 20_000 });
  });

  it("when over a limit then each reduction is an order with an id from the cycle", () => {
    const d = decideCycle(EMPTY, computation({ reductions: [{ agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "sell", quantity: "0.1", reason: "gross" }] }), [], T0);
    expect(d.orders).toEqual(mitigationOrders([{ agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "sell", quantity: "0.1", reason: "gross" }], T0));
    expect(d.orders[0]).toMatchObject({ kind: "mitigation", clientOrderId: `risk-m-${T0}-0` });
  });

  it("when a scope is halted then its agents with open orders are asked to cancel, and only those", () => {
    const state = halted(decideHalt(EMPTY, { kind: "farm", id: FARM }, "x", "a", T0));
    const agents = [
      { agent: MARCUS, farm: FARM, openOrders: 2 },
      { agent: "agent:idle", farm: FARM, openOrders: 0 },
      { agent: "agent:other", farm: "farm:other", openOrders: 3 },
    ];
    expect(haltedWithOrders(state, agents)).toEqual([MARCUS]);
    expect(haltedWithOrders(EMPTY, agents)).toEqual([]);
  });
});

describe("risk orders and stops", () => {
  const watched: WatchedPosition = { ...position({ quantity: "2", entryPrice: "100", price: "100" }), symbol: "SOL-USD", asset: "SOL", venue: "paper-kraken", notional: "200", stop: { price: "95", source: "default" } };

  it("when a stop's venue mid crosses it then the whole position is closed, and not on another venue's price", () => {
    const orders = stopOrders([watched], [quote("paper-kraken", "SOL-USD", "94", "94.2"), quote("paper-binance", "SOL-USD", "99", "99.2")], T0);
    expect(orders).toEqual([expect.objectContaining({ kind: "stop", side: "sell", quantity: "2", venue: "paper-kraken", reason: "stop at 95 (default) crossed: mark 94.1" })]);
    expect(stopOrders([watched], [quote("paper-binance", "SOL-USD", "90", "90.2")], T0)).toEqual([]);
  });

  const outcomes = [
    { name: "when a risk order is placed then a warning is recorded", result: { ok: true } as const, level: "warning", placed: true },
    { name: "when a risk order is refused then a critical alert says why", result: { ok: false, code: "unavailable", message: "down" } as const, level: "critical", placed: false },
  ];
  for (const o of outcomes) {
    it(o.name, () => {
      const [order] = stopOrders([watched], [quote("paper-kraken", "SOL-USD", "94", "94.2")], T0);
      if (!order) throw new Error("no stop");
      const state: MonitorState = { ...EMPTY, last: { ...computation().report, positions: [watched] } };
      const d = decideOrderOutcome(state, order, o.result, T0);
      expect(d.effects.notify).toEqual([expect.objectContaining({ level: o.level, rule: "stop_triggered", clearedAtMs: T0 })]);
      expect(JSON.parse(d.effects.actions[0]?.detail ?? "{}")).toMatchObject({ placed: o.placed });
      // A stop fires once: the position is no longer watched until the next cycle.
      expect(d.state.last?.positions).toEqual([]);
    });
  }

  it("when notifications fail then an info alert names the targets", () => {
    const d = decideNotifyFailure(EMPTY, [{ target: "webhook", error: "ECONNREFUSED" }], T0);
    expect(d.state.recent[0]).toMatchObject({ rule: "notification_failed", level: "info", message: "could not notify webhook (ECONNREFUSED)" });
  });
});

describe("pricing positions", () => {
  it("when books are read then positions are priced at their venue's mid, or kept at entry when the venue was not read", () => {
    const view: AgentRiskView = { agent: MARCUS, farm: FARM, status: "active", cash: "1000", capital: "1000", openOrders: 0, positions: [
      { venue: "paper-binance", symbol: "BTC-USD", asset: "BTC", quantity: "0.5", entryPrice: "59000" },
      { venue: "paper-kraken", symbol: "BTC-USD", asset: "BTC", quantity: "0.1", entryPrice: "58000" },
    ] };
    const out = pricePositions([view], [quote("paper-binance", "BTC-USD", "60000", "60001")]);
    expect(out.map((p) => p.price)).toEqual(["60000.5", "58000"]);
  });

  it("when an agent sends what it holds then its positions are replaced at the marks, and unchanged holdings change nothing", () => {
    const mark = () => dec("61000");
    const before = [position()];
    expect(withAgentHeld(before, MARCUS, [{ agent: MARCUS, farm: FARM, venue: "paper-binance", symbol: "BTC-USD", asset: "BTC", quantity: "0.5" }], mark)).toBeNull();
    const after = withAgentHeld(before, MARCUS, [{ agent: MARCUS, farm: FARM, venue: "paper-binance", symbol: "BTC-USD", asset: "BTC", quantity: "0.7" }], mark);
    expect(after).toEqual([{ ...position(), quantity: "0.7", price: "61000" }]);
  });

  it("when open buys are sent then they count as held at the marks, and an empty list forgets them", () => {
    const buy = { agent: MARCUS, farm: FARM, venue: "paper-binance", symbol: "ETH-USD", asset: "ETH", quantity: "3" };
    const buys = withOpenBuys(new Map(), MARCUS, [buy]);
    expect(buys).not.toBeNull();
    expect(withOpenBuys(buys ?? new Map(), MARCUS, [buy])).toBeNull();
    expect(checkedPositions([position()], buys ?? new Map(), () => dec("3000")).at(-1)).toEqual({ ...buy, price: "3000", entryPrice: null });
    expect(withOpenBuys(buys ?? new Map(), MARCUS, [])?.size).toBe(0);
  });
});

describe("denial notices", () => {
  const order: PreTradeOrder = { agent: MARCUS, farm: FARM, venue: "paper-binance", symbol: "BTC-USD", side: "buy", quantity: "2", price: null, reduceOnly: false, lotSize: "0.00001", minNotional: "5" };
  const reject: PreTradeDecision = { decision: "reject", rule: "kill_switch", reason: "agent halted" };
  const resize: PreTradeDecision = { decision: "resize", quantity: "0.4", rule: "max_order_notional", mark: "60000", reason: "over 25,000" };
  const approve: PreTradeDecision = { decision: "approve", quantity: "2", mark: "60000", reason: "within limits" };
  const cases: ReadonlyArray<{ name: string; order: PreTradeOrder; decision: PreTradeDecision; dryRun: boolean; event: string | null; topics?: string[] }> = [
    { name: "when an order is approved then nothing is announced", order, decision: approve, dryRun: false, event: null },
    { name: "when a dry run is rejected then nothing is announced", order, decision: reject, dryRun: true, event: null },
    { name: "when a dry run is resized then nothing is announced", order, decision: resize, dryRun: true, event: null },
    { name: "when an order is rejected then cival.risk.denied reaches the agent and its farm", order, decision: reject, dryRun: false, event: "cival.risk.denied", topics: [MARCUS, FARM] },
    { name: "when an order is resized then cival.risk.resized is announced", order, decision: resize, dryRun: false, event: "cival.risk.resized", topics: [MARCUS, FARM] },
    { name: "when an agent outside any farm is rejected then only its own topic is added", order: { ...order, farm: null }, decision: reject, dryRun: false, event: "cival.risk.denied", topics: [MARCUS] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const notice = decisionNotice(c.order, c.decision, c.dryRun, T0, 1);
      if (c.event === null) return expect(notice).toBeNull();
      expect(notice?.thread).toBe("risk");
      expect(notice?.topics).toEqual(c.topics);
      expect(notice?.events.map((e) => e.type)).toEqual(["RUN_STARTED", "CUSTOM", "RUN_FINISHED"]);
      const custom = notice?.events[1] as unknown as { name: string; value: Record<string, unknown> };
      expect(custom.name).toBe(c.event);
      expect(custom.value).toMatchObject({ agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "buy", quantity: "2", rule: c.decision.decision === "approve" ? null : c.decision.rule, reason: c.decision.reason });
    });
  }

  it("when a stress scenario is unknown then it is refused with the known ones", () => {
    expect(stressScenario({ scenario: "meteor" } as unknown as Parameters<typeof stressScenario>[0])).toMatchObject({ ok: false, code: "unknown_scenario" });
    expect(stressScenario({ scenario: "btc_crash" })).toMatchObject({ ok: true, scenario: { id: "btc_crash" } });
  });
});
