import { type BaseEvent, custom, toolCall } from "../events.js";
import { type Balances, CASH, type JournalEntry } from "../ledger.js";
import type { Fill, OrderRequest, SymbolSpec, VenueOrder } from "../market.js";
import type { PlaceOrigin, SubmitResult } from "../messages.js";
import { ZERO, dec, str } from "../money.js";
import { type AgentOrder, type OrderEntry, fillEntry, releaseEntry, reservationUsed, reserveEntry } from "../orders.js";
import type { RefusalCode, Refused } from "../refusals.js";
import type { PreTradeDecision } from "../risk/types.js";
import { type OrderHistoryRow, isDone, orderHistoryRow } from "./lifecycle.js";

/**
 * The agent's order machine: `decide(state, command, nowMs)` answers what a command does to the
 * book (journal entries), to the orders (rows as they now stand, new inbox fills), what the desk's
 * history records and which events the dashboard hears. The object persists it all in one
 * transaction; nothing here reads a clock or storage.
 */

/** An order as the machine sees it: the row, and how much of it the applied fills add up to. */
export interface AgentOrderState {
  readonly order: AgentOrder;
  readonly filledQuantity: string;
}

/** What a command may read: the agent, its balances, the orders it touches and the fills already applied. */
export interface AgentState {
  readonly agent: string;
  readonly balances: Balances;
  readonly orders: ReadonlyMap<string, AgentOrderState>;
  readonly seenFills: ReadonlySet<string>;
}

/** A fill as the agent's inbox keeps it: with the venue it happened on. */
export type VenueFill = Fill & { readonly venue: string };

/** History for D1, in the shapes its writer takes. */
export type AgentHistory = { readonly t: "order"; readonly order: OrderHistoryRow } | { readonly t: "fill"; readonly fill: VenueFill & { readonly agent: string } };

/** One run of events on the agent's thread. */
export interface AgentRun {
  readonly runId: string;
  readonly events: readonly BaseEvent[];
  readonly atMs: number;
}

/** Everything a command does, for the object to persist in one transaction (journal first). */
export interface AgentEffects {
  readonly journal: readonly JournalEntry[];
  /** Orders as they now stand, each once. */
  readonly orders: readonly AgentOrderState[];
  /** Fills applied by this command, for the inbox. */
  readonly fillsIn: readonly VenueFill[];
  readonly history: readonly AgentHistory[];
  readonly events: readonly AgentRun[];
}

export type AgentCommand =
  /** Reserve for an order the risk monitor allowed and write it, pending, before the venue is called. */
  | { readonly kind: "place"; readonly venueId: string; readonly request: OrderRequest; readonly reservation: { readonly asset: string; readonly amount: string }; readonly origin: PlaceOrigin; readonly risk: PreTradeDecision }
  /** The venue's word on an order (its submit or cancel reply, or the alarm's look-up): its fills, then its status. */
  | { readonly kind: "venue_answer"; readonly clientOrderId: string; readonly venueId: string; readonly symbols: readonly SymbolSpec[]; readonly answer: SubmitResult }
  /** The venue's answer never came: the order is `unknown` until the alarm looks it up. */
  | { readonly kind: "lost"; readonly clientOrderId: string; readonly message: string }
  /** The venue has no such order: it was never placed. */
  | { readonly kind: "not_found"; readonly clientOrderId: string }
  /** Fills the venue delivers on its own (resting orders, retried deliveries). */
  | { readonly kind: "fills"; readonly venueId: string; readonly symbols: readonly SymbolSpec[]; readonly fills: readonly Fill[] };

export type AgentDecision = { readonly ok: true; readonly effects: AgentEffects } | Refused;

/** What the machine builds while it decides: effects so far and the orders as they now stand. */
interface Work {
  readonly state: AgentState;
  readonly nowMs: number;
  readonly journal: JournalEntry[];
  readonly orders: Map<string, AgentOrderState>;
  readonly touched: Set<string>;
  readonly seen: Set<string>;
  readonly fillsIn: VenueFill[];
  readonly history: AgentHistory[];
  readonly events: AgentRun[];
}

// Order entries carry kinds of their own; the journal stores them like any other balanced entry.
const asEntry = (e: OrderEntry): JournalEntry => e as unknown as JournalEntry;

function start(state: AgentState, nowMs: number): Work {
  return { state, nowMs, journal: [], orders: new Map(state.orders), touched: new Set(), seen: new Set(state.seenFills), fillsIn: [], history: [], events: [] };
}

function finish(w: Work): AgentDecision {
  const orders = [...w.touched].map((id) => w.orders.get(id)).filter((o): o is AgentOrderState => o !== undefined);
  return { ok: true, effects: { journal: w.journal, orders, fillsIn: w.fillsIn, history: w.history, events: w.events } };
}

/** Decides one command against the agent's state at `nowMs`. */
export function decide(state: AgentState, command: AgentCommand, nowMs: number): AgentDecision {
  const w = start(state, nowMs);
  switch (command.kind) {
    case "place":
      return place(w, command);
    case "venue_answer": {
      const a = command.answer;
      if (!a.ok) settle(w, command.clientOrderId, "rejected", null, a.code, a.message);
      else {
        applyFills(w, command.venueId, command.symbols, a.fills, false);
        settle(w, command.clientOrderId, a.order.status, a.order, null, null);
      }
      return finish(w);
    }
    case "lost":
      settle(w, command.clientOrderId, "unknown", null, "unknown_outcome", `the venue's answer was lost: ${command.message}`);
      return finish(w);
    case "not_found":
      settle(w, command.clientOrderId, "rejected", null, "never_reached_venue", "the venue has no such order: nothing was placed");
      return finish(w);
    case "fills":
      applyFills(w, command.venueId, command.symbols, command.fills, true);
      return finish(w);
  }
}

/** Reserves and writes a new order; a repeat of its client order id changes nothing. */
function place(w: Work, c: Extract<AgentCommand, { kind: "place" }>): AgentDecision {
  const req = c.request;
  if (w.orders.has(req.clientOrderId)) return finish(w);
  const amount = dec(c.reservation.amount);
  const available = w.state.balances.get(CASH, c.reservation.asset as never);
  if (amount.gt(available)) {
    return { ok: false, code: "insufficient_funds", message: `${w.state.agent} has ${str(available)} ${c.reservation.asset} available; the order needs ${str(amount)}` };
  }
  w.journal.push(asEntry(reserveEntry(req.clientOrderId, c.reservation.asset, amount)));
  const order: AgentOrder = {
    clientOrderId: req.clientOrderId,
    venue: c.venueId,
    request: req,
    order: null,
    status: "pending",
    reservedAsset: c.reservation.asset,
    reserved: str(amount),
    code: null,
    message: null,
    createdAtMs: w.nowMs,
    updatedAtMs: w.nowMs,
  };
  put(w, { order, filledQuantity: "0" });
  const args = { venue: c.venueId, origin: c.origin, ...req };
  const result = { clientOrderId: req.clientOrderId, state: "pending", reserved: { asset: c.reservation.asset, amount: str(amount) }, risk: { ...c.risk } };
  w.events.push({ runId: `order:${req.clientOrderId}:placed`, events: toolCall(`order:${req.clientOrderId}`, "place_order", args, result, w.nowMs), atMs: w.nowMs });
  return finish(w);
}

function put(w: Work, o: AgentOrderState): void {
  w.orders.set(o.order.clientOrderId, o);
  w.touched.add(o.order.clientOrderId);
  w.history.push({ t: "order", order: orderHistoryRow(w.state.agent, o.order) });
}

/** Records the venue's word on an order; once it can no longer fill, what it still reserves is released. */
function settle(w: Work, id: string, status: string, venueOrder: VenueOrder | null, code: RefusalCode | null, message: string | null): void {
  const current = w.orders.get(id);
  if (!current) return;
  const row = current.order;
  let reserved = dec(row.reserved);
  if (isDone(status) && reserved.gt(0)) {
    w.journal.push(asEntry(releaseEntry(id, row.reservedAsset, reserved)));
    reserved = ZERO;
  }
  const order: AgentOrder = { ...row, status, order: venueOrder ?? row.order, reserved: str(reserved), code: code ?? row.code, message: message ?? row.message, updatedAtMs: w.nowMs };
  put(w, { ...current, order });
  const value = { clientOrderId: id, venue: row.venue, status, code, filledQuantity: venueOrder?.filledQuantity ?? null };
  w.events.push({ runId: `order:${id}:${status}:${w.nowMs}`, events: [custom("cival.order.updated", value, w.nowMs)], atMs: w.nowMs });
}

/**
 * Applies fills, each exactly once (the inbox is keyed by fill id): the reserved side goes to the
 * venue, the other asset comes back, the fee is paid. With `settleWhenFilled`, an order whose fills
 * reach its quantity is settled as filled (a venue reply settles with its own status instead).
 */
function applyFills(w: Work, venueId: string, symbols: readonly SymbolSpec[], fills: readonly Fill[], settleWhenFilled: boolean): void {
  for (const fill of fills) {
    if (w.seen.has(fill.fillId)) continue;
    const spec = symbols.find((s) => s.symbol === fill.symbol);
    const current = w.orders.get(fill.clientOrderId);
    if (!spec || !current) throw new Error(`invariant: fill ${fill.fillId} for an order ${fill.clientOrderId} this agent never placed`);
    w.journal.push(asEntry(fillEntry(venueId, spec, fill)));
    const left = dec(current.order.reserved).minus(reservationUsed(fill));
    const filled = dec(current.filledQuantity).plus(dec(fill.quantity));
    w.orders.set(fill.clientOrderId, { order: { ...current.order, reserved: str(left.gt(0) ? left : ZERO), updatedAtMs: w.nowMs }, filledQuantity: str(filled) });
    w.touched.add(fill.clientOrderId);
    w.seen.add(fill.fillId);
    w.fillsIn.push({ ...fill, venue: venueId });
    w.history.push({ t: "fill", fill: { ...fill, agent: w.state.agent, venue: venueId } });
    w.events.push({ runId: `fill:${fill.fillId}`, events: [custom("cival.order.filled", { ...fill, venue: venueId }, w.nowMs)], atMs: w.nowMs });
    if (settleWhenFilled && filled.gte(dec(current.order.request.quantity))) settle(w, fill.clientOrderId, "filled", null, null, null);
  }
}
