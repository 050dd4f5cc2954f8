import { describe, expect, test } from "vitest";
import { stressResult } from "./fixtures.ts";
import { applyStressResult, detailPairs, isStandardScenario, lossTone, resultKey, type StressRun, stressRows } from "./stress.ts";

describe("stress table", () => {
  test("every standard scenario has a row, in order, with the report's results where it has them", () => {
    const rows = stressRows([stressResult()], new Map());
    expect(rows.map((r) => r.scenario)).toEqual(["btc_crash", "crypto_crash", "venue_outage", "liquidity_crunch", "worst_day"]);
    expect(rows[0]).toMatchObject({ name: "BTC −20%", source: "report", ranAtMs: null });
    expect(rows[0]?.result?.loss).toBe("6000.00");
    expect(rows[1]).toMatchObject({ name: "Crypto crash", result: null, source: null });
  });

  test("a run's result replaces the report's row until the monitor computes the scenario anew", () => {
    const reported = [stressResult()];
    const runs = applyStressResult(new Map(), stressResult({ loss: "7100.00", lossPct: 0.0071 }), 12_000, reported);
    const afterRun = stressRows(reported, runs);
    expect(afterRun[0]).toMatchObject({ source: "run", ranAtMs: 12_000 });
    expect(afterRun[0]?.result?.loss).toBe("7100.00");

    // A later report with the same stress figures (say only prices moved): the run still stands.
    expect(stressRows([stressResult()], runs)[0]?.result?.loss).toBe("7100.00");

    const recomputed = stressRows([stressResult({ loss: "7200.00" })], runs);
    expect(recomputed[0]).toMatchObject({ source: "report", ranAtMs: null });
    expect(recomputed[0]?.result?.loss).toBe("7200.00");
  });

  test("a run of a scenario the report lacks fills its row until the report has one; an unknown scenario is appended", () => {
    let runs: ReadonlyMap<string, StressRun> = new Map();
    runs = applyStressResult(runs, stressResult({ scenario: "venue_outage", name: "paper-binance down", loss: "45000.00" }), 1, []);
    runs = applyStressResult(runs, stressResult({ scenario: "custom:eth", name: "ETH −50%", loss: "1.00" }), 2, []);
    const rows = stressRows([], runs);
    expect(rows.find((r) => r.scenario === "venue_outage")).toMatchObject({ name: "paper-binance down", source: "run" });
    expect(rows.at(-1)).toMatchObject({ scenario: "custom:eth", name: "ETH −50%" });
    expect(rows).toHaveLength(6);
    const later = stressRows([stressResult({ scenario: "venue_outage", name: "Venue outage", loss: "44000.00" })], runs);
    expect(later.find((r) => r.scenario === "venue_outage")).toMatchObject({ source: "report", name: "Venue outage" });
  });

  test("applying a result does not touch the map it was given", () => {
    const before: ReadonlyMap<string, StressRun> = new Map();
    const after = applyStressResult(before, stressResult(), 5, [stressResult()]);
    expect(before.size).toBe(0);
    expect(after.get("btc_crash")).toMatchObject({ atMs: 5, baseline: resultKey(stressResult()) });
    expect(isStandardScenario("worst_day")).toBe(true);
    expect(isStandardScenario("custom:eth")).toBe(false);
  });

  test("a loss is coloured against the drawdown limit with the gauges' thresholds", () => {
    expect(lossTone(0.05, "0.1")).toBe("ok");
    expect(lossTone(0.08, "0.1")).toBe("warn");
    expect(lossTone(0.1, "0.1")).toBe("breach");
    expect(lossTone(0.5, undefined)).toBe("ok");
    expect(lossTone(0.5, "0")).toBe("ok");
  });

  test("detail reads as words", () => {
    expect(detailPairs({ stressedVar: 1234.56789, day: "2024-08-05", bars_used: 720 })).toEqual([
      { key: "bars used", value: "720" },
      { key: "day", value: "2024-08-05" },
      { key: "stressed var", value: "1234.5679" },
    ]);
  });
});
