// Full backtests over 1,000,000 real candles per instrument: each strategy through the whole
// loop (strategy, sizing, the agent's book, the paper venue's matching on candle books), the
// candles already in memory as columns. Real data from ../shared/data (Binance 5-minute BTC and
// ETH, Dec 2020 – Jul 2021), repeated end to end until a million bars, so the market is real bar by
// bar but for one seam per copy. Reports candles per second (bars × instruments / s), trades, and the
// loop alone (a strategy that never trades) as the ceiling.
//
//   npm run bench:core:backtest     (CIVAL_BENCH_BARS=200000 for a shorter run)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type BacktestConfig, backtestConfigSchema, prepare, runInMemory } from "../core/backtest/index.js";
import { type CandleSeries, seriesFromCandles } from "../core/candles/series.js";
import type { Candle } from "../core/market.js";
import { HOLD, type StrategyId, type StrategyRunner } from "../core/strategies/types.js";

const BARS = Number(process.env.CIVAL_BENCH_BARS ?? 1_000_000);
const DATA = [process.env.CIVAL_SHARED_DATA, resolve("../shared/data"), "/work/shared/data"].find((d) => d && existsSync(resolve(d, "README.md")));
if (!DATA) throw new Error("the shared candles (../shared/data) are needed for this benchmark");

function freqtrade(file: string): number[][] {
  return JSON.parse(readFileSync(resolve(DATA!, file), "utf8")) as number[][];
}

/** Rows repeated until `bars`, each copy one interval after the previous one's last bar (prices as they were: one seam per copy). */
function chain(rows: number[][], bars: number, intervalMs: number): Candle[] {
  const out: Candle[] = [];
  let shift = 0;
  while (out.length < bars) {
    for (const r of rows) {
      if (out.length >= bars) break;
      const [t, o, h, l, c, v] = r as [number, number, number, number, number, number];
      out.push({ openTimeMs: t + shift, open: o.toFixed(2), high: h.toFixed(2), low: l.toFixed(2), close: c.toFixed(2), volume: v.toFixed(4) });
    }
    shift += (rows[rows.length - 1]![0] as number) - (rows[0]![0] as number) + intervalMs;
  }
  return out;
}

const FIVE_MIN = 300_000;
const btc = seriesFromCandles("BTC-USD", FIVE_MIN, chain(freqtrade("NostalgiaForInfinity/binance/BTC_USDT-5m.json"), BARS, FIVE_MIN));
const eth = seriesFromCandles("ETH-USD", FIVE_MIN, chain(freqtrade("NostalgiaForInfinity/binance/ETH_USDT-5m.json"), BARS, FIVE_MIN));
// The same BTC bars at a second venue, a few bp apart: what an arbitrage scans.
const btcElsewhere: CandleSeries = { ...btc, open: btc.open.map((x, i) => x * (1 + 0.0008 * Math.sin(i / 7))), close: btc.close.map((x, i) => x * (1 + 0.0008 * Math.sin(i / 7))) };

const quiet: StrategyRunner = { plots: [], plot: () => {}, onBar: () => HOLD };
const runs: Array<{ id: StrategyId | "loop only"; series: CandleSeries[]; config: Record<string, unknown>; runner?: StrategyRunner }> = [
  { id: "loop only", series: [btc], config: { strategy: "momentum" }, runner: quiet },
  { id: "momentum", series: [btc], config: { strategy: "momentum" } },
  { id: "mean-reversion", series: [btc], config: { strategy: "mean-reversion" } },
  { id: "pairs", series: [btc, eth], config: { strategy: "pairs" } },
  { id: "arbitrage", series: [btc, btcElsewhere], config: { strategy: "arbitrage", venues: ["paper-binance", "paper-hyperliquid"] } },
  { id: "market-making", series: [btc], config: { strategy: "market-making" } },
];

const results: Array<Record<string, unknown>> = [];
for (const r of runs) {
  const config = backtestConfigSchema.parse(r.config) as BacktestConfig;
  let best = Infinity;
  let trades = 0;
  let ret = 0;
  // Best of three, or of one when a run takes over 10 s (market making requotes every bar).
  for (let rep = 0; rep < 3 && !(rep > 0 && best > 10_000); rep++) {
    const input = prepare(config, r.series, { maxPoints: 2_000 }, r.runner);
    const t0 = performance.now();
    const out = runInMemory(input);
    best = Math.min(best, performance.now() - t0);
    trades = out.trades.length;
    ret = (out.equity[out.equity.length - 1] ?? 0) / 10_000 - 1;
  }
  const candles = BARS * r.series.length;
  const perSecond = candles / (best / 1000);
  results.push({ strategy: r.id, bars: BARS, instruments: r.series.length, ms: Math.round(best), candlesPerSecond: Math.round(perSecond), trades, totalReturn: ret });
  console.log(`${r.id.padEnd(15)} ${(perSecond / 1e6).toFixed(2).padStart(7)} M candles/s  ${best.toFixed(0).padStart(6)} ms  ${String(trades).padStart(7)} fills  return ${(ret * 100).toFixed(1)}%`);
}
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/core-backtest.json", JSON.stringify({ node: process.version, bars: BARS, results }, null, 2));
