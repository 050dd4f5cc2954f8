/**
 * Every expected refusal the desk can give, in one union. A domain result carries one of these
 * codes; `worker/http/errors.ts` maps each to an HTTP status with `satisfies Record<RefusalCode, …>`,
 * so a new code that is not mapped is a compile error, not a silent 422.
 */

/** Refusals of a transfer, in the order they are checked (core/transfers). */
export type TransferRefusal =
  | "transfer_id_conflict"
  | "wallet_not_initialised"
  | "wallet_archived"
  | "overseer_holds_no_capital"
  | "not_member"
  | "invalid_route"
  | "zero_amount"
  | "insufficient_funds";

/** Refusals of a planned money move (core/wallets). */
export type MoveRefusal = "unknown_wallet" | "same_wallet" | "wallet_archived" | "overseer_holds_no_capital" | "not_member" | "invalid_route";

/** Refusals of the wallet directory (the treasury). */
export type DirectoryRefusal = "unknown_wallet" | "wallet_exists" | "wallet_archived" | "invalid_route";

/**
 * What went wrong talking to an exchange, ordered roughly by who must act: the caller's input
 * (invalid_*, unknown_symbol, insufficient_funds), the account (auth), the exchange's capacity
 * (rate_limited, unavailable, timeout), and the one that needs reconciliation (unknown_outcome).
 */
export type ExchangeErrorCode =
  | "invalid_request"
  | "unknown_symbol"
  | "invalid_order"
  | "insufficient_funds"
  | "not_found"
  | "auth"
  | "rate_limited"
  | "unavailable"
  | "timeout"
  | "bad_response"
  | "unknown_outcome";

/** Why a paper venue's matching refuses an order, in order of precedence (core/matching). */
export type MatchRejectCode =
  | "invalid_symbol"
  | "invalid_quantity"
  | "invalid_price"
  | "invalid_time_in_force"
  | "duplicate_client_order_id"
  | "too_many_resting_orders"
  | "no_liquidity"
  | "below_min_notional"
  | "post_only_would_cross";

/** Why smart order routing refuses a parent order (core/routing). */
export type RouteRejectCode = "invalid_quantity" | "invalid_price" | "unroutable";

/** Refusals of an order on its way to a venue (agent, venue, risk gate). */
export type OrderRefusal =
  | MatchRejectCode
  | RouteRejectCode
  | ExchangeErrorCode
  | "unknown_order"
  | "unknown_order_outstanding"
  | "never_reached_venue"
  | "venue_rejected"
  | "exchange_unreachable"
  | "keys_missing"
  | "risk_rejected"
  | "risk_unavailable";

/** Refusals of the risk monitor's commands (limits, halts, stress). */
export type RiskRefusal = "unknown_scope" | "not_halted" | "unknown_scenario" | "invalid_limits";

/** Refusals of the HTTP edge itself. */
export type EdgeRefusal = "idempotency_key_reused" | "unknown_venue";

/** Refusals of a backtest request: its candles, or work beyond what one Worker call runs. */
export type BacktestRefusal = "invalid_candles" | "too_many_bars" | "not_enough_bars" | "too_much_work";

/** Refusals of a farm's mode change (core/farm/mode.ts), in the order they are checked. */
export type FarmModeRefusal = "lead_required" | "lead_not_member";

/** Refusals of an agent's configuration, its approvals and its positions (core/agents). */
export type AgentRefusal = "invalid_config" | "unconfigured" | "unknown_approval" | "approval_closed" | "no_position";

export type RefusalCode = TransferRefusal | MoveRefusal | DirectoryRefusal | OrderRefusal | RiskRefusal | EdgeRefusal | BacktestRefusal | AgentRefusal | FarmModeRefusal;

/** An expected failure as domain code returns it. */
export interface Refused<C extends RefusalCode = RefusalCode> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
}
