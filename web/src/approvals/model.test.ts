import { describe, expect, test } from "vitest";
import type { ApprovalRecord } from "../../../core/agents/types.ts";
import type { LogEntry } from "../live/log.ts";
import { entriesSince } from "./events.ts";
import { approvalActions, CLOSED_KEPT, countdown, EMPTY_TRAY, SKEW_MS, type TrayAction, trayReducer, type TrayState } from "./model.ts";

const NOW = 1_700_000_000_000;

function approval(over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: "marcus-momentum.c1",
    agent: "agent:marcus-momentum",
    farm: "farm:momentum",
    cycleId: "c1",
    venue: "paper-binance",
    symbol: "BTC-USD",
    side: "buy",
    type: "market",
    quantity: "0.5",
    price: null,
    notional: "31000",
    reasons: ["notional_above_threshold"],
    message: "notional 31,000 USD is above the 1 USD threshold",
    signalReason: "fast SMA over slow",
    state: "pending",
    createdAtMs: NOW - 10_000,
    expiresAtMs: NOW + 120_000,
    decidedAtMs: null,
    decidedBy: null,
    clientOrderId: null,
    result: null,
    ...over,
  };
}

const run = (actions: TrayAction[], from: TrayState = EMPTY_TRAY) => actions.reduce(trayReducer, from);
const ids = (s: TrayState) => s.pending.map((a) => a.id);

let nextId = 1;
function entry(thread: string, event: Record<string, unknown>): LogEntry {
  const id = nextId++;
  return { id, seq: id, thread, at: NOW, event: event as unknown as LogEntry["event"], runKey: null };
}

describe("approvals tray reducer", () => {
  test("when requests arrive then the soonest to expire is first", () => {
    const late = approval({ id: "a.1", expiresAtMs: NOW + 300_000 });
    const soon = approval({ id: "b.1", expiresAtMs: NOW + 30_000 });
    const s = run([
      { type: "requested", approval: late, nowMs: NOW },
      { type: "requested", approval: soon, nowMs: NOW },
    ]);
    expect(ids(s)).toEqual(["b.1", "a.1"]);
  });

  test("when the same request arrives twice then it shows once, with the later record", () => {
    const first = approval();
    const again = approval({ message: "updated" });
    const s = run([
      { type: "requested", approval: first, nowMs: NOW },
      { type: "requested", approval: again, nowMs: NOW },
    ]);
    expect(ids(s)).toEqual([first.id]);
    expect(s.pending[0]?.message).toBe("updated");
  });

  test("when a request is decided then its card leaves and a replay of the request does not bring it back", () => {
    const a = approval();
    const s = run([
      { type: "requested", approval: a, nowMs: NOW },
      { type: "decided", approval: { ...a, state: "approved", decidedAtMs: NOW } },
      { type: "requested", approval: a, nowMs: NOW },
    ]);
    expect(ids(s)).toEqual([]);
    expect(s.closed.get(a.id)).toBe("approved");
  });

  test("when a request is announced already settled then it is treated as decided", () => {
    const a = approval();
    const s = run([
      { type: "requested", approval: a, nowMs: NOW },
      { type: "requested", approval: { ...a, state: "rejected" }, nowMs: NOW },
    ]);
    expect(ids(s)).toEqual([]);
    expect(s.closed.get(a.id)).toBe("rejected");
  });

  test("when the clock passes a request's expiry then it leaves as expired; one already expired never shows", () => {
    const a = approval({ expiresAtMs: NOW + 5_000 });
    const b = approval({ id: "b.1", expiresAtMs: NOW + 60_000 });
    let s = run([
      { type: "requested", approval: a, nowMs: NOW },
      { type: "requested", approval: b, nowMs: NOW },
    ]);
    s = trayReducer(s, { type: "tick", nowMs: NOW + 4_999 });
    expect(ids(s)).toEqual([a.id, b.id]);
    s = trayReducer(s, { type: "tick", nowMs: NOW + 5_000 });
    expect(ids(s)).toEqual([b.id]);
    expect(s.closed.get(a.id)).toBe("expired");
    const stale = trayReducer(EMPTY_TRAY, { type: "requested", approval: approval({ id: "c.1", expiresAtMs: NOW - 1 }), nowMs: NOW });
    expect(ids(stale)).toEqual([]);
  });

  test("when the GET answers then it replaces what it covers and keeps live requests made after it went out", () => {
    const settledElsewhere = approval({ id: "old.1", createdAtMs: NOW - 60_000 });
    const liveAfter = approval({ id: "new.1", createdAtMs: NOW + 1_000 });
    const listed = approval({ id: "listed.1" });
    let s = run([
      { type: "requested", approval: settledElsewhere, nowMs: NOW },
      { type: "requested", approval: liveAfter, nowMs: NOW },
    ]);
    s = trayReducer(s, { type: "loaded", approvals: [listed, approval({ id: "done.1", state: "approved" })], requestedAtMs: NOW, nowMs: NOW + 2_000 });
    expect(ids(s).sort()).toEqual(["listed.1", "new.1"]);
    expect(s.asOfMs).toBe(NOW);
  });

  test("when a request older than the last load arrives late then it is dropped (the load said it was settled)", () => {
    const s0 = trayReducer(EMPTY_TRAY, { type: "loaded", approvals: [], requestedAtMs: NOW, nowMs: NOW });
    const old = approval({ id: "old.1", createdAtMs: NOW - SKEW_MS - 1 });
    const recent = approval({ id: "recent.1", createdAtMs: NOW - SKEW_MS + 1 });
    const s = run([
      { type: "requested", approval: old, nowMs: NOW },
      { type: "requested", approval: recent, nowMs: NOW },
    ], s0);
    expect(ids(s)).toEqual(["recent.1"]);
  });

  test("when many requests close then only the latest ids are remembered", () => {
    let s = EMPTY_TRAY;
    for (let i = 0; i < CLOSED_KEPT + 20; i++) s = trayReducer(s, { type: "decided", approval: approval({ id: `x.${i}`, state: "rejected" }) });
    expect(s.closed.size).toBe(CLOSED_KEPT);
    expect(s.closed.has("x.0")).toBe(false);
    expect(s.closed.has(`x.${CLOSED_KEPT + 19}`)).toBe(true);
  });
});

describe("approval events", () => {
  test("when a cycle ends with an interrupt or a CUSTOM request then both become requests; decided becomes an answer", () => {
    const a = approval();
    const entries = [
      entry("agent:marcus-momentum", { type: "CUSTOM", name: "cival.approval.requested", value: a }),
      entry("agent:marcus-momentum", {
        type: "RUN_FINISHED",
        threadId: "agent:marcus-momentum",
        runId: "c1",
        outcome: { type: "interrupt", interrupts: [{ id: a.id, reason: "order_approval", message: a.message, expiresAt: a.expiresAtMs, metadata: a }] },
      }),
      entry("agent:marcus-momentum", { type: "CUSTOM", name: "cival.approval.decided", value: { ...a, state: "expired" } }),
      entry("agent:marcus-momentum", { type: "CUSTOM", name: "cival.agent.decision", value: { id: "d1" } }),
      entry("agent:marcus-momentum", { type: "CUSTOM", name: "cival.approval.requested", value: { id: "broken" } }),
    ];
    const actions = approvalActions(entries, NOW);
    expect(actions.map((x) => x.type)).toEqual(["requested", "requested", "decided"]);
    const s = run(actions);
    expect(ids(s)).toEqual([]);
    expect(s.closed.get(a.id)).toBe("expired");
  });

  test("when the log has grown then only entries after the last one read come back", () => {
    const es = [entry("a", { type: "CUSTOM", name: "x" }), entry("a", { type: "CUSTOM", name: "y" }), entry("a", { type: "CUSTOM", name: "z" })];
    const first = es[0]?.id ?? 0;
    const { fresh, lastId } = entriesSince(es, first);
    expect(fresh.map((e) => e.id)).toEqual([first + 1, first + 2]);
    expect(lastId).toBe(first + 2);
    expect(entriesSince(es, lastId)).toEqual({ fresh: [], lastId });
  });
});

describe("countdown", () => {
  test("when time is left then minutes and seconds show, hours when long; urgent under 30 s; expired at zero", () => {
    expect(countdown(NOW + 125_000, NOW)).toEqual({ text: "2:05", seconds: 125, urgent: false });
    expect(countdown(NOW + 3_725_000, NOW).text).toBe("1:02:05");
    expect(countdown(NOW + 29_100, NOW)).toEqual({ text: "0:30", seconds: 30, urgent: true });
    expect(countdown(NOW + 500, NOW).text).toBe("0:01");
    expect(countdown(NOW, NOW)).toEqual({ text: "expired", seconds: 0, urgent: true });
    expect(countdown(NOW - 9_000, NOW).text).toBe("expired");
  });
});
