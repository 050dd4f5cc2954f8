/**
 * When the hub's one alarm fires: soon after a publish (to flush history to D1 in batches),
 * and every SWEEP_INTERVAL_MS while sockets are open (to close silent ones).
 */

export const FLUSH_DELAY_MS = 1_000;
/** Rows per D1 batch (well under D1's bound parameters per batch). */
export const FLUSH_BATCH_ROWS = 100;
/** Rows one alarm flushes at most; the rest wait for the next alarm. */
export const FLUSH_ROWS_PER_ALARM = 2_000;
export const SWEEP_INTERVAL_MS = 30_000;

/** When the next alarm is due after one ran: flush again soon if behind, sweep later if sockets are open, else never. */
export function nextWakeMs(flushed: number, seq: number, sockets: number, nowMs: number): number | null {
  if (flushed < seq) return nowMs + FLUSH_DELAY_MS;
  return sockets > 0 ? nowMs + SWEEP_INTERVAL_MS : null;
}

/** True when an alarm already set for `currentMs` serves a wish for `wantedMs` (it is earlier and still ahead). */
export function alarmServes(currentMs: number | null, wantedMs: number, nowMs: number): boolean {
  return currentMs !== null && currentMs <= wantedMs && currentMs > nowMs;
}
