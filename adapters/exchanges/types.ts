import type { Candle, CandleInterval, ExchangeId, OrderBook, OrderRequest, Ticker, VenueOrder } from "../../core/market.js";
import type { RetryPolicy } from "./http.js";
import type { Clock } from "./rate-limit.js";

/** One asset held at an exchange: free to trade, and held by open orders (or margin). Decimal strings. */
export interface Balance {
  readonly asset: string;
  readonly free: string;
  readonly locked: string;
}

/** What a cancel by client order id found: it cancelled a live order, or there was no live order to cancel. */
export type CancelOutcome = "cancelled" | "not_open";

/**
 * A live exchange account, in the desk's terms: symbols are `BASE-QUOTE`, amounts decimal strings,
 * orders keyed by the caller's client order id. Every method may throw `ExchangeError`.
 */
export interface VenueClient {
  readonly exchange: ExchangeId;
  ticker(symbol: string): Promise<Ticker>;
  /** Up to `depth` levels per side, best first. */
  book(symbol: string, depth: number): Promise<OrderBook>;
  /** The latest `limit` candles, oldest first (the last one may still be forming). */
  candles(symbol: string, interval: CandleInterval, limit: number): Promise<Candle[]>;
  balances(): Promise<Balance[]>;
  /**
   * Sends the order once. When the outcome is unknown (timeout, dropped connection, 5xx) it looks
   * the order up by client order id instead of sending it again; if the exchange still does not
   * know it, the answer has status "unknown" and the caller reconciles later with `getOrder`.
   */
  placeOrder(req: OrderRequest): Promise<VenueOrder>;
  cancelOrder(symbol: string, clientOrderId: string): Promise<CancelOutcome>;
  /** The order as the exchange reports it, or null when the exchange does not know it. */
  getOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | null>;
  openOrders(symbol?: string): Promise<VenueOrder[]>;
}

/** Options every client takes; tests inject fetch, time and randomness. */
export interface ClientOptions<Credentials> {
  readonly baseUrl: string;
  readonly fetch?: typeof fetch;
  readonly credentials?: Credentials;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1): backoff jitter. */
  readonly random?: () => number;
  /** Per attempt. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** How many times an order of unknown outcome is looked up before answering "unknown". */
  readonly unknownOutcomeLookups?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_UNKNOWN_OUTCOME_LOOKUPS = 3;

/** Fills in the clock from the options. */
export function clockFrom(options: { now?: () => number; sleep?: (ms: number) => Promise<void> }): Clock {
  return {
    now: options.now ?? (() => Date.now()),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}
