/**
 * The agent's strategy between cycles: the runner (its indicators are its memory of the past),
 * fed each closed bar once, oldest first, exactly as the backtester feeds it. A fresh runner (a new
 * object, a new configuration) is warmed up on the history the venues answer, so the first cycle
 * decides with the same state a long-running one would have.
 */
import type { Candle } from "../market.js";
import { strategyById } from "../strategies/index.js";
import type { BarView, InstrumentSpec, PositionView, Signal, StrategyRunner } from "../strategies/types.js";
import { HOLD } from "../strategies/types.js";
import type { AgentConfig } from "./types.js";
import { barMs } from "./config.js";

export interface StrategyFeed {
  /** The configuration version it was built for: another version builds a new feed. */
  readonly version: number;
  readonly runner: StrategyRunner;
  readonly warmup: number;
  /** Open time of the newest bar fed (−∞ before the first). */
  lastBarMs: number;
  /** Bars fed since it was built. */
  fed: number;
  /** The signal of the newest bar fed (HOLD before any). */
  last: Signal;
  readonly bars: BarView[];
  readonly exposure: Float64Array;
  readonly entryPrice: Float64Array;
  readonly barsHeld: Float64Array;
  /** Instrument 0's closes as fed, newest last (the sizing's realized volatility reads them). */
  readonly closes: number[];
}

/** A feed for this configuration, with the instruments' fees and ticks. */
export function createFeed(config: AgentConfig, instruments: readonly InstrumentSpec[]): StrategyFeed {
  const strategy = strategyById(config.strategy);
  if (!strategy) throw new Error(`invariant: unknown strategy ${config.strategy}`);
  const params = strategy.params.parse(config.params);
  const n = instruments.length;
  return {
    version: config.version,
    runner: strategy.create(params, instruments),
    warmup: strategy.warmup(params),
    lastBarMs: Number.NEGATIVE_INFINITY,
    fed: 0,
    last: HOLD,
    bars: Array.from({ length: n }, () => ({ present: false, timeMs: 0, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN })),
    exposure: new Float64Array(n),
    entryPrice: new Float64Array(n).fill(NaN),
    barsHeld: new Float64Array(n),
    closes: [],
  };
}

/** Closes kept for the sizing's volatility (its lookback is at most 1,000 bars). */
const CLOSES_KEPT = 1_001;

/** How many bars to ask the venues for: enough to warm a fresh runner up, and a margin. */
export function barsWanted(warmup: number, sizingLookback: number): number {
  return Math.min(1_000, Math.max(warmup, sizingLookback) * 2 + 10);
}

/**
 * Bars to read this cycle: a warm feed needs only those closed since its newest (and one more,
 * for a bar that was still forming); null when more than a fresh warm-up's worth closed (the
 * agent slept): then the feed starts afresh.
 */
export function barsSince(feed: StrategyFeed, config: AgentConfig, nowMs: number, fresh: number): number | null {
  if (!Number.isFinite(feed.lastBarMs)) return null;
  const missed = Math.ceil((nowMs - feed.lastBarMs) / barMs(config)) + 1;
  return missed > fresh ? null : missed;
}

/** The position as the strategy sees it (fractions of equity, entry price, bars held). */
export interface PositionFacts {
  readonly exposure: readonly number[];
  readonly entryPrice: readonly number[];
  readonly entryTimeMs: readonly (number | null)[];
}

/**
 * Feeds the closed bars newer than the last one fed (a bar is closed once its interval has passed
 * at `nowMs`), aligned by open time across instruments (a missing one is a gap). Answers whether a
 * new bar closed: only then is the signal new. With `nothingResting`, the strategy is told before
 * the newest bar that what it last asked for is not in place.
 */
export function feedBars(feed: StrategyFeed, config: AgentConfig, candles: ReadonlyArray<readonly Candle[]>, position: PositionFacts, nowMs: number, nothingResting: boolean): { fresh: boolean; newestBarMs: number } {
  const interval = barMs(config);
  const times = new Set<number>();
  for (const list of candles) for (const c of list) if (c.openTimeMs > feed.lastBarMs && c.openTimeMs + interval <= nowMs) times.add(c.openTimeMs);
  if (times.size === 0) return { fresh: false, newestBarMs: feed.lastBarMs };
  const ordered = [...times].sort((a, b) => a - b);
  const cursors = candles.map(() => 0);
  const view: PositionView = { exposure: feed.exposure, entryPrice: feed.entryPrice, barsHeld: feed.barsHeld };
  for (const t of ordered) {
    for (let k = 0; k < candles.length; k++) {
      const list = candles[k] as readonly Candle[];
      let i = cursors[k] as number;
      while (i < list.length && (list[i] as Candle).openTimeMs < t) i++;
      cursors[k] = i;
      const c = list[i];
      const bar = feed.bars[k] as BarView;
      bar.timeMs = t;
      if (c && c.openTimeMs === t) {
        bar.present = true;
        bar.open = Number(c.open);
        bar.high = Number(c.high);
        bar.low = Number(c.low);
        bar.close = Number(c.close);
        bar.volume = Number(c.volume);
      } else {
        bar.present = false;
        bar.open = bar.high = bar.low = bar.close = bar.volume = NaN;
      }
      // History replayed into a fresh runner sees the position as it is now; only the newest bar's signal is acted on.
      feed.exposure[k] = position.exposure[k] ?? 0;
      feed.entryPrice[k] = position.entryPrice[k] ?? NaN;
      const entry = position.entryTimeMs[k];
      feed.barsHeld[k] = entry === null || entry === undefined ? 0 : Math.max(0, Math.floor((t + interval - entry) / interval));
    }
    // Nothing the strategy asked for rests at a venue (a fresh runner's history was never traded): it decides the newest bar afresh.
    if (nothingResting && t === ordered[ordered.length - 1]) feed.runner.forget?.();
    feed.last = feed.runner.onBar(feed.bars, view);
    const close = (feed.bars[0] as BarView).close;
    if (close > 0) {
      feed.closes.push(close);
      if (feed.closes.length > CLOSES_KEPT) feed.closes.splice(0, feed.closes.length - CLOSES_KEPT);
    }
    feed.lastBarMs = t;
    feed.fed++;
  }
  return { fresh: true, newestBarMs: feed.lastBarMs };
}

/** Whether the runner has seen enough bars to signal. */
export function warm(feed: StrategyFeed): boolean {
  return feed.fed >= feed.warmup;
}

/**
 * The largest fraction of equity one instrument may hold: the fixed fraction, or the volatility
 * target over the realized volatility of the last closes (annualized), capped.
 */
export function maxExposureFor(config: AgentConfig, closes: readonly number[]): { maxExposure: number; realizedVol: number | null } {
  const s = config.sizing;
  if (s.mode === "fixed_fraction") return { maxExposure: s.fraction, realizedVol: null };
  const n = Math.min(closes.length - 1, s.lookbackBars);
  if (n < 2) return { maxExposure: s.maxFraction, realizedVol: null };
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let i = closes.length - n; i < closes.length; i++) {
    const a = closes[i - 1] as number;
    const b = closes[i] as number;
    if (!(a > 0) || !(b > 0)) continue;
    const r = Math.log(b / a);
    sum += r;
    sumSq += r * r;
    count++;
  }
  if (count < 2) return { maxExposure: s.maxFraction, realizedVol: null };
  const variance = Math.max(0, (sumSq - (sum * sum) / count) / (count - 1));
  const perYear = (365 * 86_400_000) / barMs(config);
  const vol = Math.sqrt(variance * perYear);
  if (!(vol > 0)) return { maxExposure: s.maxFraction, realizedVol: vol };
  return { maxExposure: Math.min(s.maxFraction, s.targetVolatility / vol), realizedVol: vol };
}

/** A hold on a new bar, in words: the strategy's own figures (its plots), so a trader sees how far from a signal it is. */
export function holdNote(feed: StrategyFeed): string {
  const names = feed.runner.plots;
  if (names.length === 0) return feed.last.reason;
  const out = new Float64Array(names.length);
  feed.runner.plot(out);
  const figures = names.map((n, i) => `${n} ${fmtFigure(out[i] as number)}`).join(", ");
  return `${feed.last.reason === HOLD.reason ? "no signal on this bar" : feed.last.reason} (${figures})`;
}

/** A cycle between bars: what it waits for. */
export function waitNote(config: AgentConfig, nowMs: number): string {
  const interval = barMs(config);
  const closes = Math.floor(nowMs / interval) * interval + interval;
  return `waiting for the ${config.barInterval} bar closing at ${new Date(closes).toISOString().slice(11, 19)} UTC (in ${Math.ceil((closes - nowMs) / 1000)} s)`;
}

function fmtFigure(x: number): string {
  if (!Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}
