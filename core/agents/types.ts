/**
 * The autonomous agent's contract: its configuration (what it trades and how), what each decision
 * cycle records (signals, decisions), the approvals it waits on, and the views the API and the
 * dashboard read. Plain data; amounts are decimal strings.
 */
import type { StrategyId } from "../strategies/types.js";

/** A strategy parameter's value (every strategy's parameters are flat numbers, words and switches). */
export type StrategyParam = number | string | boolean | null;

/** The bar lengths a strategy may run on (the venues' candle intervals). */
export type BarInterval = import("../market.js").CandleInterval;

/**
 * How a signal becomes an exposure: a fixed fraction of equity per instrument, or the fraction
 * that targets an annualized volatility (target / realized), never above `maxFraction`.
 */
export type SizingConfig =
  | { readonly mode: "fixed_fraction"; readonly fraction: number }
  | { readonly mode: "volatility_target"; readonly targetVolatility: number; readonly maxFraction: number; readonly lookbackBars: number };

/** One agent's trading configuration. */
export interface AgentConfig {
  readonly strategy: StrategyId;
  /** The strategy's parameters, as its zod schema parsed them (defaults filled in). */
  readonly params: Readonly<Record<string, StrategyParam>>;
  /** Symbols traded, in the strategy's instrument order (pairs: two symbols). */
  readonly symbols: readonly string[];
  /** Venues, in the strategy's instrument order (arbitrage: two venues, one symbol). */
  readonly venues: readonly string[];
  readonly barInterval: BarInterval;
  /** Time between decision cycles, ms of paper time. */
  readonly cycleMs: number;
  readonly sizing: SizingConfig;
  /** Whether the cycle runs (a paused agent keeps its positions and orders). */
  readonly paused: boolean;
  /** Bumped on every change: a new version rebuilds the strategy from history. */
  readonly version: number;
  readonly updatedAtMs: number;
}

/** The agent's status as the dashboard shows it. */
export type AgentStatus = "running" | "paused" | "halted" | "awaiting_approval" | "warming_up" | "archived" | "unconfigured";

/** One instrument's signal in one cycle: what the strategy said, in its words. */
export interface SignalRecord {
  readonly id: string;
  readonly agent: string;
  readonly farm: string | null;
  readonly cycleId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: "buy" | "sell" | "hold";
  readonly strength: number;
  readonly confidence: number;
  readonly reason: string;
  /** The close the strategy decided on (decimal text). */
  readonly price: string;
  readonly atMs: number;
}

/** What became of a cycle: the stage that settled it and why, in words. */
export type DecisionOutcome =
  | "hold" // the strategy wanted nothing
  | "warming_up" // not enough bars yet
  | "placed" // an order was sent (see orders)
  | "vetoed" // the farm's mode said no (hierarchical veto, consensus without quorum, collaborative netting)
  | "netted" // the desk's netting cancelled it against another farm's signal
  | "risk_rejected"
  | "awaiting_approval"
  | "approval_rejected"
  | "approval_expired"
  | "emergency" // the farm is in emergency mode: hold or flatten
  | "too_small" // sized under the lot or min notional
  | "failed"; // a venue or object failed; the next cycle tries again

/** One decision cycle's record (a row of history, and one AG-UI run on the agent's thread). */
export interface DecisionRecord {
  readonly id: string;
  readonly agent: string;
  readonly farm: string | null;
  readonly cycleId: string;
  readonly strategy: StrategyId;
  readonly mode: FarmModeName;
  readonly outcome: DecisionOutcome;
  /** Why, in words a trader reads ("RSI 24 under 30: buy; sized 0.12 BTC at 10% vol target"). */
  readonly reason: string;
  readonly side: "buy" | "sell" | "hold";
  readonly symbol: string | null;
  readonly venue: string | null;
  readonly quantity: string | null;
  readonly price: string | null;
  readonly notional: string | null;
  /** Client order ids sent in this cycle. */
  readonly orders: readonly string[];
  readonly approvalId: string | null;
  readonly atMs: number;
  /** How long the cycle took (wall clock), ms. */
  readonly latencyMs: number;
}

export type FarmModeName = "independent" | "collaborative" | "hierarchical" | "consensus" | "emergency";

/** Why an order waits for a person. */
export type ApprovalReason = "notional_above_threshold" | "first_live_order" | "desk_state";

export type ApprovalState = "pending" | "approved" | "rejected" | "expired";

/** An order waiting for the operator. */
export interface ApprovalRecord {
  /** `<agent slug>.<cycle>`: routes find the agent from the id alone. */
  readonly id: string;
  readonly agent: string;
  readonly farm: string | null;
  readonly cycleId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly type: "market" | "limit";
  readonly quantity: string;
  readonly price: string | null;
  readonly notional: string;
  readonly reasons: readonly ApprovalReason[];
  /** In words: "notional 62,000 USD is above the 50,000 USD threshold". */
  readonly message: string;
  readonly signalReason: string;
  readonly state: ApprovalState;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly decidedAtMs: number | null;
  readonly decidedBy: string | null;
  /** The client order id placed once approved. */
  readonly clientOrderId: string | null;
  /** What placing it answered (an approved order may still be refused by risk or the venue). */
  readonly result: string | null;
}

/** The desk's approval policy (the risk monitor keeps it; admins change it). */
export interface ApprovalPolicy {
  /** Orders of more notional (USD) than this wait; null: no threshold. */
  readonly notionalAbove: string | null;
  /** An agent's first order on a venue that trades live waits. */
  readonly firstLiveOrder: boolean;
  /** Every agent order waits while the desk's alert level is one of these. */
  readonly whenDesk: ReadonlyArray<"warning" | "critical">;
  /** An unanswered request is dropped after this long, ms. */
  readonly expiresAfterMs: number;
}

/** An agent as `GET /api/agents` lists it. */
export interface AgentSummary {
  readonly id: string;
  readonly name: string;
  readonly farm: string | null;
  readonly status: AgentStatus;
  readonly config: AgentConfig | null;
  readonly equity: string;
  readonly cash: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly fees: string;
  readonly winRate: number | null;
  readonly trades: number;
  readonly openTrades: number;
  readonly lastDecision: DecisionRecord | null;
  readonly pendingApprovals: number;
  readonly lastCycleAtMs: number | null;
  readonly nextCycleAtMs: number | null;
}

/** One point of an equity curve (agent, farm or desk), sampled every cycle. */
export interface EquityPoint {
  readonly atMs: number;
  readonly equity: string;
}
