/**
 * The one place a signal becomes order quantities. The backtester and the agents both call
 * `sizeSignal`, so a backtest sizes exactly as a live agent does.
 *
 * Rules, in order of precedence of the signal's fields: `legs`, then `quotes` (a quotes field,
 * even null, means "replace every resting quote with these"), then `targets`, then `side`.
 * - Exposure is value / equity; no instrument is sized past `maxExposure` of equity (targets are
 *   capped at it; "buy" asks for strength × maxExposure and never sells what is above it).
 * - Spot: nothing is sold that is not held; buys are capped by cash, less the fee reserved.
 * - Quantities are rounded down to the lot (legs: to a lot both venues accept); bid and buy prices
 *   are rounded down to the tick and ask and sell prices up, so rounding never pays more or sells
 *   for less than the strategy asked; an order under its symbol's min notional is dropped.
 * - Within one signal, sells come first and buys may spend their proceeds (less the fee).
 */
import type { SymbolSpec } from "../market.js";
import { Decimal, ZERO, dec, str } from "../money.js";
import { commonStep, floorTo, stepsOf } from "../ticks.js";
import type { Leg, Quotes, Signal } from "./types.js";

/** The account as the sizer sees it: decimal text, quote asset for money, base units for positions. */
export interface SizingBook {
  /** Equity (cash plus positions at `prices`). */
  readonly equity: string;
  /** Cash free to spend on buys. */
  readonly cash: string;
  /** Per instrument: the price market orders are sized at (the last close or the mid). */
  readonly prices: readonly string[];
  /** Per instrument: the quantity held now (≥ 0 on spot). */
  readonly positions: readonly string[];
}

/** What bounds the orders: the exposure cap and each instrument's symbol rules and fees. */
export interface SizingLimits {
  /** The most of equity one instrument may hold (0..1). */
  readonly maxExposure: number;
  /** Per instrument: lot size, tick size and min notional. */
  readonly specs: readonly SymbolSpec[];
  /** Per instrument: the fee rate reserved from cash on buys (taker for market and legs, maker for quotes); default 0. */
  readonly feeRates?: readonly string[];
}

/** An order to send, ready for the venue: quantity and price are on the symbol's lot and tick. */
export interface SizedOrder {
  readonly instrument: number;
  readonly side: "buy" | "sell";
  readonly type: "market" | "limit";
  readonly timeInForce: "gtc" | "ioc" | "post_only";
  readonly quantity: string;
  /** The limit price, null for market orders. */
  readonly price: string | null;
  /** What it came from: a target (or buy/sell), a resting quote, an arbitrage leg. */
  readonly role: "target" | "quote" | "leg";
}

interface Ctx {
  readonly equity: Decimal;
  cash: Decimal;
  readonly prices: readonly Decimal[];
  readonly positions: readonly Decimal[];
  readonly maxExposure: Decimal;
  readonly specs: readonly SymbolSpec[];
  readonly fees: readonly Decimal[];
}

/** The orders that carry out `signal` for this account (empty when there is nothing worth sending). */
export function sizeSignal(signal: Signal, book: SizingBook, limits: SizingLimits): SizedOrder[] {
  const ctx = context(book, limits);
  if (signal.legs) return sizeLegs(signal.legs, ctx);
  if (signal.quotes !== undefined) return signal.quotes === null ? [] : sizeQuotes(signal.quotes, ctx);
  if (signal.targets) return sizeTargets(signal.targets, ctx, true);
  if (signal.side === "buy") return sizeTargets([signal.strength * limits.maxExposure], ctx, false);
  if (signal.side === "sell") return sizeTargets([0], ctx, true);
  return [];
}

function context(book: SizingBook, limits: SizingLimits): Ctx {
  const n = limits.specs.length;
  if (book.prices.length < n || book.positions.length < n) throw new Error("invariant: the sizing book has a price and a position per instrument");
  const fees: Decimal[] = [];
  for (let k = 0; k < n; k++) fees.push(dec(limits.feeRates?.[k] ?? "0"));
  return {
    equity: dec(book.equity),
    cash: Decimal.max(ZERO, dec(book.cash)),
    prices: book.prices.map(dec),
    positions: book.positions.map(dec),
    maxExposure: clampFraction(limits.maxExposure),
    specs: limits.specs,
    fees,
  };
}

/** A fraction in [0, 1] as a Decimal (NaN and negatives are 0). */
function clampFraction(x: number): Decimal {
  if (!(x > 0)) return ZERO;
  return x >= 1 ? new Decimal(1) : new Decimal(x);
}

/** Market orders moving each instrument toward its target exposure; `reduce` false never sells (a weaker "buy"). */
function sizeTargets(targets: readonly number[], ctx: Ctx, reduce: boolean): SizedOrder[] {
  const sells: SizedOrder[] = [];
  const wants: Array<{ k: number; quantity: Decimal }> = [];
  for (let k = 0; k < targets.length && k < ctx.specs.length; k++) {
    const price = ctx.prices[k] as Decimal;
    if (!price.gt(0)) continue;
    const target = Decimal.min(clampFraction(targets[k] as number), ctx.maxExposure);
    const delta = ctx.equity.times(target).div(price).minus(ctx.positions[k] as Decimal);
    if (delta.lt(0) && reduce) {
      const o = marketOrder(k, "sell", Decimal.min(delta.neg(), ctx.positions[k] as Decimal), ctx);
      if (o) {
        sells.push(o);
        ctx.cash = ctx.cash.plus(dec(o.quantity).times(price).times(new Decimal(1).minus(ctx.fees[k] as Decimal)));
      }
    } else if (delta.gt(0)) wants.push({ k, quantity: delta });
  }
  const buys: SizedOrder[] = [];
  for (const { k, quantity } of wants) {
    const price = ctx.prices[k] as Decimal;
    const affordable = ctx.cash.div(price.times((ctx.fees[k] as Decimal).plus(1)));
    const o = marketOrder(k, "buy", Decimal.min(quantity, affordable), ctx);
    if (o) {
      buys.push(o);
      ctx.cash = ctx.cash.minus(dec(o.quantity).times(price).times((ctx.fees[k] as Decimal).plus(1)));
    }
  }
  return sells.concat(buys);
}

function marketOrder(k: number, side: "buy" | "sell", quantity: Decimal, ctx: Ctx): SizedOrder | null {
  const spec = ctx.specs[k] as SymbolSpec;
  const q = floorTo(quantity, stepsOf(spec).lot);
  if (!q.gt(0) || q.times(ctx.prices[k] as Decimal).lt(spec.minNotional)) return null;
  return { instrument: k, side, type: "market", timeInForce: "ioc", quantity: str(q), price: null, role: "target" };
}

/** Post-only quotes on instrument 0: the bid down to the tick, the ask up; the ask never sells more than is held. */
function sizeQuotes(quotes: Quotes, ctx: Ctx): SizedOrder[] {
  const out: SizedOrder[] = [];
  const spec = ctx.specs[0] as SymbolSpec;
  const { lot, tick } = stepsOf(spec);
  if (quotes.bidSize > 0 && quotes.bidPrice > 0) {
    const price = onTick(quotes.bidPrice, tick, "floor");
    const budget = Decimal.min(ctx.equity.times(clampFraction(quotes.bidSize)), ctx.cash.div((ctx.fees[0] as Decimal).plus(1)));
    const q = price.gt(0) ? floorTo(budget.div(price), lot) : ZERO;
    if (q.gt(0) && !q.times(price).lt(spec.minNotional)) out.push({ instrument: 0, side: "buy", type: "limit", timeInForce: "post_only", quantity: str(q), price: str(price), role: "quote" });
  }
  if (quotes.askSize > 0 && quotes.askPrice > 0) {
    const price = onTick(quotes.askPrice, tick, "ceil");
    const wanted = ctx.equity.times(clampFraction(quotes.askSize)).div(price);
    const q = floorTo(Decimal.min(wanted, ctx.positions[0] as Decimal), lot);
    if (q.gt(0) && !q.times(price).lt(spec.minNotional)) out.push({ instrument: 0, side: "sell", type: "limit", timeInForce: "post_only", quantity: str(q), price: str(price), role: "quote" });
  }
  return out;
}

/**
 * Ioc limit legs of one quantity (hedged legs must match): the least of what each leg's size
 * buys at its limit, its `maxQuantity`, the position a sell leg holds and the cash a buy leg
 * has, rounded down to a lot every leg's venue accepts. All legs or none.
 */
function sizeLegs(legs: readonly Leg[], ctx: Ctx): SizedOrder[] {
  let quantity: Decimal | null = null;
  let lot: Decimal | null = null;
  const prices: Decimal[] = [];
  for (const leg of legs) {
    const spec = ctx.specs[leg.instrument];
    if (!spec || !(leg.limitPrice > 0) || !(leg.size > 0)) return [];
    const price = onTick(leg.limitPrice, stepsOf(spec).tick, leg.side === "buy" ? "floor" : "ceil");
    if (!price.gt(0)) return [];
    prices.push(price);
    let q = ctx.equity.times(clampFraction(leg.size)).div(price);
    if (leg.maxQuantity !== undefined && leg.maxQuantity >= 0) q = Decimal.min(q, new Decimal(leg.maxQuantity));
    if (leg.side === "sell") q = Decimal.min(q, ctx.positions[leg.instrument] as Decimal);
    else q = Decimal.min(q, ctx.cash.div(price.times((ctx.fees[leg.instrument] as Decimal).plus(1))));
    quantity = quantity === null ? q : Decimal.min(quantity, q);
    lot = lot === null ? stepsOf(spec).lot : commonStep(lot, stepsOf(spec).lot);
  }
  if (quantity === null || lot === null) return [];
  const q = floorTo(quantity, lot);
  if (!q.gt(0)) return [];
  const out: SizedOrder[] = [];
  for (let i = 0; i < legs.length; i++) {
    const leg = legs[i] as Leg;
    const price = prices[i] as Decimal;
    if (q.times(price).lt((ctx.specs[leg.instrument] as SymbolSpec).minNotional)) return [];
    out.push({ instrument: leg.instrument, side: leg.side, type: "limit", timeInForce: "ioc", quantity: str(q), price: str(price), role: "leg" });
  }
  return out;
}

/**
 * A statistic's price as an exact multiple of the tick, rounded down or up. A price already on the
 * tick (60123.45 on 0.01) stays there despite float noise in the division (1e-9 of a tick).
 */
export function onTick(value: number, tick: Decimal, mode: "floor" | "ceil"): Decimal {
  const steps = value / tick.toNumber();
  const whole = mode === "floor" ? Math.floor(steps + 1e-9) : Math.ceil(steps - 1e-9);
  return tick.times(whole);
}
