import { Decimal, str } from "./money.js";

/**
 * Market data and venue metadata, as data. Prices and sizes are decimal strings (at rest, on the
 * wire and over RPC); `Decimal` in memory. Symbols are `BASE-QUOTE` ("BTC-USD").
 */

export type ExchangeId = "binance" | "coinbase" | "kraken" | "hyperliquid";
export type Side = "buy" | "sell";
export type OrderType = "market" | "limit";
/** gtc rests until filled or cancelled; ioc fills what it can now and cancels the rest; post_only never takes. */
export type TimeInForce = "gtc" | "ioc" | "post_only";
export type OrderStatus = "pending" | "open" | "partially_filled" | "filled" | "cancelled" | "rejected" | "unknown";

export interface SymbolSpec {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Price increment. */
  readonly tickSize: string;
  /** Quantity increment. */
  readonly lotSize: string;
  /** Smallest price × quantity an order may have. */
  readonly minNotional: string;
}

export interface VenueSpec {
  /** The venue account's id: "paper-binance", "binance", … */
  readonly id: string;
  readonly exchange: ExchangeId;
  readonly paper: boolean;
  /** Fee rates as fractions of notional ("0.001" = 10 bp). */
  readonly makerFeeRate: string;
  readonly takerFeeRate: string;
  /** Simulated order latency of a paper venue. */
  readonly latencyMs: number;
  readonly symbols: readonly SymbolSpec[];
}

export interface Candle {
  readonly openTimeMs: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

export interface BookLevel {
  readonly price: string;
  readonly size: string;
}

export interface OrderBook {
  readonly symbol: string;
  /** Best first: bids descending, asks ascending. */
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly timeMs: number;
}

export interface Ticker {
  readonly symbol: string;
  readonly bid: string;
  readonly ask: string;
  readonly last: string;
  readonly timeMs: number;
}

export interface Trade {
  readonly symbol: string;
  readonly price: string;
  readonly size: string;
  readonly side: Side;
  readonly timeMs: number;
}

export interface OrderRequest {
  /** Chosen by the caller, saved before sending: a repeat answers the first order. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: string;
  /** Required for limit orders. */
  readonly price: string | null;
  readonly timeInForce: TimeInForce;
}

export interface Fill {
  readonly fillId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly price: string;
  readonly quantity: string;
  readonly fee: string;
  readonly feeAsset: string;
  readonly liquidity: "maker" | "taker";
  readonly timeMs: number;
}

/** An order as a venue reports it. */
export interface VenueOrder {
  readonly clientOrderId: string;
  /** The exchange's own id, when it has given one. */
  readonly venueOrderId: string | null;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly price: string | null;
  readonly quantity: string;
  readonly filledQuantity: string;
  /** Volume-weighted price of the fills so far, "0" before the first. */
  readonly averagePrice: string;
  readonly status: OrderStatus;
  readonly updatedAtMs: number;
}

export const CANDLE_INTERVALS = { "1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000, "4h": 14_400_000, "1d": 86_400_000 } as const;
export type CandleInterval = keyof typeof CANDLE_INTERVALS;

/** Merges candles (oldest first) into candles of `intervalMs`: first open, highest high, lowest low, last close, summed volume. */
export function aggregateCandles(candles: readonly Candle[], intervalMs: number): Candle[] {
  const out: Candle[] = [];
  for (const c of candles) {
    const t = Math.floor(c.openTimeMs / intervalMs) * intervalMs;
    const last = out[out.length - 1];
    if (last && last.openTimeMs === t) {
      out[out.length - 1] = {
        ...last,
        high: new Decimal(c.high).gt(last.high) ? c.high : last.high,
        low: new Decimal(c.low).lt(last.low) ? c.low : last.low,
        close: c.close,
        volume: str(new Decimal(last.volume).plus(c.volume)),
      };
    } else out.push({ ...c, openTimeMs: t });
  }
  return out;
}

/** Splits "BTC-USD" into its assets. */
export function splitSymbol(symbol: string): { base: string; quote: string } {
  const [base, quote] = symbol.split("-");
  if (!base || !quote) throw new Error(`invariant: not a symbol: ${symbol}`);
  return { base, quote };
}
