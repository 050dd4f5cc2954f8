import { DurableObject } from "cloudflare:workers";
import { CANDLE_INTERVALS, type Candle, aggregateCandles, type CandleInterval, type Fill, type OrderBook, type OrderRequest, type Ticker, type VenueOrder, type VenueSpec } from "../core/market.js";
import { bookFor } from "../core/market-book.js";
import { type MarketState, createMarket, stepMarket, venuePrice } from "../core/market-sim.js";
import { type MatchingSpec, type RestingBook, cancelOrder, emptyRestingBook, matchResting, matchingSpec, submitOrder } from "../core/matching.js";
import { Decimal, str } from "../core/money.js";
import { MARKET_STEP_MS, type MarketSource, PAPER_MARKET, PAPER_MARKET_SEED, liveSymbolFor, paperVenueSpec } from "../core/paper-venues.js";
import { balanceDifferences, expectedBalances, fillFromProgress } from "../core/live-fills.js";
import { BASE_URLS, type VenueClient, type VenueClientConfig, createVenueClient, isExchangeError, openCredentials, venueKeysSecret } from "../adapters/exchanges/index.js";
import { custom, run } from "../core/events.js";
import { agentStub, hubStub } from "./stubs.js";
import type { SubmitResult, VenueSettings } from "../core/messages.js";
import type { RefusalCode } from "../core/refusals.js";

/** A market that fell further behind than this catches up in one coarse step (and leaves the shared path). */
const MAX_CATCH_UP_STEPS = 86_400;
const DAY_MS = 86_400_000;
/** One-minute candles kept per symbol; longer intervals are built from them. */
const CANDLES_KEPT = 2_000;
/** How often the venue's clock runs while orders rest on it. */
const RESTING_CHECK_MS = 1_000;
const FILL_RETRY_MS = 2_000;
/** How often a live venue compares the exchange's orders with its records. */
const RECONCILE_INTERVAL_MS = 10_000;

/** A live book older than this is fetched again. */
const LIVE_BOOK_TTL_MS = 1_000;
const LIVE_TIMEOUT_MS = 3_000;



interface CandleRow {
  symbol: string;
  open_time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  [key: string]: SqlStorageValue;
}

/**
 * A paper venue account: its market (a synthetic market advanced on a shared clock grid, so that
 * all paper venues agree), the desk's orders on it, fills, and their delivery to the agents'
 * wallets, exactly once (an outbox keyed by fill id, retried by alarm).
 */
export class Venue extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private spec: VenueSpec | null = null;
  private market: MarketState | null = null;
  private readonly matching = new Map<string, MatchingSpec>();
  private readonly liveBooks = new Map<string, OrderBook>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS venue_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS resting (symbol TEXT PRIMARY KEY, book TEXT NOT NULL)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS orders (client_order_id TEXT PRIMARY KEY, account TEXT NOT NULL, symbol TEXT NOT NULL, status TEXT NOT NULL, order_json TEXT NOT NULL, updated_ms INTEGER NOT NULL)`);
      this.sql.exec(`CREATE INDEX IF NOT EXISTS orders_account ON orders (account, updated_ms)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS fills (fill_id TEXT PRIMARY KEY, client_order_id TEXT NOT NULL, account TEXT NOT NULL, fill_json TEXT NOT NULL, delivered INTEGER NOT NULL, time_ms INTEGER NOT NULL)`);
      this.sql.exec(`CREATE INDEX IF NOT EXISTS fills_order ON fills (client_order_id)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS candles (symbol TEXT NOT NULL, open_time INTEGER NOT NULL, open TEXT NOT NULL, high TEXT NOT NULL, low TEXT NOT NULL, close TEXT NOT NULL, volume TEXT NOT NULL, PRIMARY KEY (symbol, open_time))`);
      const market = this.sql.exec<{ value: string }>(`SELECT value FROM venue_meta WHERE key = 'market'`).toArray()[0];
      if (market) this.market = JSON.parse(market.value) as MarketState;
    });
  }

  private venueId(): string {
    const id = this.sql.exec<{ value: string }>(`SELECT value FROM venue_meta WHERE key = 'id'`).toArray()[0]?.value;
    if (!id) throw new Error("invariant: venue used before open()");
    return id;
  }

  /** Names the venue (idempotent); every call through `venueStub` does it first. */
  async open(id: string): Promise<VenueSpec> {
    const spec = paperVenueSpec(id);
    if (!spec) throw new Error(`invariant: no paper venue ${id}`);
    this.sql.exec(`INSERT OR IGNORE INTO venue_meta (key, value) VALUES ('id', ?)`, id);
    this.spec = spec;
    return spec;
  }

  private setting(key: string): string | null {
    return this.sql.exec<{ value: string }>(`SELECT value FROM venue_meta WHERE key = ?`, key).toArray()[0]?.value ?? null;
  }

  async settings(): Promise<VenueSettings> {
    const spec = this.venueSpec();
    const lastLive = this.setting("last_live");
    return {
      id: spec.id,
      exchange: spec.exchange,
      marketSource: (this.setting("market_source") as MarketSource | null) ?? "synthetic",
      baseUrl: this.setting("base_url") ?? BASE_URLS[spec.exchange],
      hasKeys: this.setting("keys") !== null,
      trading: this.setting("trading") === "live" ? "live" : "paper",
      lastLive: lastLive ? (JSON.parse(lastLive) as VenueSettings["lastLive"]) : null,
    };
  }

  /** Chooses where prices come from (paper-on-live takes the exchange's public books; fills stay simulated). */
  async configure(marketSource: MarketSource, baseUrl: string | null): Promise<VenueSettings> {
    this.sql.exec(`INSERT OR REPLACE INTO venue_meta (key, value) VALUES ('market_source', ?)`, marketSource);
    if (baseUrl) this.sql.exec(`INSERT OR REPLACE INTO venue_meta (key, value) VALUES ('base_url', ?)`, baseUrl);
    else this.sql.exec(`DELETE FROM venue_meta WHERE key = 'base_url'`);
    this.liveBooks.clear();
    return this.settings();
  }

  /** Switches between simulated fills and real orders; real orders need stored keys. */
  async setTrading(trading: "paper" | "live"): Promise<{ ok: true; settings: VenueSettings } | { ok: false; code: RefusalCode; message: string }> {
    if (trading === "live" && this.setting("keys") === null) return { ok: false, code: "keys_missing", message: "store the exchange's keys first (PUT /api/venues/:id/keys)" };
    if (trading === "live" && this.setting("trading") !== "live") {
      // What the account holds when the desk starts trading it: the baseline balances are compared against.
      try {
        const balances = await (await this.tradingClient()).balances();
        this.sql.exec(`INSERT OR REPLACE INTO venue_meta (key, value) VALUES ('baseline', ?)`, JSON.stringify(this.exchangeBalances(balances)));
      } catch (err) {
        return { ok: false, code: "exchange_unreachable", message: `the exchange's balances could not be read: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    this.sql.exec(`INSERT OR REPLACE INTO venue_meta (key, value) VALUES ('trading', ?)`, trading);
    await this.arm();
    return { ok: true, settings: await this.settings() };
  }

  /** The exchange's balances (free + locked) in the desk's asset names (USDT counted as USD where it quotes). */
  private exchangeBalances(balances: ReadonlyArray<{ asset: string; free: string; locked: string }>): Record<string, string> {
    const out: Record<string, string> = {};
    const usdStandIn = liveSymbolFor(this.venueSpec().exchange, "X-USD").endsWith("-USDT") ? "USDT" : null;
    for (const b of balances) {
      const asset = b.asset === usdStandIn ? "USD" : b.asset;
      out[asset] = str(new Decimal(out[asset] ?? "0").plus(b.free).plus(b.locked));
    }
    return out;
  }

  private isLive(): boolean {
    return this.setting("trading") === "live";
  }

  /** The exchange client with the account's keys, opened from their sealed envelope. */
  private async tradingClient(): Promise<VenueClient> {
    const envelope = this.setting("keys");
    if (!envelope) throw new Error("invariant: live trading without keys");
    const spec = this.venueSpec();
    const credentials = await openCredentials(venueKeysSecret(this.env), envelope, spec.id);
    return createVenueClient({ exchange: spec.exchange, options: { baseUrl: this.setting("base_url") ?? BASE_URLS[spec.exchange], credentials } } as VenueClientConfig);
  }

  /** Records a new report of a live order and the fill it implies. Call inside a transaction. */
  private recordLive(account: string, order: VenueOrder, nowMs: number): void {
    const prevRow = this.sql.exec<{ order_json: string }>(`SELECT order_json FROM orders WHERE client_order_id = ?`, order.clientOrderId).toArray()[0];
    const prev = prevRow ? (JSON.parse(prevRow.order_json) as VenueOrder) : null;
    const spec = this.venueSpec();
    const fill = fillFromProgress(prev, order, new Decimal(spec.takerFeeRate), spec.symbols.find((s) => s.symbol === order.symbol)?.quote ?? "USD", nowMs);
    this.saveOrder(account, order);
    if (fill) this.saveFills(account, [fill]);
  }

  /**
   * A real order: the record is written before the exchange is called; an answer that is lost
   * leaves the order `unknown`, and while an account has one it takes no new risk.
   */
  private async submitLive(account: string, order: OrderRequest): Promise<SubmitResult> {
    const unknown = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM orders WHERE account = ? AND status IN ('unknown', 'pending')`, account).one().n;
    if (unknown > 0) return { ok: false, code: "unknown_order_outstanding", message: `${account} has an order whose outcome is not known yet: no new orders until it is reconciled` };
    const nowMs = Date.now();
    const pending: VenueOrder = { clientOrderId: order.clientOrderId, venueOrderId: null, symbol: order.symbol, side: order.side, type: order.type, timeInForce: order.timeInForce, price: order.price, quantity: order.quantity, filledQuantity: "0", averagePrice: "0", status: "pending", updatedAtMs: nowMs };
    this.saveOrder(account, pending);
    const exchangeSymbol = liveSymbolFor(this.venueSpec().exchange, order.symbol);
    try {
      const reported = await (await this.tradingClient()).placeOrder({ ...order, symbol: exchangeSymbol });
      this.ctx.storage.transactionSync(() => this.recordLive(account, { ...reported, symbol: order.symbol }, Date.now()));
    } catch (err) {
      if (isExchangeError(err) && err.code !== "unknown_outcome" && !err.info.maybeExecuted) {
        this.saveOrder(account, { ...pending, status: "rejected", updatedAtMs: Date.now() });
        await this.arm();
        return { ok: false, code: err.code, message: err.message };
      }
      this.saveOrder(account, { ...pending, status: "unknown", updatedAtMs: Date.now() });
    }
    await this.deliverFills();
    await this.arm();
    const now = await this.getOrder(order.clientOrderId);
    if (!now) throw new Error("invariant: live order vanished");
    return { ok: true, order: now.order, fills: now.fills };
  }

  /**
   * Compares the exchange's orders with the records and corrects the records from the exchange's
   * truth: each order not yet final is read back (fills follow), and orders the exchange has that
   * the desk does not know are reported as `cival.venue.discrepancy`.
   */
  async reconcile(): Promise<{ checked: number; corrected: number; discrepancies: string[]; balances: Array<{ asset: string; expected: string; actual: string }> }> {
    if (!this.isLive()) return { checked: 0, corrected: 0, discrepancies: [], balances: [] };
    const client = await this.tradingClient();
    const spec = this.venueSpec();
    const rows = this.sql.exec<{ account: string; order_json: string }>(`SELECT account, order_json FROM orders WHERE status IN ('pending', 'unknown', 'open', 'partially_filled') LIMIT 50`).toArray();
    let corrected = 0;
    for (const row of rows) {
      const mine = JSON.parse(row.order_json) as VenueOrder;
      const theirs = await client.getOrder(liveSymbolFor(spec.exchange, mine.symbol), mine.clientOrderId);
      const nowMs = Date.now();
      if (!theirs) {
        // The exchange never got it: after a grace period, nothing was placed.
        if ((mine.status === "pending" || mine.status === "unknown") && nowMs - mine.updatedAtMs > 30_000) {
          this.saveOrder(row.account, { ...mine, status: "rejected", updatedAtMs: nowMs });
          corrected++;
        }
        continue;
      }
      const next = { ...theirs, symbol: mine.symbol };
      if (next.status !== mine.status || next.filledQuantity !== mine.filledQuantity) {
        this.ctx.storage.transactionSync(() => this.recordLive(row.account, next, nowMs));
        corrected++;
      }
    }
    const known = new Set(this.sql.exec<{ client_order_id: string }>(`SELECT client_order_id FROM orders`).toArray().map((r) => r.client_order_id));
    const discrepancies = (await client.openOrders()).filter((o) => !known.has(o.clientOrderId)).map((o) => o.clientOrderId);
    const baseline = JSON.parse(this.setting("baseline") ?? "{}") as Record<string, string>;
    const allFills = this.sql.exec<{ fill_json: string }>(`SELECT fill_json FROM fills`).toArray().map((r) => JSON.parse(r.fill_json) as Fill);
    const bySymbol = (symbol: string) => {
      const sp = spec.symbols.find((x) => x.symbol === symbol);
      return { base: sp?.base ?? symbol, quote: sp?.quote ?? "USD" };
    };
    // Open orders lock funds at the exchange but do not move them: free + locked is compared.
    const balanceDiffs = balanceDifferences(expectedBalances(baseline, allFills, bySymbol), this.exchangeBalances(await client.balances()), new Decimal("0.00000001"));
    if (discrepancies.length > 0 || balanceDiffs.length > 0) {
      const nowMs = Date.now();
      await hubStub(this.env).publish({
        source: `venue:${spec.id}`,
        batch: nowMs,
        thread: `venue:${spec.id}`,
        topics: [],
        events: run(`venue:${spec.id}`, `reconcile:${nowMs}`, nowMs, [custom("cival.venue.discrepancy", { venue: spec.id, unknownOpenOrders: discrepancies, balances: balanceDiffs }, nowMs)]),
      });
    }
    await this.deliverFills();
    return { checked: rows.length, corrected, discrepancies, balances: balanceDiffs };
  }

  /** Stores exchange credentials, already sealed (AES-GCM) by the Worker; nothing here can read them back out. */
  async storeKeys(envelope: string): Promise<VenueSettings> {
    this.sql.exec(`INSERT OR REPLACE INTO venue_meta (key, value) VALUES ('keys', ?)`, envelope);
    return this.settings();
  }

  /**
   * The exchange's own book when prices come from it; null (and the failure recorded, plainly)
   * when it cannot be reached, so the caller falls back to the synthetic market.
   */
  private async liveBook(symbol: string, nowMs: number): Promise<OrderBook | null> {
    if (this.setting("market_source") !== "live") return null;
    const cached = this.liveBooks.get(symbol);
    if (cached && nowMs - cached.timeMs < LIVE_BOOK_TTL_MS) return cached;
    const spec = this.venueSpec();
    const baseUrl = this.setting("base_url") ?? BASE_URLS[spec.exchange];
    const config = { exchange: spec.exchange, options: { baseUrl, timeoutMs: LIVE_TIMEOUT_MS, retry: { maxAttempts: 1 } } } as VenueClientConfig;
    try {
      const book = await createVenueClient(config).book(liveSymbolFor(spec.exchange, symbol), 20);
      const ours: OrderBook = { ...book, symbol, timeMs: nowMs };
      this.liveBooks.set(symbol, ours);
      this.sql.exec(`INSERT OR REPLACE INTO venue_meta (key, value) VALUES ('last_live', ?)`, JSON.stringify({ ok: true, message: `prices from ${baseUrl}`, atMs: nowMs }));
      return ours;
    } catch (err) {
      const message = `${baseUrl} could not be reached (${err instanceof Error ? err.message : String(err)}): prices come from the synthetic market`;
      this.sql.exec(`INSERT OR REPLACE INTO venue_meta (key, value) VALUES ('last_live', ?)`, JSON.stringify({ ok: false, message, atMs: nowMs }));
      return null;
    }
  }

  private venueSpec(): VenueSpec {
    if (!this.spec) {
      const spec = paperVenueSpec(this.venueId());
      if (!spec) throw new Error("invariant: venue spec");
      this.spec = spec;
    }
    return this.spec;
  }

  private matchingFor(symbol: string): MatchingSpec | null {
    let m = this.matching.get(symbol);
    if (!m) {
      if (!this.venueSpec().symbols.some((s) => s.symbol === symbol)) return null;
      m = matchingSpec(this.venueSpec(), symbol);
      this.matching.set(symbol, m);
    }
    return m;
  }

  /** Advances the market to the last grid point at or before `nowMs`, recording one-minute candles. */
  private advance(nowMs: number): MarketState {
    const target = Math.floor(nowMs / MARKET_STEP_MS) * MARKET_STEP_MS;
    let market = this.market ?? createMarket(PAPER_MARKET, PAPER_MARKET_SEED, Math.floor(nowMs / DAY_MS) * DAY_MS);
    const steps = Math.floor((target - market.timeMs) / MARKET_STEP_MS);
    if (steps <= 0 && this.market) return market;
    const id = this.venueId();
    const symbols = this.venueSpec().symbols;
    const candles = new Map<string, { t: number; o: Decimal; h: Decimal; l: Decimal; c: Decimal }>();
    const record = () => {
      for (const s of symbols) {
        const price = new Decimal(venuePrice(market, id, s.symbol));
        const t = Math.floor(market.timeMs / 60_000) * 60_000;
        const cur = candles.get(s.symbol);
        if (!cur || cur.t !== t) {
          if (cur) this.writeCandle(s.symbol, cur);
          candles.set(s.symbol, { t, o: price, h: price, l: price, c: price });
        } else {
          if (price.gt(cur.h)) cur.h = price;
          if (price.lt(cur.l)) cur.l = price;
          cur.c = price;
        }
      }
    };
    if (steps > MAX_CATCH_UP_STEPS) market = stepMarket(market, target - market.timeMs);
    else for (let i = 0; i < steps; i++) {
      market = stepMarket(market, MARKET_STEP_MS);
      if (i >= steps - 180) record();
    }
    for (const [symbol, c] of candles) this.writeCandle(symbol, c);
    this.market = market;
    this.sql.exec(`INSERT OR REPLACE INTO venue_meta (key, value) VALUES ('market', ?)`, JSON.stringify(market));
    return market;
  }

  private writeCandle(symbol: string, c: { t: number; o: Decimal; h: Decimal; l: Decimal; c: Decimal }): void {
    const prior = this.sql.exec<CandleRow>(`SELECT * FROM candles WHERE symbol = ? AND open_time = ?`, symbol, c.t).toArray()[0];
    const open = prior ? prior.open : str(c.o);
    const high = prior && new Decimal(prior.high).gt(c.h) ? prior.high : str(c.h);
    const low = prior && new Decimal(prior.low).lt(c.l) ? prior.low : str(c.l);
    this.sql.exec(`INSERT OR REPLACE INTO candles (symbol, open_time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, '0')`, symbol, c.t, open, high, low, str(c.c));
    this.sql.exec(`DELETE FROM candles WHERE symbol = ? AND open_time < ?`, symbol, c.t - CANDLES_KEPT * 60_000);
  }

  async book(symbol: string): Promise<OrderBook | null> {
    const spec = this.venueSpec().symbols.find((s) => s.symbol === symbol);
    if (!spec) return null;
    const nowMs = Date.now();
    const live = await this.liveBook(symbol, nowMs);
    return live ?? bookFor(this.advance(nowMs), this.venueId(), symbol, spec, nowMs);
  }

  async ticker(symbol: string): Promise<Ticker | null> {
    const book = await this.book(symbol);
    if (!book) return null;
    const bid = book.bids[0]?.price ?? "0";
    const ask = book.asks[0]?.price ?? "0";
    const last = this.liveBooks.get(symbol) === book ? new Decimal(bid).plus(ask).div(2).toDecimalPlaces(8).toFixed() : venuePrice(this.market as MarketState, this.venueId(), symbol);
    return { symbol, bid, ask, last, timeMs: book.timeMs };
  }

  /** Candles from the one-minute history, aggregated to `interval`, oldest first. */
  async candles(symbol: string, interval: CandleInterval, limit: number): Promise<Candle[] | null> {
    if (!this.venueSpec().symbols.some((s) => s.symbol === symbol)) return null;
    this.advance(Date.now());
    const rows = this.sql.exec<CandleRow>(`SELECT * FROM candles WHERE symbol = ? ORDER BY open_time`, symbol).toArray();
    const minutes = rows.map((r): Candle => ({ openTimeMs: r.open_time, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }));
    return aggregateCandles(minutes, CANDLE_INTERVALS[interval]).slice(-limit);
  }

  private resting(symbol: string): RestingBook {
    const row = this.sql.exec<{ book: string }>(`SELECT book FROM resting WHERE symbol = ?`, symbol).toArray()[0];
    return row ? (JSON.parse(row.book) as RestingBook) : emptyRestingBook(symbol);
  }

  private saveOrder(account: string, order: VenueOrder): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO orders (client_order_id, account, symbol, status, order_json, updated_ms) VALUES (?, ?, ?, ?, ?, ?)`,
      order.clientOrderId,
      account,
      order.symbol,
      order.status,
      JSON.stringify(order),
      order.updatedAtMs,
    );
  }

  private saveFills(account: string, fills: readonly Fill[]): void {
    for (const f of fills) {
      this.sql.exec(`INSERT OR IGNORE INTO fills (fill_id, client_order_id, account, fill_json, delivered, time_ms) VALUES (?, ?, ?, ?, 0, ?)`, f.fillId, f.clientOrderId, account, JSON.stringify(f), f.timeMs);
    }
  }

  private accountOf(clientOrderId: string): string | null {
    return this.sql.exec<{ account: string }>(`SELECT account FROM orders WHERE client_order_id = ?`, clientOrderId).toArray()[0]?.account ?? null;
  }

  /**
   * Places an order for an account (an agent), idempotent on the client order id: a repeat
   * answers the order as it stands and places nothing. Fills go to the agent's wallet before
   * this answers (and by alarm, if that delivery fails).
   */
  async submit(account: string, order: OrderRequest): Promise<SubmitResult> {
    const knownLive = this.isLive() ? this.sql.exec(`SELECT 1 FROM orders WHERE client_order_id = ?`, order.clientOrderId).toArray().length > 0 : false;
    if (this.isLive() && !knownLive) {
      if (!this.venueSpec().symbols.some((s) => s.symbol === order.symbol)) return { ok: false, code: "invalid_symbol", message: order.symbol };
      return this.submitLive(account, order);
    }
    const known = this.sql.exec<{ account: string; order_json: string }>(`SELECT account, order_json FROM orders WHERE client_order_id = ?`, order.clientOrderId).toArray()[0];
    if (known) {
      if (known.account !== account) return { ok: false, code: "duplicate_client_order_id", message: `${order.clientOrderId} belongs to another account` };
      return { ok: true, order: JSON.parse(known.order_json) as VenueOrder, fills: this.fillsOf(order.clientOrderId) };
    }
    const m = this.matchingFor(order.symbol);
    if (!m) return { ok: false, code: "invalid_symbol", message: `${this.venueId()} does not list ${order.symbol}` };
    const spec = this.venueSpec().symbols.find((s) => s.symbol === order.symbol);
    if (!spec) return { ok: false, code: "invalid_symbol", message: order.symbol };
    const nowMs = Date.now();
    // The order meets the book as it is after the venue's latency.
    const arrivalMs = nowMs + m.latencyMs;
    const live = await this.liveBook(order.symbol, nowMs);
    const book = live ? { ...live, timeMs: arrivalMs } : bookFor(this.advance(arrivalMs), this.venueId(), order.symbol, spec, arrivalMs);
    const result = submitOrder(this.resting(order.symbol), order, book, nowMs, m);
    if (!result.ok) return { ok: false, code: result.code, message: result.message };
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(`INSERT OR REPLACE INTO resting (symbol, book) VALUES (?, ?)`, order.symbol, JSON.stringify(result.resting));
      this.saveOrder(account, result.order);
      this.saveFills(account, result.fills);
    });
    await this.deliverFills();
    await this.arm();
    return { ok: true, order: result.order, fills: result.fills };
  }

  async cancel(account: string, clientOrderId: string): Promise<SubmitResult> {
    const known = this.sql.exec<{ account: string; symbol: string; order_json: string }>(`SELECT account, symbol, order_json FROM orders WHERE client_order_id = ?`, clientOrderId).toArray()[0];
    if (!known || known.account !== account) return { ok: false, code: "unknown_order", message: `no order ${clientOrderId} for ${account}` };
    const current = JSON.parse(known.order_json) as VenueOrder;
    if (current.status !== "open" && current.status !== "partially_filled") return { ok: true, order: current, fills: this.fillsOf(clientOrderId) };
    if (this.isLive()) {
      const client = await this.tradingClient();
      const exchangeSymbol = liveSymbolFor(this.venueSpec().exchange, known.symbol);
      await client.cancelOrder(exchangeSymbol, clientOrderId);
      const theirs = await client.getOrder(exchangeSymbol, clientOrderId);
      if (theirs) this.ctx.storage.transactionSync(() => this.recordLive(account, { ...theirs, symbol: known.symbol }, Date.now()));
      await this.deliverFills();
      const now = await this.getOrder(clientOrderId);
      return now ? { ok: true, order: now.order, fills: now.fills } : { ok: false, code: "unknown_order", message: clientOrderId };
    }
    const m = this.matchingFor(known.symbol);
    if (!m) return { ok: false, code: "invalid_symbol", message: known.symbol };
    const out = cancelOrder(this.resting(known.symbol), clientOrderId, Date.now(), m);
    if (!out.ok) return { ok: false, code: out.code, message: out.message };
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(`INSERT OR REPLACE INTO resting (symbol, book) VALUES (?, ?)`, known.symbol, JSON.stringify(out.resting));
      this.saveOrder(account, out.order);
    });
    await this.arm();
    return { ok: true, order: out.order, fills: this.fillsOf(clientOrderId) };
  }

  /** An order by client order id (null when this venue never saw it): how an unknown outcome is resolved. */
  async getOrder(clientOrderId: string): Promise<{ account: string; order: VenueOrder; fills: Fill[] } | null> {
    const row = this.sql.exec<{ account: string; order_json: string }>(`SELECT account, order_json FROM orders WHERE client_order_id = ?`, clientOrderId).toArray()[0];
    return row ? { account: row.account, order: JSON.parse(row.order_json) as VenueOrder, fills: this.fillsOf(clientOrderId) } : null;
  }

  async orders(account: string | null, limit = 200): Promise<Array<{ account: string; order: VenueOrder }>> {
    const rows =
      account === null
        ? this.sql.exec<{ account: string; order_json: string }>(`SELECT account, order_json FROM orders ORDER BY updated_ms DESC LIMIT ?`, limit).toArray()
        : this.sql.exec<{ account: string; order_json: string }>(`SELECT account, order_json FROM orders WHERE account = ? ORDER BY updated_ms DESC LIMIT ?`, account, limit).toArray();
    return rows.map((r) => ({ account: r.account, order: JSON.parse(r.order_json) as VenueOrder }));
  }

  private fillsOf(clientOrderId: string): Fill[] {
    return this.sql
      .exec<{ fill_json: string }>(`SELECT fill_json FROM fills WHERE client_order_id = ? ORDER BY time_ms`, clientOrderId)
      .toArray()
      .map((r) => JSON.parse(r.fill_json) as Fill);
  }

  async fills(account: string | null, limit = 200): Promise<Fill[]> {
    const rows =
      account === null
        ? this.sql.exec<{ fill_json: string }>(`SELECT fill_json FROM fills ORDER BY time_ms DESC LIMIT ?`, limit).toArray()
        : this.sql.exec<{ fill_json: string }>(`SELECT fill_json FROM fills WHERE account = ? ORDER BY time_ms DESC LIMIT ?`, account, limit).toArray();
    return rows.map((r) => JSON.parse(r.fill_json) as Fill);
  }

  /** Sends undelivered fills to their agents, oldest first; the agents' inboxes make a repeat harmless. */
  private async deliverFills(): Promise<void> {
    const pending = this.sql.exec<{ account: string; fill_json: string; fill_id: string }>(`SELECT account, fill_json, fill_id FROM fills WHERE delivered = 0 ORDER BY time_ms LIMIT 200`).toArray();
    const byAccount = new Map<string, Fill[]>();
    for (const p of pending) byAccount.set(p.account, [...(byAccount.get(p.account) ?? []), JSON.parse(p.fill_json) as Fill]);
    for (const [account, fills] of byAccount) {
      try {
        await agentStub(this.env, account).applyFills(this.venueId(), fills, this.venueSpec());
        for (const f of fills) this.sql.exec(`UPDATE fills SET delivered = 1 WHERE fill_id = ?`, f.fillId);
      } catch (err) {
        console.warn(`cival: delivering fills to ${account} failed, will retry`, err);
      }
    }
  }

  /** Fills resting orders the market has crossed since, and retries fill deliveries. */
  override async alarm(): Promise<void> {
    try {
      if (this.isLive()) {
        try {
          await this.reconcile();
        } catch (err) {
          console.warn("cival: reconciliation failed, will retry", err);
        }
        return;
      }
      const nowMs = Date.now();
      const market = this.advance(nowMs);
      for (const s of this.venueSpec().symbols) {
        const resting = this.resting(s.symbol);
        if (resting.bids.length === 0 && resting.asks.length === 0) continue;
        const m = this.matchingFor(s.symbol);
        if (!m) continue;
        const live = await this.liveBook(s.symbol, nowMs);
        const out = matchResting(resting, live ?? bookFor(market, this.venueId(), s.symbol, s, nowMs), m);
        if (out.fills.length === 0 && out.orders.length === 0) continue;
        this.ctx.storage.transactionSync(() => {
          this.sql.exec(`INSERT OR REPLACE INTO resting (symbol, book) VALUES (?, ?)`, s.symbol, JSON.stringify(out.resting));
          for (const o of out.orders) {
            const account = this.accountOf(o.clientOrderId);
            if (account) this.saveOrder(account, o);
          }
          for (const f of out.fills) {
            const account = this.accountOf(f.clientOrderId);
            if (account) this.saveFills(account, [f]);
          }
        });
      }
      await this.deliverFills();
    } finally {
      await this.arm();
    }
  }

  private async arm(): Promise<void> {
    if (this.isLive()) {
      // Reconciliation runs on a timer, not only at start.
      await this.ctx.storage.setAlarm(Date.now() + RECONCILE_INTERVAL_MS);
      return;
    }
    const resting = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM orders WHERE status IN ('open', 'partially_filled')`).one().n;
    const undelivered = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM fills WHERE delivered = 0`).one().n;
    if (resting > 0) await this.ctx.storage.setAlarm(Date.now() + RESTING_CHECK_MS);
    else if (undelivered > 0) await this.ctx.storage.setAlarm(Date.now() + FILL_RETRY_MS);
    else await this.ctx.storage.deleteAlarm();
  }
}
