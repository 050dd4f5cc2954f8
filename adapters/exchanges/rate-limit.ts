/**
 * Per-account request budgets that wait before the exchange would refuse. Time comes from an
 * injected clock so tests can run a minute of traffic without sleeping.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RateLimiter {
  /** Waits until `cost` fits the budget, then spends it. Callers are served in arrival order. */
  acquire(cost: number): Promise<void>;
  /** Holds every request until `untilMs`: the exchange sent Retry-After, or banned us. */
  pauseUntil(untilMs: number): void;
  /** Spends weight the exchange charged after the fact (per item returned), without waiting. */
  charge(cost: number): void;
}

/** Serialises callers so two concurrent requests never both see the same free budget. */
abstract class SerialLimiter implements RateLimiter {
  private tail: Promise<void> = Promise.resolve();
  private pausedUntilMs = 0;

  constructor(protected readonly clock: Clock) {}

  acquire(cost: number): Promise<void> {
    if (!(cost >= 0) || !Number.isFinite(cost)) throw new Error(`invariant: rate-limit cost must be a finite number >= 0, got ${cost}`);
    if (cost > this.capacity()) throw new Error(`invariant: cost ${cost} exceeds the whole budget ${this.capacity()}`);
    const run = this.tail.then(() => this.take(cost));
    this.tail = run.catch(() => undefined);
    return run;
  }

  pauseUntil(untilMs: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs);
  }

  charge(cost: number): void {
    if (cost > 0) this.spend(cost, this.clock.now());
  }

  private async take(cost: number): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const wait = Math.max(this.pausedUntilMs - now, this.waitMs(cost, now));
      if (wait <= 0) {
        this.spend(cost, now);
        return;
      }
      await this.clock.sleep(Math.ceil(wait));
    }
  }

  protected abstract capacity(): number;
  protected abstract waitMs(cost: number, nowMs: number): number;
  protected abstract spend(cost: number, nowMs: number): void;
}

/**
 * A weight budget per fixed window aligned to the clock (Binance counts request weight per
 * calendar minute). `observe` adopts the exchange's own count when it reports one.
 */
export class FixedWindowLimiter extends SerialLimiter {
  private windowStartMs = 0;
  private used = 0;

  constructor(clock: Clock, private readonly limit: number, private readonly windowMs: number) {
    super(clock);
  }

  /** The exchange reports `used` weight in the current window (e.g. X-MBX-USED-WEIGHT-1M). */
  observe(used: number, nowMs: number): void {
    if (!Number.isFinite(used) || used < 0) return;
    this.roll(nowMs);
    this.used = Math.max(this.used, used);
  }

  /** Weight spent in the current window, as far as this limiter knows. */
  usedAt(nowMs: number): number {
    this.roll(nowMs);
    return this.used;
  }

  protected capacity(): number {
    return this.limit;
  }

  protected waitMs(cost: number, nowMs: number): number {
    this.roll(nowMs);
    return this.used + cost <= this.limit ? 0 : this.windowStartMs + this.windowMs - nowMs;
  }

  protected spend(cost: number, nowMs: number): void {
    this.roll(nowMs);
    this.used += cost;
  }

  private roll(nowMs: number): void {
    const start = nowMs - (nowMs % this.windowMs);
    if (start !== this.windowStartMs) {
      this.windowStartMs = start;
      this.used = 0;
    }
  }
}

/** A weight budget over any rolling window (Hyperliquid: weight per minute, not aligned to the clock). */
export class SlidingWindowLimiter extends SerialLimiter {
  private readonly spent: { atMs: number; cost: number }[] = [];

  constructor(clock: Clock, private readonly limit: number, private readonly windowMs: number) {
    super(clock);
  }

  protected capacity(): number {
    return this.limit;
  }

  protected waitMs(cost: number, nowMs: number): number {
    this.expire(nowMs);
    let used = this.spent.reduce((sum, s) => sum + s.cost, 0);
    if (used + cost <= this.limit) return 0;
    // Wait until enough of the oldest spending has left the window.
    for (const s of this.spent) {
      used -= s.cost;
      if (used + cost <= this.limit) return s.atMs + this.windowMs - nowMs;
    }
    return this.windowMs;
  }

  protected spend(cost: number, nowMs: number): void {
    if (cost > 0) this.spent.push({ atMs: nowMs, cost });
  }

  private expire(nowMs: number): void {
    while (this.spent.length > 0 && this.spent[0]!.atMs + this.windowMs <= nowMs) this.spent.shift();
  }
}

/**
 * A counter that every call raises and that decays continuously (Kraken's call counter); a call
 * waits until it fits under the maximum. With cost 1 and decay r it is a token bucket of rate r.
 */
export class DecayingCounterLimiter extends SerialLimiter {
  private counter = 0;
  private lastMs: number | null = null;

  constructor(clock: Clock, private readonly max: number, private readonly decayPerSecond: number) {
    super(clock);
  }

  /** The counter as it stands now. */
  counterAt(nowMs: number): number {
    this.decay(nowMs);
    return this.counter;
  }

  protected capacity(): number {
    return this.max;
  }

  protected waitMs(cost: number, nowMs: number): number {
    this.decay(nowMs);
    const excess = this.counter + cost - this.max;
    return excess <= 0 ? 0 : (excess / this.decayPerSecond) * 1000;
  }

  protected spend(cost: number, nowMs: number): void {
    this.decay(nowMs);
    this.counter += cost;
  }

  private decay(nowMs: number): void {
    if (this.lastMs !== null) this.counter = Math.max(0, this.counter - ((nowMs - this.lastMs) / 1000) * this.decayPerSecond);
    this.lastMs = nowMs;
  }
}

/** Requests per second with a burst allowance (Coinbase): a counter of burst size decaying at the rate. */
export function requestsPerSecond(clock: Clock, perSecond: number, burst = perSecond): DecayingCounterLimiter {
  return new DecayingCounterLimiter(clock, burst, perSecond);
}

/** Kraken verification tiers: the call counter's maximum and decay per second. */
export const KRAKEN_TIERS = {
  starter: { max: 15, decayPerSecond: 0.33 },
  intermediate: { max: 20, decayPerSecond: 0.5 },
  pro: { max: 20, decayPerSecond: 1 },
} as const;
export type KrakenTier = keyof typeof KRAKEN_TIERS;
