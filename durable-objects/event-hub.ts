import { DurableObject } from "cloudflare:workers";
import { writeEvents } from "../adapters/db/events.js";
import { CLOSE_BAD_FRAME, echoCloseCode, readClientMessage } from "../core/hub/clients.js";
import { type TrackedThread, snapshotBurst } from "../core/hub/connect.js";
import { FLUSH_BATCH_ROWS, FLUSH_DELAY_MS, FLUSH_ROWS_PER_ALARM, SWEEP_INTERVAL_MS, alarmServes, nextWakeMs } from "../core/hub/flush.js";
import { frameFor, newMemory } from "../core/hub/frames.js";
import type { Role } from "../core/hub/pipeline.js";
import { decidePublish } from "../core/hub/publish.js";
import { planConnect } from "../core/hub/retention.js";
import { listMatches } from "../core/hub/topics.js";
import type { PublishRequest, PublishResult } from "../core/messages.js";
import { HubSockets } from "./hub-sockets.js";
import { HubSse } from "./hub-sse.js";
import { HubStore } from "./hub-store.js";

export { CLOSE_HEARTBEAT, CLOSE_SLOW_CONSUMER, HEARTBEAT_TIMEOUT_MS, MAX_UNACKED_FRAMES } from "../core/hub/clients.js";
export { RETAINED_EVENTS } from "../core/hub/retention.js";

/**
 * The desk's event hub: numbers every event, keeps the recent ones for resume, tracks each
 * thread's state and open run, streams to hibernatable WebSockets by topic and to SSE clients,
 * and flushes history to D1 by alarm. The rules are core/hub's; this object keeps the sockets,
 * the storage and the alarm.
 */
export class EventHub extends DurableObject<Env> {
  private readonly store: HubStore;
  private readonly clients: HubSockets;
  private readonly sse = new HubSse();
  private seq = 0;
  private tracks = new Map<string, TrackedThread>();
  /** When the alarm is set for, as far as this instance knows (saves a storage read per publish). */
  private alarmAtMs: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new HubStore(ctx.storage.sql);
    this.clients = new HubSockets(ctx);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => {
      this.store.migrate();
      this.seq = this.store.meta("seq");
      this.tracks = this.store.tracks();
    });
  }

  /**
   * Numbers and stores a batch of events on one thread and broadcasts them. A batch the source
   * published before is a duplicate and changes nothing; a batch that would break the thread's
   * run discipline (an event outside a run, a delta that does not apply) is refused whole.
   */
  async publish(req: PublishRequest): Promise<PublishResult> {
    const nowMs = Date.now();
    const decision = decidePublish({ seq: this.seq, lastBatch: this.store.lastBatch(req.source), track: this.tracks.get(req.thread) }, req, nowMs);
    if (decision.kind === "duplicate") return { ok: true, duplicate: true, firstSeq: null, lastSeq: null };
    if (decision.kind === "refused") return { ok: false, message: decision.message };
    const { envelopes, track, topics, standing, seq } = decision;
    this.ctx.storage.transactionSync(() => this.store.append({ source: req.source, batch: req.batch, thread: req.thread, topics, standing, track, envelopes, seq }));
    this.seq = seq;
    this.tracks.set(req.thread, { ...track, topics: standing });
    this.clients.broadcast(envelopes, topics, nowMs);
    this.sse.stream(envelopes);
    await this.scheduleAlarm(nowMs + FLUSH_DELAY_MS);
    return { ok: true, duplicate: false, firstSeq: envelopes[0]?.seq ?? null, lastSeq: seq };
  }

  /** The frames a socket gets on connect, before live events: every event after `since`, or snapshots. */
  private initialFrames(topics: readonly string[], since: number | null, role: Role, nowMs: number): Array<{ seq: number; frame: string }> {
    const memory = newMemory();
    const frames: Array<{ seq: number; frame: string }> = [];
    const plan = planConnect(since, this.seq, this.store.oldestSeq());
    const envelopes =
      plan.kind === "resume"
        ? Array.from(this.store.after(plan.since), (r) => (listMatches(r.topics, topics) ? r.env : null))
        : snapshotBurst(this.tracks.values(), topics, this.seq, (thread, fromSeq) => this.store.threadFrom(thread, fromSeq), nowMs);
    for (const env of envelopes) {
      if (!env) continue;
      const frame = frameFor(env, role, memory, nowMs);
      if (frame !== null) frames.push({ seq: env.seq, frame });
    }
    return frames;
  }

  /**
   * Accepts a WebSocket the Worker authenticated. Without `since` (or with one older than the
   * hub keeps), each thread under the topics gets a short run with its state snapshot, then the
   * open run of a thread caught mid-run, from its RUN_STARTED; with `since`, every event after it.
   */
  private acceptSocket(url: URL): Response {
    const topics = (url.searchParams.get("topics") ?? "desk").split(",").filter(Boolean);
    const sinceParam = url.searchParams.get("since");
    const since = sinceParam === null ? null : Number(sinceParam);
    const role = (url.searchParams.get("role") ?? "viewer") as Role;
    const nowMs = Date.now();
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const st = this.clients.accept(server, topics, role, url.searchParams.get("sub") ?? "", nowMs);
    for (const f of this.initialFrames(topics, since, role, nowMs)) this.clients.send(server, st, f.frame, f.seq);
    void this.scheduleAlarm(nowMs + SWEEP_INTERVAL_MS);
    const headers = new Headers();
    const protocol = url.searchParams.get("protocol");
    if (protocol) headers.set("Sec-WebSocket-Protocol", protocol);
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/connect") {
      if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
      return this.acceptSocket(url);
    }
    if (url.pathname === "/sse") return this.openSse(url);
    return new Response("not found", { status: 404 });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const nowMs = Date.now();
    const st = this.clients.state(ws, nowMs);
    if (!st) return;
    const m = readClientMessage(message);
    if (m.kind === "bad") return this.clients.close(ws, CLOSE_BAD_FRAME, "frames are JSON text");
    if (m.kind === "ack") this.clients.acknowledged(st, m.seq, nowMs);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.clients.close(ws, echoCloseCode(code), reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.clients.forget(ws);
  }

  private async scheduleAlarm(atMs: number): Promise<void> {
    if (alarmServes(this.alarmAtMs, atMs, Date.now())) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > atMs) {
      await this.ctx.storage.setAlarm(atMs);
      this.alarmAtMs = atMs;
    } else this.alarmAtMs = current;
  }

  /** Flushes events to D1 and closes sockets that stopped answering. Idempotent (sequence-keyed upserts). */
  override async alarm(): Promise<void> {
    this.alarmAtMs = null;
    let flushed = this.store.meta("flushed");
    try {
      for (let done = 0; done < FLUSH_ROWS_PER_ALARM; ) {
        const rows = this.store.unflushed(flushed, FLUSH_BATCH_ROWS);
        const last = rows[rows.length - 1];
        if (!last) break;
        await writeEvents(this.env.DB, rows);
        flushed = last.seq;
        this.store.setMeta("flushed", flushed);
        done += rows.length;
      }
    } catch (err) {
      console.warn("cival: event flush to D1 failed, will retry", err);
    }
    const nowMs = Date.now();
    this.clients.sweep(nowMs);
    const wake = nextWakeMs(flushed, this.seq, this.clients.count(), nowMs);
    if (wake !== null) await this.scheduleAlarm(wake);
  }

  /** Flushes everything to D1 now (tests and operators use it instead of waiting for the alarm). */
  async flush(): Promise<number> {
    await this.alarm();
    return this.store.meta("flushed");
  }

  /** The last sequence, the oldest retained, and the open runs: what a resume may ask for. */
  async status(): Promise<{ seq: number; oldest: number; flushed: number; sockets: number; sse: number; threads: number; openRuns: string[] }> {
    return {
      sse: this.sse.size,
      seq: this.seq,
      oldest: this.store.oldestSeq(),
      flushed: this.store.meta("flushed"),
      sockets: this.clients.count(),
      threads: this.tracks.size,
      openRuns: [...this.tracks.values()].filter((t) => t.openRunId !== null).map((t) => t.thread),
    };
  }

  /** A thread's current state, as the hub has it (the SSE run and tests read it). */
  async threadState(thread: string): Promise<unknown> {
    return this.tracks.get(thread)?.live ?? null;
  }

  /** One AG-UI run for a standard client (see HubSse). */
  private openSse(url: URL): Response {
    const thread = url.searchParams.get("thread") ?? "";
    const track = this.tracks.get(thread);
    const openRun = track?.openRunSeq != null ? this.store.threadFrom(thread, track.openRunSeq) : [];
    const req = { thread, runId: url.searchParams.get("runId") ?? "", maxEvents: Number(url.searchParams.get("maxEvents") ?? "0"), maxDurationMs: Number(url.searchParams.get("maxDurationMs") ?? "0") };
    return this.sse.open(req, track?.committed ?? null, openRun, Date.now());
  }
}
