/**
 * Running a backtest in memory: the loop of engine.ts answered by the paper venue's own machine
 * (core/paper-venue: submitPaper, cancelPaper, feedBook), one venue state per venue, then the
 * metrics against buy-and-hold run through the very same loop, venue and fees.
 */
import { type CandleSeries, findGaps } from "../candles/series.js";
import type { Fill } from "../market.js";
import { Decimal } from "../money.js";
import { type PaperVenueState, cancelPaper, createPaperVenue, feedBook, isOpen, submitPaper } from "../paper-venue/index.js";
import { paperVenueSpec } from "../paper-venues.js";
import { strategyById } from "../strategies/index.js";
import { HOLD, type InstrumentSpec, type Signal, type StrategyRunner } from "../strategies/types.js";
import type { AccountInstrument } from "./account.js";
import { type EngineInput, type EngineOutput, type EngineWindow, type LoopRequest, type VenueReply, type VenueRequest, backtestLoop } from "./engine.js";
import { metricsOf } from "./metrics.js";
import { timelineOf } from "./timeline.js";
import type { BacktestConfig, BacktestMetrics, BacktestResult } from "./types.js";

export interface RunOptions {
  /** At most this many equity (and plot) points in the result; every bar counts in the metrics. Default 2,000. */
  readonly maxPoints?: number;
  /** At most this many trades in the result (the metrics count them all). Default all. */
  readonly maxTrades?: number;
  /** Bars of the merged timeline to run (default all), and where trading starts (warm-up before). */
  readonly window?: Partial<EngineWindow>;
  /** Run buy-and-hold beside it (default true). */
  readonly benchmark?: boolean;
}

/** A backtest's parts, resolved: the instruments, the strategy's runner and the loop's input. */
export function prepare(config: BacktestConfig, series: readonly CandleSeries[], options: RunOptions, runner?: StrategyRunner): EngineInput {
  const strategy = strategyById(config.strategy);
  if (!strategy) throw new Error(`invariant: ${config.strategy} is a strategy (the request schema checks it)`);
  if (series.length !== strategy.instruments) throw new Error(`invariant: ${config.strategy} trades ${strategy.instruments} instrument(s)`);
  const instruments = series.map((s, k) => instrumentOf(config.venues?.[k] ?? config.venueId, s.symbol));
  const specs: InstrumentSpec[] = instruments.map((i, k) => ({
    venueId: i.venue.id,
    symbol: i.spec.symbol,
    makerFeeRate: Number(i.venue.makerFeeRate),
    takerFeeRate: Number(i.venue.takerFeeRate),
    halfSpreadBp: config.fillModel.halfSpreadBp,
    tickSize: Number(i.spec.tickSize),
    intervalMs: (series[k] as CandleSeries).intervalMs,
  }));
  const timeline = timelineOf(series);
  const from = options.window?.from ?? 0;
  const to = Math.min(options.window?.to ?? timeline.time.length, timeline.time.length);
  const tradeFrom = Math.max(from, options.window?.tradeFrom ?? from);
  const points = Math.max(1, options.maxPoints ?? 2_000);
  return {
    config,
    instruments,
    series,
    timeline,
    runner: runner ?? strategy.create(strategy.params.parse(config.params), specs),
    window: { from, to, tradeFrom },
    plotStride: Math.max(1, Math.ceil((to - tradeFrom) / points)),
  };
}

/** The paper venue's rules for a symbol (throws when it does not list it: the request schema checks first). */
export function instrumentOf(venueId: string, symbol: string): AccountInstrument {
  const venue = paperVenueSpec(venueId);
  const spec = venue?.symbols.find((s) => s.symbol === symbol);
  if (!venue || !spec) throw new Error(`invariant: ${venueId} lists ${symbol}`);
  return { venue, spec };
}

/** Runs the loop against the paper venue's machine in memory. */
export function runInMemory(input: EngineInput): EngineOutput {
  const venues = venuesOf(input);
  const loop = backtestLoop(input);
  let step = loop.next();
  while (!step.done) step = loop.next(answerOrPass(venues, step.value));
  return step.value;
}

/**
 * The same, letting others run every so often: `pause` is awaited at the loop's pause points
 * (every PACE_WORK units of work), so a long backtest in a Worker does not hold up the requests
 * that share its thread.
 */
export async function runInMemoryPaced(input: EngineInput, pause: () => Promise<void>): Promise<EngineOutput> {
  const venues = venuesOf(input);
  const loop = backtestLoop({ ...input, tickEvery: PACE_WORK });
  let step = loop.next();
  while (!step.done) {
    if (step.value.kind === "tick") await pause();
    step = loop.next(answerOrPass(venues, step.value));
  }
  return step.value;
}

/** Work between pauses: about 100,000 quiet bars, or 500 orders and fills (tens of milliseconds; a pause costs a few). */
export const PACE_WORK = 100_000;

/** Runs the loop against any venue that answers asynchronously (a replay venue object over RPC); `pause` as above. */
export async function runAgainst(input: EngineInput, venue: (req: VenueRequest) => Promise<VenueReply>, pause?: () => Promise<void>): Promise<EngineOutput> {
  const loop = backtestLoop(pause ? { ...input, tickEvery: PACE_WORK } : input);
  let step = loop.next();
  while (!step.done) {
    if (step.value.kind === "tick") {
      if (pause) await pause();
      step = loop.next(NOTHING);
    } else step = loop.next(await venue(step.value));
  }
  return step.value;
}

const NOTHING: VenueReply = Object.freeze({ fills: [], answer: null });

function venuesOf(input: EngineInput): Map<string, PaperVenueState> {
  const venues = new Map<string, PaperVenueState>();
  for (const i of input.instruments) if (!venues.has(i.venue.id)) venues.set(i.venue.id, createPaperVenue(i.venue));
  return venues;
}

function answerOrPass(venues: Map<string, PaperVenueState>, req: LoopRequest): VenueReply {
  return req.kind === "tick" ? NOTHING : answer(venues, req);
}

/** The paper venue's answer to one request; done orders leave the in-memory view (the object keeps them in SQL). */
function answer(venues: Map<string, PaperVenueState>, req: VenueRequest): VenueReply {
  let state = venues.get(req.venueId) as PaperVenueState;
  let reply: VenueReply;
  if (req.kind === "feed") {
    const fills: Fill[] = [];
    for (const book of req.books) {
      const step = feedBook(state, book);
      state = step.state;
      for (const f of step.fills) fills.push(f.fill);
    }
    reply = { fills, answer: null };
  } else if (req.kind === "submit") {
    const out = submitPaper(state, req.account, req.order, req.nowMs, { quoteBudget: req.quoteBudget, books: { [req.order.symbol]: req.book } });
    state = out.step.state;
    reply = { fills: [], answer: out.reply };
  } else {
    const out = cancelPaper(state, req.account, req.clientOrderId, req.nowMs);
    state = out.step.state;
    reply = { fills: [], answer: out.reply };
  }
  venues.set(req.venueId, openOnly(state));
  return reply;
}

function openOnly(state: PaperVenueState): PaperVenueState {
  let done = false;
  for (const id in state.orders) if (!isOpen((state.orders[id] as PaperVenueState["orders"][string]).order)) done = true;
  if (!done) return state;
  const orders: Record<string, PaperVenueState["orders"][string]> = {};
  for (const id in state.orders) {
    const r = state.orders[id] as PaperVenueState["orders"][string];
    if (isOpen(r.order)) orders[id] = r;
  }
  return { ...state, orders };
}

/** A backtest of `config` over `series` (one per instrument), with buy-and-hold of instrument 0 beside it. */
export function runBacktest(config: BacktestConfig, series: readonly CandleSeries[], options: RunOptions = {}): BacktestResult {
  const input = prepare(config, series, options);
  const out = runInMemory(input);
  const benchmark = options.benchmark === false ? null : runInMemory(benchmarkInput(config, series, options));
  return resultOf(input, out, benchmark, options);
}

/** `runBacktest`, pausing every so often (see `runInMemoryPaced`): what the Worker runs. */
export async function runBacktestPaced(config: BacktestConfig, series: readonly CandleSeries[], options: RunOptions, pause: () => Promise<void>): Promise<BacktestResult> {
  const input = prepare(config, series, options);
  const out = await runInMemoryPaced(input, pause);
  const benchmark = options.benchmark === false ? null : await runInMemoryPaced(benchmarkInput(config, series, options), pause);
  return resultOf(input, out, benchmark, options);
}

function benchmarkInput(config: BacktestConfig, series: readonly CandleSeries[], options: RunOptions): EngineInput {
  return prepare({ ...config, maxExposure: 1 }, series, options, buyAndHold(series.length));
}

/** Metrics of one run. */
export function metricsOfRun(input: EngineInput, out: EngineOutput): BacktestMetrics {
  let final = out.account.cashDecimal();
  for (let k = 0; k < input.instruments.length; k++) {
    const s = input.series[k] as CandleSeries;
    let i = -1;
    for (let j = input.window.to - 1; j >= 0 && i < 0; j--) i = (input.timeline.index[k] as Int32Array)[j] as number;
    if (i >= 0) final = final.plus(out.account.position(k).times(s.text[5 * i + 3] as string));
  }
  return metricsOf({
    equity: out.equity,
    initialEquity: Number(input.config.initialCash),
    intervalMs: (input.series[0] as CandleSeries).intervalMs,
    roundTrips: out.account.closedTrips,
    barsExposed: out.barsExposed,
    tradedNotional: out.account.tradedNotional,
    trades: out.trades.length,
    feesPaid: out.account.feesPaid.toFixed(),
    finalEquity: final.toDecimalPlaces(8, Decimal.ROUND_HALF_EVEN).toFixed(),
  });
}

function resultOf(input: EngineInput, out: EngineOutput, bench: EngineOutput | null, options: RunOptions): BacktestResult {
  const { from, to, tradeFrom } = input.window;
  const t = input.timeline.time;
  const fromMs = (t[from] as number) ?? 0;
  const toMs = to > 0 ? (t[to - 1] as number) : fromMs;
  const gaps = input.series.flatMap((s) => findGaps(s).filter((g) => g.afterMs >= fromMs && g.nextMs <= toMs).map((g) => ({ ...g, symbol: s.symbol })));
  const plots: Record<string, number[]> = {};
  input.runner.plots.forEach((name, p) => (plots[name] = Array.from(out.plots[p] as Float64Array)));
  const time = out.plotAt.map((j) => t[j] as number);
  const metrics = metricsOfRun(input, out);
  return {
    config: input.config,
    symbols: input.series.map((s) => s.symbol),
    intervalMs: (input.series[0] as CandleSeries).intervalMs,
    bars: to - tradeFrom,
    fromMs: (t[tradeFrom] as number) ?? fromMs,
    toMs,
    gaps,
    metrics,
    benchmark: bench ? metricsOfRun(input, bench) : metrics,
    trades: options.maxTrades === undefined ? out.trades : out.trades.slice(0, options.maxTrades),
    equity: { time, strategy: out.plotAt.map((j) => out.equity[j - tradeFrom] as number), benchmark: out.plotAt.map((j) => (bench ? (bench.equity[j - tradeFrom] as number) : NaN)) },
    plots,
  };
}

/** Buy-and-hold: all in on instrument 0 at the first bar, held to the end. */
export function buyAndHold(instruments: number): StrategyRunner {
  let bought = false;
  const targets = Array.from({ length: instruments }, (_, k) => (k === 0 ? 1 : 0));
  const buy: Signal = { side: "buy", strength: 1, confidence: 1, reason: "buy and hold: the benchmark", targets };
  return {
    plots: [],
    plot: () => {},
    onBar(bars) {
      if (bought || !bars[0]?.present) return HOLD;
      bought = true;
      return buy;
    },
  };
}
