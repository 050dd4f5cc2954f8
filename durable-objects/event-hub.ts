import { DurableObject } from "cloudflare:workers";
import { DEFAULT_PIPELINE, MARKET_TICK, type Role, type SubscriberMemory, runPipeline } from "../core/event-pipeline.js";
import { type ThreadTrack, advanceThread, newTrack } from "../core/event-threads.js";
import { type BaseEvent, type Envelope, EventType, type Json, runFinished, runStarted, stateSnapshot, topicsFor } from "../core/events.js";
import { type EventRow, writeEvents } from "../adapters/db/events.js";
import type { PublishRequest, PublishResult } from "../core/messages.js";

/** Events kept in the hub for resume and mid-run joins; older ones live in D1. */
export const RETAINED_EVENTS = 10_000;
/** Frames a socket may have unacknowledged before it is closed as a slow consumer (4008). */
export const MAX_UNACKED_FRAMES = 5_000;
/** A socket that neither pinged nor acknowledged for this long is closed (4009). */
export const HEARTBEAT_TIMEOUT_MS = 60_000;
const SWEEP_INTERVAL_MS = 30_000;
const FLUSH_DELAY_MS = 1_000;
const FLUSH_BATCH_ROWS = 100;
const FLUSH_ROWS_PER_ALARM = 2_000;

export const CLOSE_SLOW_CONSUMER = 4008;
export const CLOSE_HEARTBEAT = 4009;



interface Attachment {
  sub: string;
  role: Role;
  topics: string[];
  connectedAtMs: number;
}

/** What the hub remembers of a socket while awake; rebuilt from the attachment after hibernation. */
interface SocketState {
  readonly attachment: Attachment;
  readonly memory: SubscriberMemory;
  /** Sequences of frames sent and not yet acknowledged, oldest first (from `head`). */
  pendingSeqs: number[];
  head: number;
  lastAckMs: number;
}

interface SseSubscriber {
  readonly thread: string;
  readonly threadId: string;
  readonly runId: string;
  readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  remaining: number;
  timer: ReturnType<typeof setTimeout> | null;
  done: boolean;
}

const LIFECYCLE = new Set<string>([EventType.RUN_STARTED, EventType.RUN_FINISHED, EventType.RUN_ERROR]);
const encoder = new TextEncoder();

function topicList(topics: readonly string[]): string {
  return `,${topics.join(",")},`;
}

/**
 * The desk's event hub: numbers every event, keeps the recent ones for resume, tracks each
 * thread's state and open run, streams to hibernatable WebSockets by topic and to SSE clients,
 * and flushes history to D1 by alarm.
 */
export class EventHub extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private seq = 0;
  private readonly tracks = new Map<string, ThreadTrack & { topics: string[] }>();
  private readonly sockets = new Map<WebSocket, SocketState>();
  private readonly sse = new Set<SseSubscriber>();
  /** Sockets by topic, in memory; rebuilt from the runtime's tags after a wake from hibernation. */
  private byTopic: Map<string, Set<WebSocket>> | null = null;
  /** When the alarm is set for, as far as this instance knows (saves a storage read per publish). */
  private alarmAtMs: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS hub_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, thread TEXT NOT NULL, topics TEXT NOT NULL, type TEXT NOT NULL, event TEXT NOT NULL, at_ms INTEGER NOT NULL)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS threads (thread TEXT PRIMARY KEY, topics TEXT NOT NULL, track TEXT NOT NULL)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, batch INTEGER NOT NULL)`);
      this.seq = this.meta("seq");
      for (const row of this.sql.exec<{ thread: string; topics: string; track: string }>(`SELECT thread, topics, track FROM threads`)) {
        this.tracks.set(row.thread, { ...(JSON.parse(row.track) as ThreadTrack), topics: row.topics.split(",").filter(Boolean) });
      }
    });
  }

  private meta(key: string): number {
    return this.sql.exec<{ value: number }>(`SELECT value FROM hub_meta WHERE key = ?`, key).toArray()[0]?.value ?? 0;
  }

  private setMeta(key: string, value: number): void {
    this.sql.exec(`INSERT OR REPLACE INTO hub_meta (key, value) VALUES (?, ?)`, key, value);
  }

  /** The oldest sequence still held here (0 when nothing is). */
  private oldestSeq(): number {
    return this.sql.exec<{ s: number | null }>(`SELECT MIN(seq) AS s FROM events`).one().s ?? 0;
  }

  /**
   * Numbers and stores a batch of events on one thread and broadcasts them. A batch the source
   * published before is a duplicate and changes nothing; a batch that would break the thread's
   * run discipline (an event outside a run, a delta that does not apply) is refused whole.
   */
  async publish(req: PublishRequest): Promise<PublishResult> {
    const last = this.sql.exec<{ batch: number }>(`SELECT batch FROM sources WHERE source = ?`, req.source).toArray()[0]?.batch ?? 0;
    if (req.batch <= last) return { ok: true, duplicate: true, firstSeq: null, lastSeq: null };
    const prior = this.tracks.get(req.thread);
    let track: ThreadTrack = prior ?? newTrack(req.thread);
    const topics = topicsFor(req.thread, req.topics);
    const envelopes: Envelope[] = [];
    const at = Date.now();
    let seq = this.seq;
    for (const event of req.events) {
      seq++;
      const next = advanceThread(track, event, seq);
      if (!next.ok) return { ok: false, message: next.message };
      track = next.track;
      envelopes.push({ seq, thread: req.thread, event, at });
    }
    const stored = { ...track, topics };
    this.ctx.storage.transactionSync(() => {
      const list = topicList(topics);
      for (const e of envelopes) {
        this.sql.exec(`INSERT INTO events (seq, thread, topics, type, event, at_ms) VALUES (?, ?, ?, ?, ?, ?)`, e.seq, e.thread, list, e.event.type, JSON.stringify(e.event), at);
      }
      this.sql.exec(`INSERT OR REPLACE INTO threads (thread, topics, track) VALUES (?, ?, ?)`, req.thread, topics.join(","), JSON.stringify(track));
      this.sql.exec(`INSERT OR REPLACE INTO sources (source, batch) VALUES (?, ?)`, req.source, req.batch);
      this.setMeta("seq", seq);
      this.trim(seq);
    });
    this.seq = seq;
    this.tracks.set(req.thread, stored);
    this.broadcast(envelopes, topics);
    this.streamToSse(envelopes);
    await this.scheduleAlarm(at + FLUSH_DELAY_MS);
    return { ok: true, duplicate: false, firstSeq: envelopes[0]?.seq ?? null, lastSeq: seq };
  }

  /** Drops what is beyond the retained window and already in D1. */
  private trim(seq: number): void {
    const flushed = this.meta("flushed");
    const cut = Math.min(seq - RETAINED_EVENTS, flushed);
    if (cut > 0) this.sql.exec(`DELETE FROM events WHERE seq <= ?`, cut);
  }

  private socketState(ws: WebSocket): SocketState | null {
    let st = this.sockets.get(ws);
    if (!st) {
      const attachment = ws.deserializeAttachment() as Attachment | null;
      if (!attachment) return null;
      st = { attachment, memory: { lastTickMs: new Map() }, pendingSeqs: [], head: 0, lastAckMs: Date.now() };
      this.sockets.set(ws, st);
    }
    return st;
  }

  private send(ws: WebSocket, st: SocketState, frame: string, seq: number): void {
    if (st.pendingSeqs.length - st.head >= MAX_UNACKED_FRAMES) {
      this.closeSocket(ws, CLOSE_SLOW_CONSUMER, `slow consumer: ${MAX_UNACKED_FRAMES} frames unacknowledged; reconnect with since`);
      return;
    }
    try {
      ws.send(frame);
      st.pendingSeqs.push(seq);
    } catch {
      this.sockets.delete(ws);
      this.unindexSocket(ws);
    }
  }

  private closeSocket(ws: WebSocket, code: number, reason: string): void {
    this.sockets.delete(ws);
    this.unindexSocket(ws);
    try {
      ws.close(code, reason);
    } catch {
      // already closed
    }
  }

  private topicIndex(): Map<string, Set<WebSocket>> {
    if (!this.byTopic) {
      this.byTopic = new Map();
      for (const ws of this.ctx.getWebSockets()) this.indexSocket(ws, this.ctx.getTags(ws));
    }
    return this.byTopic;
  }

  private indexSocket(ws: WebSocket, topics: readonly string[]): void {
    const index = this.byTopic;
    if (!index) return;
    for (const t of topics) {
      let set = index.get(t);
      if (!set) index.set(t, (set = new Set()));
      set.add(ws);
    }
  }

  private unindexSocket(ws: WebSocket): void {
    if (!this.byTopic) return;
    for (const set of this.byTopic.values()) set.delete(ws);
  }

  private broadcast(envelopes: readonly Envelope[], topics: readonly string[]): void {
    const index = this.topicIndex();
    const targets = new Set<WebSocket>();
    for (const t of topics) for (const ws of index.get(t) ?? []) targets.add(ws);
    if (targets.size === 0) return;
    const nowMs = Date.now();
    for (const env of envelopes) {
      const e = env.event as BaseEvent & { name?: string };
      const perSocket = e.type === EventType.CUSTOM && e.name === MARKET_TICK;
      const byRole = new Map<Role, string | null>();
      for (const ws of targets) {
        const st = this.socketState(ws);
        if (!st) continue;
        const role = st.attachment.role;
        let frame = perSocket ? undefined : byRole.get(role);
        if (frame === undefined) {
          const d = runPipeline(DEFAULT_PIPELINE, { thread: env.thread, event: env.event }, role, st.memory, nowMs);
          frame = d ? JSON.stringify({ seq: env.seq, thread: env.thread, event: d.event, at: env.at }) : null;
          if (!perSocket) byRole.set(role, frame);
        }
        if (frame !== null) this.send(ws, st, frame, env.seq);
      }
    }
  }

  /** The frames a socket gets on connect, before live events (see `acceptSocket`). */
  private initialFrames(topics: readonly string[], since: number | null, role: Role): Array<{ seq: number; frame: string }> {
    const memory: SubscriberMemory = { lastTickMs: new Map() };
    const nowMs = Date.now();
    const frames: Array<{ seq: number; frame: string }> = [];
    const push = (env: Envelope) => {
      const d = runPipeline(DEFAULT_PIPELINE, { thread: env.thread, event: env.event }, role, memory, nowMs);
      if (d) frames.push({ seq: env.seq, frame: JSON.stringify({ ...env, event: d.event }) });
    };
    const matches = (list: string) => topics.some((t) => list.includes(`,${t},`));
    const resumable = since !== null && since <= this.seq && since >= this.oldestSeq() - 1;
    if (resumable) {
      for (const row of this.sql.exec<{ seq: number; thread: string; topics: string; event: string; at_ms: number }>(`SELECT seq, thread, topics, event, at_ms FROM events WHERE seq > ? ORDER BY seq`, since)) {
        if (matches(row.topics)) push({ seq: row.seq, thread: row.thread, event: JSON.parse(row.event) as BaseEvent, at: row.at_ms });
      }
      return frames;
    }
    // Each snapshot carries the sequence it is as of: the hub's for a thread at rest, the one before
    // its RUN_STARTED for a thread mid-run (whose open run follows with its own sequences). Sorted,
    // the burst never goes back in sequence, so resuming from the highest sequence applied is safe.
    const burst: Array<{ env: Envelope; snapshot: boolean }> = [];
    for (const track of this.tracks.values()) {
      if (!matches(topicList(track.topics))) continue;
      const asOf = track.openRunSeq !== null ? track.openRunSeq - 1 : this.seq;
      const runId = `snapshot:${track.thread}:${asOf}`;
      for (const event of [runStarted(track.thread, runId, nowMs), stateSnapshot(track.committed, nowMs), runFinished(track.thread, runId, nowMs)]) {
        burst.push({ env: { seq: asOf, thread: track.thread, event, at: nowMs }, snapshot: true });
      }
      if (track.openRunSeq === null) continue;
      for (const row of this.sql.exec<{ seq: number; event: string; at_ms: number }>(`SELECT seq, event, at_ms FROM events WHERE thread = ? AND seq >= ? ORDER BY seq`, track.thread, track.openRunSeq)) {
        burst.push({ env: { seq: row.seq, thread: track.thread, event: JSON.parse(row.event) as BaseEvent, at: row.at_ms }, snapshot: false });
      }
    }
    // Stable sort: a thread's snapshot run stays in order; at one sequence, real events go before snapshots.
    burst.sort((a, b) => a.env.seq - b.env.seq || Number(a.snapshot) - Number(b.snapshot));
    for (const b of burst) push(b.env);
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
    const sub = url.searchParams.get("sub") ?? "";
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, topics);
    this.topicIndex();
    this.indexSocket(server, topics);
    const attachment: Attachment = { sub, role, topics, connectedAtMs: Date.now() };
    server.serializeAttachment(attachment);
    const st: SocketState = { attachment, memory: { lastTickMs: new Map() }, pendingSeqs: [], head: 0, lastAckMs: Date.now() };
    this.sockets.set(server, st);
    for (const f of this.initialFrames(topics, since, role)) this.send(server, st, f.frame, f.seq);
    void this.scheduleAlarm(Date.now() + SWEEP_INTERVAL_MS);
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
    const st = this.socketState(ws);
    if (!st) return;
    if (typeof message !== "string") return this.closeSocket(ws, 4400, "frames are JSON text");
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return this.closeSocket(ws, 4400, "frames are JSON text");
    }
    const ack = parsed as { type?: unknown; seq?: unknown };
    if (ack.type === "ack" && typeof ack.seq === "number" && Number.isFinite(ack.seq)) {
      while (st.head < st.pendingSeqs.length && (st.pendingSeqs[st.head] ?? Infinity) <= ack.seq) st.head++;
      if (st.head > 1024 && st.head * 2 > st.pendingSeqs.length) {
        st.pendingSeqs = st.pendingSeqs.slice(st.head);
        st.head = 0;
      }
      st.lastAckMs = Date.now();
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.sockets.delete(ws);
    this.unindexSocket(ws);
    try {
      // 1005 and 1006 mean "no code": they cannot be sent back.
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.sockets.delete(ws);
    this.unindexSocket(ws);
  }

  private async scheduleAlarm(atMs: number): Promise<void> {
    if (this.alarmAtMs !== null && this.alarmAtMs <= atMs && this.alarmAtMs > Date.now()) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > atMs) {
      await this.ctx.storage.setAlarm(atMs);
      this.alarmAtMs = atMs;
    } else this.alarmAtMs = current;
  }

  /** Flushes events to D1 and closes sockets that stopped answering. Idempotent (sequence-keyed upserts). */
  override async alarm(): Promise<void> {
    this.alarmAtMs = null;
    let flushed = this.meta("flushed");
    try {
      for (let done = 0; done < FLUSH_ROWS_PER_ALARM; ) {
        const rows = this.sql
          .exec<{ seq: number; thread: string; topics: string; type: string; event: string; at_ms: number }>(`SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, flushed, FLUSH_BATCH_ROWS)
          .toArray();
        const last = rows[rows.length - 1];
        if (!last) break;
        await writeEvents(this.env.DB, rows.map((r): EventRow => ({ seq: r.seq, thread: r.thread, topics: r.topics, type: r.type, event: r.event, atMs: r.at_ms })));
        flushed = last.seq;
        this.setMeta("flushed", flushed);
        done += rows.length;
      }
    } catch (err) {
      console.warn("cival: event flush to D1 failed, will retry", err);
    }
    const nowMs = Date.now();
    for (const ws of this.ctx.getWebSockets()) {
      const st = this.socketState(ws);
      if (!st) continue;
      const pinged = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      const lastSign = Math.max(pinged, st.lastAckMs, st.attachment.connectedAtMs);
      if (nowMs - lastSign > HEARTBEAT_TIMEOUT_MS) this.closeSocket(ws, CLOSE_HEARTBEAT, "no ping or ack for 60 s");
    }
    if (flushed < this.seq) await this.scheduleAlarm(nowMs + FLUSH_DELAY_MS);
    else if (this.ctx.getWebSockets().length > 0) await this.scheduleAlarm(nowMs + SWEEP_INTERVAL_MS);
  }

  /** Flushes everything to D1 now (tests and operators use it instead of waiting for the alarm). */
  async flush(): Promise<number> {
    await this.alarm();
    return this.meta("flushed");
  }

  /** The last sequence, the oldest retained, and the open runs: what a resume may ask for. */
  async status(): Promise<{ seq: number; oldest: number; flushed: number; sockets: number; sse: number; threads: number; openRuns: string[] }> {
    return {
      sse: this.sse.size,
      seq: this.seq,
      oldest: this.oldestSeq(),
      flushed: this.meta("flushed"),
      sockets: this.ctx.getWebSockets().length,
      threads: this.tracks.size,
      openRuns: [...this.tracks.values()].filter((t) => t.openRunId !== null).map((t) => t.thread),
    };
  }

  /** A thread's current state, as the hub has it (the SSE run and tests read it). */
  async threadState(thread: string): Promise<unknown> {
    return this.tracks.get(thread)?.live ?? null;
  }

  private writeSse(s: SseSubscriber, event: BaseEvent): void {
    s.writer.write(encoder.encode(`data: ${JSON.stringify(event)}\n\n`)).catch(() => this.endSse(s, false));
  }

  private endSse(s: SseSubscriber, finish: boolean): void {
    if (s.done) return;
    s.done = true;
    this.sse.delete(s);
    if (s.timer) clearTimeout(s.timer);
    if (finish) this.writeSse(s, runFinished(s.threadId, s.runId, Date.now()));
    s.writer.close().catch(() => undefined);
  }

  /**
   * One AG-UI run for a standard client: RUN_STARTED, the thread's state, then the thread's
   * events (their own run boundaries left out: they nest inside this run) until the limit, then
   * RUN_FINISHED.
   */
  private openSse(url: URL): Response {
    const thread = url.searchParams.get("thread") ?? "";
    const runId = url.searchParams.get("runId") ?? "";
    const maxEvents = Number(url.searchParams.get("maxEvents") ?? "0");
    const maxDurationMs = Number(url.searchParams.get("maxDurationMs") ?? "0");
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const s: SseSubscriber = { thread, threadId: thread, runId, writer: writable.getWriter(), remaining: maxEvents, timer: null, done: false };
    const nowMs = Date.now();
    const track = this.tracks.get(thread);
    this.writeSse(s, runStarted(thread, runId, nowMs));
    this.writeSse(s, stateSnapshot(track?.committed ?? null, nowMs));
    if (track?.openRunSeq != null) {
      for (const row of this.sql.exec<{ event: string }>(`SELECT event FROM events WHERE thread = ? AND seq > ? ORDER BY seq`, thread, track.openRunSeq)) {
        const event = JSON.parse(row.event) as BaseEvent;
        if (!LIFECYCLE.has(event.type)) this.writeSse(s, event);
      }
    }
    if (maxEvents <= 0) this.endSse(s, true);
    else {
      this.sse.add(s);
      if (maxDurationMs > 0) s.timer = setTimeout(() => this.endSse(s, true), maxDurationMs);
    }
    return new Response(readable, { headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" } });
  }

  private streamToSse(envelopes: readonly Envelope[]): void {
    if (this.sse.size === 0) return;
    for (const s of [...this.sse]) {
      for (const env of envelopes) {
        if (s.done || env.thread !== s.thread || LIFECYCLE.has(env.event.type)) continue;
        this.writeSse(s, env.event);
        if (--s.remaining <= 0) this.endSse(s, true);
      }
    }
  }
}
