import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Envelope, EventType, custom, runFinished, runStarted, stateDelta, stateSnapshot } from "../core/events.js";
import { hubStub } from "../durable-objects/stubs.js";
import { api, seed } from "./helpers/api.js";
import { onThread, openSocket } from "./helpers/socket.js";
import { assertValidStreams } from "./helpers/streams.js";

beforeAll(seed);

function seqsOf(frames: readonly Envelope[]): number[] {
  return frames.map((f) => f.seq);
}

describe("the live feed", () => {
  it("when a client connects then each wallet thread arrives as a snapshot run with its balances", async () => {
    const { socket } = await openSocket({ topics: "desk" });
    if (!socket) throw new Error("no socket");
    await socket.waitFor((fs) => fs.some((f) => f.thread === "agent:marcus-momentum" && f.event.type === EventType.STATE_SNAPSHOT));
    const snap = onThread(socket.frames, "agent:marcus-momentum").find((f) => f.event.type === EventType.STATE_SNAPSHOT);
    expect((snap?.event as unknown as { snapshot: { balances: { USD: string } } }).snapshot.balances.USD).toBe("120000");
    await assertValidStreams(socket.frames);
    socket.close();
  });

  it("when money moves then the transfer arrives as a tool call with its result, deltas and a completion, in order", async () => {
    const { socket } = await openSocket({ topics: "desk" });
    if (!socket) throw new Error("no socket");
    const before = (await hubStub(env).status()).seq;
    const res = await api("POST", "/api/wallets/allocations", { body: { to: "agent:sophia-reversion", amount: "250" } });
    expect(res.status).toBe(201);
    await socket.waitFor((fs) => fs.some((f) => f.thread === "treasury" && (f.event as { name?: string }).name === "cival.transfer.completed"));
    await socket.waitFor((fs) => fs.some((f) => f.thread === "agent:sophia-reversion" && (f.event as { name?: string }).name === "cival.transfer.received"));
    // The snapshot runs on connect all carry the sequence they are as of; live events have their own.
    const live = socket.frames.filter((f) => f.seq > before);
    const seqs = seqsOf(live);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const treasury = onThread(live, "treasury").map((f) => f.event.type);
    expect(treasury.slice(0, 7)).toEqual([
      EventType.RUN_STARTED,
      EventType.TOOL_CALL_START,
      EventType.TOOL_CALL_ARGS,
      EventType.TOOL_CALL_END,
      EventType.TOOL_CALL_RESULT,
      EventType.STATE_DELTA,
      EventType.RUN_FINISHED,
    ]);
    const args = onThread(live, "treasury").find((f) => f.event.type === EventType.TOOL_CALL_ARGS)?.event as unknown as { delta: string };
    expect(JSON.parse(args.delta)).toMatchObject({ from: "treasury", to: "farm:mean-reversion", amount: "250", forwardTo: "agent:sophia-reversion" });
    await assertValidStreams(socket.frames);
    socket.close();
  });

  it("when a client subscribes to one agent then it gets that agent's thread only", async () => {
    const { socket } = await openSocket({ topics: "agent:max-maker" });
    if (!socket) throw new Error("no socket");
    await api("POST", "/api/wallets/allocations", { body: { to: "agent:max-maker", amount: "1" } });
    await api("POST", "/api/wallets/allocations", { body: { to: "agent:paula-pairs", amount: "1" } });
    await socket.waitFor((fs) => fs.some((f) => (f.event as { name?: string }).name === "cival.transfer.received"));
    expect(new Set(socket.frames.map((f) => f.thread))).toEqual(new Set(["agent:max-maker"]));
    socket.close();
  });

  it("when a client subscribes to a farm then it gets the farm's and its agents' threads", async () => {
    const { socket } = await openSocket({ topics: "farm:pairs" });
    if (!socket) throw new Error("no socket");
    await api("POST", "/api/wallets/allocations", { body: { to: "agent:paula-pairs", amount: "2" } });
    await socket.waitFor((fs) => fs.some((f) => f.thread === "agent:paula-pairs" && (f.event as { name?: string }).name === "cival.transfer.received"));
    expect(new Set(socket.frames.map((f) => f.thread))).toEqual(new Set(["farm:pairs", "agent:paula-pairs"]));
    socket.close();
  });

  it("when a client reconnects with since then it gets every later event once, with no gap", async () => {
    const first = (await openSocket({ topics: "desk" })).socket;
    if (!first) throw new Error("no socket");
    await api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "3" } });
    await first.waitFor((fs) => fs.some((f) => f.thread === "treasury" && (f.event as { name?: string }).name === "cival.transfer.completed"));
    first.close();
    const lastSeen = Math.max(...seqsOf(first.frames));
    // Events happen while the client is away.
    await api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "4" } });
    await api("POST", "/api/wallets/collections", { body: { from: "farm:momentum", amount: "7" } });
    const status = await hubStub(env).status();
    const second = (await openSocket({ topics: "desk", since: lastSeen })).socket;
    if (!second) throw new Error("no socket");
    await second.waitFor((fs) => fs.some((f) => f.seq === status.seq));
    const resumed = seqsOf(second.frames);
    expect(resumed[0]).toBe(lastSeen + 1);
    expect(resumed).toEqual(Array.from({ length: status.seq - lastSeen }, (_, i) => lastSeen + 1 + i));
    expect(second.frames.some((f) => f.event.type === EventType.STATE_SNAPSHOT && (f.event as { runId?: string }).runId?.startsWith("snapshot:"))).toBe(false);
    await assertValidStreams([...first.frames, ...second.frames]);
    second.close();
  });

  it("when a client joins in the middle of a run then it first gets that run from its RUN_STARTED", async () => {
    const hub = hubStub(env);
    const t = Date.now();
    const first = await hub.publish({ source: "test:coordinator", batch: 1, thread: "coordinator", topics: [], events: [runStarted("coordinator", "talk-1", t), stateSnapshot({ topic: "rates" }, t), custom("cival.test.said", { text: "first half" }, t)] });
    expect(first.ok).toBe(true);
    const { socket } = await openSocket({ topics: "coordinator" });
    if (!socket) throw new Error("no socket");
    await socket.waitFor((fs) => fs.some((f) => (f.event as { name?: string }).name === "cival.test.said"));
    await hub.publish({ source: "test:coordinator", batch: 2, thread: "coordinator", topics: [], events: [stateDelta([{ op: "add", path: "/done", value: true }], t), runFinished("coordinator", "talk-1", t)] });
    await socket.waitFor((fs) => fs.some((f) => f.event.type === EventType.RUN_FINISHED && (f.event as { runId?: string }).runId === "talk-1"));
    const types = socket.frames.map((f) => [f.event.type, (f.event as { runId?: string }).runId ?? ""]);
    expect(types.map(([type]) => type)).toEqual([
      EventType.RUN_STARTED,
      EventType.STATE_SNAPSHOT,
      EventType.RUN_FINISHED,
      EventType.RUN_STARTED,
      EventType.STATE_SNAPSHOT,
      EventType.CUSTOM,
      EventType.STATE_DELTA,
      EventType.RUN_FINISHED,
    ]);
    expect(types[3]?.[1]).toBe("talk-1");
    // The burst never goes back in sequence: the snapshot is as of the sequence before the open run.
    const seqs = seqsOf(socket.frames);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(socket.frames[0]?.seq).toBe((socket.frames[3]?.seq ?? 0) - 1);
    await assertValidStreams(socket.frames);
    expect(await hub.threadState("coordinator")).toEqual({ topic: "rates", done: true });
    socket.close();
  });

  it("when a publisher breaks the run discipline then the hub refuses the batch and keeps nothing", async () => {
    const hub = hubStub(env);
    const before = await hub.status();
    const outside = await hub.publish({ source: "test:bad", batch: 1, thread: "risk", topics: [], events: [custom("cival.test.loose", {}, Date.now())] });
    expect(outside).toMatchObject({ ok: false });
    const badDelta = await hub.publish({ source: "test:bad", batch: 2, thread: "risk", topics: [], events: [runStarted("risk", "r1", 1), stateDelta([{ op: "replace", path: "/missing/deep", value: 1 }], 1), runFinished("risk", "r1", 1)] });
    expect(badDelta).toMatchObject({ ok: false });
    expect((await hub.status()).seq).toBe(before.seq);
  });

  it("when a batch is published twice then it is numbered once", async () => {
    const hub = hubStub(env);
    const batch = { source: "test:twice", batch: 1, thread: "risk", topics: [], events: [runStarted("risk", "twice", 1), runFinished("risk", "twice", 1)] };
    const a = await hub.publish(batch);
    const b = await hub.publish(batch);
    expect(a).toMatchObject({ ok: true, duplicate: false });
    expect(b).toMatchObject({ ok: true, duplicate: true });
  });

  it("when the hub is evicted (hibernation) then its sockets still receive events, and the state survives", async () => {
    const { socket } = await openSocket({ topics: "treasury" });
    if (!socket) throw new Error("no socket");
    await socket.waitFor((fs) => fs.length >= 3);
    await evictDurableObject(hubStub(env));
    await api("POST", "/api/wallets/allocations", { body: { to: "farm:arbitrage", amount: "5" } });
    await socket.waitFor((fs) => fs.some((f) => (f.event as { name?: string }).name === "cival.transfer.completed"));
    await assertValidStreams(socket.frames);
    socket.close();
  });
});

describe("orders and fills on the agent's topics", () => {
  const MARCUS = "agent:marcus-momentum";
  const named = (name: string) => (fs: Envelope[]) => fs.some((f) => f.thread === MARCUS && ((f.event as { name?: string }).name === name || (f.event as { toolCallName?: string }).toolCallName === name));

  it("when an agent's order fills then the order, its fill and its update arrive on agent:<id>, desk and its farm", async () => {
    const sockets = await Promise.all([MARCUS, "desk", "farm:momentum"].map(async (topics) => (await openSocket({ topics, role: "viewer" })).socket));
    const body = { agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.001" };
    const res = await api("POST", "/api/orders", { role: "trader", body, idempotencyKey: "events-order-1" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    for (const socket of sockets) {
      if (!socket) throw new Error("no socket");
      for (const name of ["place_order", "cival.order.filled", "cival.order.updated"]) await socket.waitFor(named(name));
      await assertValidStreams(socket.frames);
      socket.close();
    }
  });

  it("when an agent's run names no farm then the hub still routes it to the farm the agent's state names", async () => {
    const { socket } = await openSocket({ topics: "farm:momentum" });
    if (!socket) throw new Error("no socket");
    const hub = hubStub(env);
    const t = Date.now();
    const state = { id: "agent:quinn-quiet", kind: "agent", parent: "farm:momentum", balances: { USD: "0" } };
    const res = await hub.publish({ source: "test:quinn", batch: 1, thread: "agent:quinn-quiet", topics: [], events: [runStarted("agent:quinn-quiet", "fill:q1", t), custom("cival.order.filled", { clientOrderId: "q1" }, t), stateSnapshot(state, t), runFinished("agent:quinn-quiet", "fill:q1", t)] });
    expect(res).toMatchObject({ ok: true, duplicate: false });
    await socket.waitFor((fs) => fs.some((f) => f.thread === "agent:quinn-quiet" && (f.event as { name?: string }).name === "cival.order.filled"));
    await assertValidStreams(socket.frames);
    socket.close();
  });
});

describe("auth and bad requests", () => {
  it("when the socket has no token then the upgrade is refused with 401", async () => {
    const res = await openSocket({ role: null });
    expect(res.status).toBe(401);
    expect(res.socket).toBeNull();
  });

  it("when a client passes the token in the query then it connects", async () => {
    const { socket } = await openSocket({ protocol: false });
    expect(socket).not.toBeNull();
    socket?.close();
  });

  it.each([["topics=nonsense"], ["topics=desk&since=-1"], ["topics=" + Array.from({ length: 11 }, (_, i) => `agent:a${i}`).join(",")]])("when the query is %s then it is a 400", async (query) => {
    const { token } = await import("./helpers/api.js");
    const res = await (await import("cloudflare:workers")).exports.default.fetch(
      new Request(`https://cival.test/api/events/ws?${query}`, { headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `cival.v1, bearer.${await token("viewer")}` } }),
    );
    expect(res.status).toBe(400);
  });

  it("when a viewer listens then memos are removed from what it receives", async () => {
    const { socket } = await openSocket({ topics: "treasury", role: "viewer" });
    if (!socket) throw new Error("no socket");
    await api("POST", "/api/wallets/allocations", { body: { to: "farm:arbitrage", amount: "1", memo: "secret plan" } });
    await socket.waitFor((fs) => fs.some((f) => f.event.type === EventType.TOOL_CALL_ARGS));
    const args = socket.frames.find((f) => f.event.type === EventType.TOOL_CALL_ARGS)?.event as unknown as { delta: string };
    expect(JSON.parse(args.delta).memo).toBeUndefined();
    expect(JSON.parse(args.delta).amount).toBe("1");
    socket.close();
  });
});

describe("history in D1", () => {
  it("when the hub flushes then D1 holds one row per event and GET /api/events pages through them", async () => {
    const hub = hubStub(env);
    const flushed = await hub.flush();
    const status = await hub.status();
    expect(flushed).toBe(status.seq);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM events").first<{ n: number; lo: number; hi: number }>();
    expect(count).toEqual({ n: status.seq, lo: 1, hi: status.seq });
    await hub.flush();
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM events").first<{ n: number }>())?.n).toBe(status.seq);
    const page = await api("GET", "/api/events?since=0&limit=5&topics=treasury", { role: "viewer" });
    expect(page.status).toBe(200);
    expect(page.body.events).toHaveLength(5);
    expect(page.body.events.every((e: Envelope) => e.thread === "treasury")).toBe(true);
    const next = await api("GET", `/api/events?since=${page.body.nextSince}&limit=5&topics=treasury`, { role: "viewer" });
    expect(next.body.events[0].seq).toBeGreaterThan(page.body.events[4].seq);
    expect((await api("GET", "/api/events?limit=0", { role: "viewer" })).status).toBe(400);
  });
});
