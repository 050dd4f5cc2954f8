/**
 * A backtest's metrics from its equity curve (one point per bar close) and its round trips.
 * Conventions: returns are simple bar-to-bar returns of equity; the year has 365.25 days (crypto
 * trades every day), so a bar series annualizes by bars per year = year / bar length; the
 * risk-free rate is 0. Sharpe = mean / sample std × √(bars per year); Sortino = mean / downside
 * deviation (root mean square of the negative returns, over all bars) × √(bars per year); CAGR
 * compounds over the time the curve spans. Max drawdown is the largest fall from a running peak,
 * as a fraction of that peak; its duration the longest stretch below a previous peak (to recovery,
 * or to the end). A metric a curve cannot give (no variance, no losing round trip) is 0 or null.
 */
import type { Decimal } from "../money.js";
import type { BacktestMetrics } from "./types.js";

export const YEAR_MS = 365.25 * 24 * 3_600_000;

export interface MetricInputs {
  readonly equity: Float64Array;
  readonly initialEquity: number;
  readonly intervalMs: number;
  /** Net results of closed round trips. */
  readonly roundTrips: readonly Decimal[];
  readonly barsExposed: number;
  readonly tradedNotional: number;
  readonly trades: number;
  readonly feesPaid: string;
  readonly finalEquity: string;
}

/** Every metric of one curve. */
export function metricsOf(m: MetricInputs): BacktestMetrics {
  const n = m.equity.length;
  const barsPerYear = YEAR_MS / m.intervalMs;
  const r = returnStats(m.equity, m.initialEquity);
  const final = n > 0 ? (m.equity[n - 1] as number) : m.initialEquity;
  const years = (n * m.intervalMs) / YEAR_MS;
  const totalReturn = m.initialEquity > 0 ? final / m.initialEquity - 1 : 0;
  const dd = drawdown(m.equity, m.initialEquity);
  const trips = tripStats(m.roundTrips);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += m.equity[i] as number;
  const averageEquity = n > 0 ? sum / n : m.initialEquity;
  return {
    totalReturn,
    cagr: years > 0 && final > 0 && m.initialEquity > 0 ? Math.pow(final / m.initialEquity, 1 / years) - 1 : 0,
    annualizedVolatility: r.std * Math.sqrt(barsPerYear),
    sharpe: r.std > 0 ? (r.mean / r.std) * Math.sqrt(barsPerYear) : 0,
    sortino: r.downside > 0 ? (r.mean / r.downside) * Math.sqrt(barsPerYear) : 0,
    maxDrawdown: dd.max,
    maxDrawdownBars: dd.bars,
    maxDrawdownMs: dd.bars * m.intervalMs,
    winRate: trips.count > 0 ? trips.wins / trips.count : 0,
    roundTrips: trips.count,
    profitFactor: trips.loss > 0 ? trips.gain / trips.loss : null,
    exposureTime: n > 0 ? m.barsExposed / n : 0,
    turnover: averageEquity > 0 ? m.tradedNotional / averageEquity : 0,
    trades: m.trades,
    feesPaid: m.feesPaid,
    finalEquity: m.finalEquity,
  };
}

/** Mean, sample std and downside deviation of bar returns (the first from the initial equity). */
export function returnStats(equity: Float64Array, initial: number): { mean: number; std: number; downside: number } {
  const n = equity.length;
  if (n === 0) return { mean: 0, std: 0, downside: 0 };
  let prev = initial;
  let sum = 0;
  let down = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i] as number;
    const r = prev > 0 ? e / prev - 1 : 0;
    sum += r;
    if (r < 0) down += r * r;
    prev = e;
  }
  const mean = sum / n;
  prev = initial;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i] as number;
    const d = (prev > 0 ? e / prev - 1 : 0) - mean;
    sq += d * d;
    prev = e;
  }
  return { mean, std: n > 1 ? Math.sqrt(sq / (n - 1)) : 0, downside: Math.sqrt(down / n) };
}

/** The deepest fall from a running peak (fraction) and the longest run of bars below a peak. */
export function drawdown(equity: Float64Array, initial: number): { max: number; bars: number } {
  let peak = initial;
  let max = 0;
  let under = 0;
  let longest = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number;
    if (e >= peak) {
      peak = e;
      under = 0;
      continue;
    }
    under++;
    if (under > longest) longest = under;
    const dd = peak > 0 ? (peak - e) / peak : 0;
    if (dd > max) max = dd;
  }
  return { max, bars: longest };
}

function tripStats(trips: readonly Decimal[]): { count: number; wins: number; gain: number; loss: number } {
  let wins = 0;
  let gain = 0;
  let loss = 0;
  for (const t of trips) {
    const x = t.toNumber();
    if (x > 0) {
      wins++;
      gain += x;
    } else loss -= x;
  }
  return { count: trips.length, wins, gain, loss };
}
