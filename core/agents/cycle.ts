/**
 * One decision cycle, planned: from the strategy's signal to the orders that carry it out (sized
 * with the strategies' one sizer, cut to what the book can pay for as an AgentWallet reserves it),
 * the views the agent shares with its farm and the desk, and what a farm's or the desk's answer
 * leaves of the plan. Pure; the AgentWallet runs the stages and persists the plan before any order
 * leaves, so a retried cycle re-sends the same client order ids and never orders twice.
 */
import type { AgentView, FarmVerdict, Proposal } from "../farm/types.js";
import type { OrderRequest, SymbolSpec, VenueSpec } from "../market.js";
import { Decimal, ZERO, str } from "../money.js";
import { MARKET_BUY_BUFFER } from "../orders.js";
import { sizeSignal } from "../strategies/sizing.js";
import type { Signal } from "../strategies/types.js";
import { floorTo, stepsOf } from "../ticks.js";
import type { AgentInstrument } from "./config.js";

/** One instrument as the cycle sees it: where, its rules and fees, and its price now. */
export interface CycleInstrument extends AgentInstrument {
  readonly spec: SymbolSpec;
  readonly venueSpec: VenueSpec;
  /** The price market orders are sized and reserved at (the ticker's last, else the last close). */
  readonly mark: string;
  /** Base held at this venue. */
  readonly position: string;
}

/** A resting order of the agent (quotes are replaced by the next quotes). */
export interface RestingOrder {
  readonly clientOrderId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly price: string | null;
  readonly quantity: string;
}

/** An order the cycle will send: where, the request (its client order id derived from the cycle), and the mark it was decided at. */
export interface PlannedOrder {
  readonly instrument: number;
  readonly venue: string;
  readonly request: OrderRequest;
  readonly role: "target" | "quote" | "leg" | "flatten";
  /** A sell on spot only ever reduces what is held. */
  readonly reducing: boolean;
  readonly mark: string;
}

export interface CyclePlan {
  readonly orders: readonly PlannedOrder[];
  /** Resting quotes to cancel (not asked for again). */
  readonly cancels: readonly string[];
}

export interface PlanInput {
  readonly cycleId: string;
  readonly signal: Signal;
  readonly instruments: readonly CycleInstrument[];
  readonly equity: string;
  /** USD free to spend. */
  readonly cash: string;
  readonly maxExposure: number;
  readonly resting: readonly RestingOrder[];
}

/** The orders that carry the signal out now, each cut to what the book can pay for. */
export function planCycle(input: PlanInput): CyclePlan {
  const { signal, instruments } = input;
  const quoting = signal.quotes !== undefined;
  const sized = sizeSignal(
    signal,
    { equity: input.equity, cash: input.cash, prices: instruments.map((i) => i.mark), positions: instruments.map((i) => i.position) },
    { maxExposure: input.maxExposure, specs: instruments.map((i) => i.spec), feeRates: instruments.map((i) => (quoting ? i.venueSpec.makerFeeRate : i.venueSpec.takerFeeRate)) },
  );
  let cash = new Decimal(input.cash);
  const orders: PlannedOrder[] = [];
  const kept = new Set<string>();
  for (const o of sized) {
    const inst = instruments[o.instrument] as CycleInstrument;
    if (o.role === "quote") {
      const same = input.resting.find((r) => !kept.has(r.clientOrderId) && r.venue === inst.venue && r.symbol === inst.spec.symbol && r.side === o.side && r.price === o.price && r.quantity === o.quantity);
      if (same) {
        kept.add(same.clientOrderId);
        continue;
      }
    }
    const req = cutToBook({ side: o.side, type: o.type, timeInForce: o.timeInForce, quantity: o.quantity, price: o.price }, inst, cash, `${input.cycleId}.${orders.length}`);
    if (!req) continue;
    if (req.side === "buy") cash = cash.minus(reservationOf(req, inst));
    orders.push({ instrument: o.instrument, venue: inst.venue, request: req, role: o.role, reducing: req.side === "sell", mark: inst.mark });
  }
  const cancels = quoting ? input.resting.filter((r) => !kept.has(r.clientOrderId)).map((r) => r.clientOrderId) : [];
  return { orders, cancels };
}

/** What a buy reserves, as the AgentWallet computes it: its limit (a market buy: the mark plus the buffer) plus the taker fee. */
function reservationOf(req: Pick<OrderRequest, "type" | "price" | "quantity">, inst: CycleInstrument): Decimal {
  const price = req.type === "limit" && req.price ? new Decimal(req.price) : new Decimal(inst.mark).times(new Decimal(MARKET_BUY_BUFFER).plus(1));
  return price.times(req.quantity).times(new Decimal(inst.venueSpec.takerFeeRate).plus(1));
}

/** The order cut to what is held (sells) or what cash reserves (buys), on the lot; null when under the lot or the min notional. */
function cutToBook(o: Pick<OrderRequest, "side" | "type" | "timeInForce" | "quantity" | "price">, inst: CycleInstrument, cash: Decimal, clientOrderId: string): OrderRequest | null {
  const { lot } = stepsOf(inst.spec);
  let quantity = new Decimal(o.quantity);
  const price = o.type === "limit" && o.price ? new Decimal(o.price) : new Decimal(inst.mark);
  if (o.side === "sell") quantity = Decimal.min(quantity, inst.position);
  else {
    const perUnit = reservationOf({ type: o.type, price: o.price, quantity: "1" }, inst);
    if (perUnit.gt(0)) quantity = Decimal.min(quantity, cash.div(perUnit));
  }
  quantity = floorTo(Decimal.max(quantity, ZERO), lot);
  if (!quantity.gt(0) || quantity.times(price).lt(inst.spec.minNotional)) return null;
  return { clientOrderId, symbol: inst.spec.symbol, side: o.side, type: o.type, quantity: str(quantity), price: o.type === "limit" ? o.price : null, timeInForce: o.timeInForce };
}

/** Market sells of everything held (emergency flatten), and every resting quote cancelled. */
export function flattenPlan(cycleId: string, instruments: readonly CycleInstrument[], resting: readonly RestingOrder[]): CyclePlan {
  const orders: PlannedOrder[] = [];
  instruments.forEach((inst, k) => {
    const req = cutToBook({ side: "sell", type: "market", timeInForce: "ioc", quantity: inst.position, price: null }, inst, ZERO, `${cycleId}.${orders.length}`);
    if (req) orders.push({ instrument: k, venue: inst.venue, request: req, role: "flatten", reducing: true, mark: inst.mark });
  });
  return { orders, cancels: resting.map((r) => r.clientOrderId) };
}

/**
 * What is left of a plan once its buys are scaled (netting: 0..1): sells and cancels stay (exits
 * are never netted); a buy under the lot or the min notional after scaling is dropped.
 */
export function scaleBuys(plan: CyclePlan, scale: number, instruments: readonly CycleInstrument[]): CyclePlan {
  if (scale >= 1) return plan;
  const s = new Decimal(Math.max(0, scale).toFixed(6));
  const orders: PlannedOrder[] = [];
  for (const o of plan.orders) {
    if (o.reducing) {
      orders.push(o);
      continue;
    }
    const inst = instruments[o.instrument] as CycleInstrument;
    const q = floorTo(new Decimal(o.request.quantity).times(s), stepsOf(inst.spec).lot);
    const price = o.request.price ? new Decimal(o.request.price) : new Decimal(o.mark);
    if (q.gt(0) && q.times(price).gte(inst.spec.minNotional)) orders.push({ ...o, request: { ...o.request, quantity: str(q) } });
  }
  return { orders, cancels: plan.cancels };
}

/** The plan after the farm's verdict: go (scaled), veto (exits only), or flatten. */
export function applyVerdict(plan: CyclePlan, verdict: FarmVerdict | null, cycleId: string, instruments: readonly CycleInstrument[], resting: readonly RestingOrder[]): CyclePlan {
  if (!verdict) return plan;
  if (verdict.action === "flatten") return flattenPlan(cycleId, instruments, resting);
  if (verdict.action === "veto") return scaleBuys(plan, 0, instruments);
  return scaleBuys(plan, verdict.scale, instruments);
}

/**
 * The agent's views per instrument, for its farm and the desk: a plain signal speaks for
 * instrument 0; targets say buy where they want more than is held and sell where less; quotes and
 * arbitrage legs are market-neutral (hold).
 */
export function viewsOf(signal: Signal, instruments: readonly CycleInstrument[], equity: string, maxExposure: number, who: { agent: string; farm: string | null; weight: number }, nowMs: number): AgentView[] {
  return instruments.map((inst, k) => {
    let side: AgentView["side"] = "hold";
    let strength = 0;
    if (signal.legs || signal.quotes !== undefined) side = "hold";
    else if (signal.targets) {
      const held = exposureOf(inst, equity);
      const want = signal.targets[k] ?? 0;
      const gap = want - held;
      side = Math.abs(gap) < 1e-4 ? "hold" : gap > 0 ? "buy" : "sell";
      strength = maxExposure > 0 ? Math.min(1, Math.abs(gap) / maxExposure) : 0;
    } else if (k === 0) {
      side = signal.side;
      strength = signal.strength;
    }
    return { agent: who.agent, farm: who.farm, symbol: inst.spec.symbol, venue: inst.venue, side, strength, confidence: side === "hold" ? 0 : signal.confidence, weight: who.weight, reason: signal.reason, atMs: nowMs };
  });
}

/** What a position is worth as a fraction of equity (a statistic for the strategy and the views, not money). */
export function exposureOf(inst: Pick<CycleInstrument, "position" | "mark">, equity: string): number {
  const eq = Number(equity);
  return eq > 0 ? (Number(inst.position) * Number(inst.mark)) / eq : 0;
}

/** What the agent proposes to its farm: its first buy (new risk), else its first sell (an exit); null when it sends nothing. */
export function proposalOf(cycleId: string, agent: string, plan: CyclePlan, views: readonly AgentView[]): Proposal | null {
  const o = plan.orders.find((x) => !x.reducing) ?? plan.orders[0];
  if (!o) return null;
  const view = views[o.instrument] ?? views[0];
  if (!view) return null;
  return { cycleId, agent, view, side: o.request.side, reducing: o.reducing };
}

/** The notional of an order at its limit or mark (USD). */
export function notionalOf(o: PlannedOrder): Decimal {
  return new Decimal(o.request.price ?? o.mark).times(o.request.quantity);
}
