import type { BarView, InstrumentSpec, Signal, Strategy } from "../../core/strategies/types.js";

/** Hand-built bars and a tiny position book for the strategy tests. */

export interface Bars {
  readonly close: readonly number[];
  readonly high?: readonly number[];
  readonly low?: readonly number[];
  readonly volume?: readonly number[];
  /** Bars the data lacks (gaps). */
  readonly missing?: ReadonlySet<number>;
}

export const HOUR_MS = 3_600_000;

export function instrument(venueId: string, overrides: Partial<InstrumentSpec> = {}): InstrumentSpec {
  return { venueId, symbol: "BTC-USD", makerFeeRate: 0.0002, takerFeeRate: 0.001, halfSpreadBp: 1, tickSize: 0.01, intervalMs: HOUR_MS, ...overrides };
}

/** Closes with a ±1 range and a volume of 10 unless given. */
export function bars(close: readonly number[], volume?: readonly number[]): Bars {
  return { close, high: close.map((c) => c + 1), low: close.map((c) => c - 1), volume: volume ?? close.map(() => 10) };
}

/** A deterministic random walk of log steps with standard deviation `step` (an LCG: same every run). */
export function walk(n: number, start: number, step: number, seed = 7): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  let x = start;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32 - 0.5;
    x *= Math.exp(u * step * Math.sqrt(12));
    out.push(x);
  }
  return out;
}

export interface Step {
  readonly i: number;
  readonly signal: Signal;
  /** Exposures before the signal. */
  readonly exposure: readonly number[];
}

/** Gaussian-like white noise (a sum of three uniforms, standard deviation `sd`), deterministic. */
export function noise(n: number, sd: number, seed = 11): number[] {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  return Array.from({ length: n }, () => (u() + u() + u()) * 2 * sd);
}

/**
 * Runs a strategy over bars (one series per instrument) with a make-believe book that fills every
 * signal at the close: buy → exposure `buyExposure`, sell → flat, targets → as asked (legs and
 * quotes leave it). `start` sets the exposures before the first bar. Returns every non-hold step.
 */
export function run<P>(
  strategy: Strategy<P>,
  params: Partial<P>,
  series: readonly Bars[],
  options: { instruments?: readonly InstrumentSpec[]; start?: readonly number[]; buyExposure?: number; hold?: boolean } = {},
): Step[] {
  const p = strategy.params.parse(params);
  const specs = options.instruments ?? series.map((_, k) => instrument(`paper-${k}`));
  const runner = strategy.create(p, specs);
  const exposure = Float64Array.from(options.start ?? series.map(() => 0));
  const entryPrice = new Float64Array(series.length).fill(NaN);
  const barsHeld = new Float64Array(series.length);
  const views: BarView[] = series.map(() => ({ present: false, timeMs: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN }));
  const steps: Step[] = [];
  const n = series[0]?.close.length ?? 0;
  for (let i = 0; i < n; i++) {
    series.forEach((s, k) => fill(views[k] as BarView, s, i));
    const signal = runner.onBar(views, { exposure, entryPrice, barsHeld });
    if (signal.side !== "hold" || signal.targets || signal.quotes !== undefined || signal.legs) steps.push({ i, signal, exposure: Array.from(exposure) });
    if (options.hold) continue;
    apply(signal, exposure, entryPrice, views, options.buyExposure ?? 0.5);
    for (let k = 0; k < series.length; k++) barsHeld[k] = (exposure[k] as number) > 0 ? (barsHeld[k] as number) + 1 : 0;
  }
  return steps;
}

function fill(v: BarView, s: Bars, i: number): void {
  const close = s.close[i] as number;
  v.present = !s.missing?.has(i);
  v.timeMs = i * HOUR_MS;
  v.open = v.present ? close : NaN;
  v.close = v.present ? close : NaN;
  v.high = v.present ? (s.high?.[i] ?? close) : NaN;
  v.low = v.present ? (s.low?.[i] ?? close) : NaN;
  v.volume = v.present ? (s.volume?.[i] ?? 10) : NaN;
}

function apply(signal: Signal, exposure: Float64Array, entryPrice: Float64Array, views: readonly BarView[], buyExposure: number): void {
  const set = (k: number, e: number): void => {
    if (e > 0 && !((exposure[k] as number) > 0)) entryPrice[k] = (views[k] as BarView).close;
    if (!(e > 0)) entryPrice[k] = NaN;
    exposure[k] = e;
  };
  if (signal.legs || signal.quotes !== undefined) return;
  if (signal.targets) signal.targets.forEach((t, k) => set(k, t));
  else if (signal.side === "buy") set(0, buyExposure);
  else if (signal.side === "sell") set(0, 0);
}

/** A signal as comparable text (for the no-look-ahead test). */
export function signalText(step: Step): string {
  return JSON.stringify({ i: step.i, s: step.signal });
}
