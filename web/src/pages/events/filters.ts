import type { LogEntry } from "../../live/log.ts";
import type { RunRecord } from "../../live/threads.ts";
import { type Category, categoryOf } from "./describe.ts";

/** What the operator narrowed the log to. Empty thread, empty categories, empty text: everything. */
export interface EventFilter {
  readonly topic: string;
  readonly thread: string;
  readonly categories: ReadonlySet<Category>;
  readonly text: string;
}

/**
 * True when an event on `thread` is delivered to `topic`, as the hub routes it: desk takes
 * everything, a farm takes its own thread and its agents' (`parentOf` reads an agent's farm
 * from its state), a market topic its venue.
 */
export function topicMatches(topic: string, thread: string, parentOf: (thread: string) => string | null): boolean {
  if (topic === "desk" || topic === thread) return true;
  if (topic.startsWith("farm:") && thread.startsWith("agent:")) return parentOf(thread) === topic;
  if (topic.startsWith("market:")) return thread === `venue:${topic.split(":")[1] ?? ""}`;
  return false;
}

/** A predicate for the log's entries; the text search looks through the event's JSON too. */
export function entryFilter(filter: EventFilter, parentOf: (thread: string) => string | null): (entry: LogEntry) => boolean {
  const text = filter.text.trim().toLowerCase();
  const thread = filter.thread;
  const categories = filter.categories;
  const topicCache = new Map<string, boolean>();
  return (entry) => {
    if (thread && entry.thread !== thread) return false;
    let onTopic = topicCache.get(entry.thread);
    if (onTopic === undefined) {
      onTopic = topicMatches(filter.topic, entry.thread, parentOf);
      topicCache.set(entry.thread, onTopic);
    }
    if (!onTopic) return false;
    if (categories.size > 0 && !categories.has(categoryOf(entry.event.type))) return false;
    if (text) {
      const haystack = `${entry.thread} ${entry.seq} ${JSON.stringify(entry.event)}`.toLowerCase();
      if (!haystack.includes(text)) return false;
    }
    return true;
  };
}

/** One run's entries for the grouped view, newest first. */
export interface RunGroup {
  readonly key: string;
  readonly thread: string;
  readonly run: RunRecord | undefined;
  readonly entries: LogEntry[];
}

/**
 * Groups entries (newest first) by the run they were filed under, ordered by each run's latest
 * event. Entries with no run (history not yet filed) stand alone.
 */
export function groupByRun(entries: readonly LogEntry[], runOf: (key: string) => RunRecord | undefined): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const entry of entries) {
    const key = entry.runKey ?? `entry:${entry.id}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, thread: entry.thread, run: entry.runKey ? runOf(entry.runKey) : undefined, entries: [] };
      groups.set(key, group);
    }
    group.entries.push(entry);
  }
  return [...groups.values()];
}

/** A run's status as the log labels it, with the why of a truncated one. */
export function runLabel(run: RunRecord | undefined): { text: string; tone: "open" | "ok" | "bad" | "warn" | "none" } {
  if (!run) return { text: "", tone: "none" };
  switch (run.status) {
    case "open":
      return { text: run.interrupted ? "open · resumed" : "open", tone: "open" };
    case "finished":
      return { text: run.interrupted ? "finished · resumed" : run.partial ? "finished · start not seen" : "finished", tone: "ok" };
    case "error":
      return { text: "error", tone: "bad" };
    case "truncated":
      return { text: "truncated", tone: "warn" };
  }
}
