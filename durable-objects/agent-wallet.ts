import { custom, toolCall } from "../core/events.js";
import { Balances, CASH, type JournalEntry, peer } from "../core/ledger.js";
import { type Fill, type OrderRequest, type VenueOrder, type VenueSpec, splitSymbol } from "../core/market.js";
import { type Decimal, dec, str } from "../core/money.js";
import { type AgentOrder, RESERVED, fillEntry, releaseEntry, reservationFor, reservationUsed, reserveEntry, venueAccount } from "../core/orders.js";
import { paperVenueSpec } from "../core/paper-venues.js";
import type { ReceiveRequest, SendResult } from "../core/transfers.js";
import type { WalletRecord } from "../core/wallets.js";
import type { PreTradeDecision } from "../core/risk/types.js";
import { openVenue, riskStub } from "./stubs.js";
import { WalletActor } from "./wallet-actor.js";
import type { RefusalCode } from "../core/refusals.js";
import type { AgentRiskView, HeldPosition, PlaceOptions, PlaceResult, WalletState } from "../core/messages.js";





interface OrderRow {
  client_order_id: string;
  venue: string;
  request: string;
  order_json: string | null;
  status: string;
  reserved_asset: string;
  reserved: string;
  code: string | null;
  message: string | null;
  created_ms: number;
  updated_ms: number;
  [key: string]: SqlStorageValue;
}

const TERMINAL = new Set(["filled", "cancelled", "rejected"]);
/** Refusals that say the venue failed, not that the order was wrong: they count towards the venue-error breaker. */
const VENUE_FAILURES = new Set(["exchange_unreachable", "unavailable", "timeout", "rate_limited", "bad_response", "auth"]);
/** An order whose outcome is unknown for this long is looked up at its venue by the alarm. */
const RECONCILE_AFTER_MS = 5_000;

/** Realized trading P&L: cash on one side, this account on the other (credit-negative, like income). */
export const PNL = "pnl";

/** One agent's wallet: cash (and, with the markets issue, positions and orders) and its P&L. */
export class AgentWallet extends WalletActor {
  protected override schema() {
    return [
      [
        `CREATE TABLE IF NOT EXISTS agent_orders (client_order_id TEXT PRIMARY KEY, venue TEXT NOT NULL, request TEXT NOT NULL, order_json TEXT,
           status TEXT NOT NULL, reserved_asset TEXT NOT NULL, reserved TEXT NOT NULL, code TEXT, message TEXT, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL)`,
        `CREATE TABLE IF NOT EXISTS fills_in (fill_id TEXT PRIMARY KEY, client_order_id TEXT NOT NULL, fill_json TEXT NOT NULL)`,
      ],
    ];
  }

  private orderRow(id: string): OrderRow | undefined {
    return this.sql.exec<OrderRow>(`SELECT * FROM agent_orders WHERE client_order_id = ?`, id).toArray()[0];
  }

  private orderView(r: OrderRow): AgentOrder {
    return {
      clientOrderId: r.client_order_id,
      venue: r.venue,
      request: JSON.parse(r.request) as OrderRequest,
      order: r.order_json ? (JSON.parse(r.order_json) as VenueOrder) : null,
      status: r.status,
      reservedAsset: r.reserved_asset,
      reserved: r.reserved,
      code: r.code,
      message: r.message,
      createdAtMs: r.created_ms,
      updatedAtMs: r.updated_ms,
    };
  }

  /** Queues the order as it now stands for D1. Call inside `tx`. */
  private recordOrder(id: string): void {
    const row = this.orderRow(id);
    if (!row) return;
    const req = JSON.parse(row.request) as OrderRequest;
    const venueOrder = row.order_json ? (JSON.parse(row.order_json) as VenueOrder) : null;
    this.enqueue({
      t: "order",
      order: {
        clientOrderId: id,
        agent: this.walletId,
        venue: row.venue,
        symbol: req.symbol,
        side: req.side,
        type: req.type,
        timeInForce: req.timeInForce,
        price: req.price,
        quantity: req.quantity,
        status: row.status,
        filledQuantity: venueOrder?.filledQuantity ?? "0",
        averagePrice: venueOrder?.averagePrice ?? "0",
        code: row.code,
        createdAtMs: row.created_ms,
        updatedAtMs: row.updated_ms,
      },
    });
  }

  /** Releases what an order still reserves once it can no longer fill. Call inside `tx`. */
  private settleOrder(id: string, status: string, order: VenueOrder | null, code: string | null, message: string | null, nowMs: number): void {
    const row = this.orderRow(id);
    if (!row) return;
    let reserved = dec(row.reserved);
    if (TERMINAL.has(status) && reserved.gt(0)) {
      this.post(releaseEntry(id, row.reserved_asset, reserved) as unknown as JournalEntry, nowMs);
      reserved = dec("0");
    }
    this.sql.exec(
      `UPDATE agent_orders SET status = ?, order_json = COALESCE(?, order_json), reserved = ?, code = COALESCE(?, code), message = COALESCE(?, message), updated_ms = ? WHERE client_order_id = ?`,
      status,
      order ? JSON.stringify(order) : null,
      str(reserved),
      code,
      message,
      nowMs,
      id,
    );
    this.recordOrder(id);
    this.emit(`order:${id}:${status}:${nowMs}`, [custom("cival.order.updated", { clientOrderId: id, venue: row.venue, status, code, filledQuantity: order?.filledQuantity ?? null }, nowMs)], nowMs);
  }

  /**
   * Places an order at a venue, exactly once per client order id: the reservation and the order
   * row are written before the venue is called; a repeat answers the order as it stands. If the
   * venue's answer is lost, the order is `unknown` and the alarm looks it up by its id.
   */
  async placeOrder(venueId: string, asked: OrderRequest, options: PlaceOptions = { origin: "agent" }): Promise<PlaceResult> {
    const existing = this.orderRow(asked.clientOrderId);
    if (existing) return { ok: true, order: this.orderView(existing) };
    let req = asked;
    const me = this.record;
    if (!me) return { ok: false, code: "wallet_not_initialised", message: "this agent does not exist yet" };
    if (me.status === "archived") return { ok: false, code: "wallet_archived", message: `${me.id} is archived` };
    if (me.role === "overseer") return { ok: false, code: "overseer_holds_no_capital", message: `${me.id} oversees risk and does not trade` };
    const venueSpec = paperVenueSpec(venueId);
    const spec = venueSpec?.symbols.find((s) => s.symbol === req.symbol);
    if (!venueSpec || !spec) return { ok: false, code: "invalid_symbol", message: `${venueId} does not list ${req.symbol}` };
    // Every order passes the risk monitor first; if it cannot be asked, nothing is placed (fail closed).
    let risk: PreTradeDecision;
    try {
      risk = await riskStub(this.env).preTrade({
        agent: me.id,
        farm: me.parent?.startsWith("farm:") ? me.parent : null,
        venue: venueId,
        symbol: req.symbol,
        side: req.side,
        quantity: req.quantity,
        price: req.price,
        reduceOnly: options.origin === "risk" && this.reduces(venueId, req),
        lotSize: spec.lotSize,
        minNotional: spec.minNotional,
      }, this.heldPositions(me.parent), this.openBuys(me.parent));
    } catch (err) {
      return { ok: false, code: "risk_unavailable", message: `the risk monitor could not be asked, so nothing was placed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (risk.decision === "reject") return { ok: false, code: "risk_rejected", message: risk.reason, risk };
    if (risk.decision === "resize") req = { ...req, quantity: risk.quantity };
    const venue = await openVenue(this.env, venueId);
    const ticker = await venue.ticker(req.symbol);
    if (!ticker) return { ok: false, code: "invalid_symbol", message: req.symbol };
    const reservation = reservationFor(req, spec, dec(req.side === "buy" ? ticker.ask : ticker.bid), dec(venueSpec.takerFeeRate));
    const nowMs = Date.now();
    const accepted = this.tx((): PlaceResult | null => {
      const again = this.orderRow(req.clientOrderId);
      if (again) return { ok: true, order: this.orderView(again) };
      const available = this.balances.get("cash", reservation.asset as never);
      if (reservation.amount.gt(available)) {
        return { ok: false, code: "insufficient_funds", message: `${me.id} has ${str(available)} ${reservation.asset} available; the order needs ${str(reservation.amount)}` };
      }
      this.post(reserveEntry(req.clientOrderId, reservation.asset, reservation.amount) as unknown as JournalEntry, nowMs);
      this.sql.exec(
        `INSERT INTO agent_orders (client_order_id, venue, request, order_json, status, reserved_asset, reserved, created_ms, updated_ms) VALUES (?, ?, ?, NULL, 'pending', ?, ?, ?, ?)`,
        req.clientOrderId,
        venueId,
        JSON.stringify(req),
        reservation.asset,
        str(reservation.amount),
        nowMs,
        nowMs,
      );
      this.recordOrder(req.clientOrderId);
      this.emit(
        `order:${req.clientOrderId}:placed`,
        toolCall(`order:${req.clientOrderId}`, "place_order", { venue: venueId, origin: options.origin, ...req }, { clientOrderId: req.clientOrderId, state: "pending", reserved: { asset: reservation.asset, amount: str(reservation.amount) }, risk: { ...risk } }, nowMs),
        nowMs,
      );
      return null;
    });
    if (accepted) return accepted;
    this.armAlarm();
    try {
      const result = await venue.submit(this.walletId, req);
      const doneMs = Date.now();
      this.tx(() => {
        if (result.ok) this.settleOrder(req.clientOrderId, result.order.status, result.order, null, null, doneMs);
        else this.settleOrder(req.clientOrderId, "rejected", null, result.code, result.message, doneMs);
      });
      if (!result.ok && VENUE_FAILURES.has(result.code)) this.reportVenueError(venueId, result.code);
    } catch (err) {
      const doneMs = Date.now();
      this.tx(() => this.settleOrder(req.clientOrderId, "unknown", null, "unknown_outcome", `the venue's answer was lost: ${err instanceof Error ? err.message : String(err)}`, doneMs));
      this.reportVenueError(venueId, "unknown_outcome");
    }
    this.armAlarm();
    await this.drain();
    const row = this.orderRow(req.clientOrderId);
    if (!row) throw new Error(`invariant: order ${req.clientOrderId} vanished`);
    if (row.status === "rejected") return { ok: false, code: (row.code as RefusalCode | null) ?? "venue_rejected", message: row.message ?? "the venue refused the order", risk };
    return { ok: true, order: this.orderView(row), risk };
  }

  /** Tells the risk monitor a venue failed (its breaker halts agents at a venue that keeps failing). Never holds up the order path. */
  private reportVenueError(venueId: string, code: string): void {
    this.ctx.waitUntil(
      riskStub(this.env)
        .reportVenueError(venueId, this.walletId, code)
        .catch((err: unknown) => console.warn(`cival: could not report a venue error to the risk monitor`, err)),
    );
  }

  /** True when the order only takes away from what the agent holds at that venue (a sell of at most the position). */
  private reduces(venueId: string, req: OrderRequest): boolean {
    const { base } = splitSymbol(req.symbol);
    const held = this.balances.get(venueAccount(venueId), base as never).neg();
    return req.side === "sell" ? dec(req.quantity).lte(held) : held.lt(0) && dec(req.quantity).lte(held.neg());
  }

  /** Cancels every order still open (a halt). Answers how many were cancelled and which could not be. */
  async cancelOpenOrders(): Promise<{ cancelled: string[]; failed: Array<{ clientOrderId: string; code: string }> }> {
    const open = this.sql.exec<{ client_order_id: string }>(`SELECT client_order_id FROM agent_orders WHERE status IN ('open', 'partially_filled', 'pending')`).toArray();
    const cancelled: string[] = [];
    const failed: Array<{ clientOrderId: string; code: string }> = [];
    for (const { client_order_id } of open) {
      const out = await this.cancelOrder(client_order_id);
      if (out.ok) cancelled.push(client_order_id);
      else failed.push({ clientOrderId: client_order_id, code: out.code });
    }
    return { cancelled, failed };
  }

  /** The base assets held at each venue (bought there less sold there), as the risk monitor counts positions. Prices are the monitor's. */
  private heldPositions(parent: string | null): HeldPosition[] {
    const me = this.walletId;
    const farm = parent?.startsWith("farm:") ? parent : null;
    const out: HeldPosition[] = [];
    for (const [key, amount] of this.balances.entries()) {
      const [account, asset] = key.split("|");
      if (!account?.startsWith("venue:") || !asset || asset === "USD" || amount.isZero()) continue;
      out.push({ agent: me, farm, venue: account.slice("venue:".length), symbol: `${asset}-USD`, asset, quantity: str(amount.neg()) });
    }
    return out.sort((a, b) => (a.venue + a.symbol < b.venue + b.symbol ? -1 : 1));
  }

  /**
   * What open buy orders could still add, per venue and symbol (quantity not yet filled): the risk
   * monitor counts it as held, so resting orders cannot add up past a limit when they fill.
   */
  private openBuys(parent: string | null): HeldPosition[] {
    const me = this.walletId;
    const farm = parent?.startsWith("farm:") ? parent : null;
    const sums = new Map<string, Decimal>();
    for (const r of this.sql.exec<OrderRow>(`SELECT * FROM agent_orders WHERE status IN ('open', 'partially_filled', 'pending', 'unknown')`)) {
      const req = JSON.parse(r.request) as OrderRequest;
      if (req.side !== "buy") continue;
      const filled = r.order_json ? dec((JSON.parse(r.order_json) as VenueOrder).filledQuantity) : dec("0");
      const left = dec(req.quantity).minus(filled);
      if (left.lte(0)) continue;
      const key = `${r.venue}|${req.symbol}`;
      sums.set(key, (sums.get(key) ?? dec("0")).plus(left));
    }
    return [...sums].map(([key, q]) => {
      const [venue = "", symbol = ""] = key.split("|");
      return { agent: me, farm, venue, symbol, asset: splitSymbol(symbol).base, quantity: str(q) };
    });
  }

  /** What the risk monitor needs: cash, capital, positions by venue with their average cost, open orders. */
  async riskView(): Promise<AgentRiskView | null> {
    const me = this.record;
    if (!me) return null;
    const cost = new Map<string, { qty: Decimal; cost: Decimal }>();
    for (const r of this.sql.exec<{ fill_json: string; venue: string }>(`SELECT f.fill_json, o.venue FROM fills_in f JOIN agent_orders o ON o.client_order_id = f.client_order_id ORDER BY f.rowid`)) {
      const fill = JSON.parse(r.fill_json) as Fill;
      const key = `${r.venue}|${fill.symbol}`;
      const c = cost.get(key) ?? { qty: dec("0"), cost: dec("0") };
      const q = dec(fill.quantity);
      if (fill.side === "buy") cost.set(key, { qty: c.qty.plus(q), cost: c.cost.plus(q.times(fill.price)) });
      else {
        // A sale takes out its share of the cost at the average: what remains keeps its average price.
        const left = c.qty.minus(q);
        cost.set(key, { qty: left, cost: c.qty.isZero() || left.lte(0) ? dec("0") : c.cost.times(left).div(c.qty) });
      }
    }
    const positions = this.heldPositions(me.parent).map((p) => {
      const c = cost.get(`${p.venue}|${p.symbol}`);
      return { venue: p.venue, symbol: p.symbol, asset: p.asset, quantity: p.quantity, entryPrice: c && c.qty.gt(0) ? str(c.cost.div(c.qty).toDecimalPlaces(8)) : null };
    });
    const openOrders = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM agent_orders WHERE status IN ('open', 'partially_filled', 'pending', 'unknown')`).one().n;
    return {
      agent: me.id,
      farm: me.parent?.startsWith("farm:") ? me.parent : null,
      status: me.status,
      cash: str(this.balances.get(CASH, "USD").plus(this.balances.get(RESERVED, "USD"))),
      capital: me.parent ? str(this.balances.get(peer(me.parent), "USD").neg()) : "0",
      positions,
      openOrders,
    };
  }

  /** Cancels an open order at its venue; what it still reserves is released. */
  async cancelOrder(clientOrderId: string): Promise<PlaceResult> {
    const row = this.orderRow(clientOrderId);
    if (!row) return { ok: false, code: "unknown_order", message: `no order ${clientOrderId}` };
    if (TERMINAL.has(row.status)) return { ok: true, order: this.orderView(row) };
    const result = await (await openVenue(this.env, row.venue)).cancel(this.walletId, clientOrderId);
    if (!result.ok) return { ok: false, code: result.code, message: result.message };
    this.tx(() => this.settleOrder(clientOrderId, result.order.status, result.order, null, null, Date.now()));
    await this.drain();
    const after = this.orderRow(clientOrderId);
    return after ? { ok: true, order: this.orderView(after) } : { ok: false, code: "unknown_order", message: clientOrderId };
  }

  /** Applies fills from a venue, each exactly once (inbox keyed by fill id). */
  async applyFills(venueId: string, fills: readonly Fill[], venueSpec: VenueSpec): Promise<number> {
    let applied = 0;
    const nowMs = Date.now();
    this.tx(() => {
      for (const fill of fills) {
        if (this.sql.exec(`SELECT 1 FROM fills_in WHERE fill_id = ?`, fill.fillId).toArray().length > 0) continue;
        const spec = venueSpec.symbols.find((s) => s.symbol === fill.symbol);
        const row = this.orderRow(fill.clientOrderId);
        if (!spec || !row) throw new Error(`invariant: fill ${fill.fillId} for an order ${fill.clientOrderId} this agent never placed`);
        this.post(fillEntry(venueId, spec, fill) as unknown as JournalEntry, nowMs);
        const left = dec(row.reserved).minus(reservationUsed(fill));
        this.sql.exec(`UPDATE agent_orders SET reserved = ?, updated_ms = ? WHERE client_order_id = ?`, str(left.gt(0) ? left : dec("0")), nowMs, fill.clientOrderId);
        this.sql.exec(`INSERT INTO fills_in (fill_id, client_order_id, fill_json) VALUES (?, ?, ?)`, fill.fillId, fill.clientOrderId, JSON.stringify(fill));
        this.enqueue({ t: "fill", fill: { ...fill, agent: this.walletId, venue: venueId } });
        this.emit(`fill:${fill.fillId}`, [custom("cival.order.filled", { ...fill, venue: venueId }, nowMs)], nowMs);
        applied++;
        const filled = this.sql.exec<{ q: string }>(`SELECT fill_json AS q FROM fills_in WHERE client_order_id = ?`, fill.clientOrderId).toArray().reduce((sum, r) => sum.plus(dec((JSON.parse(r.q) as Fill).quantity)), dec("0"));
        const request = JSON.parse(row.request) as OrderRequest;
        if (filled.gte(dec(request.quantity))) this.settleOrder(fill.clientOrderId, "filled", null, null, null, nowMs);
      }
    });
    this.armAlarm();
    void this.drain();
    return applied;
  }

  async orders(limit = 100): Promise<AgentOrder[]> {
    return this.sql.exec<OrderRow>(`SELECT * FROM agent_orders ORDER BY created_ms DESC LIMIT ?`, limit).toArray().map((r) => this.orderView(r));
  }

  /** The agent's fills, newest first, each with the venue it happened on. */
  async fills(limit = 200): Promise<Array<Fill & { venue: string }>> {
    return this.sql
      .exec<{ fill_json: string; venue: string }>(
        `SELECT f.fill_json, o.venue FROM fills_in f JOIN agent_orders o ON o.client_order_id = f.client_order_id ORDER BY f.rowid DESC LIMIT ?`,
        limit,
      )
      .toArray()
      .map((r) => ({ ...(JSON.parse(r.fill_json) as Fill), venue: r.venue }));
  }

  async order(clientOrderId: string): Promise<AgentOrder | null> {
    const row = this.orderRow(clientOrderId);
    return row ? this.orderView(row) : null;
  }

  protected override nextDueMs(): number | null {
    const waiting = this.sql.exec<{ t: number | null }>(`SELECT MIN(updated_ms) AS t FROM agent_orders WHERE status IN ('unknown', 'pending')`).one().t;
    return waiting === null ? null : waiting + RECONCILE_AFTER_MS;
  }

  /** Orders whose outcome is unknown are looked up at the venue by client order id, never re-sent. */
  protected override async onAlarm(nowMs: number): Promise<void> {
    const rows = this.sql.exec<OrderRow>(`SELECT * FROM agent_orders WHERE status IN ('unknown', 'pending') AND updated_ms <= ? LIMIT 20`, nowMs - RECONCILE_AFTER_MS).toArray();
    for (const row of rows) {
      const found = await (await openVenue(this.env, row.venue)).getOrder(row.client_order_id);
      this.tx(() => {
        if (!found) this.settleOrder(row.client_order_id, "rejected", null, "never_reached_venue", "the venue has no such order: nothing was placed", Date.now());
        else this.settleOrder(row.client_order_id, found.order.status, found.order, null, null, Date.now());
      });
    }
  }
  protected admit(req: ReceiveRequest) {
    const me = this.record;
    if (!me) return { code: "wallet_not_initialised" as const, message: "this agent does not exist yet" };
    if (me.role === "overseer") return { code: "overseer_holds_no_capital" as const, message: `${me.id} oversees risk and holds no trading capital` };
    if (me.status === "archived") return { code: "wallet_archived" as const, message: `${me.id} is archived` };
    if (req.from !== me.parent) return { code: "not_member" as const, message: `${me.id} takes money only from its farm ${me.parent}` };
    if (req.forwardTo) return { code: "invalid_route" as const, message: "an agent does not forward money" };
    return null;
  }

  protected override trackRecord(): WalletState["trackRecord"] {
    const me = this.record;
    if (!me?.parent) return null;
    const key = Balances.key(PNL, "USD");
    const hasRecord = [...this.balances.entries()].some(([k]) => k === key);
    if (!hasRecord) return null;
    return {
      pnl: str(this.balances.get(PNL, "USD").neg()),
      capital: str(this.balances.get(peer(me.parent), "USD").neg()),
    };
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
