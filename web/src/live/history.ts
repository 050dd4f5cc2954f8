import type { LogEntry } from "./log.ts";
import { type Envelope, parseEnvelope } from "./protocol.ts";
import { type RunRecord, ThreadBook } from "./threads.ts";

/** One page of GET /api/events: ascending by seq, `nextSince` null when nothing follows. */
export interface HistoryPage {
  readonly events: readonly Envelope[];
  readonly nextSince: number | null;
}

/** Fetches events with seq > since (ascending), at most `limit`. */
export type FetchPage = (since: number, limit: number) => Promise<HistoryPage>;

export interface OlderResult {
  /** Ascending by seq, all below `before`. */
  readonly events: Envelope[];
  /** Nothing older exists (the search reached seq 0). */
  readonly exhausted: boolean;
}

export const PAGE_LIMIT = 200;
/** The API only pages forward, so looking back is a search; these bound its cost. */
const MAX_PAGES = 24;
const MAX_WINDOWS = 8;
const WIDEN_FACTOR = 8;

/**
 * Up to `want` events just below seq `before`, ascending. The history API pages forward
 * from `since`, so this looks back in windows that widen while they come up empty (the topics
 * may be sparse in the desk's sequence), and splits a window holding more than a page so it
 * reads the newest part first. Whatever it returns is contiguous with `before`.
 */
export async function loadOlder(before: number, want: number, fetchPage: FetchPage): Promise<OlderResult> {
  let pages = 0;
  let outOfPages = false;

  /** The last `count` events with lo < seq < hi, or null when the page budget ran out. */
  async function lastIn(lo: number, hi: number, count: number): Promise<Envelope[] | null> {
    if (hi - lo <= 1 || count <= 0) return [];
    if (pages >= MAX_PAGES) {
      outOfPages = true;
      return null;
    }
    pages++;
    const page = await fetchPage(lo, PAGE_LIMIT);
    const inRange = page.events.filter((e) => e.seq > lo && e.seq < hi);
    const last = page.events.at(-1);
    const complete = page.nextSince === null || !last || last.seq >= hi - 1 || page.events.length < PAGE_LIMIT;
    if (complete) return inRange.slice(-count);
    // More than a page in range: the newest half first, the older half only if still short.
    const mid = Math.floor((lo + hi) / 2);
    const upper = await lastIn(mid, hi, count);
    if (upper === null) return null;
    if (upper.length >= count) return upper;
    const lower = await lastIn(lo, mid + 1, count - upper.length);
    return lower === null ? null : [...lower, ...upper];
  }

  let collected: Envelope[] = [];
  let hi = before;
  let size = Math.max(1, want);
  for (let window = 0; window < MAX_WINDOWS && hi > 1 && collected.length < want; window++) {
    const lo = Math.max(0, hi - 1 - size);
    const got = await lastIn(lo, hi, want - collected.length);
    if (got === null) break;
    collected = [...got, ...collected];
    hi = lo + 1;
    size *= WIDEN_FACTOR;
  }
  return { events: collected, exhausted: !outOfPages && hi <= 1 && collected.length < want };
}

/** Reads the API's reply, dropping envelopes that do not parse. */
export function parseHistoryPage(body: unknown): HistoryPage {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const raw = Array.isArray(record.events) ? record.events : [];
  const events: Envelope[] = [];
  for (const item of raw) {
    const parsed = parseEnvelope(item);
    if (parsed.kind === "envelope") events.push(parsed.envelope);
  }
  const next = record.nextSince;
  return { events, nextSince: typeof next === "number" && Number.isSafeInteger(next) ? next : null };
}

/**
 * Files events loaded from history (ascending) into log entries and runs of their own, so the
 * views can delimit their runs too. Ids are negative and increase with seq: older than any
 * live entry. Refile the whole list when it grows, so a run split across pages is one run.
 */
export function fileOlder(envelopes: readonly Envelope[]): { entries: LogEntry[]; runs: Map<string, RunRecord> } {
  const book = new ThreadBook("history:");
  const entries = envelopes.map((e, i): LogEntry => {
    const { runKey } = book.apply(e, 0);
    return { id: i - envelopes.length, seq: e.seq, thread: e.thread, at: e.at, event: e.event, runKey };
  });
  return { entries, runs: new Map([...book.runs()].map((r) => [r.key, r])) };
}
