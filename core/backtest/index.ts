/**
 * Backtests: the loop (engine.ts) the paper venue answers in memory (run.ts) or a Venue object
 * answers in a replay, the metrics, and walk-forward re-tuning.
 */
export * from "./types.js";
export { DEFAULT_FILL_MODEL } from "../paper-venue/candles.js";
export { type LoopRequest, type VenueReply, type VenueRequest, type EngineInput, type EngineOutput, backtestLoop } from "./engine.js";
export { type RunOptions, buyAndHold, metricsOfRun, prepare, PACE_WORK, runAgainst, runBacktest, runBacktestPaced, runInMemory, runInMemoryPaced } from "./run.js";
export { MAX_GRID_POINTS, MAX_WALK_FORWARD_BAR_RUNS, type WalkForwardSpec, gridPoints, walkForward, walkForwardCost, walkForwardPaced } from "./walk-forward.js";
export { backtestConfigSchema, backtestRequestSchema, fillModelSchema, walkForwardSchema } from "./schema.js";
export { metricsOf, YEAR_MS } from "./metrics.js";
