/**
 * The risk layer's shared shapes. Money and quantities are decimal strings (Decimal in memory);
 * statistics (returns, covariances, VaR figures while they are computed) are float64. A figure
 * that leaves the risk layer as money (a VaR in USD, a stress loss) is a decimal string rounded
 * to the cent.
 */

/** Where a limit or a halt applies: the whole desk, one farm, or one agent. */
export type RiskScope = { kind: "desk" } | { kind: "farm"; id: string } | { kind: "agent"; id: string };

/** One holding as the monitor sees it: an agent's position in a base asset at one venue. */
export interface RiskPosition {
  readonly agent: string;
  /** The agent's farm, or null for an agent outside any farm. */
  readonly farm: string | null;
  readonly venue: string;
  /** "BTC-USD": base and quote. */
  readonly symbol: string;
  readonly asset: string;
  /** Signed base quantity (long > 0). Decimal string. */
  readonly quantity: string;
  /** The mark (mid) price in the quote currency. Decimal string. */
  readonly price: string;
  /** The average entry price, when known (for stops). Decimal string. */
  readonly entryPrice: string | null;
}

/** An asset's market as the monitor last saw it, per venue: what liquidity and stops are measured on. */
export interface RiskQuote {
  readonly venue: string;
  readonly symbol: string;
  readonly bid: string;
  readonly ask: string;
  /** Base quantity resting within 1% of mid, each side. */
  readonly depthBid1Pct: string;
  readonly depthAsk1Pct: string;
  /** Base volume traded per day (the venue's recent rate scaled to a day). */
  readonly dailyVolume: string;
  readonly timeMs: number;
}

/**
 * A history of returns, one column per asset, one row per bar (oldest first), row-major:
 * `data[t * assets.length + i]` is asset i's simple return over bar t.
 */
export interface ReturnMatrix {
  readonly assets: readonly string[];
  readonly bars: number;
  /** The bar length in milliseconds (3,600,000 for hourly returns). */
  readonly barMs: number;
  readonly data: Float64Array;
}

export type VarMethod = "historical" | "parametric" | "monte_carlo";
export const VAR_METHODS: readonly VarMethod[] = ["historical", "parametric", "monte_carlo"];
export type VarConfidence = 0.95 | 0.99;
export const VAR_CONFIDENCES: readonly VarConfidence[] = [0.95, 0.99];
export type VarHorizon = "1h" | "1d";
export const VAR_HORIZONS: readonly VarHorizon[] = ["1h", "1d"];
export const HORIZON_MS: Readonly<Record<VarHorizon, number>> = { "1h": 3_600_000, "1d": 86_400_000 };

/** A VaR figure: losses are positive numbers of USD over the horizon. */
export interface VarFigure {
  readonly method: VarMethod;
  readonly confidence: VarConfidence;
  readonly horizon: VarHorizon;
  /** Value at Risk: the loss not exceeded with probability `confidence`. Decimal string, USD. */
  readonly var: string;
  /** Expected shortfall (CVaR): the mean loss beyond the VaR. Decimal string, USD. */
  readonly es: string;
}

/** The risk limits of one scope. Money is decimal strings (USD); fractions are decimal strings in [0, 1]. */
export interface RiskLimits {
  /** Largest notional (price × quantity) of one order. */
  readonly maxOrderNotional: string;
  /** Largest absolute notional held in one symbol (summed over venues). */
  readonly maxPositionNotional: string;
  /** Largest gross exposure: the sum of absolute position notionals. */
  readonly maxGrossExposure: string;
  /** Largest 1-day 99% parametric VaR. */
  readonly maxVar: string;
  /** Largest loss since the start of the UTC day (realized and unrealized). */
  readonly maxDailyLoss: string;
  /** Largest fall of equity from its peak, as a fraction of the peak. */
  readonly maxDrawdown: string;
  /** Most orders per rolling minute. A whole number. */
  readonly maxOrdersPerMinute: number;
  /** Largest weight of one asset in gross exposure, as a fraction. */
  readonly maxConcentration: string;
  /**
   * Least liquidity: a position may be at most this many times the book depth within 1% of mid on
   * its venue's side that would close it. "1" means the position can be closed within 1% of mid.
   */
  readonly maxDepthMultiple: string;
  /** Default distance of a protective stop from the entry (or mark), as a fraction. */
  readonly stopDistance: string;
}

/** Limits as configured: the desk's full set, and partial overrides for farms and agents. */
export interface LimitsConfig {
  readonly desk: RiskLimits;
  readonly farms: Readonly<Record<string, Partial<RiskLimits>>>;
  readonly agents: Readonly<Record<string, Partial<RiskLimits>>>;
  /** Automatic resume after a breaker trips, in minutes; null means only an admin resumes. */
  readonly coolDownMinutes: number | null;
  /** Venue errors within five minutes that trip the breaker for agents trading there. */
  readonly venueErrorThreshold: number;
}

/** The name of the rule that decided an order or tripped a breaker. */
export type RiskRule =
  | "halted"
  | "max_order_notional"
  | "max_position_notional"
  | "max_gross_exposure"
  | "max_var"
  | "max_daily_loss"
  | "max_drawdown"
  | "max_orders_per_minute"
  | "max_concentration"
  | "max_depth_multiple"
  | "venue_errors"
  | "kill_switch"
  | "no_price";

/** An order as `preTrade` sees it. */
export interface PreTradeOrder {
  readonly agent: string;
  readonly farm: string | null;
  readonly venue: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly quantity: string;
  /** The limit price, or null for a market order (the monitor's mark is used). */
  readonly price: string | null;
  /** Orders the monitor sends itself to cut risk (stops, mitigation): they only reduce a position. */
  readonly reduceOnly: boolean;
  /** The venue's lot size: a resized quantity is rounded down to it. */
  readonly lotSize: string;
  readonly minNotional: string;
}

/** The gate's answer. `mark` is the monitor's mid price of the symbol when it has one: what a market buy reserves against. */
export type PreTradeDecision =
  | { readonly decision: "approve"; readonly quantity: string; readonly mark: string | null; readonly reason: string }
  | { readonly decision: "resize"; readonly quantity: string; readonly rule: RiskRule; readonly mark: string | null; readonly reason: string }
  | { readonly decision: "reject"; readonly rule: RiskRule; readonly reason: string };

export type AlertLevel = "info" | "warning" | "critical";

export interface RiskAlert {
  /** Stable while the condition persists: repeats of one condition are one alert. */
  readonly key: string;
  readonly level: AlertLevel;
  readonly rule: RiskRule | "stop_triggered" | "mitigation" | "resumed" | "notification_failed";
  readonly scope: RiskScope;
  readonly message: string;
  readonly firstAtMs: number;
  readonly lastAtMs: number;
  /** Null while the condition still holds. */
  readonly clearedAtMs: number | null;
}

/** A trading halt on a scope: who or what tripped it, why, and how it ends. */
export interface Halt {
  readonly scope: RiskScope;
  readonly rule: RiskRule;
  readonly reason: string;
  /** "monitor" for a breaker, otherwise the operator's subject. */
  readonly by: string;
  readonly atMs: number;
  /** When a cool-down resumes it by itself; null when only an admin can. */
  readonly resumeAtMs: number | null;
}

/** One reduction the mitigation planner asks for: sell (or buy back) part of a position. */
export interface Reduction {
  readonly agent: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly quantity: string;
  /** Why this position: its share of VaR, its excess over a limit. */
  readonly reason: string;
}

/** A stress scenario, as data. */
export interface StressScenario {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Price shocks as fractions by asset ("BTC": -0.2); "*" applies to every asset not named. */
  readonly shocks: Readonly<Record<string, number>>;
  /** Set all pairwise correlations to this value for the scenario's stressed VaR. */
  readonly correlation?: number;
  /** Venues that become unreachable: what is held there is counted as lost. */
  readonly venueOutage?: readonly string[];
  /** Spreads multiplied and depth divided: the cost of closing every position is added to the loss. */
  readonly spreadMultiplier?: number;
  readonly depthDivisor?: number;
  /** Use the worst day of the return history for the current portfolio. */
  readonly historicalWorstDay?: boolean;
}

export interface StressResult {
  readonly scenario: string;
  readonly name: string;
  /** The desk's loss (positive) under the scenario. Decimal string, USD. */
  readonly loss: string;
  /** The loss as a fraction of equity. */
  readonly lossPct: number;
  /** The positions that drive the loss, largest first. */
  readonly drivers: ReadonlyArray<{ readonly agent: string; readonly venue: string; readonly symbol: string; readonly loss: string }>;
  /** Extra detail: the day chosen for a historical scenario, the stressed VaR under correlation 1, … */
  readonly detail: Readonly<Record<string, string | number>>;
}

/** A position with its protective stop, as the monitor reports it. */
export interface WatchedPosition extends RiskPosition {
  /** Signed notional in USD. Decimal string. */
  readonly notional: string;
  readonly stop: { readonly price: string; readonly source: "strategy" | "default" } | null;
}

/** How much of a limit a scope uses: what the dashboard's gauges show. */
export interface LimitUsage {
  readonly scope: RiskScope;
  readonly rule: RiskRule;
  /** The measured value and its limit, as decimal strings (a count for orders per minute). */
  readonly value: string;
  readonly limit: string;
  /** value / limit (1 = at the limit). */
  readonly ratio: number;
}

/** `GET /api/risk`: everything the Risk page shows, as the monitor last computed it. */
export interface RiskReport {
  readonly asOfMs: number;
  /** Cash plus positions at mark, USD. Decimal strings. */
  readonly equity: string;
  readonly peakEquity: string;
  /** Equity change since the start of the UTC day. */
  readonly dailyPnl: string;
  /** (peak − equity) / peak. */
  readonly drawdown: number;
  readonly grossExposure: string;
  readonly netExposure: string;
  readonly leverage: { readonly gross: number; readonly net: number };
  readonly concentration: { readonly largestAsset: string | null; readonly largestWeight: number; readonly herfindahl: number };
  readonly correlation: { readonly assets: readonly string[]; /** row-major assets × assets */ readonly matrix: readonly number[]; readonly averagePairwise: number; readonly clusters: ReadonlyArray<readonly string[]> };
  readonly liquidity: ReadonlyArray<{ readonly agent: string; readonly venue: string; readonly symbol: string; readonly notional: string; readonly depthMultiple: number; readonly daysToLiquidate: number }>;
  readonly exposure: {
    readonly byAsset: ReadonlyArray<{ readonly asset: string; readonly quantity: string; readonly notional: string }>;
    readonly byVenue: ReadonlyArray<{ readonly venue: string; readonly notional: string }>;
  };
  /** Every method × confidence × horizon. */
  readonly var: readonly VarFigure[];
  readonly limits: LimitsConfig;
  readonly usage: readonly LimitUsage[];
  readonly halts: readonly Halt[];
  readonly positions: readonly WatchedPosition[];
  readonly stress: readonly StressResult[];
  /** Active alerts and the most recent cleared ones, newest first. */
  readonly alerts: readonly RiskAlert[];
  /** How many hourly bars of history the statistics use, and where they come from. */
  readonly history: { readonly bars: number; readonly source: string };
}
