import { CANDLE_INTERVALS, type Candle, type CandleInterval, type OrderBook, type OrderRequest, type OrderStatus, type Ticker, type VenueOrder } from "../../core/market.js";
import { ZERO, dec, str } from "../../core/money.js";
import { ExchangeError, retryAfterMs } from "./errors.js";
import { type HttpResponse, type Transport, parseJson, send, transport, withRetries } from "./http.js";
import { type HyperliquidMarket, type HyperliquidMarkets, marketsFromMeta, symbolOfCoin, unknownSymbol } from "./hyperliquid-markets.js";
import { addressOf, priceProblem, signL1Action, slippagePrice, toWire } from "./hyperliquid-signing.js";
import { ClientIdBook, placeOnce, plain, unknownOrder, validateOrder, venueClientId } from "./orders.js";
import { Reader, averagePrice } from "./parse.js";
import { type Clock, type RateLimiter, SlidingWindowLimiter } from "./rate-limit.js";
import { HYPERLIQUID_PERPS } from "./symbols.js";
import { type Balance, type CancelOutcome, type ClientOptions, DEFAULT_TIMEOUT_MS, DEFAULT_UNKNOWN_OUTCOME_LOOKUPS, type VenueClient, clockFrom } from "./types.js";

export interface HyperliquidCredentials {
  /** The signer: the account's key or an approved API (agent) wallet's key. 0x-prefixed hex. */
  readonly privateKey: string;
  /** The account the orders belong to, when the signer is an API wallet. */
  readonly accountAddress?: string;
  /** Trade for a vault or subaccount. */
  readonly vaultAddress?: string;
}

export interface HyperliquidOptions extends ClientOptions<HyperliquidCredentials> {
  /** Signs with source "a" on mainnet, "b" on testnet. Default: testnet when the base URL says so. */
  readonly network?: "mainnet" | "testnet";
  /** Perp symbols by coin name; spot pairs are read from spotMeta. */
  readonly perps?: Readonly<Record<string, string>>;
  /** Markets already known: skips the meta/spotMeta reads for these symbols. */
  readonly markets?: HyperliquidMarkets;
  /** How far past the mid a market order (an aggressive IOC limit) may fill. Default "0.05". */
  readonly marketSlippage?: string;
  /** 1200 weight per minute per IP; share between clients on the same IP. */
  readonly limiter?: RateLimiter;
}

/** An order as /info reports it, with its creation time (to find its fills). */
interface Placed {
  readonly order: VenueOrder;
  readonly createdMs: number;
}

/** /info request weights: 2 for these, 20 for the rest (some add weight per item returned). */
const LIGHT_INFO = new Set(["l2Book", "allMids", "clearinghouseState", "orderStatus", "spotClearinghouseState", "exchangeStatus"]);

const TIF = { gtc: "Gtc", ioc: "Ioc", post_only: "Alo" } as const;

function statusOf(status: string): OrderStatus {
  if (status === "open" || status === "triggered") return "open";
  if (status === "filled") return "filled";
  if (status === "rejected" || status.endsWith("Rejected")) return "rejected";
  if (status === "canceled" || status.endsWith("Canceled") || status === "scheduledCancel") return "cancelled";
  return "unknown";
}

/** Hyperliquid over its HTTP API: POST /info for reads, POST /exchange for L1 actions signed with secp256k1. */
export class HyperliquidClient implements VenueClient {
  readonly exchange = "hyperliquid" as const;
  private readonly t: Transport;
  private readonly clock: Clock;
  private readonly read = new Reader("hyperliquid");
  private readonly limiter: RateLimiter;
  private readonly ids = new ClientIdBook();
  private readonly mainnet: boolean;
  private loaded: Promise<HyperliquidMarkets> | null = null;
  private lastNonce = 0;

  constructor(private readonly options: HyperliquidOptions) {
    this.clock = clockFrom(options);
    this.t = transport("hyperliquid", options, this.clock, DEFAULT_TIMEOUT_MS);
    this.limiter = options.limiter ?? new SlidingWindowLimiter(this.clock, 1200, 60_000);
    this.mainnet = (options.network ?? (/testnet/i.test(options.baseUrl) ? "testnet" : "mainnet")) === "mainnet";
  }

  async ticker(symbol: string): Promise<Ticker> {
    const m = await this.market(symbol);
    const [book, mids] = await Promise.all([this.l2(m.coin), this.info({ type: "allMids" })]);
    const top = (levels: readonly { price: string }[], what: string) => levels[0]?.price ?? this.read.fail(what, "empty");
    // Hyperliquid's light endpoints carry no last trade; `last` is the exchange's mid price.
    return { symbol, bid: top(book.bids, "best bid"), ask: top(book.asks, "best ask"), last: this.read.amount(this.read.record(mids, "allMids")[m.coin], "mid"), timeMs: book.timeMs };
  }

  async book(symbol: string, depth: number): Promise<OrderBook> {
    const m = await this.market(symbol);
    const b = await this.l2(m.coin);
    const n = Math.max(1, Math.floor(depth));
    return { symbol, bids: b.bids.slice(0, n), asks: b.asks.slice(0, n), timeMs: b.timeMs };
  }

  async candles(symbol: string, interval: CandleInterval, limit: number): Promise<Candle[]> {
    const m = await this.market(symbol);
    const count = Math.max(1, Math.min(5000, Math.floor(limit)));
    const endTime = this.clock.now();
    const startTime = endTime - count * CANDLE_INTERVALS[interval];
    const rows = this.read.array(await this.info({ type: "candleSnapshot", req: { coin: m.coin, interval, startTime, endTime } }), "candles");
    this.limiter.charge(Math.floor(rows.length / 60));
    return rows.slice(-count).map((row) => {
      const c = this.read.record(row, "candle");
      return { openTimeMs: this.read.integer(c.t, "t"), open: this.read.amount(c.o, "o"), high: this.read.amount(c.h, "h"), low: this.read.amount(c.l, "l"), close: this.read.amount(c.c, "c"), volume: this.read.amount(c.v, "v") };
    });
  }

  /** Spot tokens, plus the perp margin account as "USD" (USDC): free is what can be withdrawn. */
  async balances(): Promise<Balance[]> {
    const user = this.user();
    const [spot, perp] = await Promise.all([this.info({ type: "spotClearinghouseState", user }), this.info({ type: "clearinghouseState", user })]);
    const out: Balance[] = this.read.array(this.read.record(spot, "spotClearinghouseState").balances, "balances").map((entry) => {
      const b = this.read.record(entry, "spot balance");
      const total = this.read.decimal(b.total, "total");
      const hold = this.read.decimal(b.hold, "hold");
      return { asset: this.read.string(b.coin, "coin"), free: str(total.minus(hold)), locked: str(hold) };
    });
    const p = this.read.record(perp, "clearinghouseState");
    const value = this.read.decimal(this.read.record(p.marginSummary, "marginSummary").accountValue, "accountValue");
    const withdrawable = this.read.decimal(p.withdrawable, "withdrawable");
    out.push({ asset: "USD", free: str(withdrawable), locked: str(value.minus(withdrawable)) });
    return out;
  }

  async placeOrder(req: OrderRequest): Promise<VenueOrder> {
    validateOrder("hyperliquid", req);
    const m = await this.market(req.symbol);
    const refuse = (why: string): never => {
      throw new ExchangeError("hyperliquid", "invalid_order", `order ${req.clientOrderId}: ${why}`);
    };
    if (dec(req.quantity).decimalPlaces() > m.szDecimals) refuse(`size ${req.quantity} has more than ${m.szDecimals} decimals`);
    let price: string;
    if (req.type === "market") {
      const mids = this.read.record(await this.info({ type: "allMids" }), "allMids");
      price = slippagePrice(this.read.amount(mids[m.coin], "mid"), req.side === "buy", this.options.marketSlippage ?? "0.05", m.szDecimals, m.spot);
    } else {
      price = plain(req.price ?? "0");
      const problem = priceProblem(price, m.szDecimals, m.spot);
      if (problem !== null) refuse(problem);
    }
    const cloid = this.cloid(req.clientOrderId);
    const action = {
      type: "order",
      orders: [orderWire({ asset: m.asset, isBuy: req.side === "buy", price, size: plain(req.quantity), reduceOnly: false, tif: req.type === "market" ? "Ioc" : TIF[req.timeInForce], cloid })],
      grouping: "na",
    };
    return placeOnce(
      req,
      { clock: this.clock, lookups: this.options.unknownOutcomeLookups ?? DEFAULT_UNKNOWN_OUTCOME_LOOKUPS },
      async () => this.placed(req, price, this.firstStatus(await this.exchangeAction(action, false, true))),
      () => this.getOrder(req.symbol, req.clientOrderId),
    );
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<CancelOutcome> {
    const m = await this.market(symbol);
    const status = this.firstStatus(await this.exchangeAction({ type: "cancelByCloid", cancels: [{ asset: m.asset, cloid: this.cloid(clientOrderId) }] }, true, false));
    if (status === "success") return "cancelled";
    const error = typeof status === "object" && status !== null ? (status as { error?: unknown }).error : undefined;
    if (typeof error === "string" && /never placed|already canceled|filled/i.test(error)) return "not_open";
    throw new ExchangeError("hyperliquid", "invalid_request", `cancel ${clientOrderId}: ${typeof error === "string" ? error : JSON.stringify(status)}`);
  }

  async getOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | null> {
    await this.market(symbol);
    const body = this.read.record(await this.info({ type: "orderStatus", user: this.user(), oid: this.cloid(clientOrderId) }), "orderStatus");
    if (body.status !== "order") return null;
    const wrapper = this.read.record(body.order, "order status");
    const order = this.order(wrapper.order, symbol, statusOf(this.read.string(wrapper.status, "status")), wrapper.statusTimestamp);
    return (await this.withAverages([order]))[0]!;
  }

  async openOrders(symbol?: string): Promise<VenueOrder[]> {
    const given = this.options.markets ?? {};
    const markets = symbol !== undefined ? { [symbol]: await this.market(symbol) } : Object.keys(given).length > 0 ? given : await this.markets();
    const rows = this.read.array(await this.info({ type: "frontendOpenOrders", user: this.user() }), "frontendOpenOrders");
    const out: Placed[] = [];
    for (const row of rows) {
      const ours = symbolOfCoin(markets, this.read.string(this.read.record(row, "open order").coin, "coin"));
      if (ours !== null) out.push(this.order(row, ours, "open", undefined));
    }
    return this.withAverages(out);
  }

  private async market(symbol: string): Promise<HyperliquidMarket> {
    const m = this.options.markets?.[symbol] ?? (await this.markets())[symbol];
    if (m === undefined) throw unknownSymbol(symbol);
    return m;
  }

  /** Markets from the options, completed once from meta and spotMeta. */
  private markets(): Promise<HyperliquidMarkets> {
    this.loaded ??= Promise.all([this.info({ type: "meta" }), this.info({ type: "spotMeta" })])
      .then(([meta, spotMeta]) => ({ ...marketsFromMeta(this.read, meta, spotMeta, this.options.perps ?? HYPERLIQUID_PERPS), ...this.options.markets }))
      .catch((error: unknown) => {
        this.loaded = null;
        throw error;
      });
    return this.loaded;
  }

  private async l2(coin: string): Promise<{ bids: { price: string; size: string }[]; asks: { price: string; size: string }[]; timeMs: number }> {
    const body = this.read.record(await this.info({ type: "l2Book", coin }), "l2Book");
    const [bids, asks] = this.read.array(body.levels, "levels");
    const side = (levels: unknown) =>
      this.read.array(levels, "book side").map((level) => {
        const l = this.read.record(level, "level");
        return { price: this.read.amount(l.px, "px"), size: this.read.amount(l.sz, "sz") };
      });
    return { bids: side(bids), asks: side(asks), timeMs: this.read.integer(body.time, "time") };
  }

  private order(value: unknown, symbol: string, status: OrderStatus, statusTimestamp: unknown): Placed {
    const o = this.read.record(value, "order");
    const original = this.read.decimal(o.origSz, "origSz");
    const filled = original.minus(this.read.decimal(o.sz, "sz"));
    const cloid = this.read.optionalString(o.cloid);
    const tif = this.read.optionalString(o.tif);
    const market = o.orderType === "Market" || tif === "FrontendMarket";
    const order: VenueOrder = {
      clientOrderId: cloid === null ? String(this.read.integer(o.oid, "oid")) : this.ids.ours(cloid),
      venueOrderId: String(this.read.integer(o.oid, "oid")),
      symbol,
      side: o.side === "A" ? "sell" : "buy",
      type: market ? "market" : "limit",
      timeInForce: tif === "Alo" ? "post_only" : tif === "Ioc" || market ? "ioc" : "gtc",
      price: market ? null : this.read.amount(o.limitPx, "limitPx"),
      quantity: str(original),
      filledQuantity: str(filled),
      averagePrice: "0",
      status: status === "open" && !filled.isZero() ? "partially_filled" : status,
      updatedAtMs: this.read.integer(statusTimestamp ?? o.timestamp, "timestamp"),
    };
    return { order, createdMs: this.read.integer(o.timestamp, "timestamp") };
  }

  /**
   * orderStatus and open orders carry no average price: it comes from the account's fills since the
   * oldest filled order was created (one read; the exchange answers at most 2000 fills).
   */
  private async withAverages(placed: readonly Placed[]): Promise<VenueOrder[]> {
    const orders = placed.map((p) => p.order);
    const filled = placed.filter((p) => p.order.filledQuantity !== "0");
    if (filled.length === 0) return orders;
    const since = Math.min(...filled.map((p) => p.createdMs));
    const fills = this.read.array(await this.info({ type: "userFillsByTime", user: this.user(), startTime: since, aggregateByTime: false }), "userFills");
    this.limiter.charge(Math.floor(fills.length / 20));
    const byOid = new Map<string, { notional: typeof ZERO; size: typeof ZERO }>();
    for (const entry of fills) {
      const f = this.read.record(entry, "fill");
      const oid = String(this.read.integer(f.oid, "fill oid"));
      const size = this.read.decimal(f.sz, "fill sz");
      const acc = byOid.get(oid) ?? { notional: ZERO, size: ZERO };
      byOid.set(oid, { notional: acc.notional.plus(this.read.decimal(f.px, "fill px").times(size)), size: acc.size.plus(size) });
    }
    return orders.map((o) => {
      const acc = o.venueOrderId === null ? undefined : byOid.get(o.venueOrderId);
      return acc === undefined ? o : { ...o, averagePrice: averagePrice(acc.notional, acc.size) };
    });
  }

  private placed(req: OrderRequest, price: string, status: unknown): VenueOrder {
    const base = { ...unknownOrder(req, this.clock.now()), price: req.type === "market" ? null : price };
    const s = this.read.record(status, "order status");
    if (typeof s.error === "string") {
      const code = /insufficient (margin|spot balance)/i.test(s.error) ? "insufficient_funds" : "invalid_order";
      throw new ExchangeError("hyperliquid", code, `order ${req.clientOrderId} rejected: ${s.error}`, { venueCode: s.error });
    }
    if (s.resting !== undefined) return { ...base, venueOrderId: String(this.read.integer(this.read.record(s.resting, "resting").oid, "oid")), status: "open" };
    const f = this.read.record(s.filled, "filled");
    const total = this.read.decimal(f.totalSz, "totalSz");
    // A fill short of the size means an IOC whose rest was cancelled.
    return {
      ...base,
      venueOrderId: String(this.read.integer(f.oid, "oid")),
      filledQuantity: str(total),
      averagePrice: this.read.amount(f.avgPx, "avgPx"),
      status: total.equals(dec(req.quantity)) ? "filled" : "cancelled",
    };
  }

  private firstStatus(response: unknown): unknown {
    const data = this.read.record(this.read.record(response, "response").data, "response data");
    return this.read.array(data.statuses, "statuses")[0];
  }

  private cloid(ours: string): string {
    const venue = venueClientId(ours, (id) => /^0x[0-9a-f]{32}$/.test(id), "hex16");
    this.ids.remember(venue, ours);
    return venue;
  }

  private user(): string {
    const c = this.credentials();
    return (c.vaultAddress ?? c.accountAddress ?? addressOf(c.privateKey)).toLowerCase();
  }

  private info(body: { type: string } & Record<string, unknown>): Promise<unknown> {
    return withRetries(this.t, true, async () => {
      await this.limiter.acquire(LIGHT_INFO.has(body.type) ? 2 : 20);
      const res = await send(this.t, { method: "POST", url: `${this.options.baseUrl}/info`, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      return this.result(res, `info ${body.type}`, false);
    });
  }

  private exchangeAction(action: Record<string, unknown>, idempotent: boolean, order: boolean): Promise<unknown> {
    return withRetries(this.t, idempotent, async () => {
      const c = this.credentials();
      await this.limiter.acquire(1);
      const nonce = this.nextNonce();
      const vaultAddress = c.vaultAddress?.toLowerCase() ?? null;
      const signature = signL1Action({ privateKey: c.privateKey, action, vaultAddress, nonce, mainnet: this.mainnet });
      const body = JSON.stringify({ action, nonce, signature, vaultAddress, expiresAfter: null });
      const res = await send(this.t, { method: "POST", url: `${this.options.baseUrl}/exchange`, headers: { "Content-Type": "application/json" }, body });
      const parsed = this.read.record(this.result(res, `exchange ${String(action.type)}`, order), "exchange response");
      if (parsed.status !== "ok") {
        const message = typeof parsed.response === "string" ? parsed.response : JSON.stringify(parsed.response);
        const code = /does not exist|signature|not authorized/i.test(message) ? "auth" : /insufficient/i.test(message) ? "insufficient_funds" : order ? "invalid_order" : "invalid_request";
        throw new ExchangeError("hyperliquid", code, `${String(action.type)}: ${message}`, { status: res.status, venueCode: message.slice(0, 120) });
      }
      return parsed.response;
    });
  }

  private result(res: HttpResponse, what: string, order: boolean): unknown {
    if (res.status >= 200 && res.status < 300) return parseJson(this.t, res, what);
    if (res.status >= 500) throw new ExchangeError("hyperliquid", "unavailable", `${what}: HTTP ${res.status}`, { status: res.status, maybeExecuted: true });
    if (res.status === 429) {
      const wait = retryAfterMs(res.headers.get("Retry-After"), this.clock.now());
      if (wait !== undefined) this.limiter.pauseUntil(this.clock.now() + wait);
      throw new ExchangeError("hyperliquid", "rate_limited", `${what}: HTTP 429`, { status: 429, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
    }
    throw new ExchangeError("hyperliquid", order ? "invalid_order" : "invalid_request", `${what}: HTTP ${res.status}: ${res.text.slice(0, 160)}`, { status: res.status });
  }

  /** Milliseconds, strictly increasing: Hyperliquid refuses a nonce it has seen. */
  private nextNonce(): number {
    this.lastNonce = Math.max(this.clock.now(), this.lastNonce + 1);
    return this.lastNonce;
  }

  private credentials(): HyperliquidCredentials {
    if (!this.options.credentials) throw new ExchangeError("hyperliquid", "auth", "account endpoints need a private key");
    return this.options.credentials;
  }
}

export interface OrderWireInput {
  readonly asset: number;
  readonly isBuy: boolean;
  readonly price: string;
  readonly size: string;
  readonly reduceOnly: boolean;
  readonly tif: "Gtc" | "Ioc" | "Alo";
  readonly cloid: string | null;
}

/** An order in the SDK's wire shape; key order matters, it is hashed as msgpack. */
export function orderWire(o: OrderWireInput): Record<string, unknown> {
  const wire: Record<string, unknown> = { a: o.asset, b: o.isBuy, p: toWire(o.price), s: toWire(o.size), r: o.reduceOnly, t: { limit: { tif: o.tif } } };
  if (o.cloid !== null) wire.c = o.cloid;
  return wire;
}
