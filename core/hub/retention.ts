/**
 * What the hub keeps and what a reconnecting client can ask for. The last RETAINED_EVENTS events
 * stay for resume and mid-run joins; older ones are dropped once D1 has them (never before).
 */

/** Events kept in the hub for resume and mid-run joins; older ones live in D1. */
export const RETAINED_EVENTS = 10_000;

/** The highest sequence that may be deleted now (0: nothing): beyond the window and already flushed. */
export function trimThrough(seq: number, flushed: number): number {
  return Math.max(0, Math.min(seq - RETAINED_EVENTS, flushed));
}

/** How a socket starts: every event after `since`, or (no since, or one older than the hub keeps) snapshots. */
export type ConnectPlan = { readonly kind: "resume"; readonly since: number } | { readonly kind: "snapshot" };

/**
 * A resume is served when nothing between `since` and now was trimmed: the oldest event held is
 * at most `since + 1` (no gap) and `since` is not ahead of the hub (no invented future).
 */
export function planConnect(since: number | null, seq: number, oldest: number): ConnectPlan {
  if (since === null || since > seq || since < oldest - 1) return { kind: "snapshot" };
  return { kind: "resume", since };
}
