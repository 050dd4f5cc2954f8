/**
 * An agent's fills seen as a trader sees them: open positions as trades (entry, current price,
 * unrealized P&L, duration, stop), closed trades (realized P&L and fees), and the attribution of
 * P&L per agent, farm and strategy. Money is decimal text; rates (%, hit rate) are numbers.
 */

/** A fill with where it happened and, when a cycle placed it, the mark the order was decided at. */
export interface TradeFill {
  readonly fillId: string;
  readonly clientOrderId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly price: string;
  readonly quantity: string;
  readonly fee: string;
  readonly feeAsset: string;
  readonly liquidity: "maker" | "taker";
  readonly timeMs: number;
  /** The price the order was decided at (its slippage is measured from it); null for manual orders. */
  readonly decisionPrice?: string | null;
}

/** An open position as a trade (spot: long only). Lots are matched first in, first out. */
export interface OpenTrade {
  /** `<venue>:<symbol>:<first fill id>`: stable while the position stays open. */
  readonly id: string;
  readonly venue: string;
  readonly symbol: string;
  readonly quantity: string;
  readonly entryTimeMs: number;
  /** Volume-weighted entry price of the lots still open. */
  readonly entryPrice: string;
  /** The mark now; null when there is none (then unrealized is null). */
  readonly currentPrice: string | null;
  readonly unrealizedPnl: string | null;
  /** Unrealized P&L over cost, % (number). */
  readonly unrealizedPct: number | null;
  readonly durationMs: number;
  /** The stop the risk monitor watches for it, if any. */
  readonly stop: string | null;
  /** Fees paid on the open lots' entries (quote). */
  readonly fees: string;
}

/** A closed trade: a quantity bought and later sold (FIFO). */
export interface ClosedTrade {
  readonly id: string;
  readonly venue: string;
  readonly symbol: string;
  readonly quantity: string;
  readonly entryTimeMs: number;
  readonly entryPrice: string;
  readonly exitTimeMs: number;
  readonly exitPrice: string;
  /** Exit value − entry cost − fees on both sides (quote). */
  readonly realizedPnl: string;
  readonly realizedPct: number;
  readonly fees: string;
  readonly durationMs: number;
}

/** P&L attribution for one scope (an agent, a farm, a strategy, the desk). */
export interface Attribution {
  readonly scope: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly fees: string;
  /** Σ (fill price − decision price) × quantity, signed so that a cost is positive (quote). */
  readonly slippage: string;
  readonly closedTrades: number;
  readonly wins: number;
  /** wins / closed trades; null before the first close. */
  readonly hitRate: number | null;
}

/** An agent's trades as the API answers them. */
export interface AgentTrades {
  readonly agent: string;
  readonly open: readonly OpenTrade[];
  readonly closed: readonly ClosedTrade[];
  readonly attribution: Attribution;
}
