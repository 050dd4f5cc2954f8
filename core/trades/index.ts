/** Trades, attribution and CSV export: an agent's fills as a trader follows them. */
export type { AgentTrades, Attribution, ClosedTrade, OpenTrade, TradeFill } from "./types.js";
export { type PriceOf, baseMoved, feeInBase, feeInQuote, tradesOf } from "./trades.js";
export { attribute, combine, slippageOf } from "./attribution.js";
export { FILL_COLUMNS, TRADE_COLUMNS, csvField, fillsCsv, tradesCsv } from "./csv.js";
