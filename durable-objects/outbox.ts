import { type BaseEvent, type Json, diffState, run, stateDelta, stateSnapshot } from "../core/events.js";
import type { RunEnds } from "../core/agents/approval.js";
import { HISTORY_BATCH_ROWS, type HistoryRecord, writeHistory } from "../adapters/db/history.js";
import { hubStub } from "./stubs.js";

/** Queued runs sent to the hub in one publish at most. */
const PUBLISH_BATCH_ROWS = 50;

/** The outbox's tables: runs of AG-UI events waiting for the hub, the state the hub was last told, history for D1. */
export const OUTBOX_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS history_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS event_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, events TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS published_state (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)`,
];

/** Who speaks through an outbox: its thread, the state it shows, the topics beyond `desk` and its own. */
export interface OutboxOwner {
  /** The thread id ("agent:…", "risk"), or null while the object does not know who it is yet. */
  thread(): string | null;
  state(): Json;
  topics(): string[];
}

/**
 * An actor's way out: what it tells the dashboard (AG-UI runs, queued in the same transaction as
 * the change they report, then published to the hub in order) and what it records for D1 (history
 * rows, flushed in batches). Either may fail; both stay queued until a later drain succeeds, so the
 * owner's alarm retries them while `pending()` is non-zero.
 */
export class Outbox {
  #flushing: Promise<void> | null = null;
  #publishing: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly owner: OutboxOwner,
    /** Called when a drain ends, so that the owner re-arms its alarm for what is left. */
    private readonly afterDrain: () => void,
  ) {}

  /** Queues a history record for D1. Call inside the owner's transaction. */
  enqueue(record: HistoryRecord): void {
    this.sql.exec(`INSERT INTO history_queue (record) VALUES (?)`, JSON.stringify(record));
  }

  /**
   * Queues one run on the owner's thread: the events, then the state change they made (a snapshot
   * the first time, a JSON Patch after). Call inside the owner's transaction: the run is published
   * exactly when the change it reports commits.
   */
  emit(runId: string, events: readonly BaseEvent[], atMs: number, ends: RunEnds = {}): void {
    const thread = this.owner.thread();
    if (!thread) return;
    const before = this.sql.exec<{ state: string }>(`SELECT state FROM published_state WHERE id = 1`).toArray()[0];
    const after = this.owner.state();
    const change: BaseEvent[] = [];
    if (!before) change.push(stateSnapshot(after, atMs));
    else {
      const delta = diffState(JSON.parse(before.state) as Json, after);
      if (delta.length > 0) change.push(stateDelta(delta, atMs));
    }
    this.sql.exec(`INSERT OR REPLACE INTO published_state (id, state) VALUES (1, ?)`, JSON.stringify(after));
    const framed = run(thread, runId, atMs, [...events, ...change]);
    // A run may end paused (an interrupt) or start by resuming one: the caller's ends replace the plain ones.
    if (ends.start) framed[0] = ends.start;
    if (ends.finish) framed[framed.length - 1] = ends.finish;
    this.sql.exec(`INSERT INTO event_queue (events) VALUES (?)`, JSON.stringify(framed));
  }

  /** Rows still waiting for the hub or for D1. */
  pending(): number {
    return this.sql.exec<{ n: number }>(`SELECT (SELECT COUNT(*) FROM history_queue) + (SELECT COUNT(*) FROM event_queue) AS n`).one().n;
  }

  /** After a change: history to D1 and events to the hub, both retried by the owner's alarm if they fail. */
  async drain(): Promise<void> {
    await Promise.all([this.flushHistory(), this.publishEvents()]);
  }

  /** Sends queued runs to the hub in order; a failure leaves them queued. */
  publishEvents(): Promise<void> {
    if (this.#publishing) return this.#publishing;
    const work = async () => {
      const thread = this.owner.thread();
      try {
        for (;;) {
          // Queued runs go in one publish (the hub numbers them in order); the last row's id is the batch number.
          const rows = this.sql.exec<{ id: number; events: string }>(`SELECT id, events FROM event_queue ORDER BY id LIMIT ?`, PUBLISH_BATCH_ROWS).toArray();
          const last = rows[rows.length - 1];
          if (!last || !thread) break;
          const events = rows.flatMap((r) => JSON.parse(r.events) as BaseEvent[]);
          const result = await hubStub(this.env).publish({ source: thread, batch: last.id, thread, topics: this.owner.topics(), events });
          if (!result.ok) {
            // The hub's picture of this thread differs from ours (its storage was reset): start over with a snapshot.
            console.error(`cival: the hub refused events of ${thread}: ${result.message}`);
            this.sql.exec(`DELETE FROM published_state`);
          }
          this.sql.exec(`DELETE FROM event_queue WHERE id <= ?`, last.id);
        }
      } catch (err) {
        console.warn(`cival: publishing events of ${thread ?? "?"} failed, will retry`, err);
      }
    };
    // Cleared in a later microtask, never before the assignment (a publish with nothing to do finishes synchronously).
    const publishing = work().finally(() => {
      this.#publishing = null;
      this.afterDrain();
    });
    this.#publishing = publishing;
    return publishing;
  }

  /** Writes queued history to D1; on failure it stays queued. */
  flushHistory(): Promise<void> {
    if (this.#flushing) return this.#flushing;
    const work = async () => {
      try {
        for (;;) {
          const rows = this.sql.exec<{ id: number; record: string }>(`SELECT id, record FROM history_queue ORDER BY id LIMIT ?`, HISTORY_BATCH_ROWS).toArray();
          const last = rows[rows.length - 1];
          if (!last) break;
          await writeHistory(this.env.DB, rows.map((r) => JSON.parse(r.record) as HistoryRecord));
          this.sql.exec(`DELETE FROM history_queue WHERE id <= ?`, last.id);
        }
      } catch (err) {
        console.warn(`cival: history flush of ${this.owner.thread() ?? "?"} failed, will retry`, err);
      }
    };
    const flushing = work().finally(() => {
      this.#flushing = null;
      this.afterDrain();
    });
    this.#flushing = flushing;
    return flushing;
  }
}
