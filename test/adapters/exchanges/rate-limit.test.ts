import { describe, expect, it } from "vitest";
import { DecayingCounterLimiter, FixedWindowLimiter, KRAKEN_TIERS, SlidingWindowLimiter, requestsPerSecond } from "../../../adapters/exchanges/rate-limit.js";
import { fakeClock } from "./fakes.js";

const MINUTE = 60_000;

describe("FixedWindowLimiter (Binance weight per calendar minute)", () => {
  it("when the minute's weight is spent then the next request waits for the next minute, not longer", async () => {
    const clock = fakeClock(100 * MINUTE + 45_000);
    const limiter = new FixedWindowLimiter(clock, 10, MINUTE);
    await limiter.acquire(6);
    await limiter.acquire(4);
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire(1);
    expect(clock.sleeps).toEqual([15_000]);
    expect(limiter.usedAt(clock.now())).toBe(1);
  });

  it("when the exchange reports more weight used than we counted then we adopt its count", async () => {
    const clock = fakeClock(100 * MINUTE);
    const limiter = new FixedWindowLimiter(clock, 10, MINUTE);
    limiter.observe(9, clock.now());
    await limiter.acquire(2);
    expect(clock.sleeps).toEqual([MINUTE]);
  });

  it("when a report is from an old window then it does not leak into the new one", () => {
    const clock = fakeClock(100 * MINUTE);
    const limiter = new FixedWindowLimiter(clock, 10, MINUTE);
    limiter.observe(9, clock.now());
    expect(limiter.usedAt(clock.now() + MINUTE)).toBe(0);
  });

  it("when paused by Retry-After then requests wait for the pause even with budget left", async () => {
    const clock = fakeClock(100 * MINUTE);
    const limiter = new FixedWindowLimiter(clock, 10, MINUTE);
    limiter.pauseUntil(clock.now() + 7_000);
    await limiter.acquire(1);
    expect(clock.sleeps).toEqual([7_000]);
  });

  it("when one request costs more than the whole budget then it is a programming error", () => {
    const limiter = new FixedWindowLimiter(fakeClock(0), 10, MINUTE);
    expect(() => limiter.acquire(11)).toThrow(/invariant/);
  });

  it("when requests arrive together then they are served in order and never overspend", async () => {
    const clock = fakeClock(100 * MINUTE);
    const limiter = new FixedWindowLimiter(clock, 3, MINUTE);
    const served: number[] = [];
    await Promise.all([1, 2, 3, 4, 5].map((n) => limiter.acquire(1).then(() => served.push(n))));
    expect(served).toEqual([1, 2, 3, 4, 5]);
    expect(clock.sleeps).toEqual([MINUTE]);
  });
});

describe("SlidingWindowLimiter (Hyperliquid weight per minute)", () => {
  it("when the window is full then the wait ends when enough of the oldest weight leaves it", async () => {
    const clock = fakeClock(0);
    const limiter = new SlidingWindowLimiter(clock, 1200, MINUTE);
    await limiter.acquire(600);
    clock.advance(10_000);
    await limiter.acquire(600);
    clock.advance(10_000);
    await limiter.acquire(20);
    // The first 600 leave at t=60s; now is t=20s.
    expect(clock.sleeps).toEqual([40_000]);
  });
});

describe("charge", () => {
  it("when weight is charged after the fact then it counts against the window without waiting", async () => {
    const clock = fakeClock(0);
    const limiter = new SlidingWindowLimiter(clock, 100, MINUTE);
    await limiter.acquire(20);
    limiter.charge(80);
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire(1);
    expect(clock.sleeps).toEqual([MINUTE]);
  });
});

describe("DecayingCounterLimiter (Kraken call counter)", () => {
  it("when the counter is at its maximum then a call waits for one point of decay", async () => {
    const clock = fakeClock(0);
    const limiter = new DecayingCounterLimiter(clock, KRAKEN_TIERS.pro.max, KRAKEN_TIERS.pro.decayPerSecond);
    for (let i = 0; i < 20; i++) await limiter.acquire(1);
    await limiter.acquire(1);
    expect(clock.sleeps).toEqual([1_000]);
  });

  it("when ledger calls cost 2 then they fill the counter twice as fast", async () => {
    const clock = fakeClock(0);
    const limiter = new DecayingCounterLimiter(clock, KRAKEN_TIERS.intermediate.max, KRAKEN_TIERS.intermediate.decayPerSecond);
    for (let i = 0; i < 10; i++) await limiter.acquire(2);
    expect(limiter.counterAt(clock.now())).toBe(20);
    await limiter.acquire(2);
    expect(clock.sleeps).toEqual([4_000]);
  });

  it("when time passes then the counter decays continuously, never below zero", async () => {
    const clock = fakeClock(0);
    const limiter = new DecayingCounterLimiter(clock, 15, 0.33);
    await limiter.acquire(15);
    expect(limiter.counterAt(10_000)).toBeCloseTo(11.7, 5);
    expect(limiter.counterAt(1_000_000)).toBe(0);
  });
});

describe("requestsPerSecond (Coinbase)", () => {
  it("when 30 private requests went out this second then the 31st waits about 1/30 s", async () => {
    const clock = fakeClock(0);
    const limiter = requestsPerSecond(clock, 30);
    for (let i = 0; i < 30; i++) await limiter.acquire(1);
    await limiter.acquire(1);
    expect(clock.sleeps).toEqual([34]);
  });
});
