import { Hono } from "hono";
import { z } from "zod";
import { type BacktestConfig, type BacktestResult, type WalkForwardResult, backtestRequestSchema, runBacktestPaced, walkForwardCost, walkForwardPaced, walkForwardSchema } from "../../core/backtest/index.js";
import { chartCandles } from "../../core/candles/downsample.js";
import { type CandleSource, type LoadedCandles, candleSourceSchema, loadCandlesPaced } from "../../core/candles/source.js";
import type { CandleSeries } from "../../core/candles/series.js";
import { type Strategy, describeStrategies, strategyById } from "../../core/strategies/index.js";
import { type BacktestCursor, findBacktest, insertBacktest, listBacktests } from "../../adapters/db/backtests.js";
import { assertRole } from "../middleware/auth.js";
import { idempotency } from "../middleware/idempotency.js";
import type { AppEnv } from "../types.js";
import { ApiError, jsonBody, parse, refusal } from "./errors.js";

/** Equity and plot points kept per backtest (every bar counts in the metrics). */
export const MAX_EQUITY_POINTS = 2_000;
/** Trades kept per backtest (the metrics count them all). */
export const MAX_STORED_TRADES = 1_000;
/** A D1 row holds at most 2,000,000 bytes: the stored result keeps well below it. */
const MAX_RESULT_CHARS = 1_800_000;

const backtestBodySchema = backtestRequestSchema.extend({
  candles: candleSourceSchema,
  /** The second instrument, for the strategies that trade two (pairs, arbitrage). */
  candles2: candleSourceSchema.optional(),
  walkForward: walkForwardSchema.optional(),
});
type BacktestBody = z.infer<typeof backtestBodySchema>;

const listQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: "limit is a whole number from 1 to 100" }).int("limit is a whole number from 1 to 100").min(1, "limit is at least 1").max(100, "limit is at most 100").default(20),
  cursor: z
    .string()
    .regex(/^\d{1,15}\.bt-[a-z0-9]{1,40}$/, "cursor is the `next` of the previous page")
    .optional(),
});

const idSchema = z.string().regex(/^bt-[a-z0-9]{1,40}$/, "a backtest id is bt- followed by letters and digits");

/** The strategies and their parameter schemas (any signed-in role). */
export const strategyRoutes = new Hono<AppEnv>().get("/", (c) => c.json({ strategies: describeStrategies() }));

/** Backtests: run one (trader), list them, reopen one. */
export const backtestRoutes = new Hono<AppEnv>()
  .post("/", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "running a backtest");
    const body = parse(backtestBodySchema, await jsonBody(c), "backtest");
    const strategy = strategyById(body.strategy) as Strategy;
    const params = strategyParams(strategy, body.params);
    const config: BacktestConfig = { strategy: body.strategy, params, venueId: body.venueId, ...(body.venues ? { venues: body.venues } : {}), initialCash: body.initialCash, maxExposure: body.maxExposure, fillModel: body.fillModel };
    // Synthetic candles' length is known before they are drawn: a walk-forward too big is refused unrun.
    if (body.walkForward && body.candles.source === "synthetic") checkWalkForward(strategy, params, body.walkForward, body.candles.bars);
    const loaded = await candlesFor(strategy, body);
    const series = loaded.map((l) => l.series);
    checkBars(strategy, params, series);
    if (body.walkForward) checkWalkForward(strategy, params, body.walkForward, series[0]?.length ?? 0);
    // Paced: the run yields to other requests every few milliseconds of work, so the desk keeps answering.
    const result = await runBacktestPaced(config, series, { maxPoints: MAX_EQUITY_POINTS, maxTrades: MAX_STORED_TRADES }, yieldToOthers);
    const wf = body.walkForward ? await walkForwardPaced(config, series, body.walkForward, yieldToOthers) : null;
    const id = `bt-${c.get("commandId").replace(/[^a-z0-9]/gi, "").toLowerCase().slice(0, 32)}`;
    let record = recordOf(id, Date.now(), c.get("principal").sub, result, wf, loaded);
    let stored = JSON.stringify(record);
    // Wide trades (many plots, two instruments) could pass D1's row limit: keep fewer trades, and say so.
    if (stored.length > MAX_RESULT_CHARS) {
      record = recordOf(id, record.createdAtMs, record.owner, { ...result, trades: result.trades.slice(0, 100) }, wf, loaded);
      stored = JSON.stringify(record);
    }
    await insertBacktest(c.env.DB, {
      id,
      createdAtMs: record.createdAtMs,
      owner: record.owner,
      strategy: body.strategy,
      params: JSON.stringify(params),
      symbols: result.symbols.join(","),
      intervalMs: result.intervalMs,
      bars: result.bars,
      metrics: JSON.stringify({ metrics: result.metrics, benchmark: result.benchmark }),
      result: stored,
      status: "done",
    });
    const { trades: _trades, equity: _equity, plots: _plots, chart: _chart, ...summary } = record;
    return c.json(summary, 201);
  })
  .get("/", async (c) => {
    const q = parse(listQuerySchema, c.req.query(), "query");
    const cursor: BacktestCursor | null = q.cursor ? { createdAtMs: Number(q.cursor.slice(0, q.cursor.indexOf("."))), id: q.cursor.slice(q.cursor.indexOf(".") + 1) } : null;
    const page = await listBacktests(c.env.DB, q.limit, cursor);
    const backtests = page.rows.map((r) => {
      const m = JSON.parse(r.metrics) as { metrics: BacktestResult["metrics"]; benchmark: BacktestResult["benchmark"] };
      return { id: r.id, createdAtMs: r.createdAtMs, owner: r.owner, strategy: r.strategy, params: JSON.parse(r.params) as unknown, symbols: r.symbols.split(","), intervalMs: r.intervalMs, bars: r.bars, status: r.status, metrics: m.metrics, benchmark: m.benchmark };
    });
    return c.json({ backtests, next: page.next ? `${page.next.createdAtMs}.${page.next.id}` : null });
  })
  .get("/:id", async (c) => {
    const id = parse(idSchema, c.req.param("id"), "backtest id");
    const row = await findBacktest(c.env.DB, id);
    if (!row) throw new ApiError(404, "not_found", `no backtest ${id}`);
    return c.body(row.result, 200, { "Content-Type": "application/json" });
  });

/** The strategy's parameters, defaults filled; unknown or out-of-bounds ones are a 400 that names them. */
function strategyParams(strategy: Strategy, input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const known = Object.keys(strategy.params.parse({}) as Record<string, unknown>);
  const unknown = Object.keys(input).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new ApiError(400, "invalid_request", `invalid params: ${strategy.id} has no parameter ${unknown.join(", ")} (it has ${known.join(", ")})`);
  return parse(strategy.params, input, `params for ${strategy.id}`) as Record<string, unknown>;
}

/** Each instrument's candles; a bad upload is a 422 naming the instrument and the row. */
async function candlesFor(strategy: Strategy, body: BacktestBody): Promise<LoadedCandles[]> {
  const sources: CandleSource[] = body.candles2 ? [body.candles, body.candles2] : [body.candles];
  if (sources.length !== strategy.instruments) {
    const want = strategy.instruments === 2 ? "two instruments: send candles and candles2" : "one instrument: send candles only";
    throw new ApiError(400, "invalid_request", `invalid backtest: ${strategy.id} trades ${want}`);
  }
  if (body.venues && body.venues.length !== strategy.instruments) throw new ApiError(400, "invalid_request", `invalid backtest: venues names one paper venue per instrument (${strategy.instruments})`);
  const loaded = await loadCandlesPaced(sources, (k) => body.venues?.[k] ?? body.venueId, yieldToOthers);
  return loaded.map((l) => {
    if (l.ok) return l;
    const which = l.instrument === 0 ? "candles" : "candles2";
    throw refusal(l.code, `${which}: ${l.message}`, { instrument: which, ...(l.row === undefined ? {} : { row: l.row }) });
  });
}

/** Both instruments on one bar length, and more bars than the strategy's warm-up. */
function checkBars(strategy: Strategy, params: Record<string, unknown>, series: readonly CandleSeries[]): void {
  const [a, b] = series;
  if (a && b && a.intervalMs !== b.intervalMs) throw refusal("invalid_candles", `candles and candles2 have different bar lengths (${a.intervalMs} ms and ${b.intervalMs} ms)`);
  const warmup = strategy.warmup(params);
  for (const s of series) {
    if (s.length <= warmup + 1) throw refusal("not_enough_bars", `${s.symbol} has ${s.length} bars; ${strategy.id} with these parameters warms up for ${warmup}, so it needs more than ${warmup + 1}`);
  }
}

/** The walk-forward fits the candles, names real parameters and stays within the work one call may do. */
function checkWalkForward(strategy: Strategy, params: Record<string, unknown>, wf: NonNullable<BacktestBody["walkForward"]>, bars: number): void {
  const known = Object.keys(params);
  const unknown = Object.keys(wf.grid).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new ApiError(400, "invalid_request", `invalid walkForward: ${strategy.id} has no parameter ${unknown.join(", ")}`);
  const window = wf.inSampleBars + wf.outOfSampleBars;
  if (window > bars) throw refusal("not_enough_bars", `walkForward needs inSampleBars + outOfSampleBars (${window}) bars at least; the candles have ${bars}`);
  const { folds, points, work, limit } = walkForwardCost(strategy.id, wf, bars);
  if (work > limit) {
    throw refusal("too_much_work", `walkForward would run ${work} bars (${folds} folds × ${points} grid points × ${wf.inSampleBars} in-sample bars); at most ${limit} for ${strategy.id}: use fewer grid points, shorter windows or fewer candles`);
  }
}

/** Lets the requests waiting on this isolate run before the backtest goes on. */
function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** What D1 keeps and GET /:id answers: the result, bounded, with what was cut said plainly. */
function recordOf(id: string, createdAtMs: number, owner: string, result: BacktestResult, wf: WalkForwardResult | null, loaded: readonly LoadedCandles[]) {
  const total = result.metrics.trades;
  return {
    id,
    createdAtMs,
    owner,
    status: "done" as const,
    strategy: result.config.strategy,
    params: result.config.params,
    config: result.config,
    sources: loaded.map((l) => l.origin),
    symbols: result.symbols,
    intervalMs: result.intervalMs,
    bars: result.bars,
    fromMs: result.fromMs,
    toMs: result.toMs,
    metrics: result.metrics,
    benchmark: result.benchmark,
    gaps: result.gaps,
    walkForward: wf,
    stored: {
      trades: result.trades.length,
      tradesTotal: total,
      tradesTruncated: result.trades.length < total,
      equityPoints: result.equity.time.length,
      note:
        result.trades.length < total || result.equity.time.length < result.bars
          ? `kept the first ${result.trades.length} of ${total} trades and ${result.equity.time.length} equity points of ${result.bars} bars; the metrics count every trade and bar`
          : "every trade and bar is kept",
    },
    trades: result.trades,
    equity: result.equity,
    plots: result.plots,
    chart: loaded.map((l) => ({ symbol: l.series.symbol, ...chartCandles(l.series, result.fromMs, result.toMs, MAX_EQUITY_POINTS) })),
  };
}
