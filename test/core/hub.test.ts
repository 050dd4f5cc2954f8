import { describe, expect, it } from "vitest";
import { type BaseEvent, type Envelope, EventType, custom, run, runFinished, runStarted, stateDelta, stateSnapshot } from "../../core/events.js";
import { CLOSE_HEARTBEAT, HEARTBEAT_TIMEOUT_MS, MAX_UNACKED_FRAMES, acknowledge, echoCloseCode, isSilent, isSlow, newUnacked, readClientMessage } from "../../core/hub/clients.js";
import { type TrackedThread, snapshotBurst } from "../../core/hub/connect.js";
import { FLUSH_DELAY_MS, SWEEP_INTERVAL_MS, alarmServes, nextWakeMs } from "../../core/hub/flush.js";
import { decidePublish } from "../../core/hub/publish.js";
import { RETAINED_EVENTS, planConnect, trimThrough } from "../../core/hub/retention.js";
import { newTrack } from "../../core/hub/threads.js";
import { farmOf, listMatches, topicList, topicsFor } from "../../core/hub/topics.js";
import type { PublishRequest } from "../../core/messages.js";

const agentState = (parent: string | null) => ({ id: "agent:marcus", kind: "agent", parent, balances: { USD: "10" } });
const fillRun = (t: number, parent: string | null = "farm:momentum"): BaseEvent[] =>
  run("agent:marcus", `fill:${t}`, t, [custom("cival.order.filled", { clientOrderId: "o1", quantity: "0.1" }, t), stateSnapshot(agentState(parent), t)]);
const req = (over: Partial<PublishRequest> = {}): PublishRequest => ({ source: "agent:marcus", batch: 1, thread: "agent:marcus", topics: [], events: fillRun(5), ...over });

describe("hub topics", () => {
  it.each([
    ["an agent's run names its farm", "agent:marcus", ["farm:momentum"], null, ["desk", "agent:marcus", "farm:momentum"]],
    ["an agent's run names no farm but its state has one", "agent:marcus", [], "farm:momentum", ["desk", "agent:marcus", "farm:momentum"]],
    ["an agent's run names its farm and the state another", "agent:marcus", ["farm:momentum"], "farm:pairs", ["desk", "agent:marcus", "farm:momentum"]],
    ["an agent has no farm", "agent:solo", [], null, ["desk", "agent:solo"]],
    ["the treasury speaks", "treasury", [], "farm:momentum", ["desk", "treasury"]],
    ["an arbitrage names two markets", "venue:paper-binance", ["market:paper-binance:BTC-USD", "market:paper-kraken:BTC-USD"], null, ["desk", "venue:paper-binance", "market:paper-binance:BTC-USD", "market:paper-kraken:BTC-USD"]],
    ["a publisher repeats desk", "risk", ["desk", "risk"], null, ["desk", "risk"]],
  ] as const)("when %s then the topics are desk, the thread and the rest once", (_, thread, extra, farm, expected) => {
    expect(topicsFor(thread, extra, farm)).toEqual(expected);
  });

  it.each([
    ["agent:a", { parent: "farm:f" }, "farm:f"],
    ["agent:a", { parent: "treasury" }, null],
    ["agent:a", null, null],
    ["farm:f", { parent: "treasury" }, null],
  ] as const)("when %s has state %j then its farm is %s", (thread, state, farm) => {
    expect(farmOf(thread, state)).toBe(farm);
  });

  it("when a topic list is matched then only whole topics count", () => {
    const list = topicList(["desk", "agent:marcus", "farm:momentum"]);
    expect(listMatches(list, ["agent:marcus"])).toBe(true);
    expect(listMatches(list, ["agent:marc"])).toBe(false);
    expect(listMatches(list, ["risk", "farm:momentum"])).toBe(true);
  });
});

describe("hub publish", () => {
  it("when an agent's fill run arrives with no topics then it is numbered on and routed to desk, the agent and its farm", () => {
    const d = decidePublish({ seq: 41, lastBatch: 0, track: undefined }, req(), 1_000);
    expect(d.kind).toBe("accepted");
    if (d.kind !== "accepted") return;
    expect(d.envelopes.map((e) => e.seq)).toEqual([42, 43, 44, 45]);
    expect(d.envelopes.every((e) => e.at === 1_000 && e.thread === "agent:marcus")).toBe(true);
    expect(d.topics).toEqual(["desk", "agent:marcus", "farm:momentum"]);
    expect(d.seq).toBe(45);
    expect(d.track).toMatchObject({ openRunId: null, committed: agentState("farm:momentum") });
  });

  it("when the risk monitor's run names the agent it concerns then the run reaches that agent, but the risk thread's snapshot stays with desk and risk", () => {
    const events = [runStarted("risk", "deny-1", 1), custom("cival.risk.denied", { agent: "agent:marcus" }, 1), runFinished("risk", "deny-1", 1)];
    const d = decidePublish({ seq: 0, lastBatch: 0, track: undefined }, req({ source: "risk:notices", thread: "risk", topics: ["agent:marcus", "farm:momentum"], events }), 1);
    if (d.kind !== "accepted") throw new Error(d.kind);
    expect(d.topics).toEqual(["desk", "risk", "agent:marcus", "farm:momentum"]);
    expect(d.standing).toEqual(["desk", "risk"]);
  });

  it("when an agent publishes then its farm is a standing topic: its snapshot goes to the farm's subscribers", () => {
    const d = decidePublish({ seq: 0, lastBatch: 0, track: undefined }, req({ topics: ["farm:momentum"] }), 1);
    if (d.kind !== "accepted") throw new Error(d.kind);
    expect(d.standing).toEqual(["desk", "agent:marcus", "farm:momentum"]);
  });

  it.each([
    ["the batch was seen", { lastBatch: 3 }, { batch: 3 }, "duplicate"],
    ["the batch is older", { lastBatch: 3 }, { batch: 2 }, "duplicate"],
    ["an event is outside a run", {}, { events: [custom("cival.x", {}, 1)] }, "refused"],
    ["a delta does not apply", {}, { events: [runStarted("agent:marcus", "r", 1), stateDelta([{ op: "replace", path: "/nope/deep", value: 1 }], 1)] }, "refused"],
    ["the batch is new and valid", { lastBatch: 3 }, { batch: 4 }, "accepted"],
  ] as const)("when %s then the batch is %s", (_, state, over, kind) => {
    expect(decidePublish({ seq: 0, lastBatch: 0, track: undefined, ...state }, req(over as Partial<PublishRequest>), 1).kind).toBe(kind);
  });
});

describe("hub retention and resume", () => {
  it.each([
    [RETAINED_EVENTS + 50, RETAINED_EVENTS + 50, 50],
    [RETAINED_EVENTS + 50, 20, 20],
    [RETAINED_EVENTS - 1, RETAINED_EVENTS - 1, 0],
  ])("when the hub is at %i with %i flushed then it trims through %i", (seq, flushed, cut) => {
    expect(trimThrough(seq, flushed)).toBe(cut);
  });

  it.each([
    [null, 100, 1, "snapshot"],
    [99, 100, 1, "resume"],
    [100, 100, 1, "resume"],
    [101, 100, 1, "snapshot"],
    [49, 100, 50, "resume"],
    [48, 100, 50, "snapshot"],
    [0, 0, 0, "resume"],
  ] as const)("when a client asks since %s of %i with %i the oldest held then it gets a %s", (since, seq, oldest, kind) => {
    expect(planConnect(since, seq, oldest).kind).toBe(kind);
  });
});

describe("hub initial frames", () => {
  const track = (thread: string, topics: string[], open: { id: string; seq: number } | null): TrackedThread => ({
    ...newTrack(thread),
    committed: { thread },
    live: { thread },
    openRunId: open?.id ?? null,
    openRunSeq: open?.seq ?? null,
    topics,
  });

  it("when a client connects fresh then each thread on its topics gets a snapshot run, and a thread mid-run its open run after, never going back in sequence", () => {
    const tracks = [track("treasury", ["desk", "treasury"], null), track("agent:a", ["desk", "agent:a", "farm:f"], { id: "cycle-1", seq: 90 }), track("risk", ["desk", "risk"], null)];
    const open: Envelope[] = [
      { seq: 90, thread: "agent:a", event: runStarted("agent:a", "cycle-1", 1), at: 1 },
      { seq: 93, thread: "agent:a", event: custom("cival.said", {}, 1), at: 1 },
    ];
    const burst = snapshotBurst(tracks, ["farm:f", "treasury"], 100, (thread, from) => open.filter((e) => e.thread === thread && e.seq >= from), 5);
    expect(burst.map((e) => [e.seq, e.thread, e.event.type])).toEqual([
      [89, "agent:a", EventType.RUN_STARTED],
      [89, "agent:a", EventType.STATE_SNAPSHOT],
      [89, "agent:a", EventType.RUN_FINISHED],
      [90, "agent:a", EventType.RUN_STARTED],
      [93, "agent:a", EventType.CUSTOM],
      [100, "treasury", EventType.RUN_STARTED],
      [100, "treasury", EventType.STATE_SNAPSHOT],
      [100, "treasury", EventType.RUN_FINISHED],
    ]);
  });
});

describe("hub client bounds", () => {
  it("when frames go unacknowledged then the socket is slow at the bound, and an ack frees it", () => {
    const u = newUnacked();
    for (let seq = 1; seq < MAX_UNACKED_FRAMES; seq++) u.seqs.push(seq);
    expect(isSlow(u)).toBe(false);
    u.seqs.push(MAX_UNACKED_FRAMES);
    expect(isSlow(u)).toBe(true);
    acknowledge(u, 3_000);
    expect(isSlow(u)).toBe(false);
    expect(u.seqs.length - u.head).toBe(MAX_UNACKED_FRAMES - 3_000);
    expect(u.seqs[u.head]).toBe(3_001);
  });

  it.each([
    ['{"type":"ack","seq":7}', { kind: "ack", seq: 7 }],
    ['{"type":"ack","seq":"7"}', { kind: "other" }],
    ['{"type":"hello"}', { kind: "other" }],
    ["null", { kind: "other" }],
    ["not json", { kind: "bad" }],
    [new ArrayBuffer(2), { kind: "bad" }],
  ] as const)("when a client sends %s then it reads as %j", (message, expected) => {
    expect(readClientMessage(message)).toEqual(expected);
  });

  it.each([
    [HEARTBEAT_TIMEOUT_MS, 0, 0, 0, false],
    [HEARTBEAT_TIMEOUT_MS + 1, 0, 0, 0, true],
    [HEARTBEAT_TIMEOUT_MS + 1, 0, 10, 0, false],
    [HEARTBEAT_TIMEOUT_MS + 1, 0, 0, 10, false],
  ])("when it is %i and the socket connected at %i, pinged at %i, acked at %i then silent is %s", (now, connected, pinged, acked, silent) => {
    expect(isSilent(now, connected, pinged, acked)).toBe(silent);
  });

  it("when a client closes without a code then the hub answers 1000, else its code", () => {
    expect([1005, 1006, 1000, CLOSE_HEARTBEAT].map(echoCloseCode)).toEqual([1000, 1000, 1000, CLOSE_HEARTBEAT]);
  });
});

describe("hub alarm", () => {
  it.each([
    [10, 12, 0, 100 + FLUSH_DELAY_MS],
    [12, 12, 2, 100 + SWEEP_INTERVAL_MS],
    [12, 12, 0, null],
  ])("when %i of %i are flushed with %i sockets then the next wake is %s", (flushed, seq, sockets, wake) => {
    expect(nextWakeMs(flushed, seq, sockets, 100)).toBe(wake);
  });

  it.each([
    [null, 500, 100, false],
    [300, 500, 100, true],
    [600, 500, 100, false],
    [50, 500, 100, false],
  ])("when the alarm is at %s and one is wanted at %i (now %i) then the one set serves: %s", (current, wanted, now, serves) => {
    expect(alarmServes(current, wanted, now)).toBe(serves);
  });
});
