import { describe, expect, test } from "vitest";
import { backoffCeilingMs, backoffDelayMs } from "./backoff.ts";

describe("backoff", () => {
  test.each([
    [0, 500],
    [1, 1_000],
    [2, 2_000],
    [5, 16_000],
    [6, 30_000],
    [50, 30_000],
  ])("when attempt %i fails then the wait is at most %i ms", (attempt, ceiling) => {
    expect(backoffCeilingMs(attempt)).toBe(ceiling);
  });

  test("when the random source is at its extremes then the delay spans zero to just under the ceiling", () => {
    expect(backoffDelayMs(3, () => 0)).toBe(0);
    expect(backoffDelayMs(3, () => 0.999999)).toBe(3_999);
    expect(backoffDelayMs(3, () => 0.5)).toBe(2_000);
  });

  test("when many clients draw delays then they spread over the whole window (full jitter)", () => {
    let x = 12345;
    const lcg = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const delays = Array.from({ length: 1000 }, () => backoffDelayMs(4, lcg));
    expect(Math.min(...delays)).toBeLessThan(400);
    expect(Math.max(...delays)).toBeGreaterThan(7_600);
    expect(delays.every((d) => d >= 0 && d < 8_000)).toBe(true);
  });
});
