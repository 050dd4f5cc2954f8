/**
 * Walk-forward re-tuning: on a rolling window, pick the best point of a bounded parameter grid
 * in-sample, then trade it on the bars that follow (out of sample), and roll on by the
 * out-of-sample length. Each out-of-sample run warms its indicators on the in-sample bars but
 * trades and is measured only after them, so nothing it is scored on was seen when it was chosen.
 * The in- and out-of-sample objectives side by side show how much of the in-sample edge was fit.
 */
import type { CandleSeries } from "../candles/series.js";
import { strategyById } from "../strategies/index.js";
import type { StrategyId } from "../strategies/types.js";
import type { EngineInput, EngineOutput } from "./engine.js";
import { metricsOfRun, prepare, runInMemory, runInMemoryPaced } from "./run.js";
import type { BacktestConfig, BacktestMetrics, WalkForwardFold, WalkForwardResult } from "./types.js";

export type GridValue = number | string | boolean;

export interface WalkForwardSpec {
  readonly grid: Readonly<Record<string, readonly GridValue[]>>;
  readonly inSampleBars: number;
  readonly outOfSampleBars: number;
  readonly objective: "sharpe" | "totalReturn";
}

/** The most grid points a walk-forward tries per fold. */
export const MAX_GRID_POINTS = 64;

/** The most bar-runs one walk-forward may cost (a bar run once by one backtest is one). */
export const MAX_WALK_FORWARD_BAR_RUNS = 2_000_000;

/**
 * What a walk-forward over `bars` would run (folds, grid points, bar-runs) and the most it may:
 * market making cancels and places quotes on most bars, so a bar costs it about ten times
 * another strategy's and it gets a tenth of the bound.
 */
export function walkForwardCost(strategy: StrategyId, spec: Pick<WalkForwardSpec, "grid" | "inSampleBars" | "outOfSampleBars">, bars: number): { folds: number; points: number; work: number; limit: number } {
  const window = spec.inSampleBars + spec.outOfSampleBars;
  const points = Object.values(spec.grid).reduce((n, v) => n * v.length, 1);
  const folds = bars < window ? 0 : Math.floor((bars - window) / spec.outOfSampleBars) + 1;
  const limit = strategy === "market-making" ? MAX_WALK_FORWARD_BAR_RUNS / 10 : MAX_WALK_FORWARD_BAR_RUNS;
  return { folds, points, work: folds * (points * spec.inSampleBars + window), limit };
}

/** Every combination of the grid's values, each merged over `base` (the grid's own order). */
export function gridPoints(base: Readonly<Record<string, unknown>>, grid: WalkForwardSpec["grid"]): Array<Record<string, unknown>> {
  let points: Array<Record<string, unknown>> = [{ ...base }];
  for (const [key, values] of Object.entries(grid)) {
    const next: Array<Record<string, unknown>> = [];
    for (const p of points) for (const v of values) next.push({ ...p, [key]: v });
    points = next;
  }
  return points;
}

/** Walks forward over the series: folds of in-sample choice and out-of-sample trading. */
export function walkForward(config: BacktestConfig, series: readonly CandleSeries[], spec: WalkForwardSpec): WalkForwardResult {
  const steps = walkForwardSteps(config, series, spec);
  let step = steps.next();
  while (!step.done) step = steps.next(runInMemory(step.value));
  return step.value;
}

/** `walkForward`, pausing every so often (see `runInMemoryPaced`): what the Worker runs. */
export async function walkForwardPaced(config: BacktestConfig, series: readonly CandleSeries[], spec: WalkForwardSpec, pause: () => Promise<void>): Promise<WalkForwardResult> {
  const steps = walkForwardSteps(config, series, spec);
  let step = steps.next();
  while (!step.done) step = steps.next(await runInMemoryPaced(step.value, pause));
  return step.value;
}

/** The walk-forward as the runs it needs: yields each backtest to run, takes its outcome back. */
function* walkForwardSteps(config: BacktestConfig, series: readonly CandleSeries[], spec: WalkForwardSpec): Generator<EngineInput, WalkForwardResult, EngineOutput> {
  const strategy = strategyById(config.strategy);
  if (!strategy) throw new Error(`invariant: ${config.strategy} is a strategy`);
  // Points the strategy's schema refuses (fast ≥ slow, out of bounds) are not candidates.
  const candidates = gridPoints(config.params, spec.grid).filter((p) => strategy.params.safeParse(p).success);
  const bars = prepare(config, series, { benchmark: false }).timeline.time;
  const folds: WalkForwardFold[] = [];
  for (let start = 0; start + spec.inSampleBars + spec.outOfSampleBars <= bars.length; start += spec.outOfSampleBars) {
    const split = start + spec.inSampleBars;
    const end = split + spec.outOfSampleBars;
    let best: { params: Record<string, unknown>; metrics: BacktestMetrics } | null = null;
    for (const params of candidates) {
      const metrics = yield* measure({ ...config, params }, series, start, split, start);
      if (!best || objective(metrics, spec.objective) > objective(best.metrics, spec.objective)) best = { params, metrics };
    }
    if (!best) break;
    const out = yield* measure({ ...config, params: best.params }, series, start, end, split);
    folds.push({
      inSample: { fromMs: bars[start] as number, toMs: bars[split - 1] as number },
      outOfSample: { fromMs: bars[split] as number, toMs: bars[end - 1] as number },
      params: best.params,
      inSampleMetrics: best.metrics,
      outOfSampleMetrics: out,
    });
  }
  const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    strategy: config.strategy,
    objective: spec.objective,
    folds,
    inSampleMean: mean(folds.map((f) => objective(f.inSampleMetrics, spec.objective))),
    outOfSampleMean: mean(folds.map((f) => objective(f.outOfSampleMetrics, spec.objective))),
    outOfSampleReturn: folds.reduce((acc, f) => acc * (1 + f.outOfSampleMetrics.totalReturn), 1) - 1,
  };
}

function* measure(config: BacktestConfig, series: readonly CandleSeries[], from: number, to: number, tradeFrom: number): Generator<EngineInput, BacktestMetrics, EngineOutput> {
  const input = prepare(config, series, { window: { from, to, tradeFrom }, maxPoints: 1, benchmark: false });
  return metricsOfRun(input, yield input);
}

function objective(m: BacktestMetrics, o: WalkForwardSpec["objective"]): number {
  return o === "sharpe" ? m.sharpe : m.totalReturn;
}
