import { describe, expect, it } from "vitest";
import { forwardTransferId, retryDelayMs } from "../../core/transfers.js";

describe("forwardTransferId", () => {
  it("when a transfer is forwarded twice then both legs get the same derived id", () => {
    expect(forwardTransferId("t-1")).toBe("t-1>");
    expect(forwardTransferId("t-1")).toBe(forwardTransferId("t-1"));
    expect(forwardTransferId(forwardTransferId("t-1"))).toBe("t-1>>");
  });
});

describe("retryDelayMs", () => {
  it.each([
    [0, 0.999, 249],
    [0, 0.5, 125],
    [1, 0.5, 250],
    [3, 0.5, 1_000],
    [7, 0.999, 31_968],
    [8, 0.999, 59_940],
    [8, 0.5, 30_000],
    [16, 0.5, 30_000],
    [1_000, 0.5, 30_000],
    [0, 0, 50],
    [0, 0.1, 50],
    [10, 0, 50],
  ])("when %i attempts failed and the jitter is %s then the delay is %i ms", (attempts, random, delayMs) => {
    expect(retryDelayMs(attempts, random)).toBe(delayMs);
  });

  it("when the attempts grow then the delay stays within [50 ms, 60 s]", () => {
    for (let attempts = 0; attempts <= 64; attempts++) {
      for (const random of [0, 0.25, 0.5, 0.75, 0.999999]) {
        const d = retryDelayMs(attempts, random);
        expect(d).toBeGreaterThanOrEqual(50);
        expect(d).toBeLessThanOrEqual(60_000);
        expect(Number.isInteger(d)).toBe(true);
      }
    }
  });
});
