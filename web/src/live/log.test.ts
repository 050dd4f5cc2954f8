import { describe, expect, test } from "vitest";
import { EventLog } from "./log.ts";
import { env, ev } from "./test-events.ts";

describe("event log", () => {
  test("when more events arrive than it keeps then the oldest fall off and are counted", () => {
    const log = new EventLog(3);
    for (let seq = 1; seq <= 5; seq++) log.push(env(seq, "risk", ev.custom("tick", seq)), null);
    expect(log.snapshot().map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.received).toBe(5);
    expect(log.trimmed).toBe(2);
  });

  test("when frames share a seq then each entry still has its own increasing id", () => {
    const log = new EventLog();
    const a = log.push(env(7, "risk", ev.runStarted("risk", "s")), "risk#1");
    const b = log.push(env(7, "risk", ev.snapshot({})), "risk#1");
    expect(b.id).toBeGreaterThan(a.id);
  });

  test("when a snapshot was taken then later pushes do not change it", () => {
    const log = new EventLog();
    log.push(env(1, "risk", ev.custom("a", 1)), null);
    const before = log.snapshot();
    log.push(env(2, "risk", ev.custom("b", 1)), null);
    expect(before).toHaveLength(1);
  });
});
