import { describe, expect, test } from "vitest";
import { LiveClient } from "./client.ts";
import type { SocketHandlers } from "./connection.ts";
import { env, ev, snapshotRun, walletState } from "./test-events.ts";

function setup() {
  const opened: { path: string; on: SocketHandlers; closed: boolean }[] = [];
  let changes = 0;
  const client = new LiveClient({
    openSocket: (path, _protocols, on) => {
      const s = { path, on, closed: false };
      opened.push(s);
      return { send: () => undefined, close: () => void (s.closed = true) };
    },
    clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined },
    random: () => 0,
    token: () => "tok",
    checkAuth: async () => "ok",
  });
  client.onChange(() => changes++);
  const topics = () => new URL(opened.at(-1)?.path ?? "/", "http://x").searchParams.get("topics");
  const server = () => {
    const s = opened.at(-1);
    if (!s) throw new Error("no socket");
    return { open: () => s.on.open(), deliver: (...es: ReturnType<typeof env>[]) => es.forEach((e) => s.on.message(JSON.stringify(e))) };
  };
  return { client, opened, topics, server, changes: () => changes };
}

describe("live client", () => {
  test("when two views hold topics then one socket serves their union, and releasing one keeps it", () => {
    const t = setup();
    const a = t.client.hold(["treasury", "farm:a"]);
    const b = t.client.hold(["risk"]);
    expect(t.topics()).toBe("farm:a,risk,treasury");
    t.client.release(b);
    t.client.update(a, ["treasury"]);
    expect(t.opened.filter((s) => !s.closed)).toHaveLength(1);
    expect(t.topics()).toBe("farm:a,risk,treasury");
  });

  test("when an envelope arrives then the book and the log both have it and listeners hear of it", () => {
    const t = setup();
    t.client.hold(["treasury"]);
    t.server().open();
    t.server().deliver(...snapshotRun(4, "treasury", walletState("treasury", "10")));
    expect(t.client.log.size).toBe(3);
    expect(t.client.book.state("treasury")).toMatchObject({ balances: { USD: "10" } });
    expect(t.changes()).toBeGreaterThanOrEqual(3);
  });

  test("when the socket drops mid-run and a fresh connection replays it then each event is logged once", () => {
    const t = setup();
    const hold = t.client.hold(["treasury"]);
    t.server().open();
    const run = [env(5, "treasury", ev.runStarted("treasury", "c1")), env(6, "treasury", ev.step("move"))];
    t.server().deliver(...snapshotRun(4, "treasury", {}), ...run);
    // A new topic forces a fresh connection, which replays the open run.
    t.client.update(hold, ["treasury", "risk"]);
    t.server().open();
    t.server().deliver(...snapshotRun(6, "treasury", {}), ...run, env(7, "treasury", ev.runFinished("treasury", "c1")));
    const types = t.client.log.snapshot().map((e) => `${e.seq}:${e.event.type}`);
    expect(types).toEqual([
      "4:RUN_STARTED",
      "4:STATE_SNAPSHOT",
      "4:RUN_FINISHED",
      "5:RUN_STARTED",
      "6:STEP_STARTED",
      "6:RUN_STARTED",
      "6:STATE_SNAPSHOT",
      "6:RUN_FINISHED",
      "7:RUN_FINISHED",
    ]);
    const key = t.client.log.snapshot()[3]?.runKey ?? "";
    expect(t.client.book.run(key)).toMatchObject({ status: "finished", interrupted: true, events: 3 });
  });

  test("when the identity changes then state, runs and log are forgotten and a fresh socket opens", () => {
    const t = setup();
    t.client.hold(["treasury"]);
    t.server().open();
    t.server().deliver(...snapshotRun(4, "treasury", walletState("treasury", "10")));
    t.client.restart();
    expect(t.client.book.state("treasury")).toBeUndefined();
    expect(t.client.log.size).toBe(0);
    expect(t.opened).toHaveLength(2);
    expect(new URL(t.opened[1]?.path ?? "/", "http://x").searchParams.get("since")).toBeNull();
  });
});
