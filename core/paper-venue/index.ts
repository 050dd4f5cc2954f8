/**
 * The paper venue's machine: what a paper venue decides, pure. The Venue object persists its
 * steps; a backtest drives it in memory (createPaperVenue, advanceVenue or feedBook, submitPaper,
 * cancelPaper, then read the step's orders and fills).
 */
export * from "./machine.js";
export { CANDLES_KEPT, HOURS_KEPT, MAX_CATCH_UP_STEPS, type SymbolCandle, advanceMarket, gridPoint, keepMinutes, mergeCandle, rollUpHours } from "./market-clock.js";
export { type MatchingSpec, type RestingBook, type RestingOrder, emptyRestingBook } from "./rules.js";
export * from "./candles.js";
export { HISTORY_BARS, type MarketView, buildHistory, cachedHistoryCandles, historyCandles, joinCandles, marketStartMs } from "./history.js";
