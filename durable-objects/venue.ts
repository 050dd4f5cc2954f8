import { DurableObject } from "cloudflare:workers";
import { BASE_URLS } from "../adapters/exchanges/index.js";
import type { Candle, CandleInterval, Fill, OrderBook, OrderRequest, Ticker, VenueOrder, VenueSpec } from "../core/market.js";
import type { MarketState } from "../core/market-sim.js";
import type { SubmitResult, VenueSettings } from "../core/messages.js";
import { type FedBooks, type PaperVenueState, type VenueStep, advanceVenue, bookAt, cancelPaper, isOpen, matchRestingAt, submitPaper, tickerAt, wakeAfterMs } from "../core/paper-venue/index.js";
import { type MarketSource, paperVenueSpec } from "../core/paper-venues.js";
import type { RefusalCode } from "../core/refusals.js";
import { clock } from "./clock.js";
import { agentStub } from "./stubs.js";
import { type LiveContext, type Reconciliation, cancelLive, exchangeBooks, liveBalances, reconcileLive, submitLive } from "./venue-live.js";
import { type MarketView, answerMarketView, venueCandles } from "./venue-market.js";
import { VenueStore } from "./venue-store.js";
import { type ReplayReply, type ReplayRequest, answerReplay, replayedVenue } from "./venue-replay.js";

/** How often a live venue compares the exchange's orders with its records. */
const RECONCILE_INTERVAL_MS = 10_000;
/** Fills delivered per pass (the alarm delivers the rest). */
const DELIVERY_BATCH = 200;
const OPEN = ["open", "partially_filled"] as const;

/**
 * A venue account: the paper venue's machine (core/paper-venue) persisted in SQLite, its fills
 * delivered to the agents' wallets exactly once (an outbox keyed by fill id, retried by alarm);
 * or, when trading live, the exchange account's orders and their reconciliation. Its id comes from
 * its name (`venue:<id>`); its time from the venues' clock, which tests set.
 */
export class Venue extends DurableObject<Env> {
  private readonly store: VenueStore;
  private spec: VenueSpec | null = null;
  /** The market, cached between calls (it is persisted with every step that moves it). */
  private market: MarketState | null = null;
  /** The newest kept minute per symbol, cached likewise. */
  private latestCandles: PaperVenueState["latestCandles"] = {};
  private readonly liveBooks = new Map<string, OrderBook>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new VenueStore(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      this.store.migrate();
      this.market = this.store.market();
      this.latestCandles = this.store.latestCandles();
    });
  }

  private venueSpec(): VenueSpec {
    if (this.spec) return this.spec;
    const name = this.ctx.id.name;
    const id = name?.startsWith("venue:") ? name.slice("venue:".length) : (replayedVenue(name) ?? this.store.meta("id"));
    const spec = id ? paperVenueSpec(id) : null;
    if (!spec) throw new Error(`invariant: a venue is named venue:<paper venue id>, got ${name ?? "no name"}`);
    this.spec = spec;
    return spec;
  }

  async settings(): Promise<VenueSettings> {
    const spec = this.venueSpec();
    const lastLive = this.store.meta("last_live");
    return {
      id: spec.id,
      exchange: spec.exchange,
      marketSource: (this.store.meta("market_source") as MarketSource | null) ?? "synthetic",
      baseUrl: this.store.meta("base_url") ?? BASE_URLS[spec.exchange],
      hasKeys: this.store.meta("keys") !== null,
      trading: this.isLive() ? "live" : "paper",
      lastLive: lastLive ? (JSON.parse(lastLive) as VenueSettings["lastLive"]) : null,
    };
  }

  /** Chooses where prices come from (paper-on-live takes the exchange's public books; fills stay simulated). */
  async configure(marketSource: MarketSource, baseUrl: string | null): Promise<VenueSettings> {
    this.store.setMeta("market_source", marketSource);
    this.store.setMeta("base_url", baseUrl || null);
    this.liveBooks.clear();
    return this.settings();
  }

  /** Switches between simulated fills and real orders; real orders need stored keys. */
  async setTrading(trading: "paper" | "live"): Promise<{ ok: true; settings: VenueSettings } | { ok: false; code: RefusalCode; message: string }> {
    if (trading === "live" && this.store.meta("keys") === null) return { ok: false, code: "keys_missing", message: "store the exchange's keys first (PUT /api/venues/:id/keys)" };
    if (trading === "live" && !this.isLive()) {
      // What the account holds when the desk starts trading it: the baseline balances are compared against.
      try {
        this.store.setMeta("baseline", JSON.stringify(await liveBalances(this.live())));
      } catch (err) {
        return { ok: false, code: "exchange_unreachable", message: `the exchange's balances could not be read: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    this.store.setMeta("trading", trading);
    await this.arm();
    return { ok: true, settings: await this.settings() };
  }

  /** Stores exchange credentials, already sealed (AES-GCM) by the Worker; nothing here can read them back out. */
  async storeKeys(envelope: string): Promise<VenueSettings> {
    this.store.setMeta("keys", envelope);
    return this.settings();
  }

  /** Compares a live account's orders and balances with the records (nothing to do on paper). */
  async reconcile(): Promise<Reconciliation> {
    if (!this.isLive()) return { checked: 0, corrected: 0, discrepancies: [], balances: [] };
    const out = await reconcileLive(this.live());
    await this.deliverFills();
    return out;
  }

  async book(symbol: string): Promise<OrderBook | null> {
    const nowMs = clock.nowMs();
    const { step, book } = bookAt(this.state(), symbol, nowMs, await this.fedBooks([symbol], nowMs));
    this.persist(step);
    return book;
  }

  async ticker(symbol: string): Promise<Ticker | null> {
    const nowMs = clock.nowMs();
    const { step, ticker } = tickerAt(this.state(), symbol, nowMs, await this.fedBooks([symbol], nowMs));
    this.persist(step);
    return ticker;
  }

  /** The newest `limit` candles of `interval`, oldest first: the history before the market began, then the recorded minutes. */
  async candles(symbol: string, interval: CandleInterval, limit: number): Promise<Candle[] | null> {
    if (!this.venueSpec().symbols.some((s) => s.symbol === symbol)) return null;
    this.persist(advanceVenue(this.state(), clock.nowMs()));
    return venueCandles(this.store, this.venueSpec().id, this.market, symbol, interval, limit);
  }

  /** What a decision cycle reads, in one call: per listed symbol its candles and ticker, and whether the venue trades live. */
  async marketView(symbols: readonly string[], interval: CandleInterval, limit: number): Promise<MarketView> {
    const host = { store: this.store, spec: this.venueSpec(), live: this.isLive(), market: () => this.market, state: () => this.state(), persist: (step: VenueStep) => this.persist(step) };
    return answerMarketView(host, await this.fedBooks(symbols, clock.nowMs()), symbols, interval, limit, clock.nowMs());
  }

  /**
   * Places an order for an account (an agent), idempotent on the client order id: a repeat
   * answers the order as it stands and places nothing. A market buy spends at most
   * `quoteBudget` (notional + fee). The fills come back in the answer, and the agent applies them
   * in the same step that settles its order; they also stay in the outbox, which the alarm
   * delivers a moment later (a repeat the agent's inbox ignores), so a lost answer loses no fill.
   */
  async submit(account: string, order: OrderRequest, options: { quoteBudget?: string | null } = {}): Promise<SubmitResult> {
    const known = this.store.record(order.clientOrderId);
    let reply: SubmitResult;
    if (this.isLive() && !known) {
      reply = this.venueSpec().symbols.some((s) => s.symbol === order.symbol) ? await submitLive(this.live(), account, order) : { ok: false, code: "invalid_symbol", message: order.symbol };
    } else {
      const nowMs = clock.nowMs();
      const books = known ? {} : await this.fedBooks([order.symbol], nowMs);
      const state = this.state({ [order.symbol]: this.store.resting(order.symbol) }, known ? [known] : []);
      const out = submitPaper(state, account, order, nowMs, { quoteBudget: options.quoteBudget ?? null, books });
      this.persist(out.step);
      reply = out.reply;
    }
    await this.arm();
    return reply;
  }

  async cancel(account: string, clientOrderId: string): Promise<SubmitResult> {
    const known = this.store.record(clientOrderId);
    let reply: SubmitResult;
    if (known && known.account === account && isOpen(known.order) && this.isLive()) {
      reply = await cancelLive(this.live(), known);
      await this.deliverFills();
    } else {
      const symbol = known?.order.symbol;
      const out = cancelPaper(this.state(symbol ? { [symbol]: this.store.resting(symbol) } : {}, known ? [known] : []), account, clientOrderId, clock.nowMs());
      this.persist(out.step);
      reply = out.reply;
    }
    await this.arm();
    return reply;
  }

  /** A backtest loop's request, answered as a replay venue (`replay:<venue>:<run>`) with the history's books and time. */
  async replay(req: ReplayRequest): Promise<ReplayReply> {
    return answerReplay({ name: this.ctx.id.name, store: this.store, state: (r, o) => this.state(r, o), persist: (step) => this.persist(step) }, req);
  }

  /** An order by client order id (null when this venue never saw it): how an unknown outcome is resolved. */
  async getOrder(clientOrderId: string): Promise<{ account: string; order: VenueOrder; fills: Fill[] } | null> {
    const r = this.store.record(clientOrderId);
    return r ? { account: r.account, order: r.order, fills: [...r.fills] } : null;
  }

  async orders(account: string | null, limit = 200): Promise<Array<{ account: string; order: VenueOrder }>> {
    return this.store.orders(account, limit);
  }
  async fills(account: string | null, limit = 200): Promise<Fill[]> {
    return this.store.fills(account, limit);
  }

  /** Fills resting orders the market has crossed since, and retries fill deliveries; a live account reconciles. */
  override async alarm(): Promise<void> {
    try {
      if (this.isLive()) {
        await this.reconcile().catch((err: unknown) => console.warn("cival: reconciliation failed, will retry", err));
        return;
      }
      const nowMs = clock.nowMs();
      const resting = this.store.allResting();
      const symbols = Object.keys(resting).filter((s) => (resting[s]?.bids.length ?? 0) + (resting[s]?.asks.length ?? 0) > 0);
      const state = this.state(resting, this.store.recordsWithStatus(OPEN, Number.MAX_SAFE_INTEGER));
      this.persist(matchRestingAt(state, nowMs, await this.fedBooks(symbols, nowMs)));
      await this.deliverFills();
    } finally {
      await this.arm();
    }
  }

  private readonly isLive = (): boolean => this.store.meta("trading") === "live";
  private readonly live = (): LiveContext => ({ env: this.env, store: this.store, spec: this.venueSpec(), transact: (fn) => this.ctx.storage.transactionSync(fn), nowMs: () => clock.nowMs() });

  /** The machine's state for a command: the cached market, the resting books and orders it concerns. */
  private state(resting: PaperVenueState["resting"] = {}, records: ReadonlyArray<PaperVenueState["orders"][string]> = []): PaperVenueState {
    const orders = Object.fromEntries(records.map((r) => [r.order.clientOrderId, r]));
    return { spec: this.venueSpec(), market: this.market, resting, orders, latestCandles: this.latestCandles };
  }

  /** Writes a step in one transaction and keeps its market. */
  private persist(step: VenueStep): void {
    this.market = step.state.market;
    this.latestCandles = step.state.latestCandles;
    const writes = step.marketChanged || step.resting.length + step.orders.length + step.fills.length + step.candles.length > 0;
    if (writes) this.ctx.storage.transactionSync(() => this.store.persist(step));
  }

  private readonly fedBooks = (symbols: readonly string[], nowMs: number): Promise<FedBooks> => exchangeBooks(this.store, this.venueSpec(), this.liveBooks, symbols, nowMs);

  /** Sends undelivered fills to their agents, oldest first (their inboxes make a repeat harmless). */
  private async deliverFills(): Promise<void> {
    for (const [account, fills] of this.store.undelivered(DELIVERY_BATCH)) {
      try {
        await agentStub(this.env, account).applyFills(this.venueSpec().id, fills, this.venueSpec());
        this.store.markDelivered(fills);
      } catch (err) {
        console.warn(`cival: delivering fills to ${account} failed, will retry`, err);
      }
    }
  }

  /** Arms the alarm from what is due (alarm times are the wall clock's: the runtime schedules them). */
  private async arm(): Promise<void> {
    const afterMs = replayedVenue(this.ctx.id.name) !== null ? null : this.isLive() ? RECONCILE_INTERVAL_MS : wakeAfterMs(this.store.countWithStatus(OPEN), this.store.undeliveredCount());
    if (afterMs === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Date.now() + afterMs);
  }
}
