import { describe, expect, test } from "vitest";
import type { LogEntry } from "../../live/log.ts";
import { ev } from "../../live/test-events.ts";
import { groupByRun } from "./filters.ts";
import { expandRows, routineRuns, summariseGroups, summariseRoutine, summaryLabel } from "./summarise.ts";

let nextId = 1;
function entry(thread: string, event: LogEntry["event"], runKey: string | null): LogEntry {
  const id = nextId++;
  return { id, seq: id, thread, at: 0, event, runKey };
}

/** A risk cycle as the monitor publishes it every 10 s: start, one delta, end (oldest first). */
function riskCycle(n: number): LogEntry[] {
  const key = `risk#${n}`;
  return [entry("risk", ev.runStarted("risk", `cycle:${n}`), key), entry("risk", ev.delta([{ op: "replace", path: "/var", value: String(n) }]), key), entry("risk", ev.runFinished("risk", `cycle:${n}`), key)];
}

function fill(n: number): LogEntry[] {
  const key = `agent:marcus#${n}`;
  return [
    entry("agent:marcus", ev.runStarted("agent:marcus", `fill:${n}`), key),
    entry("agent:marcus", ev.custom("cival.order.filled", { clientOrderId: `o${n}` }), key),
    entry("agent:marcus", ev.delta([{ op: "replace", path: "/balances/USD", value: "1" }]), key),
    entry("agent:marcus", ev.runFinished("agent:marcus", `fill:${n}`), key),
  ];
}

const newestFirst = (...chunks: LogEntry[][]) => chunks.flat().reverse();
const shape = (rows: ReturnType<typeof summariseRoutine>) => rows.map((r) => (r.kind === "summary" ? summaryLabel(r) : r.entry.event.type));

describe("summarising routine state updates", () => {
  test("when the risk monitor sends a delta run every 10 s then its runs fold into one line and the fill between them stays whole", () => {
    const log = newestFirst(riskCycle(1), riskCycle(2), riskCycle(3), fill(1), riskCycle(4), riskCycle(5));
    const rows = summariseRoutine(log, routineRuns(log));
    expect(shape(rows)).toEqual(["risk state updated ×2", "RUN_FINISHED", "STATE_DELTA", "CUSTOM", "RUN_STARTED", "risk state updated ×3"]);
  });

  test("when a risk run carries more than a delta (an alert) then it is not routine and breaks the stretch", () => {
    const alert = [entry("risk", ev.runStarted("risk", "cycle:a"), "risk#a"), entry("risk", ev.custom("cival.risk.alert", { level: "warn" }), "risk#a"), entry("risk", ev.delta([]), "risk#a"), entry("risk", ev.runFinished("risk", "cycle:a"), "risk#a")];
    const log = newestFirst(riskCycle(6), riskCycle(7), alert, riskCycle(8), riskCycle(9));
    const routine = routineRuns(log);
    expect(routine.has("risk#a")).toBe(false);
    expect(shape(summariseRoutine(log, routine))).toEqual(["risk state updated ×2", "RUN_FINISHED", "STATE_DELTA", "CUSTOM", "RUN_STARTED", "risk state updated ×2"]);
  });

  test("when a single routine run stands alone then it is shown as it is", () => {
    const log = newestFirst(riskCycle(10), fill(2));
    expect(shape(summariseRoutine(log, routineRuns(log)))).toEqual(["RUN_FINISHED", "STATE_DELTA", "CUSTOM", "RUN_STARTED", "RUN_FINISHED", "STATE_DELTA", "RUN_STARTED"]);
  });

  test("when routine runs of two threads alternate then each thread's stretch is its own", () => {
    const farm = (n: number) => [entry("farm:f", ev.runStarted("farm:f", `p:${n}`), `farm#${n}`), entry("farm:f", ev.delta([]), `farm#${n}`), entry("farm:f", ev.runFinished("farm:f", `p:${n}`), `farm#${n}`)];
    const log = newestFirst(riskCycle(11), riskCycle(12), farm(1), farm(2));
    expect(shape(summariseRoutine(log, routineRuns(log)))).toEqual(["farm:f state updated ×2", "risk state updated ×2"]);
  });

  test("when a summary is expanded then its events follow it, and its key holds while newer runs join", () => {
    const older = newestFirst(riskCycle(13), riskCycle(14));
    const [before] = summariseRoutine(older, routineRuns(older));
    const newer = newestFirst(riskCycle(13), riskCycle(14), riskCycle(15));
    const rows = summariseRoutine(newer, routineRuns(newer));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.kind === "summary" && before?.kind === "summary" && rows[0].key === before.key).toBe(true);
    const open = expandRows(rows, new Set(rows[0]?.kind === "summary" ? [rows[0].key] : []));
    expect(open).toHaveLength(1 + 9);
    expect(open.slice(1).every((r) => r.kind === "entry" && r.inside === (rows[0]?.kind === "summary" ? rows[0].key : ""))).toBe(true);
  });
});

describe("summarising routine runs in the grouped view", () => {
  test("when routine risk runs surround a fill's run then each side folds into one card and the fill's run stays a card", () => {
    const log = newestFirst(riskCycle(20), riskCycle(21), fill(3), riskCycle(22), riskCycle(23), riskCycle(24));
    const cards = summariseGroups(groupByRun(log, () => undefined), routineRuns(log));
    expect(cards.map((c) => (c.kind === "summary" ? summaryLabel(c) : c.group.key))).toEqual(["risk state updated ×3", "agent:marcus#3", "risk state updated ×2"]);
  });
});
