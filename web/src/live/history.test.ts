import { describe, expect, test } from "vitest";
import { type FetchPage, loadOlder, parseHistoryPage } from "./history.ts";
import type { Envelope } from "./protocol.ts";
import { env, ev } from "./test-events.ts";

/** A history API over a fixed list of seqs, paging forward like GET /api/events. */
function api(seqs: readonly number[]): { fetchPage: FetchPage; calls: number[] } {
  const all: Envelope[] = seqs.map((s) => env(s, "risk", ev.custom("tick", s)));
  const calls: number[] = [];
  const fetchPage: FetchPage = async (since, limit) => {
    calls.push(since);
    const after = all.filter((e) => e.seq > since);
    const events = after.slice(0, limit);
    const last = events.at(-1);
    return { events, nextSince: after.length > limit && last ? last.seq : null };
  };
  return { fetchPage, calls };
}

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe("loading older events", () => {
  test("when the desk's sequence is dense then one request brings the page just below", async () => {
    const h = api(range(1, 1_000));
    const older = await loadOlder(801, 100, h.fetchPage);
    expect(older.events.map((e) => e.seq)).toEqual(range(701, 800));
    expect(older.exhausted).toBe(false);
    expect(h.calls).toEqual([700]);
  });

  test("when the topic is sparse then the search widens until it finds events", async () => {
    const h = api([5, 12, 9_000]);
    const older = await loadOlder(9_000, 100, h.fetchPage);
    expect(older.events.map((e) => e.seq)).toEqual([5, 12]);
    expect(older.exhausted).toBe(true);
  });

  test("when a widened window holds more than a page then only its newest part is returned, contiguous with before", async () => {
    const h = api([...range(1, 3_000), 20_000]);
    const older = await loadOlder(20_000, 50, h.fetchPage);
    expect(older.events.map((e) => e.seq)).toEqual(range(2_951, 3_000));
    expect(h.calls.length).toBeLessThan(24);
  });

  test("when nothing is older then the result is empty and exhausted", async () => {
    const h = api([50, 51]);
    const older = await loadOlder(50, 100, h.fetchPage);
    expect(older).toEqual({ events: [], exhausted: true });
  });

  test("when fewer events remain than asked for then they all come back, marked exhausted", async () => {
    const h = api(range(1, 30));
    const older = await loadOlder(31, 100, h.fetchPage);
    expect(older.events).toHaveLength(30);
    expect(older.exhausted).toBe(true);
  });

  test("when the reply holds an envelope that does not parse then it is left out", () => {
    const page = parseHistoryPage({ events: [env(1, "risk", ev.custom("a", 1)), { seq: "x" }], nextSince: 1 });
    expect(page.events.map((e) => e.seq)).toEqual([1]);
    expect(page.nextSince).toBe(1);
    expect(parseHistoryPage(null)).toEqual({ events: [], nextSince: null });
  });
});
