/**
 * The backtest loop, written once for every way of running it. It is a generator: it decides
 * everything (what the strategy sees, the orders its signal becomes, the book the account keeps)
 * and yields only what a venue must do — feed it a bar's books, submit or cancel an order — and
 * takes the venue's answer back. `runBacktest` answers from the paper venue's machine in memory;
 * a replay answers from a Venue object over RPC. Both run this very loop, so they cannot drift.
 *
 * Per bar (times are open times): at its open, the resting orders meet the open book, then the
 * orders decided at the previous close are sent against that same book (the first price after the
 * decision); the rest of the bar's path (extremes, close) meets what rests; at the close the
 * strategy sees the bar and decides. Equity is marked at each close.
 */
import type { CandleSeries } from "../candles/series.js";
import type { VenueFill } from "../agent/machine.js";
import type { Fill, OrderBook, OrderRequest } from "../market.js";
import type { SubmitResult } from "../messages.js";
import { Decimal } from "../money.js";
import { barPath, barReaches, bookAroundPrice, pathTimes } from "../paper-venue/candles.js";
import { HOLD, type PositionView, type Signal, type StrategyRunner } from "../strategies/types.js";
import { type AccountInstrument, BACKTEST_ACCOUNT, BacktestAccount } from "./account.js";
import { type PlannedOrder, planOrders, toRequest } from "./plan.js";
import type { BacktestConfig, BacktestTrade } from "./types.js";
import { type Timeline, emptyBar, loadBar } from "./timeline.js";
import { candleAt } from "../candles/series.js";

/** What the loop asks of a venue. */
export type VenueRequest =
  | { readonly kind: "feed"; readonly venueId: string; readonly books: readonly OrderBook[] }
  | { readonly kind: "submit"; readonly venueId: string; readonly account: string; readonly order: OrderRequest; readonly nowMs: number; readonly quoteBudget: string | null; readonly book: OrderBook }
  | { readonly kind: "cancel"; readonly venueId: string; readonly account: string; readonly clientOrderId: string; readonly nowMs: number };

/** A pause point: the loop has done `tickEvery` units of work (a bar is 1, a venue request 200), so a driver may let others run. */
export interface Tick {
  readonly kind: "tick";
}

/** What the loop yields: a venue request, or a pause point. */
export type LoopRequest = VenueRequest | Tick;

/** What a bar and a venue request cost, in the units `tickEvery` counts (a request is a few hundred bars' work). */
const BAR_WORK = 1;
const REQUEST_WORK = 200;
const TICK: Tick = Object.freeze({ kind: "tick" });

/** The venue's answer: fills of resting orders for a feed, the order's answer for a submit or cancel. */
export interface VenueReply {
  readonly fills: readonly Fill[];
  readonly answer: SubmitResult | null;
}

/** Which bars of the timeline: the strategy sees [from, to) and may trade from `tradeFrom` on (warm-up before it). */
export interface EngineWindow {
  readonly from: number;
  readonly to: number;
  readonly tradeFrom: number;
}

export interface EngineInput {
  readonly config: BacktestConfig;
  readonly instruments: readonly AccountInstrument[];
  readonly series: readonly CandleSeries[];
  readonly timeline: Timeline;
  readonly runner: StrategyRunner;
  readonly window: EngineWindow;
  /** Every how many bars the plots are sampled (≥ 1). */
  readonly plotStride: number;
  /** Yield a pause point after this much work (0 or absent: never). */
  readonly tickEvery?: number;
}

export interface EngineOutput {
  readonly account: BacktestAccount;
  /** Equity at each close of [tradeFrom, to). */
  readonly equity: Float64Array;
  /** Bars of [tradeFrom, to) that closed holding a position. */
  readonly barsExposed: number;
  readonly trades: BacktestTrade[];
  /** Sampled plots: bar index (timeline) and values per plot. */
  readonly plotAt: number[];
  readonly plots: Float64Array[];
  /** Orders the account refused (not enough funds) or the venue rejected, by reason. */
  readonly refused: Record<string, number>;
}

/** The loop's working state (one per run). */
interface Run {
  readonly input: EngineInput;
  readonly account: BacktestAccount;
  readonly position: { exposure: Float64Array; entryPrice: Float64Array; barsHeld: Float64Array };
  readonly lastClose: Float64Array;
  readonly lastIndex: Int32Array;
  readonly pending: PlannedOrder[][];
  readonly reasons: Map<string, Signal | null>;
  readonly trades: BacktestTrade[];
  readonly refused: Record<string, number>;
  seq: number;
  /** The bar (timeline index) being walked. */
  bar: number;
  /** Work done since the last pause point. */
  work: number;
}

/** The backtest loop: yields venue requests, takes replies, returns the run. */
export function* backtestLoop(input: EngineInput): Generator<LoopRequest, EngineOutput, VenueReply> {
  const n = input.instruments.length;
  const run: Run = {
    input,
    account: new BacktestAccount(input.instruments, input.config.initialCash),
    position: { exposure: new Float64Array(n), entryPrice: new Float64Array(n).fill(NaN), barsHeld: new Float64Array(n) },
    lastClose: new Float64Array(n).fill(NaN),
    lastIndex: new Int32Array(n).fill(-1),
    pending: input.instruments.map(() => []),
    reasons: new Map(),
    trades: [],
    refused: {},
    seq: 0,
    bar: 0,
    work: 0,
  };
  const { from, to, tradeFrom } = input.window;
  const equity = new Float64Array(Math.max(0, to - tradeFrom));
  const bars = input.instruments.map(() => emptyBar());
  const plotValues = new Float64Array(input.runner.plots.length);
  const plots = input.runner.plots.map(() => [] as number[]);
  const plotAt: number[] = [];
  let barsExposed = 0;
  for (let j = from; j < to; j++) {
    const t = input.timeline.time[j] as number;
    run.bar = j;
    run.work += BAR_WORK;
    if (input.tickEvery && run.work >= input.tickEvery) {
      run.work = 0;
      yield TICK;
    }
    for (let k = 0; k < n; k++) {
      const i = (input.timeline.index[k] as Int32Array)[j] as number;
      loadBar(bars[k]!, input.series[k] as CandleSeries, i, t);
      // Most bars ask nothing of the venue: no generator is started for them.
      if (i >= 0 && ((run.pending[k] as PlannedOrder[]).length > 0 || (run.account.openCount[k] as number) > 0)) yield* barAtVenue(run, k, i, t);
    }
    let eq = run.account.cash;
    for (let k = 0; k < n; k++) {
      const b = bars[k]!;
      if (b.present) {
        run.lastClose[k] = b.close;
        run.lastIndex[k] = (input.timeline.index[k] as Int32Array)[j] as number;
      }
      eq += (run.account.held[k] as number) * (run.lastClose[k] as number);
    }
    const exposed = markPosition(run, eq);
    const signal = input.runner.onBar(bars, run.position);
    if (j >= tradeFrom) {
      equity[j - tradeFrom] = eq;
      if (exposed) barsExposed++;
      if (signal !== HOLD) plan(run, signal);
      if ((j - tradeFrom) % input.plotStride === 0 || j === to - 1) {
        input.runner.plot(plotValues);
        plotAt.push(j);
        for (let p = 0; p < plots.length; p++) (plots[p] as number[]).push(plotValues[p] as number);
      }
    }
  }
  return { account: run.account, equity, barsExposed, trades: run.trades, plotAt, plots: plots.map((p) => Float64Array.from(p)), refused: run.refused };
}

/** The position as the strategy sees it at a close; true when anything is held. */
function markPosition(run: Run, equity: number): boolean {
  let any = false;
  const p = run.position;
  for (let k = 0; k < p.exposure.length; k++) {
    const held = run.account.held[k] as number;
    if (held !== 0) {
      any = true;
      p.exposure[k] = equity > 0 ? (held * (run.lastClose[k] as number)) / equity : 0;
      p.barsHeld[k] = (p.barsHeld[k] as number) + 1;
    } else {
      p.exposure[k] = 0;
      p.barsHeld[k] = 0;
      p.entryPrice[k] = NaN;
    }
  }
  return any;
}

/** One instrument's bar at its venue: the open book, the orders decided at the last close, then the rest of the path. */
function* barAtVenue(run: Run, k: number, i: number, t: number): Generator<VenueRequest, void, VenueReply> {
  const pending = run.pending[k] as PlannedOrder[];
  const s = run.input.series[k] as CandleSeries;
  const inst = run.input.instruments[k] as AccountInstrument;
  const model = run.input.config.fillModel;
  const candle = candleAt(s, i);
  const path = barPath(candle);
  const times = pathTimes(candle.openTimeMs, s.intervalMs);
  const bookAt = (p: number): OrderBook => bookAroundPrice(inst.spec, path[p] as string, candle.volume, times[p] as number, model);
  const open = bookAt(0);
  if (restingReach(run, k, s.open[i] as number, s.open[i] as number)) yield* feed(run, inst, [open], t);
  if (pending.length > 0) {
    run.pending[k] = [];
    for (const order of pending) yield* send(run, k, order, open, t);
  }
  // The rest of the path, point by point: a book is built only where what rests could trade.
  const up = (s.close[i] as number) >= (s.open[i] as number);
  const prices = up ? [s.low[i], s.high[i], s.close[i]] : [s.high[i], s.low[i], s.close[i]];
  for (let p = 1; p <= 3; p++) {
    const price = prices[p - 1] as number;
    if (restingReach(run, k, price, price)) yield* feed(run, inst, [bookAt(p)], t);
  }
}

/** Whether instrument k has resting orders a bar's range could fill (a float pre-check; the venue decides). */
function restingReach(run: Run, k: number, low: number, high: number): boolean {
  const a = run.account;
  return (a.openCount[k] as number) > 0 && barReaches(low, high, a.bestBid[k] as number, a.bestAsk[k] as number, run.input.config.fillModel);
}

function* feed(run: Run, inst: AccountInstrument, books: readonly OrderBook[], t: number): Generator<VenueRequest, void, VenueReply> {
  run.work += REQUEST_WORK;
  const reply = yield { kind: "feed", venueId: inst.venue.id, books };
  record(run, run.account.fills(inst.venue, reply.fills, t));
}

/** Sends one planned order: cancels go as they are; new orders reserve first (refused: skipped and counted). */
function* send(run: Run, k: number, order: PlannedOrder, book: OrderBook, t: number): Generator<VenueRequest, void, VenueReply> {
  run.work += REQUEST_WORK;
  const inst = run.input.instruments[k] as AccountInstrument;
  if (order.cancel) {
    const reply = yield { kind: "cancel", venueId: inst.venue.id, account: BACKTEST_ACCOUNT, clientOrderId: order.cancel, nowMs: t };
    if (reply.answer) record(run, run.account.answer(k, order.cancel, reply.answer, t));
    return;
  }
  const req = toRequest(run.account, k, order, `bt-${run.seq++}`);
  if (!req) return count(run, "below_minimum");
  const placed = run.account.place(k, req, new Decimal(order.mark), t);
  if (!placed.ok) return count(run, placed.code);
  run.reasons.set(req.clientOrderId, order.signal);
  const quoteBudget = req.side === "buy" && req.type === "market" ? placed.reserved.toFixed() : null;
  const reply = yield { kind: "submit", venueId: inst.venue.id, account: BACKTEST_ACCOUNT, order: req, nowMs: t, quoteBudget, book };
  const answer = reply.answer ?? { ok: false, code: "unknown_outcome", message: "the venue gave no answer" };
  if (!answer.ok) count(run, answer.code);
  record(run, run.account.answer(k, req.clientOrderId, answer, t));
}

function count(run: Run, code: string): void {
  run.refused[code] = (run.refused[code] ?? 0) + 1;
}

/** Fills applied to the book become trades, with the reason of the signal behind their order. */
function record(run: Run, fills: readonly VenueFill[]): void {
  for (const f of fills) {
    const k = run.input.instruments.findIndex((i) => i.spec.symbol === f.symbol && i.venue.id === f.venue);
    const held = run.account.held[k] as number;
    const p = run.position;
    if (k >= 0 && f.side === "buy" && held > 0) {
      const before = held - Number(f.quantity);
      const prior = Number.isNaN(p.entryPrice[k] as number) || before <= 0 ? 0 : (p.entryPrice[k] as number) * before;
      p.entryPrice[k] = (prior + Number(f.price) * Number(f.quantity)) / held;
    }
    run.trades.push({ ...f, barIndex: run.bar, reason: run.reasons.get(f.clientOrderId)?.reason ?? "" });
  }
}

/** A signal becomes the orders to send at each instrument's next open. */
function plan(run: Run, signal: Signal): void {
  const orders = planOrders(signal, { account: run.account, instruments: run.input.instruments, series: run.input.series, lastIndex: run.lastIndex, maxExposure: run.input.config.maxExposure });
  for (let k = 0; k < run.pending.length; k++) run.pending[k] = orders.filter((o) => o.instrument === k);
}
