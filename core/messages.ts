/**
 * The messages Durable Objects exchange over RPC: requests and results, plain data (amounts as
 * decimal strings), immutable. They live in core so that no object imports another's file.
 */
import type { ArbitrageOpportunity } from "./arbitrage.js";
import type { BaseEvent } from "./events.js";
import type { Fill, VenueOrder } from "./market.js";
import type { AgentOrder } from "./orders.js";
import type { MarketSource } from "./paper-venues.js";
import type { RebalanceMode } from "./rebalance.js";
import type { DirectoryRefusal, RefusalCode } from "./refusals.js";
import type { PreTradeDecision, RiskPosition } from "./risk/types.js";
import type { TransferView } from "./transfers/index.js";
import type { WalletRecord } from "./wallets.js";

export type { DirectoryRefusal };

/** What an agent answers for an order it was asked to place or cancel. */
export type PlaceResult = { ok: true; order: AgentOrder; risk?: PreTradeDecision } | { ok: false; code: RefusalCode; message: string; risk?: PreTradeDecision };

/**
 * How an order came to be: an agent's or operator's own, the risk monitor's (stops and
 * mitigation), or an operator's "close position": the last two are reduce-only, so a halt lets them through.
 */
export type PlaceOrigin = "agent" | "risk" | "close";

export interface PlaceOptions {
  readonly origin: PlaceOrigin;
}

/** A position as the agent reports it with each order: the monitor prices it at its own marks. */
export type HeldPosition = Omit<RiskPosition, "price" | "entryPrice">;

/** An agent's book as the risk monitor reads it. Amounts are decimal strings. */
export interface AgentRiskView {
  readonly agent: string;
  readonly farm: string | null;
  readonly status: string;
  /** Quote cash held, reserved included. */
  readonly cash: string;
  /** Net capital the agent was given (allocations less collections). */
  readonly capital: string;
  /** Base asset held at each venue (bought there, less sold there), with its average cost. */
  readonly positions: ReadonlyArray<{ readonly venue: string; readonly symbol: string; readonly asset: string; readonly quantity: string; readonly entryPrice: string | null }>;
  readonly openOrders: number;
}

/** A run of events for the hub, from one publisher (idempotent per source and batch). */
export interface PublishRequest {
  /** Who publishes (a wallet id): with `batch`, makes a retried publish harmless. */
  readonly source: string;
  /** The publisher's increasing batch number. */
  readonly batch: number;
  readonly thread: string;
  /** Topics beyond `desk` and the thread's own (an agent's farm). */
  readonly topics: readonly string[];
  readonly events: readonly BaseEvent[];
}

export type PublishResult = { ok: true; duplicate: boolean; firstSeq: number | null; lastSeq: number | null } | { ok: false; message: string };

/** One arbitrage scan of the paper venues. */
export interface ScanResult {
  readonly scannedAtMs: number;
  readonly symbols: ReadonlyArray<{ readonly symbol: string; readonly opportunities: readonly ArbitrageOpportunity[] }>;
}


/** What the wallet directory answers. */
export type DirectoryResult<T> = { ok: true; value: T; created?: boolean } | { ok: false; code: DirectoryRefusal; message: string };

export interface RebalanceMoveResult {
  readonly from: string;
  readonly to: string;
  readonly amount: string;
  readonly transfer: TransferView | null;
  readonly refusal: { readonly code: RefusalCode; readonly message: string } | null;
}

export interface RebalanceResult {
  readonly id: string;
  readonly farm: string;
  readonly mode: RebalanceMode;
  /** completed: every move delivered; pending: some still in flight (the alarm finishes them); partial: some refused. */
  readonly state: "completed" | "pending" | "partial";
  readonly total: string;
  readonly targets: ReadonlyArray<{ readonly id: string; readonly weight: number; readonly target: string }>;
  readonly moves: readonly RebalanceMoveResult[];
}

export interface FarmArchiveResult {
  readonly agents: ReadonlyArray<{ readonly id: string; readonly returned: TransferView | null }>;
  readonly returned: TransferView | null;
}

/** A venue account's settings as the API shows them. */
export interface VenueSettings {
  readonly id: string;
  readonly exchange: string;
  readonly marketSource: MarketSource;
  readonly baseUrl: string;
  /** Whether exchange credentials are stored (encrypted); they are never returned. */
  readonly hasKeys: boolean;
  /** paper: fills are simulated; live: orders go to the exchange with the stored keys. */
  readonly trading: "paper" | "live";
  /** The last attempt to reach the exchange's public data, when prices come from it. */
  readonly lastLive: { readonly ok: boolean; readonly message: string; readonly atMs: number } | null;
}

/** What a venue answers for an order it was sent: the order as it stands and the fills so far. */
export type SubmitResult = { ok: true; order: VenueOrder; fills: Fill[] } | { ok: false; code: RefusalCode; message: string };

/** Points where tests inject failures into the transfer protocol (crash, lost reply). */
export type FaultPoint = "send:after_debit" | "deliver:before_call" | "deliver:after_call" | "receive:before_credit" | "receive:after_credit" | "cycle:after_plan" | "cycle:after_order";

/** A wallet's live state, as it answers over RPC (amounts as strings). */
export interface WalletState {
  readonly record: WalletRecord | null;
  readonly balances: Record<string, string>;
  readonly available: Record<string, string>;
  readonly inTransit: Record<string, string>;
  readonly trackRecord: { readonly pnl: string; readonly capital: string } | null;
  readonly pendingTransfers: number;
}

/** How a venue is asked to fill an order: a market buy spends at most `quoteBudget` in quote (notional plus fee). */
export interface SubmitOptions {
  readonly quoteBudget?: string | null;
}

/** The funds side of an order check: what the order would reserve of which asset, and what is available. */
export interface FundsCheck {
  readonly asset: string;
  readonly needed: string;
  readonly available: string;
  readonly enough: boolean;
}

/** An order checked and not placed: the risk monitor's dry-run answer, the funds it would need, and whether it would pass both. */
export interface OrderCheck {
  readonly risk: PreTradeDecision;
  readonly funds: FundsCheck;
  readonly passes: boolean;
}

/** What an agent answers for an order check. */
export type CheckResult = { ok: true; check: OrderCheck } | { ok: false; code: RefusalCode; message: string };
