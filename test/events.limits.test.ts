import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { custom, runFinished, runStarted } from "../core/events.js";
import { CLOSE_HEARTBEAT, CLOSE_SLOW_CONSUMER, type EventHub, MAX_UNACKED_FRAMES } from "../durable-objects/event-hub.js";
import { hubStub } from "../durable-objects/stubs.js";
import { openSocket } from "./helpers/socket.js";

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
}

describe("bounds on clients", () => {
  it("when a client never acknowledges then it is closed as a slow consumer once it is 5,000 frames behind", async () => {
    const { socket } = await openSocket({ topics: "risk" });
    if (!socket) throw new Error("no socket");
    const closing = closed(socket.ws);
    const t = Date.now();
    const events = Array.from({ length: MAX_UNACKED_FRAMES + 10 }, (_, i) => custom("cival.test.tick", { i }, t));
    const res = await hubStub(env).publish({ source: "test:flood", batch: 1, thread: "risk", topics: [], events: [runStarted("risk", "flood", t), ...events, runFinished("risk", "flood", t)] });
    expect(res.ok).toBe(true);
    const { code, reason } = await closing;
    expect(code).toBe(CLOSE_SLOW_CONSUMER);
    expect(reason).toMatch(/slow consumer/);
    expect(socket.frames.length).toBeLessThanOrEqual(MAX_UNACKED_FRAMES);
  });

  it("when a client acknowledges as it goes then it receives everything", async () => {
    const { socket } = await openSocket({ topics: "risk", since: (await hubStub(env).status()).seq });
    if (!socket) throw new Error("no socket");
    const t = Date.now();
    const hub = hubStub(env);
    const total = MAX_UNACKED_FRAMES + 500;
    for (let batch = 0; batch < 11; batch++) {
      const events = Array.from({ length: 500 }, (_, i) => custom("cival.test.tick", { i }, t));
      await hub.publish({ source: "test:acked", batch: batch + 1, thread: "risk", topics: [], events: [runStarted("risk", `acked-${batch}`, t), ...events, runFinished("risk", `acked-${batch}`, t)] });
      await socket.waitFor((fs) => fs.length >= (batch + 1) * 502);
      socket.ws.send(JSON.stringify({ type: "ack", seq: socket.frames[socket.frames.length - 1]?.seq }));
    }
    expect(socket.frames.length).toBe(11 * 502);
    expect(socket.frames.length).toBeGreaterThan(total);
    socket.close();
  });

  it("when a client goes silent (no ping, no ack) for a minute then the hub's alarm closes it", async () => {
    const { socket } = await openSocket({ topics: "treasury" });
    if (!socket) throw new Error("no socket");
    const closing = closed(socket.ws);
    // As after a wake from hibernation, the hub knows the socket only by its attachment: connected long ago, silent since.
    await runInDurableObject(hubStub(env) as unknown as DurableObjectStub<EventHub>, (instance: EventHub, state) => {
      const clients = (instance as unknown as { clients: { states: Map<WebSocket, unknown>; state(ws: WebSocket, nowMs: number): { lastAckMs: number } | null } }).clients;
      clients.states.clear();
      for (const ws of state.getWebSockets("treasury")) {
        const attachment = ws.deserializeAttachment() as { connectedAtMs: number };
        ws.serializeAttachment({ ...attachment, connectedAtMs: 0 });
        const st = clients.state(ws, 0);
        if (st) st.lastAckMs = 0;
      }
    });
    await runDurableObjectAlarm(hubStub(env));
    const { code } = await closing;
    expect(code).toBe(CLOSE_HEARTBEAT);
  });
});
