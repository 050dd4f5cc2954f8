import { describe, expect, test } from "vitest";
import type { LimitUsage } from "../../../../core/risk/types.ts";
import { gaugeFill, gaugeTone, groupUsage, toneCounts, worstTone } from "./gauges.ts";

const usage = (scope: LimitUsage["scope"], rule: LimitUsage["rule"], ratio: number): LimitUsage => ({ scope, rule, value: "1", limit: "1", ratio });

describe("limit gauges", () => {
  test.each([
    [0, "ok"],
    [0.79999, "ok"],
    [0.8, "warn"],
    [0.99, "warn"],
    [1, "breach"],
    [3.2, "breach"],
    [Number.POSITIVE_INFINITY, "breach"],
    [Number.NaN, "ok"],
  ] as const)("a ratio of %s is %s", (ratio, tone) => {
    expect(gaugeTone(ratio)).toBe(tone);
  });

  test("the bar fills to the ratio, clamped to 0–100%", () => {
    expect(gaugeFill(0.42)).toBeCloseTo(42);
    expect(gaugeFill(1.7)).toBe(100);
    expect(gaugeFill(-0.2)).toBe(0);
    expect(gaugeFill(Number.POSITIVE_INFINITY)).toBe(100);
    expect(gaugeFill(Number.NaN)).toBe(0);
  });

  test("usage is grouped desk first, then farms, then agents, with rules in a fixed order", () => {
    const groups = groupUsage([
      usage({ kind: "agent", id: "agent:b" }, "max_order_notional", 0.1),
      usage({ kind: "farm", id: "farm:z" }, "max_gross_exposure", 0.85),
      usage({ kind: "desk" }, "max_gross_exposure", 0.2),
      usage({ kind: "desk" }, "max_daily_loss", 1.1),
      usage({ kind: "farm", id: "farm:a" }, "max_var", 0.1),
    ]);
    expect(groups.map((g) => g.key)).toEqual(["desk", "farm:a", "farm:z", "agent:b"]);
    expect(groups[0]?.gauges.map((g) => g.rule)).toEqual(["max_daily_loss", "max_gross_exposure"]);
    expect(groups.map((g) => g.tone)).toEqual(["breach", "ok", "warn", "ok"]);
  });

  test("counts of amber and red gauges, and the worst tone", () => {
    expect(toneCounts([usage({ kind: "desk" }, "max_var", 0.9), usage({ kind: "desk" }, "max_drawdown", 1), usage({ kind: "desk" }, "max_daily_loss", 0.1)])).toEqual({
      warn: 1,
      breach: 1,
    });
    expect(worstTone([])).toBe("ok");
    expect(worstTone(["ok", "warn", "ok"])).toBe("warn");
  });
});
