import { CANDLE_INTERVALS, type Candle, type CandleInterval, type OrderBook, type OrderRequest, type OrderStatus, type Ticker, type VenueOrder } from "../../core/market.js";
import { ZERO, str } from "../../core/money.js";
import { ExchangeError, type ExchangeErrorInfo, retryAfterMs } from "./errors.js";
import { concatBytes, fromBase64, hmac, sha256, toBase64, utf8 } from "./encoding.js";
import { type HttpResponse, type Transport, parseJson, queryString, send, transport, withRetries } from "./http.js";
import { ClientIdBook, placeOnce, plain, unknownOrder, validateOrder, venueClientId } from "./orders.js";
import { Reader } from "./parse.js";
import { type Clock, DecayingCounterLimiter, KRAKEN_TIERS, type KrakenTier, type RateLimiter, requestsPerSecond } from "./rate-limit.js";
import { KRAKEN_ASSETS, KRAKEN_SYMBOLS, SymbolMap, type SymbolTable } from "./symbols.js";
import { type Balance, type CancelOutcome, type ClientOptions, DEFAULT_TIMEOUT_MS, DEFAULT_UNKNOWN_OUTCOME_LOOKUPS, type VenueClient, clockFrom } from "./types.js";

export interface KrakenCredentials {
  readonly apiKey: string;
  /** Base64, as Kraken issues it. */
  readonly apiSecret: string;
}

export interface KrakenOptions extends ClientOptions<KrakenCredentials> {
  readonly symbols?: SymbolTable;
  readonly assets?: Readonly<Record<string, string>>;
  /** The account's verification tier sets the call counter's maximum and decay. Default starter. */
  readonly tier?: KrakenTier;
  /** Share between clients of the same API key: the counter is per key. */
  readonly counterLimiter?: RateLimiter;
  readonly publicLimiter?: RateLimiter;
}

/** Kraken's API-Sign: base64(HMAC-SHA512(base64decode(secret), path + SHA256(nonce + postdata))). */
export async function signKraken(secretBase64: string, path: string, nonce: string, postData: string): Promise<string> {
  const inner = await sha256(utf8(nonce + postData));
  return toBase64(await hmac("SHA-512", fromBase64(secretBase64), concatBytes(utf8(path), inner)));
}

const STATUS: Readonly<Record<string, OrderStatus>> = {
  pending: "pending",
  open: "open",
  closed: "filled",
  canceled: "cancelled",
  expired: "cancelled",
};

// cl_ord_id formats Kraken accepts: a long UUID, a short (32 hex) UUID, or up to 18 ASCII characters.
const CLIENT_ID = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}|[A-Za-z0-9_.:-]{1,18})$/;

/** Calls that do not raise the REST call counter (the trading engine limits them per pair), and those that raise it by 2. */
const COUNTER_COST: Readonly<Record<string, number>> = { AddOrder: 0, CancelOrder: 0, Ledgers: 2, QueryLedgers: 2, TradesHistory: 2, QueryTrades: 2 };

/** Errors that arrive inside an HTTP 200 body, by prefix. */
function classify(error: string, order: boolean): { code: ExchangeError["code"]; maybeExecuted?: boolean } {
  if (error.startsWith("EAPI:Rate limit exceeded") || error.startsWith("EOrder:Rate limit exceeded") || error.startsWith("EService:Throttled")) return { code: "rate_limited" };
  if (/^EAPI:Invalid (key|signature|nonce)/.test(error) || error.startsWith("EGeneral:Permission denied") || error.startsWith("EAPI:Feature disabled")) return { code: "auth" };
  if (error.startsWith("EOrder:Insufficient funds") || error.startsWith("EOrder:Insufficient margin")) return { code: "insufficient_funds" };
  if (error.startsWith("EOrder:Unknown order")) return { code: "not_found" };
  if (error.startsWith("EQuery:Unknown asset pair")) return { code: "unknown_symbol" };
  // The service took the request and may have acted on it.
  if (error.startsWith("EService:Deadline elapsed") || error.startsWith("EGeneral:Internal error")) return { code: "unavailable", maybeExecuted: true };
  if (error.startsWith("EService:") || error.startsWith("EGeneral:Temporary lockout")) return { code: "unavailable" };
  return { code: order ? "invalid_order" : "invalid_request" };
}

/** Kraken Spot over REST: form-encoded private POSTs signed with API-Sign, a per-key call counter. */
export class KrakenClient implements VenueClient {
  readonly exchange = "kraken" as const;
  private readonly t: Transport;
  private readonly clock: Clock;
  private readonly read = new Reader("kraken");
  private readonly symbols: SymbolMap;
  private readonly assets: Readonly<Record<string, string>>;
  private readonly ids = new ClientIdBook();
  private readonly txids = new Map<string, string>();
  private readonly counter: RateLimiter;
  private readonly publicLimiter: RateLimiter;
  private lastNonce = 0;

  constructor(private readonly options: KrakenOptions) {
    this.clock = clockFrom(options);
    this.t = transport("kraken", options, this.clock, DEFAULT_TIMEOUT_MS);
    this.symbols = new SymbolMap("kraken", options.symbols ?? KRAKEN_SYMBOLS);
    this.assets = options.assets ?? KRAKEN_ASSETS;
    const tier = KRAKEN_TIERS[options.tier ?? "starter"];
    this.counter = options.counterLimiter ?? new DecayingCounterLimiter(this.clock, tier.max, tier.decayPerSecond);
    this.publicLimiter = options.publicLimiter ?? requestsPerSecond(this.clock, 1);
  }

  async ticker(symbol: string): Promise<Ticker> {
    const t = this.read.record(this.onlyPair(await this.public("Ticker", { pair: this.symbols.toVenue(symbol) })), "ticker");
    const first = (field: unknown, what: string) => this.read.amount(this.read.array(field, what)[0], what);
    return { symbol, bid: first(t.b, "bid"), ask: first(t.a, "ask"), last: first(t.c, "last trade"), timeMs: this.clock.now() };
  }

  async book(symbol: string, depth: number): Promise<OrderBook> {
    const count = Math.max(1, Math.min(500, Math.floor(depth)));
    const b = this.read.record(this.onlyPair(await this.public("Depth", { pair: this.symbols.toVenue(symbol), count })), "depth");
    const levels = (side: unknown) =>
      this.read.array(side, "depth side").slice(0, count).map((level) => {
        const [price, size] = this.read.array(level, "depth level");
        return { price: this.read.amount(price, "level price"), size: this.read.amount(size, "level size") };
      });
    return { symbol, bids: levels(b.bids), asks: levels(b.asks), timeMs: this.clock.now() };
  }

  async candles(symbol: string, interval: CandleInterval, limit: number): Promise<Candle[]> {
    const minutes = CANDLE_INTERVALS[interval] / 60_000;
    const rows = this.read.array(this.onlyPair(await this.public("OHLC", { pair: this.symbols.toVenue(symbol), interval: minutes })), "ohlc");
    // Kraken sends up to 720 rows, oldest first; the last one is still forming.
    return rows.slice(-Math.max(1, Math.floor(limit))).map((row) => {
      const r = this.read.array(row, "ohlc row");
      return {
        openTimeMs: this.read.integer(r[0], "ohlc time") * 1000,
        open: this.read.amount(r[1], "open"),
        high: this.read.amount(r[2], "high"),
        low: this.read.amount(r[3], "low"),
        close: this.read.amount(r[4], "close"),
        volume: this.read.amount(r[6], "volume"),
      };
    });
  }

  async balances(): Promise<Balance[]> {
    const result = this.read.record(await this.private("BalanceEx", {}, true), "BalanceEx");
    return Object.entries(result).map(([code, value]) => {
      const b = this.read.record(value, "balance");
      const total = this.read.decimal(b.balance, "balance");
      const held = typeof b.hold_trade === "string" ? this.read.decimal(b.hold_trade, "hold_trade") : ZERO;
      return { asset: this.assets[code] ?? code, free: str(total.minus(held)), locked: str(held) };
    });
  }

  placeOrder(req: OrderRequest): Promise<VenueOrder> {
    validateOrder("kraken", req);
    const pair = this.symbols.toVenue(req.symbol);
    const params: Record<string, string | undefined> = {
      ordertype: req.type,
      pair,
      price: req.type === "limit" && req.price !== null ? plain(req.price) : undefined,
      type: req.side,
      volume: plain(req.quantity),
      cl_ord_id: this.clientId(req.clientOrderId),
      oflags: req.timeInForce === "post_only" ? "post" : undefined,
      timeinforce: req.type === "limit" && req.timeInForce === "ioc" ? "IOC" : undefined,
    };
    return placeOnce(
      req,
      { clock: this.clock, lookups: this.options.unknownOutcomeLookups ?? DEFAULT_UNKNOWN_OUTCOME_LOOKUPS },
      async () => {
        const result = this.read.record(await this.private("AddOrder", params, false, true), "AddOrder");
        const txid = this.read.string(this.read.array(result.txid, "txid")[0], "txid");
        this.txids.set(req.clientOrderId, txid);
        // Kraken answers with the id only: the order is accepted, its state comes from getOrder.
        return { ...unknownOrder(req, this.clock.now()), venueOrderId: txid, status: "pending" };
      },
      () => this.getOrder(req.symbol, req.clientOrderId),
    );
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<CancelOutcome> {
    this.symbols.toVenue(symbol);
    try {
      const result = this.read.record(await this.private("CancelOrder", { cl_ord_id: this.clientId(clientOrderId) }, true), "CancelOrder");
      return this.read.integer(result.count, "count") > 0 ? "cancelled" : "not_open";
    } catch (error) {
      if (error instanceof ExchangeError && error.code === "not_found") return "not_open";
      throw error;
    }
  }

  async getOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | null> {
    this.symbols.toVenue(symbol);
    const txid = this.txids.get(clientOrderId);
    if (txid !== undefined) {
      const result = this.read.record(await this.private("QueryOrders", { txid }, true), "QueryOrders");
      return result[txid] === undefined ? null : this.order(txid, result[txid], symbol);
    }
    const clOrdId = this.clientId(clientOrderId);
    for (const [method, key] of [["OpenOrders", "open"], ["ClosedOrders", "closed"]] as const) {
      const result = this.read.record(await this.private(method, { cl_ord_id: clOrdId }, true), method);
      const found = Object.entries(this.read.record(result[key] ?? {}, key))
        .filter(([, o]) => this.read.record(o, "order").cl_ord_id === clOrdId)
        .map(([id, o]) => this.order(id, o, symbol))
        .sort((a, b) => b.updatedAtMs - a.updatedAtMs);
      if (found[0] !== undefined) {
        if (found[0].venueOrderId !== null) this.txids.set(clientOrderId, found[0].venueOrderId);
        return found[0];
      }
    }
    return null;
  }

  async openOrders(symbol?: string): Promise<VenueOrder[]> {
    if (symbol !== undefined) this.symbols.toVenue(symbol);
    const result = this.read.record(await this.private("OpenOrders", {}, true), "OpenOrders");
    const out: VenueOrder[] = [];
    for (const [txid, value] of Object.entries(this.read.record(result.open ?? {}, "open"))) {
      const pair = this.read.string(this.read.record(this.read.record(value, "order").descr, "descr").pair, "pair");
      const ours = this.symbols.fromVenue(pair);
      if (ours !== null && (symbol === undefined || ours === symbol)) out.push(this.order(txid, value, ours));
    }
    return out;
  }

  private clientId(ours: string): string {
    const venue = venueClientId(ours, (id) => CLIENT_ID.test(id), "uuid");
    this.ids.remember(venue, ours);
    return venue;
  }

  private order(txid: string, value: unknown, symbol: string): VenueOrder {
    const o = this.read.record(value, "order");
    const descr = this.read.record(o.descr, "descr");
    const executed = this.read.decimal(o.vol_exec, "vol_exec");
    const ordertype = this.read.string(descr.ordertype, "ordertype");
    const status = STATUS[this.read.string(o.status, "status")] ?? "unknown";
    const oflags = typeof o.oflags === "string" ? o.oflags.split(",") : [];
    const clOrdId = this.read.optionalString(o.cl_ord_id);
    const at = typeof o.closetm === "number" && o.closetm > 0 ? o.closetm : this.read.number(o.opentm, "opentm");
    return {
      clientOrderId: clOrdId === null ? (typeof o.userref === "number" && o.userref !== 0 ? String(o.userref) : txid) : this.ids.ours(clOrdId),
      venueOrderId: txid,
      symbol,
      side: this.read.string(descr.type, "side") === "sell" ? "sell" : "buy",
      type: ordertype === "market" ? "market" : "limit",
      // Kraken's order record does not carry the time in force it was placed with; only post-only shows, in oflags.
      timeInForce: oflags.includes("post") ? "post_only" : "gtc",
      price: ordertype === "market" ? null : this.read.amount(descr.price, "price"),
      quantity: this.read.amount(o.vol, "vol"),
      filledQuantity: str(executed),
      averagePrice: executed.isZero() ? "0" : this.read.amount(o.price, "average price"),
      status: status === "open" && !executed.isZero() ? "partially_filled" : status,
      updatedAtMs: Math.round(at * 1000),
    };
  }

  /** Kraken keys results by its own pair name (XXBTZUSD for XBTUSD): take the one pair asked for. */
  private onlyPair(result: unknown): unknown {
    const entries = Object.entries(this.read.record(result, "result")).filter(([key]) => key !== "last");
    if (entries.length !== 1) return this.read.fail("result pairs", Object.keys(result as object));
    return entries[0]![1];
  }

  private public(method: string, params: Record<string, string | number>): Promise<unknown> {
    return withRetries(this.t, true, async () => {
      await this.publicLimiter.acquire(1);
      const qs = queryString(params);
      const res = await send(this.t, { method: "GET", url: `${this.options.baseUrl}/0/public/${method}${qs === "" ? "" : `?${qs}`}` });
      return this.result(res, `GET ${method}`, false);
    });
  }

  private private(method: string, params: Record<string, string | undefined>, idempotent: boolean, order = false): Promise<unknown> {
    return withRetries(this.t, idempotent, async () => {
      const creds = this.credentials();
      const cost = COUNTER_COST[method] ?? 1;
      if (cost > 0) await this.counter.acquire(cost);
      const path = `/0/private/${method}`;
      const nonce = String(this.nextNonce());
      const body = queryString({ nonce, ...params });
      const res = await send(this.t, {
        method: "POST",
        url: `${this.options.baseUrl}${path}`,
        headers: {
          "API-Key": creds.apiKey,
          "API-Sign": await signKraken(creds.apiSecret, path, nonce, body),
          "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        },
        body,
      });
      return this.result(res, `POST ${method}`, order);
    });
  }

  private result(res: HttpResponse, what: string, order: boolean): unknown {
    if (res.status >= 500) throw new ExchangeError("kraken", "unavailable", `${what}: HTTP ${res.status}`, { status: res.status, maybeExecuted: true });
    if (res.status === 429) {
      const wait = retryAfterMs(res.headers.get("Retry-After"), this.clock.now());
      throw new ExchangeError("kraken", "rate_limited", `${what}: HTTP 429`, { status: 429, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
    }
    if (res.status === 401 || res.status === 403) throw new ExchangeError("kraken", "auth", `${what}: HTTP ${res.status}`, { status: res.status });
    const body = this.read.record(parseJson(this.t, res, what), "response");
    const errors = Array.isArray(body.error) ? body.error.filter((e): e is string => typeof e === "string") : [];
    if (errors.length > 0) {
      // Kraken reports failures inside HTTP 200: the error array decides, not the status.
      const first = errors[0]!;
      const { code, maybeExecuted } = classify(first, order);
      const info: ExchangeErrorInfo = { status: res.status, venueCode: first, ...(maybeExecuted ? { maybeExecuted } : {}), ...this.throttledFor(first) };
      throw new ExchangeError("kraken", code, `${what}: ${errors.join("; ")}`, info);
    }
    if (res.status < 200 || res.status >= 300) throw new ExchangeError("kraken", order ? "invalid_order" : "invalid_request", `${what}: HTTP ${res.status}`, { status: res.status });
    return body.result;
  }

  /** "EService:Throttled: 1700000000" names the second to try again at. */
  private throttledFor(error: string): { retryAfterMs?: number } {
    const match = /^EService:Throttled:\s*(\d+)/.exec(error);
    return match?.[1] ? { retryAfterMs: Math.max(0, Number(match[1]) * 1000 - this.clock.now()) } : {};
  }

  /** Strictly increasing per key, even within one millisecond and across retries. */
  private nextNonce(): number {
    this.lastNonce = Math.max(this.clock.now(), this.lastNonce + 1);
    return this.lastNonce;
  }

  private credentials(): KrakenCredentials {
    if (!this.options.credentials) throw new ExchangeError("kraken", "auth", "private endpoints need an API key and secret");
    return this.options.credentials;
  }
}
