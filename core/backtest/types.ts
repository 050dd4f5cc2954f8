import type { Fill } from "../market.js";
import type { CandleFillModel } from "../paper-venue/candles.js";

export type { CandleFillModel };
import type { CandleGap } from "../candles/series.js";
import type { StrategyId } from "../strategies/types.js";

/**
 * A backtest's inputs and results as data (JSON round-trips them: the API keeps them in D1).
 * Money is decimal text; statistics (equity curve, metrics) are numbers.
 */

export interface BacktestConfig {
  readonly strategy: StrategyId;
  /** Parsed by the strategy's schema (defaults fill what is missing). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The paper venue whose fees, tick and lot sizes apply ("paper-binance"). */
  readonly venueId: string;
  /** Per instrument, when they differ (arbitrage: the same symbol on two venues); default venueId for all. */
  readonly venues?: readonly string[];
  /** Starting cash in the quote asset, decimal text. */
  readonly initialCash: string;
  /** The most of equity one instrument may hold (0..1). */
  readonly maxExposure: number;
  readonly fillModel: CandleFillModel;
}

/** A trade: one fill, as the paper venue made it. */
export type BacktestTrade = Fill & { readonly venue: string; readonly barIndex: number; readonly reason: string };

export interface BacktestMetrics {
  readonly totalReturn: number;
  readonly cagr: number;
  readonly annualizedVolatility: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly maxDrawdown: number;
  /** The longest time under a previous equity peak, in bars and in ms. */
  readonly maxDrawdownBars: number;
  readonly maxDrawdownMs: number;
  /** Round trips (entry to flat) that made money, as a share of all closed round trips. */
  readonly winRate: number;
  readonly roundTrips: number;
  /** Gross profit of winning round trips / gross loss of losing ones (Infinity → null in JSON). */
  readonly profitFactor: number | null;
  /** Share of bars with a position. */
  readonly exposureTime: number;
  /** Traded notional / average equity. */
  readonly turnover: number;
  readonly trades: number;
  /** Fees paid, decimal text in the quote asset. */
  readonly feesPaid: string;
  readonly finalEquity: string;
}

export interface BacktestResult {
  readonly config: BacktestConfig;
  /** The instruments' symbols and the bar length. */
  readonly symbols: readonly string[];
  readonly intervalMs: number;
  readonly bars: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly gaps: ReadonlyArray<CandleGap & { readonly symbol: string }>;
  readonly metrics: BacktestMetrics;
  /** Buy-and-hold of instrument 0 over the same bars, same fees, same starting cash. */
  readonly benchmark: BacktestMetrics;
  readonly trades: readonly BacktestTrade[];
  /** Equity at each bar's close (time = bar open time), strategy and benchmark; may be downsampled for storage. */
  readonly equity: { readonly time: readonly number[]; readonly strategy: readonly number[]; readonly benchmark: readonly number[] };
  /** The strategy's plots (indicator values) at each equity point. */
  readonly plots: Readonly<Record<string, readonly number[]>>;
}

/** One walk-forward fold: the grid point chosen in-sample and how it did out of sample. */
export interface WalkForwardFold {
  readonly inSample: { readonly fromMs: number; readonly toMs: number };
  readonly outOfSample: { readonly fromMs: number; readonly toMs: number };
  readonly params: Readonly<Record<string, unknown>>;
  readonly inSampleMetrics: BacktestMetrics;
  readonly outOfSampleMetrics: BacktestMetrics;
}

export interface WalkForwardResult {
  readonly strategy: StrategyId;
  /** The objective the grid is ranked by in-sample. */
  readonly objective: "sharpe" | "totalReturn";
  readonly folds: readonly WalkForwardFold[];
  /** Mean of the folds' in-sample and out-of-sample objective: a wide gap shows overfitting. */
  readonly inSampleMean: number;
  readonly outOfSampleMean: number;
  /** The out-of-sample folds chained: what re-tuning on a rolling window would have earned. */
  readonly outOfSampleReturn: number;
}
