/**
 * The backtest's trading account: the agent's own order machine (core/agent `decide`) keeping the
 * book exactly as an AgentWallet keeps it (reservations, fills applied once, fees, releases), plus
 * float mirrors of cash and positions for the equity curve (statistics) and the round trips the
 * metrics count. Nothing here reads a clock.
 */
import { type AgentCommand, type AgentEffects, type AgentOrderState, type AgentState, type VenueFill, decide } from "../agent/machine.js";
import { isDone } from "../agent/lifecycle.js";
import { Balances, CASH, depositEntry } from "../ledger.js";
import type { Fill, OrderRequest, SymbolSpec, VenueSpec } from "../market.js";
import type { SubmitResult } from "../messages.js";
import { Decimal, ZERO, dec } from "../money.js";
import { RESERVED, reservationFor, venueAccount } from "../orders.js";
import type { RefusalCode } from "../refusals.js";
import type { PreTradeDecision } from "../risk/types.js";

/** The account every backtest trades as. */
export const BACKTEST_ACCOUNT = "backtest";

/** One instrument as the account trades it. */
export interface AccountInstrument {
  readonly venue: VenueSpec;
  readonly spec: SymbolSpec;
}

/** A position from flat back to flat, for win rate and profit factor: what it cost and what it brought, fees included. */
interface RoundTrip {
  spent: Decimal;
  received: Decimal;
}

// The backtest has no desk risk monitor; the machine records the answer an order was placed under.
const NO_RISK: PreTradeDecision = { decision: "approve", quantity: "0", reason: "backtest: sized by the strategy's limits", mark: null };

export class BacktestAccount {
  readonly balances = new Balances();
  readonly #orders = new Map<string, AgentOrderState>();
  readonly #seen = new Set<string>();
  readonly #fillsOf = new Map<string, string[]>();
  readonly #trips: Array<RoundTrip | null>;
  /** Closed round trips' net results (received − spent), quote asset. */
  readonly closedTrips: Decimal[] = [];
  /** Float mirrors, refreshed after every change: cash (free + reserved) and base held per instrument. */
  cash = 0;
  readonly held: Float64Array;
  /** Per instrument: how many orders are open, and their best prices (floats, for the engine's pre-check). */
  readonly openCount: Int32Array;
  readonly bestBid: Float64Array;
  readonly bestAsk: Float64Array;
  feesPaid: Decimal = ZERO;
  tradedNotional = 0;
  readonly #quote: string;

  constructor(
    readonly instruments: readonly AccountInstrument[],
    initialCash: string,
  ) {
    this.#quote = instruments[0]?.spec.quote ?? "USD";
    this.balances.apply(depositEntry("backtest:deposit", this.#quote as never, dec(initialCash)));
    this.held = new Float64Array(instruments.length);
    this.openCount = new Int32Array(instruments.length);
    this.bestBid = new Float64Array(instruments.length).fill(-Infinity);
    this.bestAsk = new Float64Array(instruments.length).fill(Infinity);
    this.#trips = instruments.map(() => null);
    this.#refresh();
  }

  /** Cash in the quote asset, free and reserved (what equity counts). */
  cashDecimal(): Decimal {
    return this.balances.get(CASH, this.#quote as never).plus(this.balances.get(RESERVED, this.#quote as never));
  }

  /** Free cash of an asset (what a new order may reserve). */
  free(asset: string): Decimal {
    return this.balances.get(CASH, asset as never);
  }

  /** Base held at instrument k's venue (bought there less sold there). */
  position(k: number): Decimal {
    const i = this.instruments[k] as AccountInstrument;
    return this.balances.get(venueAccount(i.venue.id), i.spec.base as never).neg();
  }

  /** Open orders on instrument k, oldest first. */
  openOrders(k: number): AgentOrderState[] {
    const i = this.instruments[k] as AccountInstrument;
    return [...this.#orders.values()].filter((o) => o.order.venue === i.venue.id && o.order.request.symbol === i.spec.symbol);
  }

  /** Reserves for an order and records it pending; a refusal (not enough funds) places nothing. */
  place(k: number, req: OrderRequest, mark: Decimal, nowMs: number): { ok: true; reserved: Decimal } | { ok: false; code: RefusalCode; message: string } {
    const i = this.instruments[k] as AccountInstrument;
    const reservation = reservationFor(req, i.spec, mark, dec(i.venue.takerFeeRate));
    const command: AgentCommand = { kind: "place", venueId: i.venue.id, request: req, reservation: { asset: reservation.asset, amount: reservation.amount.toFixed() }, origin: "agent", risk: NO_RISK };
    const out = this.#decide(command, nowMs);
    return out.ok ? { ok: true, reserved: reservation.amount } : out;
  }

  /** The venue's answer to a submit or cancel: its fills, then its status. Returns the fills new to the book. */
  answer(k: number, clientOrderId: string, answer: SubmitResult, nowMs: number): readonly VenueFill[] {
    const i = this.instruments[k] as AccountInstrument;
    const out = this.#decide({ kind: "venue_answer", clientOrderId, venueId: i.venue.id, symbols: i.venue.symbols, answer }, nowMs);
    return out.ok ? out.effects.fillsIn : [];
  }

  /** Fills of resting orders the venue made on its own. */
  fills(venue: VenueSpec, fills: readonly Fill[], nowMs: number): readonly VenueFill[] {
    if (fills.length === 0) return [];
    const out = this.#decide({ kind: "fills", venueId: venue.id, symbols: venue.symbols, fills }, nowMs);
    return out.ok ? out.effects.fillsIn : [];
  }

  #decide(command: AgentCommand, nowMs: number): { ok: true; effects: AgentEffects } | { ok: false; code: RefusalCode; message: string } {
    const state: AgentState = { agent: BACKTEST_ACCOUNT, balances: this.balances, orders: this.#orders, seenFills: this.#seen };
    const out = decide(state, command, nowMs);
    if (!out.ok) return out;
    for (const e of out.effects.journal) this.balances.apply(e);
    for (const f of out.effects.fillsIn) this.#applied(f);
    for (const o of out.effects.orders) this.#keep(o);
    if (out.effects.orders.length > 0) this.#countOpen();
    this.#refresh();
    return out;
  }

  /** A fill applied: fees, turnover, and the instrument's round trip. */
  #applied(f: Fill & { readonly venue: string }): void {
    this.#seen.add(f.fillId);
    const ids = this.#fillsOf.get(f.clientOrderId);
    if (ids) ids.push(f.fillId);
    else this.#fillsOf.set(f.clientOrderId, [f.fillId]);
    const notional = dec(f.price).times(dec(f.quantity));
    const fee = dec(f.fee);
    this.feesPaid = this.feesPaid.plus(fee);
    this.tradedNotional += notional.toNumber();
    const k = this.instruments.findIndex((i) => i.venue.id === f.venue && i.spec.symbol === f.symbol);
    const trip = this.#trips[k] ?? { spent: ZERO, received: ZERO };
    if (f.side === "buy") trip.spent = trip.spent.plus(notional).plus(fee);
    else trip.received = trip.received.plus(notional).minus(fee);
    this.#trips[k] = trip;
    if (k >= 0 && this.position(k).lte(0)) {
      this.closedTrips.push(trip.received.minus(trip.spent));
      this.#trips[k] = null;
    }
  }

  /** Keeps open orders only: a done order is forgotten, and with it its fill ids (no fill can follow). */
  #keep(o: AgentOrderState): void {
    const id = o.order.clientOrderId;
    if (!isDone(o.order.status)) {
      this.#orders.set(id, o);
      return;
    }
    this.#orders.delete(id);
    for (const f of this.#fillsOf.get(id) ?? []) this.#seen.delete(f);
    this.#fillsOf.delete(id);
  }

  #countOpen(): void {
    this.openCount.fill(0);
    this.bestBid.fill(-Infinity);
    this.bestAsk.fill(Infinity);
    for (const o of this.#orders.values()) {
      const r = o.order.request;
      const k = this.instruments.findIndex((i) => i.venue.id === o.order.venue && i.spec.symbol === r.symbol);
      if (k < 0) continue;
      this.openCount[k] = (this.openCount[k] as number) + 1;
      // A market order still open (pending) reaches any price: it counts as resting at the extremes.
      const price = r.price === null ? (r.side === "buy" ? Infinity : -Infinity) : Number(r.price);
      if (r.side === "buy") this.bestBid[k] = Math.max(this.bestBid[k] as number, price);
      else this.bestAsk[k] = Math.min(this.bestAsk[k] as number, price);
    }
  }

  #refresh(): void {
    this.cash = this.cashDecimal().toNumber();
    for (let k = 0; k < this.instruments.length; k++) this.held[k] = this.position(k).toNumber();
  }
}
