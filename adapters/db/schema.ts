import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { DecisionOutcome, FarmModeName } from "../../core/agents/types.js";
import type { StrategyId } from "../../core/strategies/types.js";

/**
 * D1 holds the desk's history. Durable Objects own live state; every row here is written by
 * one object, in batches, keyed by a natural key so that a replayed write changes nothing.
 * Money is TEXT (decimal strings), never REAL.
 */

export const wallets = sqliteTable("wallets", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: ["treasury", "farm", "agent"] }).notNull(),
  name: text("name").notNull(),
  parent: text("parent"),
  status: text("status", { enum: ["active", "archived"] }).notNull(),
  strategy: text("strategy"),
  role: text("role"),
  createdAtMs: integer("created_at_ms").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

export const transfers = sqliteTable(
  "transfers",
  {
    id: text("id").primaryKey(),
    fromWallet: text("from_wallet").notNull(),
    toWallet: text("to_wallet").notNull(),
    asset: text("asset").notNull(),
    amount: text("amount").notNull(),
    forwardTo: text("forward_to"),
    state: text("state", { enum: ["pending", "delivered", "rejected"] }).notNull(),
    code: text("code"),
    message: text("message"),
    attempts: integer("attempts").notNull(),
    memo: text("memo"),
    /** Bumped on every change by the sender; an older version never overwrites a newer one. */
    version: integer("version").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (t) => [index("transfers_from_idx").on(t.fromWallet, t.createdAtMs), index("transfers_to_idx").on(t.toWallet, t.createdAtMs)],
);

/** One journal entry of one wallet; `seq` numbers a wallet's entries from 1. */
export const journalEntries = sqliteTable(
  "journal_entries",
  {
    walletId: text("wallet_id").notNull(),
    seq: integer("seq").notNull(),
    kind: text("kind").notNull(),
    ref: text("ref").notNull(),
    counterparty: text("counterparty"),
    asset: text("asset").notNull(),
    /** The entry's change to the wallet's cash (signed decimal string). */
    cashDelta: text("cash_delta").notNull(),
    atMs: integer("at_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.walletId, t.seq] })],
);

export const journalLines = sqliteTable(
  "journal_lines",
  {
    walletId: text("wallet_id").notNull(),
    seq: integer("seq").notNull(),
    lineNo: integer("line_no").notNull(),
    account: text("account").notNull(),
    asset: text("asset").notNull(),
    amount: text("amount").notNull(),
  },
  (t) => [primaryKey({ columns: [t.walletId, t.seq, t.lineNo] })],
);

/** The first answer to each Idempotency-Key, replayed to every repeat of the request. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    principal: text("principal").notNull(),
    key: text("key").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    response: text("response").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] })],
);

/** Every event the hub numbered, flushed in batches; the sequence is the natural key. */
export const events = sqliteTable(
  "events",
  {
    seq: integer("seq").primaryKey(),
    thread: text("thread").notNull(),
    /** The topics the event went to, comma-delimited with leading and trailing commas (",desk,agent:x,"). */
    topics: text("topics").notNull(),
    type: text("type").notNull(),
    event: text("event").notNull(),
    atMs: integer("at_ms").notNull(),
  },
  (t) => [index("events_thread_idx").on(t.thread, t.seq)],
);

/** Agents' orders as they stand; the agent writes every change, the newest wins. */
export const orders = sqliteTable(
  "orders",
  {
    clientOrderId: text("client_order_id").primaryKey(),
    agent: text("agent").notNull(),
    venue: text("venue").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side").notNull(),
    type: text("type").notNull(),
    timeInForce: text("time_in_force").notNull(),
    price: text("price"),
    quantity: text("quantity").notNull(),
    status: text("status").notNull(),
    filledQuantity: text("filled_quantity").notNull(),
    averagePrice: text("average_price").notNull(),
    code: text("code"),
    createdAtMs: integer("created_at_ms").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (t) => [index("orders_agent_idx").on(t.agent, t.createdAtMs)],
);

export const fills = sqliteTable(
  "fills",
  {
    fillId: text("fill_id").primaryKey(),
    clientOrderId: text("client_order_id").notNull(),
    agent: text("agent").notNull(),
    venue: text("venue").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side").notNull(),
    price: text("price").notNull(),
    quantity: text("quantity").notNull(),
    fee: text("fee").notNull(),
    feeAsset: text("fee_asset").notNull(),
    liquidity: text("liquidity").notNull(),
    timeMs: integer("time_ms").notNull(),
    /** The mark the cycle decided the order at (slippage is measured from it); null for manual orders. */
    decisionPrice: text("decision_price"),
  },
  (t) => [index("fills_agent_idx").on(t.agent, t.timeMs)],
);

/** The risk monitor's snapshots: one row per cycle, the headline figures as columns and the whole report as JSON. */
export const riskSnapshots = sqliteTable("risk_snapshots", {
  asOfMs: integer("as_of_ms").primaryKey(),
  equity: text("equity").notNull(),
  grossExposure: text("gross_exposure").notNull(),
  dailyPnl: text("daily_pnl").notNull(),
  /** 1-day 99% parametric VaR, USD. */
  var99: text("var_99").notNull(),
  halted: integer("halted", { mode: "boolean" }).notNull(),
  report: text("report").notNull(),
});

/** Risk alerts: one row per occurrence of a condition (key + when it began), updated until it clears. */
export const riskAlerts = sqliteTable(
  "risk_alerts",
  {
    key: text("key").notNull(),
    firstAtMs: integer("first_at_ms").notNull(),
    level: text("level", { enum: ["info", "warning", "critical"] }).notNull(),
    rule: text("rule").notNull(),
    scope: text("scope").notNull(),
    message: text("message").notNull(),
    lastAtMs: integer("last_at_ms").notNull(),
    clearedAtMs: integer("cleared_at_ms"),
  },
  (t) => [primaryKey({ columns: [t.key, t.firstAtMs] }), index("risk_alerts_time_idx").on(t.lastAtMs)],
);

/** What the monitor did and who asked: halts, resumes, limit changes, mitigation and stop orders. */
export const riskActions = sqliteTable(
  "risk_actions",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["halt", "resume", "limits", "mitigation", "stop"] }).notNull(),
    scope: text("scope").notNull(),
    by: text("by").notNull(),
    reason: text("reason").notNull(),
    detail: text("detail").notNull(),
    atMs: integer("at_ms").notNull(),
  },
  (t) => [index("risk_actions_time_idx").on(t.atMs)],
);

/**
 * Backtests run through the API: who ran what on which candles, the headline metrics (strategy
 * and benchmark) as JSON for the list, and the whole result, bounded (equity downsampled, trades
 * capped: the result says so), for reopening one.
 */
export const backtests = sqliteTable(
  "backtests",
  {
    id: text("id").primaryKey(),
    createdAtMs: integer("created_at_ms").notNull(),
    owner: text("owner").notNull(),
    strategy: text("strategy").notNull(),
    params: text("params").notNull(),
    /** The instruments' symbols, comma-delimited ("BTC-USD,ETH-USD"). */
    symbols: text("symbols").notNull(),
    intervalMs: integer("interval_ms").notNull(),
    bars: integer("bars").notNull(),
    metrics: text("metrics").notNull(),
    result: text("result").notNull(),
    status: text("status", { enum: ["done"] }).notNull(),
  },
  (t) => [index("backtests_created_idx").on(t.createdAtMs, t.id)],
);

/** Each cycle's signals, one row per instrument; written once (a retried cycle writes the same id). */
export const signals = sqliteTable(
  "signals",
  {
    id: text("id").primaryKey(),
    agent: text("agent").notNull(),
    farm: text("farm"),
    cycleId: text("cycle_id").notNull(),
    venue: text("venue").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side", { enum: ["buy", "sell", "hold"] }).notNull(),
    /** Statistics, not money: numbers. */
    strength: real("strength").notNull(),
    confidence: real("confidence").notNull(),
    reason: text("reason").notNull(),
    price: text("price").notNull(),
    atMs: integer("at_ms").notNull(),
  },
  (t) => [
    index("signals_time_idx").on(t.atMs),
    index("signals_agent_idx").on(t.agent, t.atMs),
    index("signals_symbol_idx").on(t.symbol, t.atMs),
    index("signals_farm_idx").on(t.farm, t.atMs),
  ],
);

/** One row per decision cycle; an `awaiting_approval` outcome is replaced by what became of it, a final one never. */
export const decisions = sqliteTable(
  "decisions",
  {
    id: text("id").primaryKey(),
    agent: text("agent").notNull(),
    farm: text("farm"),
    cycleId: text("cycle_id").notNull(),
    strategy: text("strategy").$type<StrategyId>().notNull(),
    mode: text("mode").$type<FarmModeName>().notNull(),
    outcome: text("outcome").$type<DecisionOutcome>().notNull(),
    reason: text("reason").notNull(),
    side: text("side", { enum: ["buy", "sell", "hold"] }).notNull(),
    symbol: text("symbol"),
    venue: text("venue"),
    quantity: text("quantity"),
    price: text("price"),
    notional: text("notional"),
    /** Client order ids, a JSON array. */
    orders: text("orders").notNull(),
    approvalId: text("approval_id"),
    atMs: integer("at_ms").notNull(),
    latencyMs: integer("latency_ms").notNull(),
  },
  (t) => [index("decisions_agent_idx").on(t.agent, t.atMs)],
);

/** Orders that waited for the operator; a row moves from pending to decided, never back. */
export const approvals = sqliteTable(
  "approvals",
  {
    id: text("id").primaryKey(),
    agent: text("agent").notNull(),
    farm: text("farm"),
    cycleId: text("cycle_id").notNull(),
    venue: text("venue").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side", { enum: ["buy", "sell"] }).notNull(),
    type: text("type", { enum: ["market", "limit"] }).notNull(),
    quantity: text("quantity").notNull(),
    price: text("price"),
    notional: text("notional").notNull(),
    /** ApprovalReason[], a JSON array. */
    reasons: text("reasons").notNull(),
    message: text("message").notNull(),
    signalReason: text("signal_reason").notNull(),
    state: text("state", { enum: ["pending", "approved", "rejected", "expired"] }).notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    expiresAtMs: integer("expires_at_ms").notNull(),
    decidedAtMs: integer("decided_at_ms"),
    decidedBy: text("decided_by"),
    clientOrderId: text("client_order_id"),
    result: text("result"),
  },
  (t) => [index("approvals_state_idx").on(t.state, t.createdAtMs), index("approvals_agent_idx").on(t.agent, t.createdAtMs)],
);

/** Equity sampled every cycle per scope ("agent:x", "farm:x", "desk"); the first sample at a time wins. */
export const equitySamples = sqliteTable(
  "equity_samples",
  {
    scope: text("scope").notNull(),
    atMs: integer("at_ms").notNull(),
    equity: text("equity").notNull(),
    cash: text("cash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.atMs] })],
);
