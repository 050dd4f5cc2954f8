import { describe, expect, test } from "vitest";
import {
  confidenceLabel,
  formatCorrelation,
  formatDays,
  formatLimitValue,
  formatMultiple,
  formatPct,
  levelTone,
  methodLabel,
  ruleLabel,
  ruleUnit,
  sameScope,
  scopeFromKey,
  scopeKey,
  signTone,
  timeLabel,
} from "./risk-format.ts";

describe("risk formatting", () => {
  test.each([
    [0.1234, 1, "12.3%"],
    [0, 1, "0.0%"],
    [1, 0, "100%"],
    [-0.0001, 1, "0.0%"],
    [-0.05, 2, "-5.00%"],
    [Number.NaN, 1, "—"],
    [Number.POSITIVE_INFINITY, 1, "—"],
  ])("formatPct(%s, %s) is %s", (value, digits, text) => {
    expect(formatPct(value, digits)).toBe(text);
  });

  test("multiples, correlations and days read as a desk reads them", () => {
    expect(formatMultiple(1.234)).toBe("1.23×");
    expect(formatMultiple(Number.NaN)).toBe("—");
    expect(formatCorrelation(0.834)).toBe("0.83");
    expect(formatCorrelation(-0.12)).toBe("−0.12");
    expect(formatCorrelation(-0.001)).toBe("0.00");
    expect(formatDays(0.0123)).toBe("0.01 d");
    expect(formatDays(3.45)).toBe("3.5 d");
    expect(formatDays(500)).toBe("> 99 d");
  });

  test("a limit value is shown in its rule's unit", () => {
    expect(ruleUnit("max_daily_loss")).toBe("usd");
    expect(formatLimitValue("max_daily_loss", "30000")).toBe("30,000.00");
    expect(formatLimitValue("max_drawdown", "0.1")).toBe("10.0%");
    expect(formatLimitValue("max_concentration", "0.655")).toBe("65.5%");
    expect(formatLimitValue("max_orders_per_minute", "42")).toBe("42");
    expect(formatLimitValue("max_depth_multiple", "1.5")).toBe("1.50×");
    expect(formatLimitValue("max_drawdown", "oops")).toBe("oops");
  });

  test("scopes have one key each and read back from it", () => {
    expect(scopeKey({ kind: "desk" })).toBe("desk");
    expect(scopeKey({ kind: "farm", id: "farm:momentum" })).toBe("farm:momentum");
    expect(scopeFromKey("desk")).toEqual({ kind: "desk" });
    expect(scopeFromKey("agent:max-maker")).toEqual({ kind: "agent", id: "agent:max-maker" });
    expect(scopeFromKey("venue:x")).toBeNull();
    expect(sameScope({ kind: "farm", id: "farm:a" }, { kind: "farm", id: "farm:a" })).toBe(true);
    expect(sameScope({ kind: "farm", id: "farm:a" }, { kind: "desk" })).toBe(false);
  });

  test("labels", () => {
    expect(ruleLabel("max_daily_loss")).toBe("Daily loss");
    expect(ruleLabel("something_new")).toBe("something new");
    expect(methodLabel("monte_carlo")).toBe("Monte Carlo");
    expect(confidenceLabel(0.99)).toBe("99%");
    expect(levelTone("critical")).toBe("bad");
    expect(levelTone("warning")).toBe("warn");
    expect(levelTone("info")).toBe("dim");
  });

  test("the sign of a P&L string", () => {
    expect(signTone("12.5")).toBe("up");
    expect(signTone("-0.01")).toBe("down");
    expect(signTone("0.00")).toBe("");
    expect(signTone("-0")).toBe("");
  });

  test("a time today is a clock time; another day carries its date", () => {
    const now = new Date(2025, 2, 14, 15, 0, 0).getTime();
    expect(timeLabel(new Date(2025, 2, 14, 9, 5, 7).getTime(), now)).toBe("09:05:07");
    expect(timeLabel(new Date(2025, 2, 13, 23, 59, 0).getTime(), now)).toBe("03-13 23:59");
  });
});
