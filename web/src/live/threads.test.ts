import { describe, expect, test } from "vitest";
import type { Envelope } from "./protocol.ts";
import { env, ev, snapshotRun, transferRun, walletState } from "./test-events.ts";
import { ThreadBook } from "./threads.ts";

function feed(book: ThreadBook, envelopes: readonly Envelope[], nowMs = 0) {
  return envelopes.map((e) => book.apply(e, nowMs));
}

const balance = (book: ThreadBook, thread: string) => (book.state(thread) as { balances: { USD: string } } | undefined)?.balances.USD;

describe("thread state", () => {
  test("when a snapshot then a delta arrive then the state is the snapshot patched", () => {
    const book = new ThreadBook();
    book.begin("fresh");
    feed(book, snapshotRun(10, "treasury", walletState("treasury", "400000")));
    const results = feed(book, transferRun(11, "treasury", "t1", "farm:a", "1000", "399000"));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(balance(book, "treasury")).toBe("399000");
    expect(book.thread("treasury")).toMatchObject({ fresh: true, stateSeq: 16 });
  });

  test("when a delta names an escaped key then it patches that key", () => {
    const book = new ThreadBook();
    book.begin("fresh");
    feed(book, snapshotRun(1, "market:paper:BTC/USD", { books: { "BTC/USD": { bid: "1" } } }));
    const [r] = feed(book, [env(2, "market:paper:BTC/USD", ev.delta([{ op: "replace", path: "/books/BTC~1USD/bid", value: "2" }]))]);
    expect(r?.ok).toBe(true);
    expect(book.state("market:paper:BTC/USD")).toEqual({ books: { "BTC/USD": { bid: "2" } } });
  });

  test.each([
    ["replaces a path that does not exist", [{ op: "replace", path: "/balances/EUR", value: "1" }]],
    ["removes a path that does not exist", [{ op: "remove", path: "/nope" }]],
    ["fails a test operation", [{ op: "test", path: "/balances/USD", value: "999" }]],
    ["has an unknown op", [{ op: "frobnicate", path: "/balances/USD" }]],
    ["has a path without a leading slash", [{ op: "replace", path: "balances/USD", value: "1" }]],
  ])("when a delta %s then it is refused and the thread's state is dropped", (_why, delta) => {
    const book = new ThreadBook();
    book.begin("fresh");
    feed(book, snapshotRun(1, "treasury", walletState("treasury", "100")));
    const [r] = feed(book, [env(2, "treasury", ev.delta(delta))]);
    expect(r).toMatchObject({ ok: false, code: "bad_delta" });
    expect(book.state("treasury")).toBeUndefined();
    expect(book.thread("treasury")?.fresh).toBe(false);
  });

  test("when a delta arrives for a thread with no snapshot then it is refused", () => {
    const book = new ThreadBook();
    book.begin("fresh");
    const [r] = feed(book, [env(5, "farm:a", ev.delta([{ op: "replace", path: "/balances/USD", value: "1" }]))]);
    expect(r).toMatchObject({ ok: false, code: "delta_without_snapshot" });
  });

  test("when a fresh connection opens then old state is kept for display but a delta must wait for the new snapshot", () => {
    const book = new ThreadBook();
    book.begin("fresh");
    feed(book, snapshotRun(1, "treasury", walletState("treasury", "100")));
    book.interrupt();
    book.begin("fresh");
    expect(balance(book, "treasury")).toBe("100");
    expect(book.thread("treasury")?.fresh).toBe(false);
    const [early] = feed(book, [env(9, "treasury", ev.delta([{ op: "replace", path: "/balances/USD", value: "90" }]))]);
    expect(early?.ok).toBe(false);
  });

  test("when the server restarted and numbers from zero again then its snapshot still replaces the state", () => {
    const book = new ThreadBook();
    book.begin("fresh");
    feed(book, snapshotRun(5_000, "treasury", walletState("treasury", "100")));
    book.interrupt();
    book.begin("fresh");
    feed(book, snapshotRun(3, "treasury", walletState("treasury", "250")));
    expect(balance(book, "treasury")).toBe("250");
  });

  test("when a resumed connection continues then deltas apply to the state already held", () => {
    const book = new ThreadBook();
    book.begin("fresh");
    feed(book, snapshotRun(1, "treasury", walletState("treasury", "100")));
    book.interrupt();
    book.begin("resume");
    const [r] = feed(book, [env(2, "treasury", ev.delta([{ op: "replace", path: "/balances/USD", value: "90" }]))]);
    expect(r?.ok).toBe(true);
    expect(balance(book, "treasury")).toBe("90");
  });

  test("when an open run is replayed after its snapshot then its deltas apply on top, even with older seqs", () => {
    const book = new ThreadBook();
    book.begin("fresh");
    // The hub snapshots the state as of the thread's last finished run (framed with its current
    // seq, 30), then replays the open run that began at 20.
    feed(book, snapshotRun(30, "agent:x", { fills: [] }));
    const replay = [
      env(20, "agent:x", ev.runStarted("agent:x", "cycle-7")),
      env(21, "agent:x", ev.delta([{ op: "add", path: "/fills/-", value: "f1" }])),
      env(31, "agent:x", ev.delta([{ op: "add", path: "/fills/-", value: "f2" }])),
    ];
    expect(feed(book, replay).every((r) => r.ok)).toBe(true);
    expect(book.state("agent:x")).toEqual({ fills: ["f1", "f2"] });
  });

  test("when a truncated run is replayed on a fresh connection then the replayed deltas rebuild the state and are flagged for the log", () => {
    const book = new ThreadBook();
    book.begin("fresh");
    feed(book, snapshotRun(1, "agent:x", { cash: "100" }));
    const partOne = [env(2, "agent:x", ev.runStarted("agent:x", "c1")), env(3, "agent:x", ev.delta([{ op: "replace", path: "/cash", value: "90" }]))];
    feed(book, partOne);
    book.interrupt();
    book.begin("fresh");
    feed(book, snapshotRun(9, "agent:x", { cash: "100" }));
    const replayed = feed(book, [...partOne, env(10, "agent:x", ev.delta([{ op: "replace", path: "/cash", value: "80" }]))]);
    expect(replayed.map((r) => [r.ok, r.duplicate])).toEqual([
      [true, true],
      [true, true],
      [true, false],
    ]);
    expect(book.state("agent:x")).toEqual({ cash: "80" });
  });

  test("when a delta is applied then the snapshot it patched is not mutated", () => {
    const book = new ThreadBook();
    const snapshot = walletState("treasury", "100");
    book.begin("fresh");
    feed(book, snapshotRun(1, "treasury", snapshot));
    feed(book, [env(2, "treasury", ev.delta([{ op: "replace", path: "/balances/USD", value: "90" }]))]);
    expect(snapshot.balances.USD).toBe("100");
  });
});

describe("runs", () => {
  const run = (book: ThreadBook, thread: string) => {
    const key = book.thread(thread)?.runKey;
    return key ? book.run(key) : undefined;
  };

  test("when a run starts and finishes then it is finished with every event counted", () => {
    const book = new ThreadBook();
    book.begin("fresh");
    const results = feed(book, transferRun(1, "treasury", "t1", "farm:a", "5", "95").filter((e) => e.event.type !== "STATE_DELTA"));
    expect(new Set(results.map((r) => r.runKey)).size).toBe(1);
    expect(run(book, "treasury")).toMatchObject({ runId: "run-t1", status: "finished", events: 6, interrupted: false, partial: false });
  });

  test("when a run errors then it is marked error with the message", () => {
    const book = new ThreadBook();
    feed(book, [env(1, "agent:x", ev.runStarted("agent:x", "c1")), env(2, "agent:x", ev.runError("venue down", "venue_unavailable"))]);
    expect(run(book, "agent:x")).toMatchObject({ status: "error", error: "venue_unavailable: venue down" });
  });

  test("when the socket closes during a run then that run is truncated and finished runs are not", () => {
    const book = new ThreadBook();
    feed(book, [
      env(1, "treasury", ev.runStarted("treasury", "done")),
      env(2, "treasury", ev.runFinished("treasury", "done")),
      env(3, "agent:x", ev.runStarted("agent:x", "c1")),
      env(4, "agent:x", ev.step("signal")),
    ]);
    expect(book.interrupt()).toBe(1);
    expect(run(book, "agent:x")?.status).toBe("truncated");
    expect(run(book, "treasury")?.status).toBe("finished");
  });

  test("when a resume delivers the rest of a truncated run then it is reopened, marked interrupted, and finishes", () => {
    const book = new ThreadBook();
    feed(book, [env(3, "agent:x", ev.runStarted("agent:x", "c1")), env(4, "agent:x", ev.step("signal"))]);
    book.interrupt();
    book.begin("resume");
    const results = feed(book, [env(5, "agent:x", ev.step("signal", true)), env(6, "agent:x", ev.runFinished("agent:x", "c1"))]);
    expect(results.every((r) => r.ok && !r.duplicate)).toBe(true);
    expect(run(book, "agent:x")).toMatchObject({ status: "finished", events: 4, interrupted: true });
  });

  test("when a fresh connection replays a truncated run then the replayed part is recognised and only new events count", () => {
    const book = new ThreadBook();
    feed(book, [env(3, "agent:x", ev.runStarted("agent:x", "c1")), env(4, "agent:x", ev.step("signal"))]);
    const key = book.thread("agent:x")?.runKey;
    book.interrupt();
    book.begin("fresh");
    const synthetic = feed(book, snapshotRun(9, "agent:x", { cash: "1" }));
    expect(synthetic.every((r) => r.ok && !r.duplicate)).toBe(true);
    const replay = feed(book, [
      env(3, "agent:x", ev.runStarted("agent:x", "c1")),
      env(4, "agent:x", ev.step("signal")),
      env(10, "agent:x", ev.step("signal", true)),
    ]);
    expect(replay.map((r) => r.duplicate)).toEqual([true, true, false]);
    expect(replay.every((r) => r.runKey === key)).toBe(true);
    expect(run(book, "agent:x")).toMatchObject({ key, status: "open", events: 3, interrupted: true });
  });

  test("when a truncated run is not replayed then it stays truncated after the new snapshot", () => {
    const book = new ThreadBook();
    feed(book, [env(3, "agent:x", ev.runStarted("agent:x", "c1"))]);
    const key = book.thread("agent:x")?.runKey ?? "";
    book.interrupt();
    book.begin("fresh");
    feed(book, snapshotRun(9, "agent:x", { cash: "1" }));
    expect(book.run(key)?.status).toBe("truncated");
    expect(run(book, "agent:x")?.status).toBe("finished");
  });

  test("when a thread's snapshot frames share one seq then none of them is taken for a replay", () => {
    const book = new ThreadBook();
    const results = feed(book, snapshotRun(42, "risk", { state: "active" }));
    expect(results.map((r) => r.duplicate)).toEqual([false, false, false]);
    expect(book.state("risk")).toEqual({ state: "active" });
    expect(run(book, "risk")).toMatchObject({ status: "finished", events: 3 });
  });

  test("when a new run starts before the open one ended then the open one is truncated", () => {
    const book = new ThreadBook();
    feed(book, [env(1, "agent:x", ev.runStarted("agent:x", "c1"))]);
    const first = book.thread("agent:x")?.runKey ?? "";
    feed(book, [env(2, "agent:x", ev.runStarted("agent:x", "c2"))]);
    expect(book.run(first)?.status).toBe("truncated");
    expect(run(book, "agent:x")).toMatchObject({ runId: "c2", status: "open" });
  });

  test("when an event arrives outside any run then it is filed under a partial run", () => {
    const book = new ThreadBook();
    feed(book, [env(1, "risk", ev.custom("cival.risk.alert", { level: "warn" }))]);
    expect(run(book, "risk")).toMatchObject({ runId: null, status: "open", partial: true });
  });

  test("when changes are taken then they name the threads touched and are cleared", () => {
    const book = new ThreadBook();
    feed(book, snapshotRun(1, "treasury", walletState("treasury", "1")));
    expect(book.takeChanges()).toEqual({ threads: ["treasury"], runs: true });
    expect(book.takeChanges()).toEqual({ threads: [], runs: false });
  });
});
