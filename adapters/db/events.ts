import { drizzle } from "drizzle-orm/d1";
import { and, asc, gt, like, or, sql } from "drizzle-orm";
import type { BaseEvent, Envelope } from "../../core/events.js";
import { events } from "./schema.js";

export interface EventRow {
  readonly seq: number;
  readonly thread: string;
  readonly topics: string;
  readonly type: string;
  readonly event: string;
  readonly atMs: number;
}

/** Writes a batch of the hub's events; replays are ignored (the sequence is the key). */
export async function writeEvents(d1: D1Database, rows: readonly EventRow[]): Promise<void> {
  const db = drizzle(d1);
  const statements = rows.map((r) => db.insert(events).values(r).onConflictDoNothing());
  const [first, ...rest] = statements;
  if (!first) return;
  await db.batch([first, ...rest]);
}

/** Events after `since` on any of `topics`, ascending. */
export async function listEvents(d1: D1Database, since: number, topics: readonly string[], limit: number): Promise<{ events: Envelope[]; nextSince: number | null }> {
  const db = drizzle(d1);
  const topicFilter = topics.includes("desk") ? sql`1 = 1` : or(...topics.map((t) => like(events.topics, `%,${t},%`)));
  const rows = await db
    .select()
    .from(events)
    .where(and(gt(events.seq, since), topicFilter))
    .orderBy(asc(events.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit).map((r) => ({ seq: r.seq, thread: r.thread, event: JSON.parse(r.event) as BaseEvent, at: r.atMs }));
  const last = page[page.length - 1];
  return { events: page, nextSince: rows.length > limit && last ? last.seq : null };
}
