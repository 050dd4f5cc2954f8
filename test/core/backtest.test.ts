import { describe, expect, it } from "vitest";
import { type BacktestConfig, PACE_WORK, backtestConfigSchema, prepare, runBacktest, runBacktestPaced, runInMemory, walkForward, walkForwardPaced } from "../../core/backtest/index.js";
import { drawdown, metricsOf, returnStats } from "../../core/backtest/metrics.js";
import { seriesFromCandles } from "../../core/candles/series.js";
import type { Candle } from "../../core/market.js";
import { Decimal } from "../../core/money.js";
import { DEFAULT_FILL_MODEL, barPath, bookAroundPrice } from "../../core/paper-venue/candles.js";
import { paperVenueSpec } from "../../core/paper-venues.js";
import { strategyById } from "../../core/strategies/index.js";
import { type BarView, HOLD, type Signal, type StrategyRunner } from "../../core/strategies/types.js";
import { ceilTo, floorTo } from "../../core/ticks.js";
import { walkCandles, walkSeries } from "../helpers/candles.js";

const HOUR = 3_600_000;
const BTC = paperVenueSpec("paper-binance")!.symbols.find((s) => s.symbol === "BTC-USD")!;
const config = (over: Partial<BacktestConfig> & { strategy?: BacktestConfig["strategy"] } = {}): BacktestConfig => backtestConfigSchema.parse({ strategy: "mean-reversion", ...over }) as BacktestConfig;

/** A runner that sends the given signals at the given bars (by call count) and holds otherwise. */
function scripted(at: Record<number, Signal>): StrategyRunner & { seen: number[] } {
  let n = 0;
  const seen: number[] = [];
  return {
    seen,
    plots: ["calls"],
    plot: (out) => void (out[0] = n),
    onBar(bars: readonly BarView[]) {
      seen.push(bars[0]!.timeMs);
      return at[n++] ?? HOLD;
    },
  };
}
const buy = (strength = 1): Signal => ({ side: "buy", strength, confidence: 1, reason: "scripted buy" });
const sell: Signal = { side: "sell", strength: 1, confidence: 1, reason: "scripted sell" };

describe("the candle fill model", () => {
  it("when a book is built around a price then asks round up and bids down to the tick, each level a share of the bar's volume", () => {
    const book = bookAroundPrice(BTC, "30000.00", "40", 5, DEFAULT_FILL_MODEL);
    expect(book.asks[0]!.price).toBe(ceilTo(new Decimal("30000").times("1.0001"), new Decimal(BTC.tickSize)).toFixed());
    expect(book.bids[0]!.price).toBe(floorTo(new Decimal("30000").times("0.9999"), new Decimal(BTC.tickSize)).toFixed());
    expect(book.asks.map((l) => l.price)).toEqual([...book.asks.map((l) => l.price)].sort((a, b) => Number(a) - Number(b)));
    // 40 × 0.1 / (4 points × 5 levels) = 0.2 a level
    expect(book.asks.every((l) => l.size === "0.2")).toBe(true);
    expect(book.asks).toHaveLength(5);
  });

  it("when a bar closed up then its path visits the low first, and when it closed down the high first", () => {
    expect(barPath({ openTimeMs: 0, open: "10", high: "12", low: "9", close: "11", volume: "1" })).toEqual(["10", "9", "12", "11"]);
    expect(barPath({ openTimeMs: 0, open: "10", high: "12", low: "9", close: "9.5", volume: "1" })).toEqual(["10", "12", "9", "9.5"]);
  });
});

describe("the backtest loop with the paper venue's machine", () => {
  const candles = walkCandles(40, { seed: 3 });
  const series = seriesFromCandles("BTC-USD", HOUR, candles);

  it("when a strategy buys at a close then it fills at the next open's ask with the venue's taker fee, and its sell at a later open's bid", () => {
    const runner = scripted({ 2: buy(0.5), 6: sell });
    const input = prepare(config({ initialCash: "1000" }), [series], {}, runner);
    const out = runInMemory(input);
    const [b, s] = out.trades;
    expect(b!.side).toBe("buy");
    expect(b!.barIndex).toBe(3);
    expect(b!.reason).toBe("scripted buy");
    const ask = ceilTo(new Decimal(candles[3]!.open).times("1.0001"), new Decimal("0.01"));
    expect(b!.price).toBe(ask.toFixed());
    expect(b!.fee).toBe(ask.times(b!.quantity).times("0.001").toDecimalPlaces(8, Decimal.ROUND_CEIL).toFixed());
    // Half the equity at the close that decided it, cut to the lot.
    expect(Number(b!.quantity) * Number(candles[2]!.close)).toBeCloseTo(500, -1);
    expect(s!.side).toBe("sell");
    expect(s!.barIndex).toBe(7);
    expect(s!.quantity).toBe(b!.quantity);
    expect(s!.price).toBe(floorTo(new Decimal(candles[7]!.open).times("0.9999"), new Decimal("0.01")).toFixed());
    // The book is exact: what is left is the cash less the buy, plus the sale, less both fees.
    const cash = new Decimal(1000).minus(new Decimal(b!.price).times(b!.quantity)).minus(b!.fee).plus(new Decimal(s!.price).times(s!.quantity)).minus(s!.fee);
    expect(out.account.cashDecimal().toFixed()).toBe(cash.toFixed());
    expect(out.account.closedTrips.map((t) => t.toFixed())).toEqual([cash.minus(1000).toFixed()]);
  });

  it("when an order is larger than a bar's depth then it walks the levels and fills in part", () => {
    const thin = seriesFromCandles("BTC-USD", HOUR, walkCandles(10, { seed: 4 }).map((c) => ({ ...c, volume: "2" })));
    const out = runInMemory(prepare(config({ initialCash: "1000000" }), [thin], {}, scripted({ 1: buy(1) })));
    const fills = out.trades.filter((t) => t.barIndex === 2);
    expect(fills.length).toBe(DEFAULT_FILL_MODEL.levels);
    expect(new Set(fills.map((f) => f.price)).size).toBe(fills.length);
    const bought = fills.reduce((a, f) => a.plus(f.quantity), new Decimal(0));
    expect(bought.toFixed()).toBe("0.05"); // 2 × 0.1 / 4 points = 0.05 on offer, far below what the cash asked
  });

  it("when the data has missing bars then the result reports each gap with its length and nothing is filled in", () => {
    const gappy = seriesFromCandles("BTC-USD", HOUR, walkCandles(60, { seed: 5, skip: new Set([10, 11, 12, 40]) }));
    const r = runBacktest(config(), [gappy]);
    const t0 = 1_600_000_000_000;
    expect(r.gaps).toEqual([
      { symbol: "BTC-USD", afterMs: t0 + 9 * HOUR, nextMs: t0 + 13 * HOUR, bars: 3 },
      { symbol: "BTC-USD", afterMs: t0 + 39 * HOUR, nextMs: t0 + 41 * HOUR, bars: 1 },
    ]);
    expect(r.bars).toBe(56);
  });

  it("when a strategy runs then it is handed each closed bar once, in order, in one reused view that holds no history", () => {
    const runner = scripted({});
    let view: BarView | null = null;
    const spy: StrategyRunner = { ...runner, onBar: (bars, p) => ((view ??= bars[0]!), expect(bars[0]).toBe(view), runner.onBar(bars, p)) };
    runInMemory(prepare(config(), [series], {}, spy));
    expect(runner.seen).toEqual(Array.from(series.time));
  });

  it("when the bars after k change then every signal and trade up to k stays the same (no look-ahead)", () => {
    const a = walkSeries("BTC-USD", 600, { seed: 11, vol: 0.02 });
    const k = 400;
    const changed = walkCandles(600, { seed: 12, vol: 0.05 });
    const b = seriesFromCandles("BTC-USD", HOUR, walkCandles(600, { seed: 11, vol: 0.02 }).map((c, i) => (i > k ? { ...changed[i]!, openTimeMs: c.openTimeMs } : c)));
    const signalsOf = (s: typeof a): string[] => {
      const strategy = strategyById("mean-reversion")!;
      const inner = strategy.create(strategy.params.parse({}), [{ venueId: "paper-binance", symbol: "BTC-USD", makerFeeRate: 0.001, takerFeeRate: 0.001, halfSpreadBp: 1, tickSize: 0.01, intervalMs: HOUR }]);
      const seen: string[] = [];
      const spy: StrategyRunner = { ...inner, plots: inner.plots, plot: (o) => inner.plot(o), onBar: (bars, p) => { const sig = inner.onBar(bars, p); seen.push(`${sig.side}:${sig.strength}:${sig.reason}`); return sig; } };
      const out = runInMemory(prepare(config(), [s], {}, spy));
      return [...seen.slice(0, k + 1), ...out.trades.filter((t) => t.barIndex <= k).map((t) => `${t.fillId}:${t.price}:${t.quantity}`)];
    };
    const before = signalsOf(a);
    expect(before.some((x) => !x.startsWith("hold"))).toBe(true);
    expect(signalsOf(b)).toEqual(before);
  });

  it("when a backtest runs then buy-and-hold runs beside it through the same venue and fees", () => {
    const up = walkSeries("BTC-USD", 200, { seed: 9, drift: 0.002 });
    const r = runBacktest(config(), [up]);
    const firstOpen = up.open[1]!;
    const lastClose = up.close[up.length - 1]!;
    expect(r.benchmark.trades).toBeGreaterThanOrEqual(1);
    expect(r.benchmark.exposureTime).toBeGreaterThan(0.98);
    // Invested at most 1/1.05 of cash (a market buy reserves its mark plus 5%), less spread and fee.
    const invested = (lastClose / firstOpen - 1) / 1.05;
    expect(r.benchmark.totalReturn).toBeGreaterThan(invested * 0.95);
    expect(r.benchmark.totalReturn).toBeLessThan(lastClose / firstOpen - 1);
    expect(r.equity.time.length).toBe(r.equity.benchmark.length);
  });
});

describe("a paced run (what the Worker runs, so the desk keeps answering)", () => {
  it("when a backtest is paced then it pauses every so often and its result is the one an unpaced run gives", async () => {
    // Market making sends orders on most bars: each counts as much work as many quiet bars.
    const mm = walkSeries("BTC-USD", 1_500, { seed: 41, vol: 0.01, intervalMs: 60_000 });
    let pauses = 0;
    const pause = async (): Promise<void> => void pauses++;
    const paced = await runBacktestPaced(config({ strategy: "market-making" }), [mm], {}, pause);
    expect(pauses).toBeGreaterThanOrEqual(3);
    expect(paced).toEqual(runBacktest(config({ strategy: "market-making" }), [mm]));
    const s = walkSeries("BTC-USD", PACE_WORK, { seed: 42, vol: 0.01, intervalMs: 60_000 });
    const spec = { grid: { period: [10, 20] }, inSampleBars: PACE_WORK / 2, outOfSampleBars: PACE_WORK / 4, objective: "sharpe" as const };
    pauses = 0;
    expect(await walkForwardPaced(config(), [s], spec, pause)).toEqual(walkForward(config(), [s], spec));
    expect(pauses).toBeGreaterThan(0);
  }, 30_000);
});

describe("metrics", () => {
  it("when an equity curve rises, falls and recovers then drawdown is the fall from the peak and its duration the bars under it", () => {
    const eq = Float64Array.from([100, 110, 99, 88, 105, 111, 120]);
    expect(drawdown(eq, 100)).toEqual({ max: (110 - 88) / 110, bars: 3 });
  });

  it("when returns are known then Sharpe and Sortino follow the stated conventions", () => {
    const eq = Float64Array.from([101, 99.99, 102.9897, 101.959803]);
    const r = [0.01, -0.01, 0.03, -0.01];
    const mean = r.reduce((a, b) => a + b) / 4;
    const std = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
    const downside = Math.sqrt((0.01 ** 2 + 0.01 ** 2) / 4);
    const stats = returnStats(eq, 100);
    expect(stats.mean).toBeCloseTo(mean, 12);
    expect(stats.std).toBeCloseTo(std, 12);
    expect(stats.downside).toBeCloseTo(downside, 12);
    const m = metricsOf({ equity: eq, initialEquity: 100, intervalMs: 86_400_000, roundTrips: [new Decimal(5), new Decimal(-2), new Decimal(1)], barsExposed: 2, tradedNotional: 300, trades: 6, feesPaid: "0.3", finalEquity: "101.959803" });
    expect(m.sharpe).toBeCloseTo((mean / std) * Math.sqrt(365.25), 9);
    expect(m.sortino).toBeCloseTo((mean / downside) * Math.sqrt(365.25), 9);
    expect(m.winRate).toBeCloseTo(2 / 3, 12);
    expect(m.profitFactor).toBeCloseTo(3, 12);
    expect(m.exposureTime).toBe(0.5);
    expect(m.totalReturn).toBeCloseTo(0.01959803, 12);
  });
});

describe("walk-forward", () => {
  it("when re-tuned on a rolling window then each fold picks a grid point in-sample and trades it only on the bars after", () => {
    const s = walkSeries("BTC-USD", 700, { seed: 21, vol: 0.015 });
    const wf = walkForward(config(), [s], { grid: { period: [10, 20, 30], k: [1.5, 2] }, inSampleBars: 300, outOfSampleBars: 100, objective: "totalReturn" });
    expect(wf.folds).toHaveLength(4);
    for (const [i, f] of wf.folds.entries()) {
      expect([10, 20, 30]).toContain(f.params.period);
      expect(f.outOfSample.fromMs).toBe(s.time[300 + 100 * i]);
      expect(f.inSample.toMs).toBeLessThan(f.outOfSample.fromMs);
    }
    // The chosen point is the in-sample best: no other grid point beats it on that window.
    const f0 = wf.folds[0]!;
    for (const period of [10, 20, 30]) for (const k of [1.5, 2]) {
      const input = prepare(config({ params: { period, k } }), [s], { window: { from: 0, to: 300, tradeFrom: 0 }, benchmark: false });
      const out = runInMemory(input);
      const ret = out.equity[out.equity.length - 1]! / 10_000 - 1;
      expect(ret).toBeLessThanOrEqual(f0.inSampleMetrics.totalReturn + 1e-12);
    }
  });
});
