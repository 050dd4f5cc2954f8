import { type BaseEvent, type Envelope, EventType, type Json, runFinished, runStarted, stateSnapshot } from "../core/events.js";

interface SseSubscriber {
  readonly thread: string;
  readonly runId: string;
  readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  remaining: number;
  timer: ReturnType<typeof setTimeout> | null;
  done: boolean;
}

/** What an SSE run asks for: the thread, the client's run id, and when to end (events, duration). */
export interface SseRequest {
  readonly thread: string;
  readonly runId: string;
  readonly maxEvents: number;
  readonly maxDurationMs: number;
}

const LIFECYCLE = new Set<string>([EventType.RUN_STARTED, EventType.RUN_FINISHED, EventType.RUN_ERROR]);
const encoder = new TextEncoder();

/**
 * Server-sent events for stock AG-UI clients: one run per request, RUN_STARTED, the thread's
 * state, then the thread's events (their own run boundaries left out: they nest inside this
 * run) until the limit, then RUN_FINISHED.
 */
export class HubSse {
  private readonly subscribers = new Set<SseSubscriber>();

  get size(): number {
    return this.subscribers.size;
  }

  /** Opens a run: `state` is the thread's committed state, `openRun` its open run's events (if any). */
  open(req: SseRequest, state: Json, openRun: Iterable<Envelope>, nowMs: number): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const s: SseSubscriber = { thread: req.thread, runId: req.runId, writer: writable.getWriter(), remaining: req.maxEvents, timer: null, done: false };
    this.write(s, runStarted(req.thread, req.runId, nowMs));
    this.write(s, stateSnapshot(state, nowMs));
    for (const env of openRun) if (!LIFECYCLE.has(env.event.type)) this.write(s, env.event);
    if (req.maxEvents <= 0) this.end(s, true);
    else {
      this.subscribers.add(s);
      if (req.maxDurationMs > 0) s.timer = setTimeout(() => this.end(s, true), req.maxDurationMs);
    }
    return new Response(readable, { headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" } });
  }

  /** Streams a published batch to the runs open on its thread. */
  stream(envelopes: readonly Envelope[]): void {
    if (this.subscribers.size === 0) return;
    for (const s of [...this.subscribers]) {
      for (const env of envelopes) {
        if (s.done || env.thread !== s.thread || LIFECYCLE.has(env.event.type)) continue;
        this.write(s, env.event);
        if (--s.remaining <= 0) this.end(s, true);
      }
    }
  }

  private write(s: SseSubscriber, event: BaseEvent): void {
    s.writer.write(encoder.encode(`data: ${JSON.stringify(event)}\n\n`)).catch(() => this.end(s, false));
  }

  private end(s: SseSubscriber, finish: boolean): void {
    if (s.done) return;
    s.done = true;
    this.subscribers.delete(s);
    if (s.timer) clearTimeout(s.timer);
    if (finish) this.write(s, runFinished(s.thread, s.runId, Date.now()));
    s.writer.close().catch(() => undefined);
  }
}
