import { CANDLE_INTERVALS, type Candle, type CandleInterval, type OrderBook, type OrderRequest, type OrderStatus, type OrderType, type Ticker, type TimeInForce, type VenueOrder } from "../../core/market.js";
import { ZERO, str } from "../../core/money.js";
import { type CoinbaseSigner, coinbaseJwt, importCoinbaseKey, randomNonce } from "./coinbase-auth.js";
import { ExchangeError, retryAfterMs } from "./errors.js";
import { type HttpResponse, type Transport, parseJson, queryString, send, transport, withRetries } from "./http.js";
import { placeOnce, plain, unknownOrder, validateOrder } from "./orders.js";
import { Reader } from "./parse.js";
import { type Clock, type RateLimiter, requestsPerSecond } from "./rate-limit.js";
import { COINBASE_SYMBOLS, SymbolMap, type SymbolTable } from "./symbols.js";
import { type Balance, type CancelOutcome, type ClientOptions, DEFAULT_TIMEOUT_MS, DEFAULT_UNKNOWN_OUTCOME_LOOKUPS, type VenueClient, clockFrom } from "./types.js";

export interface CoinbaseCredentials {
  /** The key's name or id: "organizations/{org_id}/apiKeys/{key_id}" (ECDSA keys) or the key id (Ed25519 keys). */
  readonly keyName: string;
  /**
   * The key secret as issued. An ECDSA key is a PEM ("-----BEGIN EC PRIVATE KEY-----", or PKCS#8)
   * and signs ES256; an Ed25519 key, CDP's default, is base64 of 64 bytes and signs EdDSA.
   */
  readonly privateKeyPem: string;
}

export interface CoinbaseOptions extends ClientOptions<CoinbaseCredentials> {
  readonly symbols?: SymbolTable;
  /** Private endpoints: 30 requests/s per user; public: 10 requests/s per IP. */
  readonly privateLimiter?: RateLimiter;
  readonly publicLimiter?: RateLimiter;
  /** Pages of recent orders scanned to find an order by client order id (100 per page). */
  readonly lookupPages?: number;
  /** Pages of accounts and open orders read at most (250 per page). */
  readonly maxPages?: number;
}

const API = "/api/v3/brokerage";

const GRANULARITY: Readonly<Record<CandleInterval, string>> = {
  "1m": "ONE_MINUTE",
  "5m": "FIVE_MINUTE",
  "15m": "FIFTEEN_MINUTE",
  "1h": "ONE_HOUR",
  "4h": "FOUR_HOUR",
  "1d": "ONE_DAY",
};

const STATUS: Readonly<Record<string, OrderStatus>> = {
  PENDING: "pending",
  QUEUED: "pending",
  OPEN: "open",
  CANCEL_QUEUED: "open",
  EDIT_QUEUED: "open",
  FILLED: "filled",
  CANCELLED: "cancelled",
  EXPIRED: "cancelled",
  FAILED: "rejected",
};

/** Cancel failures that mean there is no live order to cancel. */
const NOT_OPEN = new Set(["UNKNOWN_CANCEL_ORDER", "ORDER_IS_FULLY_FILLED", "DUPLICATE_CANCEL_REQUEST"]);

interface Call {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly query?: Record<string, string | number | undefined>;
  readonly body?: unknown;
  readonly auth: boolean;
  readonly idempotent: boolean;
  readonly order?: boolean;
}

/** Coinbase Advanced Trade over REST: public market endpoints, an ES256 JWT per private request. */
export class CoinbaseClient implements VenueClient {
  readonly exchange = "coinbase" as const;
  private readonly t: Transport;
  private readonly clock: Clock;
  private readonly read = new Reader("coinbase");
  private readonly symbols: SymbolMap;
  private readonly privateLimiter: RateLimiter;
  private readonly publicLimiter: RateLimiter;
  private readonly orderIds = new Map<string, string>();
  private key: Promise<CoinbaseSigner> | null = null;

  constructor(private readonly options: CoinbaseOptions) {
    this.clock = clockFrom(options);
    this.t = transport("coinbase", options, this.clock, DEFAULT_TIMEOUT_MS);
    this.symbols = new SymbolMap("coinbase", options.symbols ?? COINBASE_SYMBOLS);
    this.privateLimiter = options.privateLimiter ?? requestsPerSecond(this.clock, 30);
    this.publicLimiter = options.publicLimiter ?? requestsPerSecond(this.clock, 10);
  }

  async ticker(symbol: string): Promise<Ticker> {
    const product = this.symbols.toVenue(symbol);
    const body = this.read.record(
      await this.call({ method: "GET", path: `${API}/market/products/${product}/ticker`, query: { limit: 1 }, auth: false, idempotent: true }),
      "ticker",
    );
    const last = this.read.record(this.read.array(body.trades, "trades")[0], "last trade");
    return {
      symbol,
      bid: this.read.amount(body.best_bid, "best_bid"),
      ask: this.read.amount(body.best_ask, "best_ask"),
      last: this.read.amount(last.price, "trade price"),
      timeMs: this.time(last.time),
    };
  }

  async book(symbol: string, depth: number): Promise<OrderBook> {
    const limit = Math.max(1, Math.floor(depth));
    const body = this.read.record(
      await this.call({ method: "GET", path: `${API}/market/product_book`, query: { product_id: this.symbols.toVenue(symbol), limit }, auth: false, idempotent: true }),
      "product_book",
    );
    const book = this.read.record(body.pricebook, "pricebook");
    const levels = (side: unknown) =>
      this.read.array(side, "book side").slice(0, limit).map((level) => {
        const l = this.read.record(level, "level");
        return { price: this.read.amount(l.price, "price"), size: this.read.amount(l.size, "size") };
      });
    return { symbol, bids: levels(book.bids), asks: levels(book.asks), timeMs: this.time(book.time) };
  }

  async candles(symbol: string, interval: CandleInterval, limit: number): Promise<Candle[]> {
    const count = Math.max(1, Math.min(350, Math.floor(limit)));
    const end = Math.floor(this.clock.now() / 1000);
    const start = end - count * (CANDLE_INTERVALS[interval] / 1000);
    const body = this.read.record(
      await this.call({
        method: "GET",
        path: `${API}/market/products/${this.symbols.toVenue(symbol)}/candles`,
        query: { start, end, granularity: GRANULARITY[interval], limit: count },
        auth: false,
        idempotent: true,
      }),
      "candles",
    );
    const candles = this.read.array(body.candles, "candles").map((row) => {
      const c = this.read.record(row, "candle");
      return {
        openTimeMs: this.read.integer(c.start, "start") * 1000,
        open: this.read.amount(c.open, "open"),
        high: this.read.amount(c.high, "high"),
        low: this.read.amount(c.low, "low"),
        close: this.read.amount(c.close, "close"),
        volume: this.read.amount(c.volume, "volume"),
      };
    });
    // Coinbase answers newest first.
    return candles.sort((a, b) => a.openTimeMs - b.openTimeMs).slice(-count);
  }

  async balances(): Promise<Balance[]> {
    const totals = new Map<string, { free: typeof ZERO; locked: typeof ZERO }>();
    await this.pages(`${API}/accounts`, { limit: 250 }, "accounts", (row) => {
      const a = this.read.record(row, "account");
      const asset = this.read.string(a.currency, "currency");
      const free = this.read.decimal(this.read.record(a.available_balance, "available_balance").value, "available");
      const locked = a.hold === undefined ? ZERO : this.read.decimal(this.read.record(a.hold, "hold").value, "hold");
      const sum = totals.get(asset) ?? { free: ZERO, locked: ZERO };
      totals.set(asset, { free: sum.free.plus(free), locked: sum.locked.plus(locked) });
    });
    return [...totals].map(([asset, b]) => ({ asset, free: str(b.free), locked: str(b.locked) }));
  }

  placeOrder(req: OrderRequest): Promise<VenueOrder> {
    validateOrder("coinbase", req);
    const body = {
      client_order_id: req.clientOrderId,
      product_id: this.symbols.toVenue(req.symbol),
      side: req.side === "buy" ? "BUY" : "SELL",
      order_configuration: configuration(req),
    };
    return placeOnce(
      req,
      { clock: this.clock, lookups: this.options.unknownOutcomeLookups ?? DEFAULT_UNKNOWN_OUTCOME_LOOKUPS },
      async () => {
        const res = this.read.record(await this.call({ method: "POST", path: `${API}/orders`, body, auth: true, idempotent: false, order: true }), "create order");
        if (res.success !== true) throw this.rejected(res);
        const orderId = this.read.string(this.read.record(res.success_response, "success_response").order_id, "order_id");
        this.orderIds.set(req.clientOrderId, orderId);
        // Coinbase acknowledges with the order id only; the order's state comes from getOrder.
        return { ...unknownOrder(req, this.clock.now()), venueOrderId: orderId, status: "pending" };
      },
      () => this.getOrder(req.symbol, req.clientOrderId),
    );
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<CancelOutcome> {
    const order = await this.getOrder(symbol, clientOrderId);
    if (order === null || order.venueOrderId === null || !["pending", "open", "partially_filled"].includes(order.status)) return "not_open";
    const res = this.read.record(
      await this.call({ method: "POST", path: `${API}/orders/batch_cancel`, body: { order_ids: [order.venueOrderId] }, auth: true, idempotent: true }),
      "batch_cancel",
    );
    const result = this.read.record(this.read.array(res.results, "results")[0], "cancel result");
    if (result.success === true) return "cancelled";
    const reason = this.read.string(result.failure_reason ?? "", "failure_reason");
    if (NOT_OPEN.has(reason)) return "not_open";
    throw new ExchangeError("coinbase", "invalid_request", `cancel ${clientOrderId}: ${reason}`, { venueCode: reason });
  }

  async getOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | null> {
    const product = this.symbols.toVenue(symbol);
    const orderId = this.orderIds.get(clientOrderId);
    if (orderId !== undefined) {
      try {
        const body = this.read.record(await this.call({ method: "GET", path: `${API}/orders/historical/${orderId}`, auth: true, idempotent: true }), "order");
        return this.order(body.order);
      } catch (error) {
        if (error instanceof ExchangeError && error.code === "not_found") return null;
        throw error;
      }
    }
    // There is no lookup by client order id: scan the product's recent orders, newest first.
    let match: unknown = null;
    const lookup = { product_ids: product, limit: 100 };
    await this.pages(`${API}/orders/historical/batch`, lookup, "orders", (row) => {
      if (this.read.record(row, "order").client_order_id !== clientOrderId) return false;
      match = row;
      return true;
    }, this.options.lookupPages ?? 3);
    if (match === null) return null;
    const order = this.order(match);
    if (order.venueOrderId !== null) this.orderIds.set(clientOrderId, order.venueOrderId);
    return order;
  }

  async openOrders(symbol?: string): Promise<VenueOrder[]> {
    const query = { order_status: "OPEN", product_ids: symbol === undefined ? undefined : this.symbols.toVenue(symbol), limit: 250 };
    const out: VenueOrder[] = [];
    await this.pages(`${API}/orders/historical/batch`, query, "orders", (row) => {
      const product = this.read.string(this.read.record(row, "order").product_id, "product_id");
      if (this.symbols.fromVenue(product) !== null) out.push(this.order(row));
    });
    return out;
  }

  private order(value: unknown): VenueOrder {
    const o = this.read.record(value, "order");
    const symbol = this.symbols.fromVenue(this.read.string(o.product_id, "product_id"));
    if (symbol === null) return this.read.fail("order product", o.product_id);
    const [kind, spec] = Object.entries(this.read.record(o.order_configuration, "order_configuration"))[0] ?? ["", {}];
    const c = this.read.record(spec, "configuration");
    const filled = this.read.decimal(o.filled_size ?? "0", "filled_size");
    const status = STATUS[this.read.string(o.status, "status")] ?? "unknown";
    const type: OrderType = kind.startsWith("market_") ? "market" : "limit";
    const timeInForce: TimeInForce = c.post_only === true ? "post_only" : kind.endsWith("_ioc") || kind.endsWith("_fok") ? "ioc" : "gtc";
    return {
      clientOrderId: this.read.string(o.client_order_id, "client_order_id"),
      venueOrderId: this.read.string(o.order_id, "order_id"),
      symbol,
      side: this.read.string(o.side, "side") === "SELL" ? "sell" : "buy",
      type,
      timeInForce,
      price: type === "market" || c.limit_price === undefined ? null : this.read.amount(c.limit_price, "limit_price"),
      quantity: c.base_size === undefined ? str(filled) : this.read.amount(c.base_size, "base_size"),
      filledQuantity: str(filled),
      averagePrice: filled.isZero() ? "0" : this.read.amount(o.average_filled_price, "average_filled_price"),
      status: status === "open" && !filled.isZero() ? "partially_filled" : status,
      updatedAtMs: this.time(this.read.optionalString(o.last_fill_time) ?? o.created_time),
    };
  }

  private rejected(res: Record<string, unknown>): ExchangeError {
    const e = this.read.record(res.error_response ?? {}, "error_response");
    const reasons = [e.error, e.preview_failure_reason, e.new_order_failure_reason].filter((r): r is string => typeof r === "string");
    const detail = [e.message, e.error_details].filter((m): m is string => typeof m === "string" && m !== "").join(": ");
    const venueCode = reasons[0] ?? "UNKNOWN_FAILURE_REASON";
    const code = reasons.some((r) => r.includes("INSUFFICIENT_FUND")) ? "insufficient_funds" : "invalid_order";
    return new ExchangeError("coinbase", code, `order rejected: ${venueCode}${detail ? ` (${detail})` : ""}`, { status: 200, venueCode });
  }

  /** Follows `cursor` while `has_next`, up to a bound; `visit` returning true stops early. */
  private async pages(path: string, query: Record<string, string | number | undefined>, key: string, visit: (row: unknown) => boolean | void, maxPages?: number): Promise<void> {
    let cursor: string | undefined;
    for (let page = 0; page < (maxPages ?? this.options.maxPages ?? 10); page++) {
      const body = this.read.record(await this.call({ method: "GET", path, query: { ...query, cursor }, auth: true, idempotent: true }), key);
      for (const row of this.read.array(body[key], key)) if (visit(row) === true) return;
      const next = this.read.optionalString(body.cursor);
      if (body.has_next !== true || next === null) return;
      cursor = next;
    }
  }

  private time(value: unknown): number {
    const ms = Date.parse(this.read.string(value, "time"));
    return Number.isNaN(ms) ? this.read.fail("time", value) : ms;
  }

  private call(spec: Call): Promise<unknown> {
    return withRetries(this.t, spec.idempotent, async () => {
      await (spec.auth ? this.privateLimiter : this.publicLimiter).acquire(1);
      const qs = queryString(spec.query ?? {});
      const url = `${this.options.baseUrl}${spec.path}${qs === "" ? "" : `?${qs}`}`;
      const headers: Record<string, string> = { Accept: "application/json" };
      if (spec.body !== undefined) headers["Content-Type"] = "application/json";
      if (spec.auth) headers.Authorization = `Bearer ${await this.jwt(spec.method, spec.path)}`;
      const res = await send(this.t, { method: spec.method, url, headers, ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }) });
      return this.result(res, spec);
    });
  }

  private async jwt(method: string, path: string): Promise<string> {
    const creds = this.options.credentials;
    if (!creds) throw new ExchangeError("coinbase", "auth", "private endpoints need a CDP API key name and private key");
    this.key ??= importCoinbaseKey(creds.privateKeyPem).catch((error: unknown) => {
      this.key = null;
      throw new ExchangeError("coinbase", "auth", `the API key secret could not be read: ${error instanceof Error ? error.message : "unknown error"}`);
    });
    return coinbaseJwt(await this.key, {
      keyName: creds.keyName,
      method,
      host: new URL(this.options.baseUrl).host,
      path,
      nowSeconds: Math.floor(this.clock.now() / 1000),
      nonce: randomNonce(),
    });
  }

  private result(res: HttpResponse, spec: Call): unknown {
    const what = `${spec.method} ${spec.path}`;
    if (res.status >= 200 && res.status < 300) return parseJson(this.t, res, what);
    if (res.status >= 500) throw new ExchangeError("coinbase", "unavailable", `${what}: HTTP ${res.status}`, { status: res.status, maybeExecuted: true });
    let venueCode = "";
    let message = res.text.slice(0, 200);
    try {
      const body = JSON.parse(res.text) as { error?: unknown; message?: unknown; error_details?: unknown };
      if (typeof body.error === "string") venueCode = body.error;
      if (typeof body.message === "string") message = body.message;
    } catch {
      // Not JSON: keep the excerpt.
    }
    const info = { status: res.status, venueCode };
    if (res.status === 429) {
      const wait = retryAfterMs(res.headers.get("Retry-After"), this.clock.now());
      throw new ExchangeError("coinbase", "rate_limited", `${what}: ${message}`, { ...info, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
    }
    if (res.status === 401 || res.status === 403) throw new ExchangeError("coinbase", "auth", `${what}: ${message}`, info);
    if (res.status === 404) throw new ExchangeError("coinbase", "not_found", `${what}: ${message}`, info);
    if (/insufficient/i.test(message) || venueCode.includes("INSUFFICIENT")) throw new ExchangeError("coinbase", "insufficient_funds", `${what}: ${message}`, info);
    throw new ExchangeError("coinbase", spec.order ? "invalid_order" : "invalid_request", `${what}: ${message}`, info);
  }
}

/** Our order as a Coinbase order_configuration. */
function configuration(req: OrderRequest): Record<string, Record<string, string | boolean>> {
  const base_size = plain(req.quantity);
  if (req.type === "market") return { market_market_ioc: { base_size } };
  const limit_price = plain(req.price ?? "0");
  if (req.timeInForce === "ioc") return { sor_limit_ioc: { base_size, limit_price } };
  return { limit_limit_gtc: { base_size, limit_price, post_only: req.timeInForce === "post_only" } };
}
