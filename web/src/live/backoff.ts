/** How long to wait before reconnect attempt `attempt` (0-based). */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/** The ceiling for an attempt: base × 2^attempt, capped. */
export function backoffCeilingMs(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  return Math.min(options.capMs, options.baseMs * 2 ** exponent);
}

/**
 * Full jitter: a uniform delay in [0, ceiling), so clients that lost the server at the same
 * moment do not all come back at the same moment. `random` is injected to keep it testable.
 */
export function backoffDelayMs(attempt: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCeilingMs(attempt, options));
}
