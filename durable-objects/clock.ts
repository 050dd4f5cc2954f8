/**
 * The paper venues' clock. In production it is the wall clock; tests freeze or step it so that
 * nothing they read depends on when they run (the paper market moves on a one-second grid). Tests
 * in workerd share the objects' isolate, so this module-level clock reaches the objects.
 */
export interface VenueClock {
  /** Now, in ms since the epoch. */
  nowMs(): number;
  /** Stops the clock at `ms` until the next step or reset. */
  freeze(ms: number): void;
  /** Moves a frozen clock on by `ms` (freezing it at now first if it runs). */
  step(ms: number): void;
  /** Back to the wall clock. */
  reset(): void;
}

let frozenMs: number | null = null;

export const clock: VenueClock = {
  nowMs: () => frozenMs ?? Date.now(),
  freeze(ms: number) {
    if (!Number.isSafeInteger(ms)) throw new Error(`invariant: the clock freezes at a whole ms, got ${ms}`);
    frozenMs = ms;
  },
  step(ms: number) {
    frozenMs = (frozenMs ?? Date.now()) + ms;
  },
  reset() {
    frozenMs = null;
  },
};
