import type { Candle, CandleInterval, OrderBook, OrderRequest, OrderStatus, OrderType, Ticker, TimeInForce, VenueOrder } from "../../core/market.js";
import { type Decimal, ZERO } from "../../core/money.js";
import { ExchangeError, retryAfterMs } from "./errors.js";
import { type BinanceCredentials, type BinanceSigner, binanceSigner } from "./binance-auth.js";
import { type HttpResponse, type Transport, parseJson, queryString, send, transport, withRetries } from "./http.js";
import { ClientIdBook, placeOnce, plain, validateOrder, venueClientId } from "./orders.js";
import { Reader, averagePrice } from "./parse.js";
import { type Clock, FixedWindowLimiter } from "./rate-limit.js";
import { BINANCE_SYMBOLS, SymbolMap, type SymbolTable } from "./symbols.js";
import { type Balance, type CancelOutcome, type ClientOptions, DEFAULT_TIMEOUT_MS, DEFAULT_UNKNOWN_OUTCOME_LOOKUPS, type VenueClient, clockFrom } from "./types.js";

export type { BinanceCredentials, BinanceEd25519Credentials, BinanceHmacCredentials } from "./binance-auth.js";
export { signBinance, signBinanceEd25519 } from "./binance-auth.js";

export interface BinanceOptions extends ClientOptions<BinanceCredentials> {
  readonly symbols?: SymbolTable;
  /** Defaults to 5000, the exchange's own default; it refuses more than 60000. */
  readonly recvWindowMs?: number;
  /** The account's REQUEST_WEIGHT per minute (exchangeInfo); default 6000. */
  readonly weightPerMinute?: number;
  /** ORDERS per 10 s (exchangeInfo); default 100. */
  readonly ordersPer10s?: number;
  /** Share these between clients of the same account (weight is counted per IP, orders per account). */
  readonly weightLimiter?: FixedWindowLimiter;
  readonly orderLimiter?: FixedWindowLimiter;
}

/** GET /api/v3/depth costs by the levels asked for. */
export function depthWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

const STATUS: Readonly<Record<string, OrderStatus>> = {
  PENDING_NEW: "pending",
  NEW: "open",
  PARTIALLY_FILLED: "partially_filled",
  FILLED: "filled",
  PENDING_CANCEL: "open",
  CANCELED: "cancelled",
  EXPIRED: "cancelled",
  EXPIRED_IN_MATCH: "cancelled",
  REJECTED: "rejected",
};

// Binance accepts newClientOrderId matching ^[a-zA-Z0-9-_]{1,36}$.
const CLIENT_ID = /^[a-zA-Z0-9_-]{1,36}$/;

interface Call {
  readonly method: "GET" | "POST" | "DELETE";
  readonly path: string;
  readonly params?: Record<string, string | number | undefined>;
  readonly weight: number;
  readonly signed: boolean;
  readonly idempotent: boolean;
  readonly order?: boolean;
}

/** Binance Spot over REST: query strings signed with an HMAC or Ed25519 key, request weight budgeted per minute. */
export class BinanceClient implements VenueClient {
  readonly exchange = "binance" as const;
  private readonly t: Transport;
  private readonly clock: Clock;
  private readonly read = new Reader("binance");
  private readonly symbols: SymbolMap;
  private readonly ids = new ClientIdBook();
  private readonly weight: FixedWindowLimiter;
  private readonly orders: FixedWindowLimiter;
  private signer: BinanceSigner | null = null;

  constructor(private readonly options: BinanceOptions) {
    this.clock = clockFrom(options);
    this.t = transport("binance", options, this.clock, DEFAULT_TIMEOUT_MS);
    this.symbols = new SymbolMap("binance", options.symbols ?? BINANCE_SYMBOLS);
    this.weight = options.weightLimiter ?? new FixedWindowLimiter(this.clock, options.weightPerMinute ?? 6000, 60_000);
    this.orders = options.orderLimiter ?? new FixedWindowLimiter(this.clock, options.ordersPer10s ?? 100, 10_000);
  }

  async ticker(symbol: string): Promise<Ticker> {
    const venue = this.symbols.toVenue(symbol);
    const [book, price] = await Promise.all([
      this.call({ method: "GET", path: "/api/v3/ticker/bookTicker", params: { symbol: venue }, weight: 2, signed: false, idempotent: true }),
      this.call({ method: "GET", path: "/api/v3/ticker/price", params: { symbol: venue }, weight: 2, signed: false, idempotent: true }),
    ]);
    const b = this.read.record(book, "bookTicker");
    const p = this.read.record(price, "ticker price");
    return {
      symbol,
      bid: this.read.amount(b.bidPrice, "bidPrice"),
      ask: this.read.amount(b.askPrice, "askPrice"),
      last: this.read.amount(p.price, "price"),
      timeMs: this.clock.now(),
    };
  }

  async book(symbol: string, depth: number): Promise<OrderBook> {
    const limit = Math.max(1, Math.min(5000, Math.floor(depth)));
    const body = this.read.record(
      await this.call({ method: "GET", path: "/api/v3/depth", params: { symbol: this.symbols.toVenue(symbol), limit }, weight: depthWeight(limit), signed: false, idempotent: true }),
      "depth",
    );
    const levels = (side: unknown) =>
      this.read.array(side, "depth side").slice(0, limit).map((level) => {
        const [price, size] = this.read.array(level, "depth level");
        return { price: this.read.amount(price, "level price"), size: this.read.amount(size, "level size") };
      });
    return { symbol, bids: levels(body.bids), asks: levels(body.asks), timeMs: this.clock.now() };
  }

  async candles(symbol: string, interval: CandleInterval, limit: number): Promise<Candle[]> {
    const rows = this.read.array(
      await this.call({
        method: "GET",
        path: "/api/v3/klines",
        params: { symbol: this.symbols.toVenue(symbol), interval, limit: Math.max(1, Math.min(1000, Math.floor(limit))) },
        weight: 2,
        signed: false,
        idempotent: true,
      }),
      "klines",
    );
    return rows.map((row) => {
      const k = this.read.array(row, "kline");
      return {
        openTimeMs: this.read.integer(k[0], "kline open time"),
        open: this.read.amount(k[1], "open"),
        high: this.read.amount(k[2], "high"),
        low: this.read.amount(k[3], "low"),
        close: this.read.amount(k[4], "close"),
        volume: this.read.amount(k[5], "volume"),
      };
    });
  }

  async balances(): Promise<Balance[]> {
    const body = this.read.record(
      await this.call({ method: "GET", path: "/api/v3/account", params: { omitZeroBalances: "true" }, weight: 20, signed: true, idempotent: true }),
      "account",
    );
    return this.read.array(body.balances, "balances").map((entry) => {
      const b = this.read.record(entry, "balance");
      return { asset: this.read.string(b.asset, "asset"), free: this.read.amount(b.free, "free"), locked: this.read.amount(b.locked, "locked") };
    });
  }

  placeOrder(req: OrderRequest): Promise<VenueOrder> {
    validateOrder("binance", req);
    const venue = this.symbols.toVenue(req.symbol);
    const clientId = this.clientId(req.clientOrderId);
    const postOnly = req.timeInForce === "post_only";
    const params: Record<string, string | undefined> = {
      symbol: venue,
      side: req.side === "buy" ? "BUY" : "SELL",
      type: req.type === "market" ? "MARKET" : postOnly ? "LIMIT_MAKER" : "LIMIT",
      timeInForce: req.type === "limit" && !postOnly ? (req.timeInForce === "ioc" ? "IOC" : "GTC") : undefined,
      quantity: plain(req.quantity),
      price: req.type === "limit" && req.price !== null ? plain(req.price) : undefined,
      newClientOrderId: clientId,
      newOrderRespType: "FULL",
    };
    return placeOnce(
      req,
      { clock: this.clock, lookups: this.options.unknownOutcomeLookups ?? DEFAULT_UNKNOWN_OUTCOME_LOOKUPS },
      async () => this.order(await this.call({ method: "POST", path: "/api/v3/order", params, weight: 1, signed: true, idempotent: false, order: true }), "place"),
      () => this.getOrder(req.symbol, req.clientOrderId),
    );
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<CancelOutcome> {
    try {
      await this.call({
        method: "DELETE",
        path: "/api/v3/order",
        params: { symbol: this.symbols.toVenue(symbol), origClientOrderId: this.clientId(clientOrderId) },
        weight: 1,
        signed: true,
        idempotent: true,
      });
      return "cancelled";
    } catch (error) {
      // -2011 "Unknown order sent.": never placed, already done, or cancelled by an earlier attempt.
      if (error instanceof ExchangeError && (error.info.venueCode === "-2011" || error.info.venueCode === "-2013")) return "not_open";
      throw error;
    }
  }

  async getOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | null> {
    try {
      const body = await this.call({
        method: "GET",
        path: "/api/v3/order",
        params: { symbol: this.symbols.toVenue(symbol), origClientOrderId: this.clientId(clientOrderId) },
        weight: 4,
        signed: true,
        idempotent: true,
      });
      return this.order(body, "order");
    } catch (error) {
      if (error instanceof ExchangeError && error.info.venueCode === "-2013") return null;
      throw error;
    }
  }

  async openOrders(symbol?: string): Promise<VenueOrder[]> {
    const params = symbol === undefined ? {} : { symbol: this.symbols.toVenue(symbol) };
    const rows = this.read.array(
      await this.call({ method: "GET", path: "/api/v3/openOrders", params, weight: symbol === undefined ? 80 : 6, signed: true, idempotent: true }),
      "openOrders",
    );
    const out: VenueOrder[] = [];
    for (const row of rows) {
      const venueSymbol = this.read.string(this.read.record(row, "open order").symbol, "symbol");
      if (this.symbols.fromVenue(venueSymbol) !== null) out.push(this.order(row, "open order"));
    }
    return out;
  }

  private clientId(ours: string): string {
    const venue = venueClientId(ours, (id) => CLIENT_ID.test(id), "alnum32");
    this.ids.remember(venue, ours);
    return venue;
  }

  private order(value: unknown, what: string): VenueOrder {
    const o = this.read.record(value, what);
    const symbol = this.symbols.fromVenue(this.read.string(o.symbol, "symbol"));
    if (symbol === null) return this.read.fail("order symbol", o.symbol);
    const type = this.read.string(o.type, "type");
    const tif = this.read.string(o.timeInForce ?? "GTC", "timeInForce");
    const status = STATUS[this.read.string(o.status, "status")] ?? "unknown";
    const executed = this.read.decimal(o.executedQty, "executedQty");
    const quote = this.read.decimal(o.cummulativeQuoteQty, "cummulativeQuoteQty");
    const orderType: OrderType = type === "MARKET" ? "market" : "limit";
    const timeInForce: TimeInForce = type === "LIMIT_MAKER" ? "post_only" : tif === "IOC" || tif === "FOK" ? "ioc" : "gtc";
    return {
      clientOrderId: this.ids.ours(this.read.string(o.clientOrderId, "clientOrderId")),
      venueOrderId: String(this.read.integer(o.orderId, "orderId")),
      symbol,
      side: this.read.string(o.side, "side") === "BUY" ? "buy" : "sell",
      type: orderType,
      timeInForce,
      price: orderType === "market" ? null : this.read.amount(o.price, "price"),
      quantity: this.read.amount(o.origQty, "origQty"),
      filledQuantity: this.read.amount(o.executedQty, "executedQty"),
      averagePrice: this.average(o.fills, quote, executed),
      status: status === "open" && !executed.isZero() ? "partially_filled" : status,
      updatedAtMs: this.read.integer(o.updateTime ?? o.workingTime ?? o.transactTime ?? o.time, "order time"),
    };
  }

  /** From the fills when the answer lists them (FULL), else cumulative quote over executed quantity. */
  private average(fills: unknown, quote: Decimal, executed: Decimal): string {
    if (!Array.isArray(fills) || fills.length === 0) return averagePrice(quote, executed);
    let notional = ZERO;
    let quantity = ZERO;
    for (const fill of fills) {
      const f = this.read.record(fill, "fill");
      const qty = this.read.decimal(f.qty, "fill qty");
      notional = notional.plus(this.read.decimal(f.price, "fill price").times(qty));
      quantity = quantity.plus(qty);
    }
    return averagePrice(notional, quantity);
  }

  private call(spec: Call): Promise<unknown> {
    return withRetries(this.t, spec.idempotent, async () => {
      await this.weight.acquire(spec.weight);
      if (spec.order) await this.orders.acquire(1);
      const headers: Record<string, string> = {};
      let qs = queryString(spec.params ?? {});
      if (spec.signed) {
        const creds = this.credentials();
        const timing = queryString({ recvWindow: this.options.recvWindowMs ?? 5000, timestamp: this.clock.now() });
        qs = qs === "" ? timing : `${qs}&${timing}`;
        qs = `${qs}&signature=${await this.sign(creds, qs)}`;
        headers["X-MBX-APIKEY"] = creds.apiKey;
      }
      const url = `${this.options.baseUrl}${spec.path}${qs === "" ? "" : `?${qs}`}`;
      const res = await send(this.t, { method: spec.method, url, headers });
      this.observe(res);
      return this.result(res, spec);
    });
  }

  private observe(res: HttpResponse): void {
    const used = res.headers.get("X-MBX-USED-WEIGHT-1M");
    if (used !== null) this.weight.observe(Number(used), this.clock.now());
    const orders = res.headers.get("X-MBX-ORDER-COUNT-10S");
    if (orders !== null) this.orders.observe(Number(orders), this.clock.now());
  }

  private result(res: HttpResponse, spec: Call): unknown {
    const what = `${spec.method} ${spec.path}`;
    if (res.status >= 200 && res.status < 300) return parseJson(this.t, res, what);
    if (res.status >= 500) {
      // Binance: a 5XX is not a failure; the execution status is UNKNOWN.
      throw new ExchangeError("binance", "unavailable", `${what}: HTTP ${res.status}`, { status: res.status, maybeExecuted: true });
    }
    if (res.status === 429 || res.status === 418) {
      const wait = retryAfterMs(res.headers.get("Retry-After"), this.clock.now());
      if (wait !== undefined) this.weight.pauseUntil(this.clock.now() + wait);
      const why = res.status === 418 ? "IP banned for ignoring 429s" : "rate limit exceeded";
      throw new ExchangeError("binance", "rate_limited", `${what}: ${why}`, { status: res.status, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
    }
    let code = "";
    let msg = res.text.slice(0, 200);
    try {
      const body = JSON.parse(res.text) as { code?: unknown; msg?: unknown };
      code = String(body.code ?? "");
      if (typeof body.msg === "string") msg = body.msg;
    } catch {
      // Not JSON: keep the raw excerpt.
    }
    const info = { status: res.status, venueCode: code };
    if (["-1002", "-1022", "-2014", "-2015"].includes(code) || res.status === 401) throw new ExchangeError("binance", "auth", `${what}: ${msg}`, info);
    if (code === "-1021") throw new ExchangeError("binance", "auth", `${what}: ${msg} (clock skew beyond recvWindow)`, info);
    if (code === "-1003") throw new ExchangeError("binance", "rate_limited", `${what}: ${msg}`, info);
    if (code === "-1121") throw new ExchangeError("binance", "unknown_symbol", `${what}: ${msg}`, info);
    if (code === "-2013" || code === "-2011") throw new ExchangeError("binance", "not_found", `${what}: ${msg}`, info);
    if (code === "-2010" && /insufficient balance/i.test(msg)) throw new ExchangeError("binance", "insufficient_funds", `${what}: ${msg}`, info);
    if (spec.order) throw new ExchangeError("binance", "invalid_order", `${what}: ${msg}`, info);
    throw new ExchangeError("binance", "invalid_request", `${what}: ${msg}`, info);
  }

  private credentials(): BinanceCredentials {
    if (!this.options.credentials) throw new ExchangeError("binance", "auth", "this endpoint is signed: configure an API key and its secret or Ed25519 private key");
    return this.options.credentials;
  }

  /** The percent-encoded signature of the query string; a key that cannot be read is an auth error. */
  private async sign(creds: BinanceCredentials, payload: string): Promise<string> {
    this.signer ??= binanceSigner(creds);
    try {
      return await this.signer(payload);
    } catch (error) {
      throw new ExchangeError("binance", "auth", `the API key could not be used: ${error instanceof Error ? error.message : "unknown error"}`);
    }
  }
}
