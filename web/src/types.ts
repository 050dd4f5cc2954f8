/** Shapes of the API's replies, as the dashboard reads them. Amounts are decimal strings. */

import type { ArbitrageOpportunity } from "../../core/arbitrage.ts";
import type { Fill, OrderRequest, VenueOrder } from "../../core/market.ts";

export type { ArbitrageOpportunity } from "../../core/arbitrage.ts";
export type {
  BookLevel,
  Candle,
  CandleInterval,
  Fill,
  OrderBook,
  OrderRequest,
  Side,
  SymbolSpec,
  Ticker,
  TimeInForce,
  VenueOrder,
  VenueSpec,
} from "../../core/market.ts";
export type { BestQuotes, Quote } from "../../core/routing.ts";

export type Role = "viewer" | "trader" | "admin";
export type WalletKind = "treasury" | "farm" | "agent";
export type WalletStatus = "active" | "archived";

export interface Me {
  readonly sub: string;
  readonly role: Role;
}

export interface WalletNode {
  readonly id: string;
  readonly kind: WalletKind;
  readonly name: string;
  readonly status: WalletStatus;
  readonly strategy: string | null;
  readonly role: "trader" | "overseer" | null;
  readonly parent: string | null;
  readonly balances: Readonly<Record<string, string>>;
  readonly available: Readonly<Record<string, string>>;
  readonly inTransit: Readonly<Record<string, string>>;
  readonly children: readonly WalletNode[];
}

export interface WalletsReply {
  readonly asset: string;
  readonly tree: WalletNode;
  readonly totals: { readonly balance: string; readonly inTransit: string };
}

export interface Transfer {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly asset: string;
  readonly amount: string;
  readonly state: "pending" | "delivered" | "rejected";
  readonly code: string | null;
  readonly message: string | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface Move {
  readonly id: string;
  readonly kind: "allocation" | "collection";
  readonly state: "completed" | "pending" | string;
  readonly legs: readonly Transfer[];
}

export interface Rebalance {
  readonly id: string;
  readonly farm: string;
  readonly mode: "equal" | "performance";
  readonly state: string;
  readonly targets: readonly { readonly id: string; readonly weight: number; readonly target: string }[];
  readonly moves: readonly {
    readonly from: string;
    readonly to: string;
    readonly amount: string;
    readonly transfer: Transfer | null;
  }[];
}

export interface WalletRecordReply {
  readonly wallet: { readonly id: string; readonly name: string; readonly kind: WalletKind };
}

export type { AgentOrder } from "../../core/orders.ts";

/** A fill of one of an agent's orders, with the venue it happened on. */
export interface OrderFill extends Fill {
  readonly venue: string;
}

export interface ArbitrageReply {
  readonly scannedAtMs: number;
  readonly symbols: readonly { readonly symbol: string; readonly opportunities: readonly ArbitrageOpportunity[] }[];
}
