import type { Json } from "../events.js";

/**
 * Who sees what: every event goes to `desk` and to its own thread's topic; an agent's events
 * (its orders and fills among them) also go to its farm's. The hub learns an agent's farm from
 * the agent's own state (`parent`), so routing does not depend on every publisher naming it.
 */

/** The topic that takes every thread of the desk. */
export const DESK_TOPIC = "desk";

/** The farm an agent thread belongs to, read from its state (null when it has none or is not an agent). */
export function farmOf(thread: string, state: Json | undefined): string | null {
  if (!thread.startsWith("agent:") || !state || typeof state !== "object" || Array.isArray(state)) return null;
  const parent = state.parent;
  return typeof parent === "string" && parent.startsWith("farm:") ? parent : null;
}

/**
 * The topics an event on `thread` is delivered to: `desk`, the thread, what the publisher adds
 * (`extra`, e.g. the markets of an arbitrage), and for an agent its farm (from `extra`, else `farm`).
 */
export function topicsFor(thread: string, extra: readonly string[] = [], farm: string | null = null): string[] {
  const topics = [DESK_TOPIC, thread];
  for (const t of extra) if (!topics.includes(t)) topics.push(t);
  if (farm !== null && thread.startsWith("agent:") && !topics.some((t) => t.startsWith("farm:"))) topics.push(farm);
  return topics;
}

/** Topics as one delimited string (`,desk,agent:a,`), as the hub stores them per event. */
export function topicList(topics: readonly string[]): string {
  return `,${topics.join(",")},`;
}

/** True when a stored topic list names any of `topics`. */
export function listMatches(list: string, topics: readonly string[]): boolean {
  for (const t of topics) if (list.includes(`,${t},`)) return true;
  return false;
}
