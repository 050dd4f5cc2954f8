import type { BacktestMetrics, BacktestTrade, WalkForwardResult } from "../../../../core/backtest/types.ts";
import type { CandleGap } from "../../../../core/candles/series.ts";
import type { StrategyDescription } from "../../../../core/strategies/index.ts";

/**
 * The Backtests page's data and the pure work on it: a parameter form from a strategy's JSON
 * Schema, the walk-forward grid typed as text, trades as chart markers, metrics as table rows.
 */

export type Strategy = StrategyDescription;

/** One input of the parameter form, read from the JSON Schema the API gives. */
export interface ParamField {
  readonly name: string;
  readonly kind: "integer" | "number" | "boolean" | "enum";
  readonly defaultValue: number | boolean | string;
  readonly min?: number;
  readonly max?: number;
  readonly options?: readonly string[];
  readonly description: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The form's fields: every property of the schema with a type the form can edit. */
export function paramFields(strategy: Strategy): ParamField[] {
  const props = isRecord(strategy.params.properties) ? strategy.params.properties : {};
  const fields: ParamField[] = [];
  for (const [name, raw] of Object.entries(props)) {
    if (!isRecord(raw)) continue;
    const description = typeof raw.description === "string" ? raw.description : "";
    const fallback = strategy.defaults[name];
    const num = (k: string) => (typeof raw[k] === "number" ? (raw[k] as number) : undefined);
    const bounds = { ...(num("minimum") ?? num("exclusiveMinimum")) !== undefined ? { min: num("minimum") ?? num("exclusiveMinimum") } : {}, ...(num("maximum") ?? num("exclusiveMaximum")) !== undefined ? { max: num("maximum") ?? num("exclusiveMaximum") } : {} };
    if (Array.isArray(raw.enum) && raw.enum.every((x) => typeof x === "string")) {
      fields.push({ name, kind: "enum", defaultValue: String(raw.default ?? fallback ?? raw.enum[0]), options: raw.enum as string[], description });
    } else if (raw.type === "integer" || raw.type === "number") {
      fields.push({ name, kind: raw.type, defaultValue: Number(raw.default ?? fallback ?? 0), ...bounds, description });
    } else if (raw.type === "boolean") {
      fields.push({ name, kind: "boolean", defaultValue: Boolean(raw.default ?? fallback), description });
    }
  }
  return fields;
}

/** The values a user changed from their defaults, typed; a value the field cannot hold is named. */
export function paramsFromForm(fields: readonly ParamField[], values: Readonly<Record<string, string | boolean>>): { params: Record<string, unknown> } | { error: string } {
  const params: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (v === undefined) continue;
    if (f.kind === "boolean" || f.kind === "enum") {
      if (v !== f.defaultValue) params[f.name] = v;
      continue;
    }
    const text = String(v).trim();
    if (text === "") continue;
    const n = Number(text);
    if (!Number.isFinite(n) || (f.kind === "integer" && !Number.isInteger(n))) return { error: `${f.name} is ${f.kind === "integer" ? "a whole number" : "a number"}` };
    if (n !== f.defaultValue) params[f.name] = n;
  }
  return { params };
}

/** A walk-forward grid typed as `period=10,20,30; k=1.5,2`: numbers, true/false, or words. */
export function parseGrid(text: string): { grid: Record<string, Array<number | boolean | string>> } | { error: string } {
  const grid: Record<string, Array<number | boolean | string>> = {};
  for (const part of text.split(/[;\n]/)) {
    if (part.trim() === "") continue;
    const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(part);
    if (!m?.[1] || !m[2]) return { error: `"${part.trim()}" is not name=value,value,…` };
    grid[m[1]] = m[2]
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "")
      .map((s) => (s === "true" ? true : s === "false" ? false : Number.isFinite(Number(s)) ? Number(s) : s));
  }
  if (Object.keys(grid).length === 0) return { error: "the grid names at least one parameter: period=10,20,30" };
  return { grid };
}

/** How many points a grid has (the product of its value counts). */
export function gridSize(grid: Readonly<Record<string, readonly unknown[]>>): number {
  return Object.values(grid).reduce((n, v) => n * v.length, 1);
}

/** The chart's candles, as the API keeps them (columns, downsampled). */
export interface ChartCandles {
  readonly symbol: string;
  readonly time: number[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
  readonly barsPerPoint: number;
}

/** A backtest as GET /api/backtests/:id answers. */
export interface BacktestRecord {
  readonly id: string;
  readonly createdAtMs: number;
  readonly owner: string;
  readonly strategy: string;
  readonly params: Record<string, unknown>;
  readonly sources: ReadonlyArray<Record<string, unknown>>;
  readonly symbols: readonly string[];
  readonly intervalMs: number;
  readonly bars: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly metrics: BacktestMetrics;
  readonly benchmark: BacktestMetrics;
  readonly gaps: ReadonlyArray<CandleGap & { readonly symbol: string }>;
  readonly walkForward: WalkForwardResult | null;
  readonly stored: { readonly trades: number; readonly tradesTotal: number; readonly tradesTruncated: boolean; readonly equityPoints: number; readonly note: string };
  readonly trades: readonly BacktestTrade[];
  readonly equity: { readonly time: readonly number[]; readonly strategy: readonly number[]; readonly benchmark: ReadonlyArray<number | null> };
  readonly plots: Readonly<Record<string, ReadonlyArray<number | null>>>;
  readonly chart: readonly ChartCandles[];
}

/** A line of the list of past backtests. */
export type BacktestSummary = Pick<BacktestRecord, "id" | "createdAtMs" | "owner" | "strategy" | "params" | "symbols" | "intervalMs" | "bars" | "metrics" | "benchmark">;

/** The index of the chart candle a time falls in (the last whose open is at or before it), or -1. */
export function bucketOf(times: readonly number[], timeMs: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= timeMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export interface TradeMarker {
  readonly timeMs: number;
  readonly side: "buy" | "sell";
  readonly text: string;
}

/**
 * One marker per chart candle and side for the trades of `symbol` (a downsampled chart merges
 * bars, so several fills share a candle): "B 3" is three buys in it.
 */
export function tradeMarkers(trades: readonly BacktestTrade[], symbol: string, times: readonly number[]): TradeMarker[] {
  const counts = new Map<string, { timeMs: number; side: "buy" | "sell"; n: number }>();
  for (const t of trades) {
    if (t.symbol !== symbol) continue;
    const k = bucketOf(times, t.timeMs);
    if (k < 0) continue;
    const key = `${k}|${t.side}`;
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { timeMs: times[k] as number, side: t.side, n: 1 });
  }
  return [...counts.values()].sort((a, b) => a.timeMs - b.timeMs || (a.side === "buy" ? -1 : 1)).map((c) => ({ timeMs: c.timeMs, side: c.side, text: `${c.side === "buy" ? "B" : "S"}${c.n > 1 ? ` ${c.n}` : ""}` }));
}

/**
 * Whether a plot is drawn over the prices (a moving average, a band) or below them in its own
 * pane (RSI, a z-score): over them when its typical value is within a factor 2 of the closes'.
 */
export function onPriceScale(values: ReadonlyArray<number | null>, closes: readonly number[]): boolean {
  const median = (xs: number[]): number => {
    const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    return s.length === 0 ? Number.NaN : (s[s.length >> 1] as number);
  };
  const p = median(values.filter((v): v is number => v !== null));
  const c = median([...closes]);
  return Number.isFinite(p) && p > 0 && p / c > 0.5 && p / c < 2;
}

const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? "—" : `${(x * 100).toFixed(2)}%`);
const ratio = (x: number | null): string => (x === null || !Number.isFinite(x) ? "—" : x.toFixed(2));
const whole = (x: number | null): string => (x === null || !Number.isFinite(x) ? "—" : String(Math.round(x)));

/** The metrics table: label, strategy's figure, benchmark's figure, and which is better when it matters. */
export function metricRows(m: BacktestMetrics, b: BacktestMetrics): Array<{ key: string; label: string; strategy: string; benchmark: string; better: "strategy" | "benchmark" | null }> {
  const rows: Array<[keyof BacktestMetrics, string, (x: number | null) => string, 1 | -1 | 0]> = [
    ["totalReturn", "Total return", pct, 1],
    ["cagr", "CAGR", pct, 1],
    ["annualizedVolatility", "Volatility (annual)", pct, -1],
    ["sharpe", "Sharpe", ratio, 1],
    ["sortino", "Sortino", ratio, 1],
    ["maxDrawdown", "Max drawdown", pct, -1],
    ["maxDrawdownBars", "Max drawdown length (bars)", whole, -1],
    ["winRate", "Win rate", pct, 0],
    ["roundTrips", "Round trips", whole, 0],
    ["profitFactor", "Profit factor", ratio, 0],
    ["exposureTime", "Time in market", pct, 0],
    ["turnover", "Turnover", ratio, 0],
    ["trades", "Trades", whole, 0],
  ];
  const out = rows.map(([key, label, fmt, sense]) => {
    const s = m[key] as number | null;
    const v = b[key] as number | null;
    const better = sense === 0 || s === null || v === null || s === v || !Number.isFinite(s) || !Number.isFinite(v) ? null : (s - v) * sense > 0 ? "strategy" : "benchmark";
    return { key, label, strategy: fmt(s), benchmark: fmt(v), better: better as "strategy" | "benchmark" | null };
  });
  out.push({ key: "feesPaid", label: "Fees paid", strategy: m.feesPaid, benchmark: b.feesPaid, better: null });
  out.push({ key: "finalEquity", label: "Final equity", strategy: m.finalEquity, benchmark: b.finalEquity, better: Number(m.finalEquity) === Number(b.finalEquity) ? null : Number(m.finalEquity) > Number(b.finalEquity) ? "strategy" : "benchmark" });
  return out;
}

/** "1h", "15m", "1d", or ms when it is none of those. */
export function intervalLabel(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms}ms`;
}

/** A UTC date and time, minutes: "2025-01-03 14:00". */
export function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

export { pct as formatPct, ratio as formatRatio };
