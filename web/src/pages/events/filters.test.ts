import { describe, expect, test } from "vitest";
import type { LogEntry } from "../../live/log.ts";
import type { RunRecord } from "../../live/threads.ts";
import { ev } from "../../live/test-events.ts";
import type { Category } from "./describe.ts";
import { entryFilter, groupByRun, runLabel, topicMatches } from "./filters.ts";

const parents: Record<string, string> = { "agent:marcus": "farm:momentum", "agent:riley": "treasury" };
const parentOf = (t: string) => parents[t] ?? null;

let nextId = 1;
function entry(thread: string, event: LogEntry["event"], runKey: string | null = null, seq = nextId): LogEntry {
  return { id: nextId++, seq, thread, at: 0, event, runKey };
}

describe("topics", () => {
  test.each([
    ["desk", "venue:paper", true],
    ["treasury", "treasury", true],
    ["treasury", "farm:momentum", false],
    ["farm:momentum", "farm:momentum", true],
    ["farm:momentum", "agent:marcus", true],
    ["farm:momentum", "agent:riley", false],
    ["market:paper:BTC-USD", "venue:paper", true],
    ["risk", "coordinator", false],
  ])("when the topic is %s then events on %s match: %s", (topic, thread, match) => {
    expect(topicMatches(topic, thread, parentOf)).toBe(match);
  });
});

describe("filters", () => {
  const all = (categories: Category[] = [], extra: { topic?: string; thread?: string; text?: string } = {}) =>
    entryFilter({ topic: extra.topic ?? "desk", thread: extra.thread ?? "", categories: new Set(categories), text: extra.text ?? "" }, parentOf);
  const log = [
    entry("treasury", ev.toolStart("transfer:k:9", "transfer")),
    entry("farm:momentum", ev.custom("cival.transfer.received", { transferId: "k:9" })),
    entry("agent:marcus", ev.step("signal")),
    entry("risk", ev.custom("cival.risk.alert", { level: "warn" })),
  ];
  const threads = (f: (e: LogEntry) => boolean) => log.filter(f).map((e) => e.thread);

  test("when nothing is chosen then everything shows", () => {
    expect(threads(all())).toHaveLength(4);
  });

  test("when a category is chosen then only its events show", () => {
    expect(threads(all(["custom"]))).toEqual(["farm:momentum", "risk"]);
    expect(threads(all(["tool", "step"]))).toEqual(["treasury", "agent:marcus"]);
  });

  test("when a farm topic is chosen then the farm and its agents show", () => {
    expect(threads(all([], { topic: "farm:momentum" }))).toEqual(["farm:momentum", "agent:marcus"]);
  });

  test("when text is typed then it matches anywhere in the event, case-blind", () => {
    expect(threads(all([], { text: "K:9" }))).toEqual(["treasury", "farm:momentum"]);
  });

  test("when a thread is chosen then only it shows", () => {
    expect(threads(all([], { thread: "risk" }))).toEqual(["risk"]);
  });
});

describe("runs", () => {
  const run = (key: string, status: RunRecord["status"], extra: Partial<RunRecord> = {}): RunRecord => ({
    key,
    thread: "t",
    runId: key,
    status,
    startedSeq: 1,
    lastSeq: 2,
    startedAt: 0,
    lastAt: 0,
    events: 2,
    error: null,
    interrupted: false,
    partial: false,
    ...extra,
  });

  test("when entries are grouped then runs keep their newest-first order and loose entries stand alone", () => {
    const entries = [entry("t", ev.runFinished("t", "b"), "b"), entry("t", ev.step("x"), "a"), entry("t", ev.runStarted("t", "b"), "b"), entry("u", ev.step("y"))];
    const runs = new Map([["a", run("a", "open")], ["b", run("b", "finished")]]);
    const groups = groupByRun(entries, (k) => runs.get(k));
    expect(groups.map((g) => [g.key.startsWith("entry:") ? "loose" : g.key, g.entries.length, g.run?.status])).toEqual([
      ["b", 2, "finished"],
      ["a", 1, "open"],
      ["loose", 1, undefined],
    ]);
  });

  test.each([
    [run("r", "truncated"), "truncated", "warn"],
    [run("r", "finished", { interrupted: true }), "finished · resumed", "ok"],
    [run("r", "open", { interrupted: true }), "open · resumed", "open"],
    [run("r", "error"), "error", "bad"],
    [run("r", "finished", { partial: true }), "finished · start not seen", "ok"],
  ])("when a run is %o then it is labelled %s", (r, text, tone) => {
    expect(runLabel(r)).toEqual({ text, tone });
  });
});
