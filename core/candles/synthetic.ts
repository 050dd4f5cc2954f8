import type { Candle } from "../market.js";
import { DEFAULT_ASSETS, createMarket, stepMarket, venueMid } from "../market-sim.js";
import { Decimal, str } from "../money.js";
import { PAPER_MARKET, PAPER_MARKET_SEED, PAPER_VENUES } from "../paper-venues.js";
import { gridFromFloat } from "../ticks.js";

/**
 * The bundled synthetic history: candles drawn from the paper venues' own market model (the same
 * volatilities, correlations, regimes, jumps and venue bases, core/market-sim.ts), with a fixed
 * seed, so anyone can run a backtest with no upload and get the same candles every time. All
 * instruments asked for together come from one path of the market, so BTC and ETH stay
 * correlated (pairs) and a symbol on two venues differs only by the venues' bases (arbitrage).
 */

/** The symbols the synthetic market draws. */
export const SYNTHETIC_SYMBOLS: readonly string[] = DEFAULT_ASSETS.map((a) => a.symbol);
/** The venues whose prices it can draw. */
export const SYNTHETIC_VENUES: readonly string[] = PAPER_VENUES.map((v) => v.id);
/** The history starts here, 2025-01-01T00:00Z (on every interval's grid up to a day). */
export const SYNTHETIC_START_MS = 1_735_689_600_000;
/** Market points sampled within each bar: its open, the path's extremes among them, its close. */
export const SYNTHETIC_POINTS_PER_BAR = 4;
export const SYNTHETIC_SEED = `history:${PAPER_MARKET_SEED}`;

/** One instrument of the synthetic history: a symbol as one paper venue quotes it. */
export interface SyntheticInstrument {
  readonly symbol: string;
  readonly venueId: string;
}

/**
 * `bars` candles of `intervalMs` per instrument, all from one path of the paper market. Prices
 * are rounded to the symbol's tick, volume down to its lot. The caller bounds `bars`.
 */
export function syntheticCandles(instruments: readonly SyntheticInstrument[], intervalMs: number, bars: number): Candle[][] {
  const draw = drawSynthetic(instruments, intervalMs, bars);
  let step = draw.next();
  while (!step.done) step = draw.next();
  return step.value;
}

/** Bars drawn between pauses of a paced draw (a few milliseconds' work). */
export const SYNTHETIC_PACE_BARS = 2_000;

/** `syntheticCandles`, awaiting `pause` every SYNTHETIC_PACE_BARS bars: a long draw in a Worker lets other requests run. */
export async function syntheticCandlesPaced(instruments: readonly SyntheticInstrument[], intervalMs: number, bars: number, pause: () => Promise<void>): Promise<Candle[][]> {
  const draw = drawSynthetic(instruments, intervalMs, bars);
  let step = draw.next();
  while (!step.done) {
    await pause();
    step = draw.next();
  }
  return step.value;
}

/** The draw, yielding every SYNTHETIC_PACE_BARS bars. */
function* drawSynthetic(instruments: readonly SyntheticInstrument[], intervalMs: number, bars: number): Generator<void, Candle[][], void> {
  if (!Number.isInteger(intervalMs) || intervalMs < SYNTHETIC_POINTS_PER_BAR || !Number.isInteger(bars) || bars < 0) throw new Error("invariant: intervalMs > 0 and bars >= 0 are whole numbers");
  const stepMs = Math.max(1, Math.floor(intervalMs / SYNTHETIC_POINTS_PER_BAR));
  let market = createMarket({ ...PAPER_MARKET, maxStepMs: stepMs }, SYNTHETIC_SEED, SYNTHETIC_START_MS);
  const assets = instruments.map((inst) => {
    const i = market.params.assets.findIndex((a) => a.symbol === inst.symbol);
    const spec = market.params.assets[i];
    if (!spec || !SYNTHETIC_VENUES.includes(inst.venueId)) throw new Error(`invariant: the synthetic market draws ${inst.symbol} at ${inst.venueId}`);
    return { index: i, tick: new Decimal(spec.tickSize), tickF: Number(spec.tickSize), lot: new Decimal(spec.lotSize), lotF: Number(spec.lotSize) };
  });
  const out: Candle[][] = instruments.map(() => new Array<Candle>(bars));
  const n = instruments.length;
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  const first = new Float64Array(n);
  const last = new Float64Array(n);
  const vol = new Float64Array(n);
  for (let b = 0; b < bars; b++) {
    if (b > 0 && b % SYNTHETIC_PACE_BARS === 0) yield;
    const openTimeMs = SYNTHETIC_START_MS + b * intervalMs;
    vol.fill(0);
    for (let k = 0; k < SYNTHETIC_POINTS_PER_BAR; k++) {
      for (let j = 0; j < n; j++) {
        const p = venueMid(market, (instruments[j] as SyntheticInstrument).venueId, (instruments[j] as SyntheticInstrument).symbol);
        if (k === 0) first[j] = hi[j] = lo[j] = p;
        hi[j] = Math.max(hi[j] as number, p);
        lo[j] = Math.min(lo[j] as number, p);
        last[j] = p;
      }
      // The last point's step runs to the next bar's open; its volume belongs to this bar.
      const dt = k === SYNTHETIC_POINTS_PER_BAR - 1 ? openTimeMs + intervalMs - market.timeMs : stepMs;
      market = stepMarket(market, dt);
      for (let j = 0; j < n; j++) vol[j] = (vol[j] as number) + (market.volumes[(assets[j] as (typeof assets)[number]).index] ?? 0);
    }
    for (let j = 0; j < n; j++) {
      const a = assets[j] as (typeof assets)[number];
      const px = (x: number): string => str(gridFromFloat(x, a.tick, a.tickF, "nearest"));
      (out[j] as Candle[])[b] = { openTimeMs, open: px(first[j] as number), high: px(hi[j] as number), low: px(lo[j] as number), close: px(last[j] as number), volume: str(gridFromFloat(vol[j] as number, a.lot, a.lotF, "floor")) };
    }
  }
  return out;
}
