import type { LogEntry } from "../live/log.ts";

/**
 * Reading the live log for the facts the approvals tray and the Agents page act on: CUSTOM events
 * by name, and the interrupt a decision cycle's RUN_FINISHED ends with. Pure, so the views' rules
 * are unit-tested on plain entries.
 */

/** A CUSTOM event from the log: its thread, name and value, and the log entry's id. */
export interface CustomFact {
  readonly id: number;
  readonly thread: string;
  readonly name: string;
  readonly value: unknown;
  readonly at: number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The entries newer than `sinceId` (oldest first), found by walking back from the newest: a view
 * that has read the log up to `sinceId` reads only what arrived after. `lastId` is where it is now.
 */
export function entriesSince(entries: readonly LogEntry[], sinceId: number): { fresh: LogEntry[]; lastId: number } {
  let start = entries.length;
  while (start > 0 && (entries[start - 1]?.id ?? 0) > sinceId) start--;
  const fresh = entries.slice(start);
  return { fresh, lastId: fresh.length > 0 ? (fresh[fresh.length - 1]?.id ?? sinceId) : sinceId };
}

/** The CUSTOM events among `entries` whose name is in `names`. */
export function customFacts(entries: readonly LogEntry[], names: ReadonlySet<string>): CustomFact[] {
  const out: CustomFact[] = [];
  for (const e of entries) {
    const ev = e.event as { type: string; name?: unknown; value?: unknown };
    if (ev.type !== "CUSTOM" || typeof ev.name !== "string" || !names.has(ev.name)) continue;
    out.push({ id: e.id, thread: e.thread, name: ev.name, value: ev.value, at: e.at });
  }
  return out;
}

/** The interrupts a RUN_FINISHED carries (AG-UI's interrupt outcome); [] for any other event. */
export function runInterrupts(entry: LogEntry): unknown[] {
  const ev = entry.event as { type: string; outcome?: unknown };
  if (ev.type !== "RUN_FINISHED" || !isRecord(ev.outcome) || ev.outcome.type !== "interrupt") return [];
  return Array.isArray(ev.outcome.interrupts) ? ev.outcome.interrupts : [];
}
