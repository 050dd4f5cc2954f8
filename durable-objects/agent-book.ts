import { farmOf, heldPositions, openBuys, riskView, trackRecord } from "../core/agent/book.js";
import { VENUE_FAILURES, isDone, reconcileCutoffMs, reconcileDueMs } from "../core/agent/lifecycle.js";
import { type AgentCommand, type AgentDecision, type AgentEffects, decide } from "../core/agent/machine.js";
import { admitOrder, allowed, checkOrder, markOf, preTradeOrder, referencePrice, submitOptions, symbolsOf } from "../core/agent/place.js";
import type { Fill, OrderRequest, SymbolSpec, VenueSpec } from "../core/market.js";
import type { AgentRiskView, CheckResult, HeldPosition, PlaceOptions, PlaceResult, SubmitOptions, SubmitResult, WalletState } from "../core/messages.js";
import { type Decimal, dec } from "../core/money.js";
import { type AgentOrder, reservationFor } from "../core/orders.js";
import { paperVenueSpec } from "../core/paper-venues.js";
import type { RefusalCode } from "../core/refusals.js";
import type { PreTradeDecision } from "../core/risk/types.js";
import { type ReceiveRequest, type SendResult, admitToAgent } from "../core/transfers/index.js";
import type { WalletRecord } from "../core/wallets.js";
import { AgentStore } from "./agent-store.js";
import { riskStub, venueStub } from "./stubs.js";
import type { Venue } from "./venue.js";
import { WalletActor } from "./wallet-actor.js";

export { PNL } from "../core/agent/book.js";

/** Orders of unknown outcome the alarm looks up per run. */
const RECONCILE_PER_ALARM = 20;

type VenueStub = DurableObjectStub<Venue>;
/**
 * One agent's book: cash, positions and orders at venues, and its P&L. Its rules live in
 * core/agent; this layer loads, decides, persists and sends. AgentWallet adds the decision cycle.
 */
export abstract class AgentBook extends WalletActor {
  protected readonly store = new AgentStore(this.sql);

  /** Loads what a command touches, decides it and persists the effects, all in one transaction. */
  private decideNow(command: AgentCommand, ids: readonly string[], fills: readonly Fill[], nowMs: number): AgentDecision {
    return this.tx(() => {
      const state = { agent: this.walletId, balances: this.balances, orders: this.store.states(ids), seenFills: this.store.seen(fills) };
      const decision = decide(state, command, nowMs);
      if (decision.ok) this.persist(decision.effects, nowMs);
      return decision;
    });
  }

  /** Journal first (balances follow it), then the rows, the history and the events. Call inside `tx`. */
  private persist(e: AgentEffects, nowMs: number): void {
    for (const entry of e.journal) this.post(entry, nowMs);
    this.store.write(e.orders, e.fillsIn);
    for (const h of e.history) this.enqueue(h.t === "order" ? { t: "order", order: h.order } : { t: "fill", fill: h.fill });
    for (const run of e.events) this.emit(run.runId, run.events, run.atMs);
  }

  private held(): HeldPosition[] {
    const me = this.record;
    return me ? heldPositions(this.balances, me.id, farmOf(me)) : [];
  }

  private buys(): HeldPosition[] {
    const me = this.record;
    return me ? openBuys(this.store.live(), me.id, farmOf(me)) : [];
  }

  /** The price a buy reserves against: the monitor's mark, or only without one the venue's ask. */
  private async priceFor(venue: VenueStub, req: OrderRequest, mark: string | null): Promise<Decimal | null> {
    const price = referencePrice(req, mark);
    if (price) return price;
    const ticker = await venue.ticker(req.symbol);
    return ticker ? dec(ticker.ask) : null;
  }

  /** Asks the risk monitor; if it cannot be asked, the caller refuses (fail closed). */
  private async askRisk(venueId: string, req: OrderRequest, spec: SymbolSpec, origin: PlaceOptions["origin"], dryRun: boolean): Promise<PreTradeDecision | Error> {
    const me = this.record;
    if (!me) return new Error("this agent does not exist");
    try {
      return await riskStub(this.env).preTrade(preTradeOrder(me, venueId, req, spec, origin, this.balances), this.held(), this.buys(), dryRun);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /**
   * Places an order at a venue, exactly once per client order id: the reservation and the order
   * row are written before the venue is called; the venue's reply (fills included) is applied in
   * one transaction. If the reply is lost, the order is `unknown` and the alarm looks it up.
   */
  async placeOrder(venueId: string, asked: OrderRequest, options: PlaceOptions = { origin: "agent" }): Promise<PlaceResult> {
    const existing = this.store.order(asked.clientOrderId);
    if (existing) return { ok: true, order: existing };
    const admitted = admitOrder(this.record, venueId, paperVenueSpec(venueId), asked.symbol);
    if (!admitted.ok) return admitted;
    const risk = await this.askRisk(venueId, asked, admitted.spec, options.origin, false);
    if (risk instanceof Error) return { ok: false, code: "risk_unavailable", message: `the risk monitor could not be asked, so nothing was placed: ${risk.message}` };
    if (risk.decision === "reject") return { ok: false, code: "risk_rejected", message: risk.reason, risk };
    const req = allowed(asked, risk);
    const venue = venueStub(this.env, venueId);
    const price = await this.priceFor(venue, req, markOf(risk));
    if (!price) return { ok: false, code: "invalid_symbol", message: req.symbol };
    const reservation = reservationFor(req, admitted.spec, price, dec(admitted.venue.takerFeeRate));
    const command: AgentCommand = { kind: "place", venueId, request: req, reservation: { asset: reservation.asset, amount: reservation.amount.toFixed() }, origin: options.origin, risk };
    const placed = this.decideNow(command, [req.clientOrderId], [], Date.now());
    if (!placed.ok) return placed;
    const again = this.store.order(req.clientOrderId);
    if (placed.effects.orders.length === 0 && again) return { ok: true, order: again };
    this.armAlarm();
    await this.submit(venue, venueId, req, submitOptions(req, reservation.amount), admitted.venue.symbols);
    this.armAlarm();
    await this.drain();
    const row = this.store.order(req.clientOrderId);
    if (!row) throw new Error(`invariant: order ${req.clientOrderId} vanished`);
    if (row.status === "rejected") return { ok: false, code: row.code ?? "venue_rejected", message: row.message ?? "the venue refused the order", risk };
    return { ok: true, order: row, risk };
  }

  /** Sends the order and applies the venue's reply, fills and status together; a lost reply leaves it `unknown`. */
  private async submit(venue: VenueStub, venueId: string, req: OrderRequest, options: SubmitOptions, symbols: readonly SymbolSpec[]): Promise<void> {
    const id = req.clientOrderId;
    try {
      const answer = await venue.submit(this.walletId, req, options);
      this.decideNow({ kind: "venue_answer", clientOrderId: id, venueId, symbols, answer }, [id], answer.ok ? answer.fills : [], Date.now());
      if (!answer.ok && VENUE_FAILURES.has(answer.code)) this.reportVenueError(venueId, answer.code);
    } catch (err) {
      this.decideNow({ kind: "lost", clientOrderId: id, message: err instanceof Error ? err.message : String(err) }, [id], [], Date.now());
      this.reportVenueError(venueId, "unknown_outcome");
    }
  }

  /**
   * The order checked as if placed, with nothing placed, reserved or counted: the risk monitor's
   * dry-run answer and the funds the quantity it allows would need.
   */
  async checkOrder(venueId: string, asked: OrderRequest): Promise<CheckResult> {
    const admitted = admitOrder(this.record, venueId, paperVenueSpec(venueId), asked.symbol);
    if (!admitted.ok) return admitted;
    const risk = await this.askRisk(venueId, asked, admitted.spec, "agent", true);
    if (risk instanceof Error) return { ok: false, code: "risk_unavailable", message: `the risk monitor could not be asked: ${risk.message}` };
    const price = await this.priceFor(venueStub(this.env, venueId), allowed(asked, risk), markOf(risk));
    if (!price) return { ok: false, code: "invalid_symbol", message: asked.symbol };
    return { ok: true, check: checkOrder(asked, admitted.spec, admitted.venue, risk, price, this.balances) };
  }

  /** Tells the risk monitor a venue failed (its breaker halts agents at a venue that keeps failing). Never holds up the order path. */
  private reportVenueError(venueId: string, code: string): void {
    this.ctx.waitUntil(
      riskStub(this.env)
        .reportVenueError(venueId, this.walletId, code)
        .catch((err: unknown) => console.warn(`cival: could not report a venue error to the risk monitor`, err)),
    );
  }

  /** Cancels every order still open (a halt). Answers how many were cancelled and which could not be. */
  async cancelOpenOrders(): Promise<{ cancelled: string[]; failed: Array<{ clientOrderId: string; code: RefusalCode }> }> {
    const cancelled: string[] = [];
    const failed: Array<{ clientOrderId: string; code: RefusalCode }> = [];
    for (const id of this.store.cancellable()) {
      const out = await this.cancelOrder(id);
      if (out.ok) cancelled.push(id);
      else failed.push({ clientOrderId: id, code: out.code });
    }
    return { cancelled, failed };
  }

  /** What the risk monitor needs: cash, capital, positions by venue with their average cost, open orders. */
  async riskView(): Promise<AgentRiskView | null> {
    const me = this.record;
    return me ? riskView(me, this.balances, this.store.fills(-1, false), this.store.liveCount()) : null;
  }

  /** Cancels an open order at its venue; its fills so far are applied and what it still reserves is released. */
  async cancelOrder(clientOrderId: string): Promise<PlaceResult> {
    if (!this.record) return { ok: false, code: "unknown_wallet", message: "no such agent: it was never created" };
    const row = this.store.order(clientOrderId);
    if (!row) return { ok: false, code: "unknown_order", message: `no order ${clientOrderId}` };
    if (isDone(row.status)) return { ok: true, order: row };
    const answer = await venueStub(this.env, row.venue).cancel(this.walletId, clientOrderId);
    if (!answer.ok) return { ok: false, code: answer.code, message: answer.message };
    this.decideNow({ kind: "venue_answer", clientOrderId, venueId: row.venue, symbols: symbolsOf(row.venue), answer }, [clientOrderId], answer.fills, Date.now());
    await this.drain();
    const after = this.store.order(clientOrderId);
    return after ? { ok: true, order: after } : { ok: false, code: "unknown_order", message: clientOrderId };
  }

  /** Applies fills a venue delivers, each exactly once (inbox keyed by fill id). Answers how many were new. */
  async applyFills(venueId: string, fills: readonly Fill[], venueSpec: VenueSpec): Promise<number> {
    const decision = this.decideNow({ kind: "fills", venueId, symbols: venueSpec.symbols, fills }, fills.map((f) => f.clientOrderId), fills, Date.now());
    this.armAlarm();
    void this.drain();
    return decision.ok ? decision.effects.fillsIn.length : 0;
  }

  /** The agent's orders, newest first; null when there is no such agent. */
  async orders(limit = 100): Promise<AgentOrder[] | null> {
    return this.record ? this.store.recent(limit) : null;
  }

  /** The agent's fills, newest first, each with the venue it happened on; null when there is no such agent. */
  async fills(limit = 200): Promise<Array<Fill & { venue: string }> | null> {
    return this.record ? this.store.fills(limit, true).map((f) => ({ ...f.fill, venue: f.venue })) : null;
  }

  async order(clientOrderId: string): Promise<AgentOrder | null> {
    return this.store.order(clientOrderId) ?? null;
  }

  protected override nextDueMs(): number | null {
    return reconcileDueMs(this.store.oldestToReconcile());
  }

  /** Orders whose outcome is unknown are looked up at the venue by client order id, never re-sent; the fills found are applied. */
  protected async reconcileOrders(): Promise<void> {
    for (const row of this.store.toReconcile(reconcileCutoffMs(Date.now()), RECONCILE_PER_ALARM)) {
      const id = row.clientOrderId;
      const found = await venueStub(this.env, row.venue).getOrder(id);
      const command: AgentCommand = found
        ? { kind: "venue_answer", clientOrderId: id, venueId: row.venue, symbols: symbolsOf(row.venue), answer: { ok: true, order: found.order, fills: found.fills } }
        : { kind: "not_found", clientOrderId: id };
      this.decideNow(command, [id], found?.fills ?? [], Date.now());
    }
  }

  /** Who may send this agent money: core/transfers' rule (only its farm, never forwarded, not while archived). */
  protected admit(req: ReceiveRequest) {
    return admitToAgent(this.record, req);
  }

  protected override trackRecord(): WalletState["trackRecord"] {
    return trackRecord(this.record, this.balances);
  }

  /**
   * Archives the agent and sends everything it holds back to its farm, as transfer `transferId`.
   * Idempotent: a repeat re-sends nothing and answers the same transfer.
   */
  async archive(record: WalletRecord, transferId: string): Promise<SendResult | null> {
    this.tx(() => this.saveRecord(record));
    const me = this.record;
    if (!me?.parent) return null;
    const existing = await this.transfer(transferId);
    if (existing) return { ok: true, transfer: existing, forward: null };
    if (this.available("USD").lte(0)) return null;
    return this.send({ transferId, to: me.parent, asset: "USD", amount: null, forwardTo: null, memo: "archived: funds return to the farm" });
  }
}
