/**
 * `npm run backtest -- --strategy mean-reversion --data path.json [--params k=v ...]`
 *
 * Runs a backtest on a candle file (freqtrade JSON, an array of candle objects, or CSV with a
 * header) with exactly the code the desk runs (core/backtest: the strategy, its sizing, the
 * agent's book, the paper venue's matching), prints a report against buy-and-hold, and writes
 * the result, the equity curve and the trades as JSON. See README "Backtests".
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type BacktestConfig, type BacktestMetrics, backtestConfigSchema, runBacktest, walkForward, walkForwardSchema } from "../core/backtest/index.js";
import { parseCandles } from "../core/candles/parse.js";
import type { CandleSeries } from "../core/candles/series.js";
import { STRATEGIES } from "../core/strategies/index.js";

const USAGE = `usage: npm run backtest -- --strategy <id> --data <file> [options]

  --strategy <id>        ${Object.keys(STRATEGIES).join(", ")}
  --data <file>          candles: .json (freqtrade arrays or objects) or .csv with a header
  --data2 <file>         the second instrument (pairs: the other asset; arbitrage: the other venue)
  --symbol <s>           the paper symbol the candles stand for (default: from the file name, else BTC-USD)
  --symbol2 <s>          the second instrument's symbol
  --venue <id>           paper venue whose fees and lot sizes apply (default paper-binance)
  --venue2 <id>          the second instrument's venue (arbitrage)
  --cash <usd>           starting cash (default 10000)
  --max-exposure <f>     most of equity one instrument may hold, 0..1 (default 1)
  --params k=v           a strategy parameter (repeat); see GET /api/strategies for the schemas
  --walk-forward k=a,b;k2=c,d   re-tune over this grid on a rolling window
  --in-sample <bars>     walk-forward in-sample length (default 2000)
  --out-of-sample <bars> walk-forward out-of-sample length (default 500)
  --objective <o>        sharpe | totalReturn (default sharpe)
  --out <dir>            where to write result.json, equity.json, trades.json (default backtest-results)
  --points <n>           equity points kept in the files (default 10000)
`;

function fail(message: string): never {
  process.stderr.write(`backtest: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** "12" → 12, "true" → true, anything else stays text. */
function value(v: string): number | boolean | string {
  if (v === "true" || v === "false") return v === "true";
  return v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
}

function pairs(items: readonly string[]): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) fail(`--params takes k=v, got "${item}"`);
    out[item.slice(0, eq)] = value(item.slice(eq + 1));
  }
  return out;
}

/** BTC_USDT-1h.json → BTC-USD (a paper venue quotes in USD). */
function symbolFromName(file: string): string | null {
  const m = /^([A-Z]{2,6})[_-]?(USDT|USD|BUSD|USDC)/i.exec(basename(file));
  return m ? `${m[1]!.toUpperCase()}-USD` : null;
}

function load(file: string, symbol: string): CandleSeries {
  let text: string;
  try {
    text = readFileSync(resolve(file), "utf8");
  } catch (err) {
    fail(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = parseCandles(extname(file).toLowerCase() === ".csv" ? "csv" : "json", text, symbol, Number.MAX_SAFE_INTEGER);
  if (!parsed.ok) fail(`${file}: ${parsed.message}${parsed.row ? ` (row ${parsed.row})` : ""}`);
  return parsed.series;
}

function grid(spec: string): Record<string, Array<number | boolean | string>> {
  const out: Record<string, Array<number | boolean | string>> = {};
  for (const part of spec.split(";").filter(Boolean)) {
    const [k, vs] = part.split("=");
    if (!k || !vs) fail(`--walk-forward takes k=a,b;k2=c, got "${part}"`);
    out[k] = vs.split(",").map(value);
  }
  return out;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const num = (x: number | null): string => (x === null ? "∞" : x.toFixed(2));

function report(m: BacktestMetrics, b: BacktestMetrics): string {
  const rows: Array<[string, string, string]> = [
    ["total return", pct(m.totalReturn), pct(b.totalReturn)],
    ["CAGR", pct(m.cagr), pct(b.cagr)],
    ["annualized volatility", pct(m.annualizedVolatility), pct(b.annualizedVolatility)],
    ["Sharpe", num(m.sharpe), num(b.sharpe)],
    ["Sortino", num(m.sortino), num(b.sortino)],
    ["max drawdown", pct(m.maxDrawdown), pct(b.maxDrawdown)],
    ["max drawdown duration", `${m.maxDrawdownBars} bars`, `${b.maxDrawdownBars} bars`],
    ["win rate", `${pct(m.winRate)} of ${m.roundTrips}`, "-"],
    ["profit factor", num(m.profitFactor), "-"],
    ["exposure time", pct(m.exposureTime), pct(b.exposureTime)],
    ["turnover", `${m.turnover.toFixed(1)}×`, `${b.turnover.toFixed(1)}×`],
    ["trades (fills)", String(m.trades), String(b.trades)],
    ["fees paid", m.feesPaid, b.feesPaid],
    ["final equity", m.finalEquity, b.finalEquity],
  ];
  return ["metric                     strategy          buy & hold", ...rows.map(([a, x, y]) => `${a.padEnd(26)} ${x.padEnd(17)} ${y}`)].join("\n");
}

function main(): void {
  const { values } = parseArgs({
    options: {
      strategy: { type: "string" }, data: { type: "string" }, data2: { type: "string" }, symbol: { type: "string" }, symbol2: { type: "string" },
      venue: { type: "string" }, venue2: { type: "string" }, cash: { type: "string" }, "max-exposure": { type: "string" }, params: { type: "string", multiple: true },
      "walk-forward": { type: "string" }, "in-sample": { type: "string" }, "out-of-sample": { type: "string" }, objective: { type: "string" },
      out: { type: "string" }, points: { type: "string" }, help: { type: "boolean" },
    },
    allowPositionals: false,
  });
  if (values.help) return void process.stdout.write(USAGE);
  if (!values.strategy || !values.data) fail("--strategy and --data are required");
  const venues = values.venue2 ? [values.venue ?? "paper-binance", values.venue2] : undefined;
  const parsed = backtestConfigSchema.safeParse({
    strategy: values.strategy,
    params: pairs(values.params ?? []),
    venueId: values.venue ?? "paper-binance",
    ...(venues ? { venues } : {}),
    ...(values.cash ? { initialCash: values.cash } : {}),
    ...(values["max-exposure"] ? { maxExposure: Number(values["max-exposure"]) } : {}),
  });
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; "));
  const config = parsed.data as BacktestConfig;
  const strategy = STRATEGIES[config.strategy];
  const params = strategy.params.safeParse(config.params);
  if (!params.success) fail(params.error.issues.map((i) => `params.${i.path.join(".")}: ${i.message}`).join("; "));
  const series = [load(values.data, values.symbol ?? symbolFromName(values.data) ?? "BTC-USD")];
  if (strategy.instruments === 2) {
    if (!values.data2) fail(`${config.strategy} trades two instruments: give --data2`);
    series.push(load(values.data2, values.symbol2 ?? symbolFromName(values.data2) ?? series[0]!.symbol));
  }
  const started = performance.now();
  const result = runBacktest(config, series, { maxPoints: Number(values.points ?? 10_000) });
  const ms = performance.now() - started;
  const out = resolve(values.out ?? "backtest-results");
  mkdirSync(out, { recursive: true });
  const { equity, trades, ...rest } = result;
  writeFileSync(join(out, "result.json"), JSON.stringify(rest, null, 2));
  writeFileSync(join(out, "equity.json"), JSON.stringify(equity));
  writeFileSync(join(out, "trades.json"), JSON.stringify(trades, null, 1));
  const lines = [
    `${strategy.name} on ${result.symbols.join(" / ")}: ${result.bars} bars of ${result.intervalMs / 60_000} min, ${new Date(result.fromMs).toISOString()} → ${new Date(result.toMs).toISOString()}`,
    `params ${JSON.stringify(strategy.params.parse(config.params))}`,
    `gaps: ${result.gaps.length === 0 ? "none" : result.gaps.map((g) => `${g.symbol} ${g.bars} bar(s) after ${new Date(g.afterMs).toISOString()}`).join("; ")}`,
    "",
    report(result.metrics, result.benchmark),
    "",
    `ran in ${ms.toFixed(0)} ms (${((result.bars * series.length) / (ms / 1000) / 1e6).toFixed(2)} M candles/s); wrote ${join(out, "result.json")}, equity.json, trades.json`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (values["walk-forward"]) {
    const wf = walkForwardSchema.safeParse({ grid: grid(values["walk-forward"]), inSampleBars: Number(values["in-sample"] ?? 2000), outOfSampleBars: Number(values["out-of-sample"] ?? 500), objective: values.objective ?? "sharpe" });
    if (!wf.success) fail(wf.error.issues.map((i) => `walk-forward ${i.path.join(".")}: ${i.message}`).join("; "));
    const w = walkForward(config, series, wf.data);
    writeFileSync(join(out, "walk-forward.json"), JSON.stringify(w, null, 2));
    process.stdout.write(`\nwalk-forward (${w.objective}), ${w.folds.length} folds: in-sample mean ${w.inSampleMean.toFixed(3)}, out-of-sample mean ${w.outOfSampleMean.toFixed(3)}, out-of-sample return chained ${pct(w.outOfSampleReturn)}\n`);
    for (const f of w.folds) process.stdout.write(`  ${new Date(f.outOfSample.fromMs).toISOString().slice(0, 10)} ${JSON.stringify(f.params)} in ${pct(f.inSampleMetrics.totalReturn)} out ${pct(f.outOfSampleMetrics.totalReturn)}\n`);
  }
}

main();
