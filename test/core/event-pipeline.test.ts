import { describe, expect, it } from "vitest";
import { DEFAULT_PIPELINE, MARKET_TICK, type SubscriberMemory, runPipeline } from "../../core/hub/pipeline.js";
import { type BaseEvent, EventType, custom, diffState, toolCall } from "../../core/events.js";
import { advanceThread, newTrack } from "../../core/hub/threads.js";

const memory = (): SubscriberMemory => ({ lastTickMs: new Map() });

describe("event pipeline", () => {
  it("when market ticks come faster than once a second then a subscriber gets one per second per symbol", () => {
    const m = memory();
    const tick = (symbol: string) => ({ thread: "venue:paper-binance", event: custom(MARKET_TICK, { symbol, price: "1" }, 0) });
    const at = [0, 200, 999, 1000, 1500, 2100];
    const delivered = at.map((t) => runPipeline(DEFAULT_PIPELINE, tick("BTC-USD"), "admin", m, t) !== null);
    expect(delivered).toEqual([true, false, false, true, false, true]);
    expect(runPipeline(DEFAULT_PIPELINE, tick("ETH-USD"), "admin", m, 2100)).not.toBeNull();
  });

  it.each([
    ["viewer", false],
    ["trader", true],
    ["admin", true],
  ] as const)("when a %s receives a transfer then it sees the memo: %s", (role, sees) => {
    const [, args] = toolCall("t1", "transfer", { amount: "1", memo: "why", actor: "ops@desk" }, { ok: true }, 0);
    const out = runPipeline(DEFAULT_PIPELINE, { thread: "treasury", event: args as BaseEvent }, role, memory(), 0);
    const parsed = JSON.parse((out?.event as unknown as { delta: string }).delta);
    expect(parsed.amount).toBe("1");
    expect("memo" in parsed).toBe(sees);
    expect("actor" in parsed).toBe(sees);
  });

  it("when other events pass then they are untouched", () => {
    const e = { type: EventType.STATE_DELTA, delta: [], timestamp: 1 } as BaseEvent;
    expect(runPipeline(DEFAULT_PIPELINE, { thread: "treasury", event: e }, "viewer", memory(), 0)?.event).toBe(e);
  });
});

describe("state deltas", () => {
  it("when a key holds a slash or a tilde then the patch escapes it as a JSON Pointer", () => {
    const ops = diffState({ prices: { "BTC/USD": "1" } }, { prices: { "BTC/USD": "2", "a~b": "3" } });
    expect(ops.map((o) => o.path).sort()).toEqual(["/prices/BTC~1USD", "/prices/a~0b"]);
  });
});

describe("thread tracking", () => {
  const t = 0;
  it.each([
    ["an event outside a run", [{ type: EventType.CUSTOM, name: "cival.x", value: 1, timestamp: t }]],
    ["a second RUN_STARTED", [{ type: EventType.RUN_STARTED, threadId: "risk", runId: "a" }, { type: EventType.RUN_STARTED, threadId: "risk", runId: "b" }]],
    ["a RUN_FINISHED for another run", [{ type: EventType.RUN_STARTED, threadId: "risk", runId: "a" }, { type: EventType.RUN_FINISHED, threadId: "risk", runId: "b" }]],
    ["a delta that does not apply", [{ type: EventType.RUN_STARTED, threadId: "risk", runId: "a" }, { type: EventType.STATE_DELTA, delta: [{ op: "remove", path: "/nothing" }] }]],
  ])("when a thread gets %s then it is refused", (_what, events) => {
    let track = newTrack("risk");
    let refused = false;
    events.forEach((e, i) => {
      const r = advanceThread(track, e as BaseEvent, i + 1);
      if (r.ok) track = r.track;
      else refused = true;
    });
    expect(refused).toBe(true);
  });

  it("when a run finishes then its state is committed; while it is open the committed state stays behind", () => {
    let track = newTrack("risk");
    const step = (e: object, seq: number) => {
      const r = advanceThread(track, e as BaseEvent, seq);
      if (!r.ok) throw new Error(r.message);
      track = r.track;
    };
    step({ type: EventType.RUN_STARTED, threadId: "risk", runId: "a" }, 1);
    step({ type: EventType.STATE_SNAPSHOT, snapshot: { n: 1 } }, 2);
    step({ type: EventType.RUN_FINISHED, threadId: "risk", runId: "a" }, 3);
    step({ type: EventType.RUN_STARTED, threadId: "risk", runId: "b" }, 4);
    step({ type: EventType.STATE_DELTA, delta: [{ op: "replace", path: "/n", value: 2 }] }, 5);
    expect(track).toMatchObject({ committed: { n: 1 }, live: { n: 2 }, openRunId: "b", openRunSeq: 4 });
    step({ type: EventType.RUN_FINISHED, threadId: "risk", runId: "b" }, 6);
    expect(track).toMatchObject({ committed: { n: 2 }, openRunId: null });
  });
});
