import type { ExchangeId, OrderBook, OrderRequest, VenueOrder, VenueSpec } from "../../core/market.js";
import { liveSymbolFor } from "../../core/paper-venues.js";
import type { RefusalCode } from "../../core/refusals.js";
import { isExchangeError } from "./errors.js";
import { BASE_URLS, type VenueClientConfig, createVenueClient } from "./index.js";
import { openCredentials, venueKeysSecret } from "./keys.js";
import type { Balance, VenueClient } from "./types.js";

/** A live book is a price to show, not to wait for: one attempt, a short timeout. */
const PUBLIC_TIMEOUT_MS = 3_000;

/** Where an exchange account is reached: its exchange, base URL and (for trading) sealed keys. */
export interface LiveAccountConfig {
  readonly spec: VenueSpec;
  readonly baseUrl: string | null;
}

/** The base URL an account uses (its own, or the exchange's production one). */
export function baseUrlOf(exchange: ExchangeId, baseUrl: string | null): string {
  return baseUrl ?? BASE_URLS[exchange];
}

/** The exchange's public book for one of the desk's symbols, in the desk's symbol, stamped `nowMs`. */
export async function publicBook(account: LiveAccountConfig, symbol: string, nowMs: number): Promise<OrderBook> {
  const { exchange } = account.spec;
  const config = { exchange, options: { baseUrl: baseUrlOf(exchange, account.baseUrl), timeoutMs: PUBLIC_TIMEOUT_MS, retry: { maxAttempts: 1 } } } as VenueClientConfig;
  const book = await createVenueClient(config).book(liveSymbolFor(exchange, symbol), 20);
  return { ...book, symbol, timeMs: nowMs };
}

/** What placing a real order came to: the exchange's report, a definite refusal (nothing executed), or an unknown outcome. */
export type PlaceOutcome = { readonly kind: "placed"; readonly order: VenueOrder } | { readonly kind: "refused"; readonly code: RefusalCode; readonly message: string } | { readonly kind: "unknown" };

/**
 * An exchange account traded with the desk's keys, in the desk's symbols. The keys are opened
 * from their sealed envelope for each use and never kept.
 */
export class LiveAccount {
  private constructor(
    private readonly client: VenueClient,
    private readonly exchange: ExchangeId,
  ) {}

  /** Opens the account with its sealed keys (throws when the secret or the envelope is wrong). */
  static async open(env: { readonly VENUE_KEYS_SECRET?: string }, account: LiveAccountConfig, envelope: string): Promise<LiveAccount> {
    const { spec } = account;
    const credentials = await openCredentials(venueKeysSecret(env), envelope, spec.id);
    const client = createVenueClient({ exchange: spec.exchange, options: { baseUrl: baseUrlOf(spec.exchange, account.baseUrl), credentials } } as VenueClientConfig);
    return new LiveAccount(client, spec.exchange);
  }

  /** The asset the exchange quotes the desk's USD symbols in, when it is not USD. */
  usdStandIn(): string | null {
    return liveSymbolFor(this.exchange, "X-USD").endsWith("-USDT") ? "USDT" : null;
  }

  balances(): Promise<Balance[]> {
    return this.client.balances();
  }

  async place(order: OrderRequest): Promise<PlaceOutcome> {
    try {
      const reported = await this.client.placeOrder({ ...order, symbol: liveSymbolFor(this.exchange, order.symbol) });
      return { kind: "placed", order: { ...reported, symbol: order.symbol } };
    } catch (err) {
      if (isExchangeError(err) && err.code !== "unknown_outcome" && !err.info.maybeExecuted) return { kind: "refused", code: err.code, message: err.message };
      return { kind: "unknown" };
    }
  }

  /** The exchange's view of an order (null: it has none), in the desk's symbol. */
  async order(symbol: string, clientOrderId: string): Promise<VenueOrder | null> {
    const theirs = await this.client.getOrder(liveSymbolFor(this.exchange, symbol), clientOrderId);
    return theirs ? { ...theirs, symbol } : null;
  }

  /** Cancels and reads the order back (the cancel's own answer varies by exchange). */
  async cancel(symbol: string, clientOrderId: string): Promise<VenueOrder | null> {
    await this.client.cancelOrder(liveSymbolFor(this.exchange, symbol), clientOrderId);
    return this.order(symbol, clientOrderId);
  }

  /** Client order ids of the account's open orders at the exchange. */
  async openOrderIds(): Promise<string[]> {
    return (await this.client.openOrders()).map((o) => o.clientOrderId);
  }
}
