import type { StressResult } from "../../../../core/risk/types.ts";
import { type GaugeTone, gaugeTone } from "./gauges.ts";

/** The scenarios the API runs by name (POST /api/risk/stress { scenario }). */
export const STANDARD_SCENARIOS = [
  { id: "btc_crash", name: "BTC crash" },
  { id: "crypto_crash", name: "Crypto crash" },
  { id: "venue_outage", name: "Venue outage" },
  { id: "liquidity_crunch", name: "Liquidity crunch" },
  { id: "worst_day", name: "Worst day" },
] as const;

export type StandardScenario = (typeof STANDARD_SCENARIOS)[number]["id"];

export function isStandardScenario(id: string): id is StandardScenario {
  return STANDARD_SCENARIOS.some((s) => s.id === id);
}

/** A result this page asked for, when its answer came (client clock), and what the report said then. */
export interface StressRun {
  readonly result: StressResult;
  readonly atMs: number;
  /** The report's result for the scenario when the run came back (its key), or null if it had none. */
  readonly baseline: string | null;
}

export interface StressRow {
  readonly scenario: string;
  readonly name: string;
  /** Null until the monitor (or a run from this page) has a figure for it. */
  readonly result: StressResult | null;
  /** "run": the result came back from a Run on this page and the report has nothing newer. */
  readonly source: "report" | "run" | null;
  readonly ranAtMs: number | null;
}

/** Identifies a result's figures, to tell whether the monitor has computed it again. */
export function resultKey(r: StressResult): string {
  return JSON.stringify([r.loss, r.lossPct, r.name, r.drivers, r.detail]);
}

/**
 * Records a run's answer: it replaces any earlier run of the scenario, and stands until the
 * report's result for the scenario (`reported`, as it was when the answer came) changes.
 */
export function applyStressResult(
  runs: ReadonlyMap<string, StressRun>,
  result: StressResult,
  atMs: number,
  reported: readonly StressResult[],
): Map<string, StressRun> {
  const now = reported.find((r) => r.scenario === result.scenario);
  const next = new Map(runs);
  next.set(result.scenario, { result, atMs, baseline: now ? resultKey(now) : null });
  return next;
}

/**
 * The stress table: the standard scenarios in their order, then any other the report or a run
 * holds. A row shows this page's run until the monitor computes the scenario anew (no clocks are
 * compared: the monitor's and the browser's need not agree), else the report's result.
 */
export function stressRows(reported: readonly StressResult[], runs: ReadonlyMap<string, StressRun>): StressRow[] {
  const fromReport = new Map(reported.map((r) => [r.scenario, r]));
  const ids: string[] = STANDARD_SCENARIOS.map((s) => s.id);
  for (const id of [...fromReport.keys(), ...runs.keys()]) if (!ids.includes(id)) ids.push(id);
  return ids.map((scenario) => {
    const report = fromReport.get(scenario) ?? null;
    const run = runs.get(scenario) ?? null;
    const useRun = run !== null && (report === null ? true : resultKey(report) === run.baseline);
    const result = useRun ? run.result : report;
    const standard = STANDARD_SCENARIOS.find((s) => s.id === scenario);
    return {
      scenario,
      name: result?.name || standard?.name || scenario,
      result,
      source: useRun ? "run" : report ? "report" : null,
      ranAtMs: useRun ? run.atMs : null,
    };
  });
}

/**
 * A scenario's colour: its loss as a share of equity against the desk's drawdown limit, with the
 * gauges' thresholds (amber from 80% of the limit, red at it).
 */
export function lossTone(lossPct: number, maxDrawdown: string | undefined): GaugeTone {
  const limit = Number(maxDrawdown);
  if (!Number.isFinite(limit) || limit <= 0 || !Number.isFinite(lossPct)) return "ok";
  // Rounded so a loss of exactly 80% of the limit reads as 80% despite binary fractions (0.08 / 0.1).
  return gaugeTone(Math.round((lossPct / limit) * 1e9) / 1e9);
}

/** A result's detail as sorted label/value pairs for the expanded row. */
export function detailPairs(detail: Readonly<Record<string, string | number>>): { key: string; value: string }[] {
  return Object.entries(detail)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({
      key: key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ").toLowerCase(),
      value: typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, "").replace(/\.$/, "")) : value,
    }));
}
