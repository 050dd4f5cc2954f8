/**
 * From a signal to the orders a backtest sends: the strategies' one sizing (`sizeSignal`, the
 * same an agent uses), then what the book allows when the order is actually sent (a market buy
 * reserves its mark plus the buffer, as an AgentWallet does, so it is cut to what cash covers).
 * Quotes replace the resting quotes that differ; the same quote stays where it is.
 */
import type { CandleSeries } from "../candles/series.js";
import type { OrderRequest } from "../market.js";
import { Decimal, ZERO, str } from "../money.js";
import { MARKET_BUY_BUFFER } from "../orders.js";
import { type SizedOrder, sizeSignal } from "../strategies/sizing.js";
import type { Signal } from "../strategies/types.js";
import { floorTo, stepsOf } from "../ticks.js";
import type { AccountInstrument, BacktestAccount } from "./account.js";

/** An order to send at the instrument's next open, or a resting order to cancel there. */
export interface PlannedOrder extends SizedOrder {
  /** The price at the decision (the last close), decimal text: what a market buy reserves against. */
  readonly mark: string;
  /** The signal it came from: its reason is read only when the order fills (building it may cost). */
  readonly signal: Signal | null;
  /** Set on a cancel: the client order id of the resting order. */
  readonly cancel: string | null;
}

export interface PlanContext {
  readonly account: BacktestAccount;
  readonly instruments: readonly AccountInstrument[];
  readonly series: readonly CandleSeries[];
  /** Per instrument: the index of its newest bar (-1 before the first). */
  readonly lastIndex: Int32Array;
  readonly maxExposure: number;
}

/** The orders (and cancels) that carry out `signal` now. */
export function planOrders(signal: Signal, ctx: PlanContext): PlannedOrder[] {
  const n = ctx.instruments.length;
  const marks: string[] = [];
  const positions: string[] = [];
  let equity = ctx.account.cashDecimal();
  for (let k = 0; k < n; k++) {
    const i = ctx.lastIndex[k] as number;
    const mark = i >= 0 ? ((ctx.series[k] as CandleSeries).text[5 * i + 3] as string) : "0";
    marks.push(mark);
    const held = ctx.account.position(k);
    positions.push(str(held));
    equity = equity.plus(held.times(mark));
  }
  const sized = sizeSignal(
    signal,
    { equity: str(equity), cash: str(ctx.account.free(ctx.instruments[0]?.spec.quote ?? "USD")), prices: marks, positions },
    {
      maxExposure: ctx.maxExposure,
      specs: ctx.instruments.map((i) => i.spec),
      feeRates: ctx.instruments.map((i) => (signal.quotes !== undefined ? i.venue.makerFeeRate : i.venue.takerFeeRate)),
    },
  );
  const planned = sized.map((o) => ({ ...o, mark: marks[o.instrument] ?? "0", signal, cancel: null }));
  return signal.quotes !== undefined ? requote(planned, ctx) : planned;
}

/** Quotes: cancel the resting ones not asked for again, keep those that are, add the new. */
function requote(quotes: PlannedOrder[], ctx: PlanContext): PlannedOrder[] {
  const out: PlannedOrder[] = [];
  const kept = new Set<PlannedOrder>();
  for (const o of ctx.account.openOrders(0)) {
    const r = o.order.request;
    const same = quotes.find((q) => !kept.has(q) && q.side === r.side && q.price === r.price && q.quantity === r.quantity);
    if (same) kept.add(same);
    else out.push({ instrument: 0, side: r.side, type: "limit", timeInForce: r.timeInForce, quantity: r.quantity, price: r.price, role: "quote", mark: "0", signal: null, cancel: r.clientOrderId });
  }
  for (const q of quotes) if (!kept.has(q)) out.push(q);
  return out;
}

/**
 * The request for a planned order, cut to what the book can pay for as it stands when sent: a
 * sell to what is held, a buy to what free cash reserves (a market buy at its mark plus the
 * buffer). Null when nothing worth sending is left (under the lot or the min notional).
 */
export function toRequest(account: BacktestAccount, k: number, o: PlannedOrder, clientOrderId: string): OrderRequest | null {
  const { venue, spec } = account.instruments[k] as AccountInstrument;
  const { lot } = stepsOf(spec);
  let quantity = new Decimal(o.quantity);
  const price = o.type === "limit" && o.price ? new Decimal(o.price) : new Decimal(o.mark);
  if (o.side === "sell") quantity = Decimal.min(quantity, account.free(spec.base));
  else {
    const perUnit = (o.type === "market" ? price.times(new Decimal(MARKET_BUY_BUFFER).plus(1)) : price).times(new Decimal(venue.takerFeeRate).plus(1));
    if (perUnit.gt(0)) quantity = Decimal.min(quantity, account.free(spec.quote).div(perUnit));
  }
  quantity = floorTo(Decimal.max(quantity, ZERO), lot);
  if (!quantity.gt(0) || quantity.times(price).lt(spec.minNotional)) return null;
  return { clientOrderId, symbol: spec.symbol, side: o.side, type: o.type, quantity: str(quantity), price: o.type === "limit" ? o.price : null, timeInForce: o.timeInForce };
}
