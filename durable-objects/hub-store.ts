import type { EventRow } from "../adapters/db/events.js";
import type { BaseEvent, Envelope } from "../core/events.js";
import type { TrackedThread } from "../core/hub/connect.js";
import { trimThrough } from "../core/hub/retention.js";
import type { ThreadTrack } from "../core/hub/threads.js";
import { topicList } from "../core/hub/topics.js";

const SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS hub_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, thread TEXT NOT NULL, topics TEXT NOT NULL, type TEXT NOT NULL, event TEXT NOT NULL, at_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS threads (thread TEXT PRIMARY KEY, topics TEXT NOT NULL, track TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, batch INTEGER NOT NULL)`,
];

/** An accepted batch, as stored: its events, the thread's track after it, and who sent it. */
export interface StoredBatch {
  readonly source: string;
  readonly batch: number;
  readonly thread: string;
  readonly topics: readonly string[];
  /** The topics the thread itself belongs to (its snapshot's audience). */
  readonly standing: readonly string[];
  readonly track: ThreadTrack;
  readonly envelopes: readonly Envelope[];
  readonly seq: number;
}

/** The hub's SQLite: numbered events (the retained window), threads' tracks, sources' last batches, meta. */
export class HubStore {
  constructor(private readonly sql: SqlStorage) {}

  migrate(): void {
    for (const statement of SCHEMA) this.sql.exec(statement);
  }

  meta(key: "seq" | "flushed"): number {
    return this.sql.exec<{ value: number }>(`SELECT value FROM hub_meta WHERE key = ?`, key).toArray()[0]?.value ?? 0;
  }

  setMeta(key: "seq" | "flushed", value: number): void {
    this.sql.exec(`INSERT OR REPLACE INTO hub_meta (key, value) VALUES (?, ?)`, key, value);
  }

  /** The oldest sequence still held here (0 when nothing is). */
  oldestSeq(): number {
    return this.sql.exec<{ s: number | null }>(`SELECT MIN(seq) AS s FROM events`).one().s ?? 0;
  }

  lastBatch(source: string): number {
    return this.sql.exec<{ batch: number }>(`SELECT batch FROM sources WHERE source = ?`, source).toArray()[0]?.batch ?? 0;
  }

  tracks(): Map<string, TrackedThread> {
    const out = new Map<string, TrackedThread>();
    for (const row of this.sql.exec<{ thread: string; topics: string; track: string }>(`SELECT thread, topics, track FROM threads`)) {
      out.set(row.thread, { ...(JSON.parse(row.track) as ThreadTrack), topics: row.topics.split(",").filter(Boolean) });
    }
    return out;
  }

  /** Writes an accepted batch and trims what is beyond the window and flushed. Call inside `transactionSync`. */
  append(b: StoredBatch): void {
    const list = topicList(b.topics);
    for (const e of b.envelopes) {
      this.sql.exec(`INSERT INTO events (seq, thread, topics, type, event, at_ms) VALUES (?, ?, ?, ?, ?, ?)`, e.seq, e.thread, list, e.event.type, JSON.stringify(e.event), e.at);
    }
    this.sql.exec(`INSERT OR REPLACE INTO threads (thread, topics, track) VALUES (?, ?, ?)`, b.thread, b.standing.join(","), JSON.stringify(b.track));
    this.sql.exec(`INSERT OR REPLACE INTO sources (source, batch) VALUES (?, ?)`, b.source, b.batch);
    this.setMeta("seq", b.seq);
    const cut = trimThrough(b.seq, this.meta("flushed"));
    if (cut > 0) this.sql.exec(`DELETE FROM events WHERE seq <= ?`, cut);
  }

  /** Every event after `since`, with its stored topic list, oldest first. */
  *after(since: number): Generator<{ env: Envelope; topics: string }> {
    for (const row of this.sql.exec<{ seq: number; thread: string; topics: string; event: string; at_ms: number }>(`SELECT seq, thread, topics, event, at_ms FROM events WHERE seq > ? ORDER BY seq`, since)) {
      yield { env: { seq: row.seq, thread: row.thread, event: JSON.parse(row.event) as BaseEvent, at: row.at_ms }, topics: row.topics };
    }
  }

  /** A thread's events from `fromSeq` on, oldest first. */
  *threadFrom(thread: string, fromSeq: number): Generator<Envelope> {
    for (const row of this.sql.exec<{ seq: number; event: string; at_ms: number }>(`SELECT seq, event, at_ms FROM events WHERE thread = ? AND seq >= ? ORDER BY seq`, thread, fromSeq)) {
      yield { seq: row.seq, thread, event: JSON.parse(row.event) as BaseEvent, at: row.at_ms };
    }
  }

  /** Up to `limit` rows after `flushed`, as D1 stores them. */
  unflushed(flushed: number, limit: number): EventRow[] {
    return this.sql
      .exec<{ seq: number; thread: string; topics: string; type: string; event: string; at_ms: number }>(`SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, flushed, limit)
      .toArray()
      .map((r) => ({ seq: r.seq, thread: r.thread, topics: r.topics, type: r.type, event: r.event, atMs: r.at_ms }));
  }
}
