import { describe, expect, test } from "vitest";
import { alert, halt, position, report } from "./fixtures.ts";
import {
  applyHaltChanges,
  asRiskReport,
  dailyPnlFraction,
  exposureBars,
  HALT_CHANGE_TTL_MS,
  type HaltChange,
  haltChangeFromEvent,
  haltChangesSince,
  knownScopes,
  liveAlerts,
  mergeAlerts,
  newerReport,
  pendingHaltChanges,
  positionRows,
  reasonProblem,
  scopeBody,
  stopDistance,
} from "./model.ts";

const custom = (id: number, name: string, value: unknown, thread = "risk") => ({ id, thread, event: { type: "CUSTOM", name, value } });

describe("which report", () => {
  test("a state of the report's shape is one; anything else is not", () => {
    const r = report();
    expect(asRiskReport(r)).toBe(r);
    expect(asRiskReport(undefined)).toBeNull();
    expect(asRiskReport({ ...r, var: null })).toBeNull();
    expect(asRiskReport({ ...r, correlation: { assets: [] } })).toBeNull();
    expect(asRiskReport({ id: "treasury", balances: {} })).toBeNull();
  });

  test("the later computation wins; on a tie a current live state, else the later arrival", () => {
    const older = { report: report({ asOfMs: 1 }), atMs: 50 };
    const newer = { report: report({ asOfMs: 2 }), atMs: 10 };
    expect(newerReport(older, newer)).toBe(newer);
    expect(newerReport(newer, older)).toBe(newer);
    const restLate = { report: report({ asOfMs: 2 }), atMs: 20 };
    expect(newerReport(restLate, newer)).toBe(restLate);
    const liveCurrent = { report: report({ asOfMs: 2 }), atMs: 5, current: true };
    expect(newerReport(restLate, liveCurrent)).toBe(liveCurrent);
    const liveSame = { report: report({ asOfMs: 2 }), atMs: 20 };
    expect(newerReport(restLate, liveSame)).toBe(liveSame);
    expect(newerReport(null, newer)).toBe(newer);
    expect(newerReport(older, null)).toBe(older);
    expect(newerReport(null, null)).toBeNull();
  });
});

describe("halts", () => {
  const farmHalt = halt({ scope: { kind: "farm", id: "farm:pairs" }, rule: "max_drawdown", by: "monitor" });

  test("changes apply in order: a halt replaces its scope's, a resume removes it; desk first", () => {
    const changes: HaltChange[] = [
      { kind: "halted", halt: halt({ reason: "new reason" }), atMs: 1 },
      { kind: "resumed", scope: { kind: "farm", id: "farm:pairs" }, by: "ops", atMs: 2 },
      { kind: "halted", halt: halt({ scope: { kind: "agent", id: "agent:x" } }), atMs: 3 },
    ];
    const out = applyHaltChanges([farmHalt, halt()], changes);
    expect(out.map((h) => h.scope.kind)).toEqual(["desk", "agent"]);
    expect(out[0]?.reason).toBe("new reason");
  });

  test("a change is pending until a report shows it, or it is too old", () => {
    const halted: HaltChange = { kind: "halted", halt: halt(), atMs: 1_000 };
    const resumed: HaltChange = { kind: "resumed", scope: { kind: "farm", id: "farm:pairs" }, by: null, atMs: 1_000 };
    expect(pendingHaltChanges([], [halted], 2_000)).toEqual([halted]);
    expect(pendingHaltChanges([halt()], [halted], 2_000)).toEqual([]);
    expect(pendingHaltChanges([farmHalt], [resumed], 2_000)).toEqual([resumed]);
    expect(pendingHaltChanges([], [resumed], 2_000)).toEqual([]);
    expect(pendingHaltChanges([], [halted], 1_000 + HALT_CHANGE_TTL_MS + 1)).toEqual([]);
  });

  test("halted and resumed events become changes; other shapes do not", () => {
    expect(haltChangeFromEvent("cival.risk.halted", halt(), 5)).toEqual({ kind: "halted", halt: halt(), atMs: 5 });
    expect(haltChangeFromEvent("cival.risk.halted", { halt: halt() }, 5)).toEqual({ kind: "halted", halt: halt(), atMs: 5 });
    expect(haltChangeFromEvent("cival.risk.resumed", { resumed: { kind: "desk" }, by: "ops" }, 6)).toEqual({ kind: "resumed", scope: { kind: "desk" }, by: "ops", atMs: 6 });
    expect(haltChangeFromEvent("cival.risk.resumed", { scope: { kind: "agent", id: "agent:x" } }, 6)).toEqual({
      kind: "resumed",
      scope: { kind: "agent", id: "agent:x" },
      by: null,
      atMs: 6,
    });
    expect(haltChangeFromEvent("cival.risk.halted", { scope: { kind: "farm" } }, 1)).toBeNull();
    expect(haltChangeFromEvent("cival.risk.alert", alert(), 1)).toBeNull();
  });

  test("the log is read from where the page left off, risk thread only", () => {
    const entries = [
      custom(1, "cival.risk.halted", halt()),
      custom(2, "cival.risk.halted", halt(), "agent:x"),
      { id: 3, thread: "risk", event: { type: "STATE_DELTA" } },
      custom(4, "cival.risk.resumed", { resumed: { kind: "desk" }, by: "ops" }),
    ];
    const all = haltChangesSince(entries, 0, 99);
    expect(all.changes.map((c) => c.kind)).toEqual(["halted", "resumed"]);
    expect(all.lastId).toBe(4);
    const later = haltChangesSince(entries, 3, 99);
    expect(later.changes.map((c) => c.kind)).toEqual(["resumed"]);
    expect(haltChangesSince(entries, 4, 99)).toEqual({ changes: [], lastId: 4 });
  });

  test("scope bodies and reasons as the API takes them", () => {
    expect(scopeBody({ kind: "desk" })).toEqual({ scope: "desk" });
    expect(scopeBody({ kind: "farm", id: "farm:pairs" })).toEqual({ scope: "farm", id: "farm:pairs" });
    expect(reasonProblem("")).toMatch(/required/);
    expect(reasonProblem("   ")).toMatch(/required/);
    expect(reasonProblem("x".repeat(200))).toBeNull();
    expect(reasonProblem("x".repeat(201))).toMatch(/200/);
  });

  test("the kill switch offers the desk, then every farm and agent the report names", () => {
    const scopes = knownScopes(report(), [halt({ scope: { kind: "agent", id: "agent:zed" } })]);
    expect(scopes.map((s) => (s.kind === "desk" ? "desk" : s.id))).toEqual([
      "desk",
      "farm:momentum",
      "farm:pairs",
      "agent:marcus-momentum",
      "agent:paula-pairs",
      "agent:zed",
    ]);
    expect(knownScopes(null, [])).toEqual([{ kind: "desk" }]);
  });
});

describe("alerts", () => {
  test("one per key, the latest word wins, newest first", () => {
    const reported = [alert({ key: "a", lastAtMs: 10 }), alert({ key: "b", lastAtMs: 20 })];
    const live = [alert({ key: "a", lastAtMs: 30, level: "critical" }), alert({ key: "b", lastAtMs: 20, clearedAtMs: 25 }), alert({ key: "c", lastAtMs: 5 })];
    const merged = mergeAlerts(reported, live);
    expect(merged.map((a) => a.key)).toEqual(["a", "b", "c"]);
    expect(merged[0]?.level).toBe("critical");
    expect(merged[1]?.clearedAtMs).toBe(25);
    expect(mergeAlerts([alert({ key: "a", lastAtMs: 40 })], [alert({ key: "a", lastAtMs: 30, message: "old" })])[0]?.lastAtMs).toBe(40);
    expect(mergeAlerts(reported, live, 1)).toHaveLength(1);
  });

  test("alerts come from the risk thread's custom events of the right shape", () => {
    const entries = [custom(1, "cival.risk.alert", alert({ key: "x" })), custom(2, "cival.risk.alert", { key: "broken" }), custom(3, "cival.risk.alert", alert({ key: "y" }), "agent:a")];
    expect(liveAlerts(entries).map((a) => a.key)).toEqual(["x"]);
  });
});

describe("positions and exposure", () => {
  test("stop distance is the room before the stop, on the losing side", () => {
    expect(stopDistance(position({ price: "60000", stop: { price: "57000", source: "default" } }))).toBeCloseTo(0.05);
    expect(stopDistance(position({ quantity: "-1", price: "100", stop: { price: "110", source: "strategy" } }))).toBeCloseTo(0.1);
    expect(stopDistance(position({ price: "100", stop: { price: "101", source: "default" } }))).toBeCloseTo(-0.01);
    expect(stopDistance(position({ stop: null }))).toBeNull();
    expect(stopDistance(position({ quantity: "0" }))).toBeNull();
  });

  test("rows join liquidity and sort by absolute notional", () => {
    const rows = positionRows(
      [position({ notional: "100" }), position({ agent: "agent:b", notional: "-300" }), position({ agent: "agent:c", notional: "200" })],
      report().liquidity,
    );
    expect(rows.map((r) => r.position.agent)).toEqual(["agent:b", "agent:c", "agent:marcus-momentum"]);
    expect(rows[2]).toMatchObject({ depthMultiple: 0.4, daysToLiquidate: 0.01 });
    expect(rows[0]).toMatchObject({ depthMultiple: null, daysToLiquidate: null });
  });

  test("exposure bars scale to the largest and keep the side", () => {
    const bars = exposureBars([
      { label: "ETH", notional: "-15000" },
      { label: "BTC", notional: "30000" },
      { label: "SOL", notional: "0" },
    ]);
    expect(bars.map((b) => [b.label, b.share, b.side])).toEqual([
      ["BTC", 1, "long"],
      ["ETH", 0.5, "short"],
      ["SOL", 0, "flat"],
    ]);
    expect(exposureBars([{ label: "X", notional: "0" }])[0]?.share).toBe(0);
  });

  test("the day's P&L as a share of the day's opening equity", () => {
    expect(dailyPnlFraction({ equity: "95000", dailyPnl: "-5000" })).toBeCloseTo(-0.05);
    expect(dailyPnlFraction({ equity: "0", dailyPnl: "0" })).toBeNaN();
  });
});
