import { createMarket } from "../market-sim.js";
import { simulatePath } from "../market-path.js";
import { PAPER_MARKET } from "../paper-venues.js";
import type { ReturnMatrix } from "./types.js";

/** One year of hourly bars: what the monitor's statistics are computed on. */
export const RISK_HISTORY_BARS = 8_760;
export const HOUR_MS = 3_600_000;
export const RISK_HISTORY_SOURCE = "the paper market's model: one year of hourly bars drawn from the same parameters (vols, correlations, regimes, jumps), seed risk-history";

/**
 * The return history of the paper market. The paper venues' own candles cover only the time the
 * desk has run, far too little for a 99% VaR, so the monitor draws a year of hourly prices from the
 * same model the venues walk (its volatilities, correlations, regime switches and jumps) with a
 * fixed seed. Hourly sub-steps keep it to tens of milliseconds; the result is cached by the caller.
 * Columns are base assets ("BTC"), in the model's order.
 */
export function paperHistory(bars = RISK_HISTORY_BARS, seed = "risk-history"): ReturnMatrix {
  const market = createMarket({ ...PAPER_MARKET, maxStepMs: HOUR_MS }, seed, 0);
  const { path } = simulatePath(market, HOUR_MS, bars);
  const assets = path.symbols.map((s) => s.split("-")[0] ?? s);
  const n = assets.length;
  const data = new Float64Array(bars * n);
  for (let i = 0; i < n; i++) {
    const p = path.prices[i];
    if (!p) throw new Error("invariant: a price row per asset");
    for (let t = 0; t < bars; t++) data[t * n + i] = (p[t + 1] ?? 0) / (p[t] ?? 1) - 1;
  }
  return { assets, bars, barMs: HOUR_MS, data };
}
