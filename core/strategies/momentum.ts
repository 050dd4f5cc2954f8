import { z } from "zod";
import { Atr, Ema, Sma } from "../indicators/index.js";
import { RollingExtreme, clamp, fmt, isHeld } from "./common.js";
import { type BarView, HOLD, type InstrumentSpec, type PositionView, type Signal, type Strategy, type StrategyRunner } from "./types.js";

/** Momentum's parameters: every field has a default and bounds. */
export const momentumParams = z
  .strictObject({
    entry: z.enum(["cross", "breakout"]).default("cross").describe("Entry rule: the fast EMA crossing above the slow one, or the close breaking above the highest high of the breakout window (Donchian)"),
    fast: z.number().int().min(2).max(200).default(12).describe("Fast EMA period, bars"),
    slow: z.number().int().min(3).max(500).default(26).describe("Slow EMA period, bars (the trend; also the exit cross)"),
    breakout: z.number().int().min(2).max(500).default(20).describe("Donchian window, bars: breakout entry above its high, exit below its low"),
    volumePeriod: z.number().int().min(2).max(500).default(20).describe("Bars in the volume SMA that confirms an entry"),
    volumeFactor: z.number().min(0).max(10).default(1.2).describe("An entry needs the bar's volume above this multiple of its SMA (0: no confirmation)"),
    atrPeriod: z.number().int().min(2).max(200).default(14).describe("ATR period, bars (strength and the trailing stop)"),
    trailAtr: z.number().min(0.5).max(20).default(3).describe("Trailing stop: exit when the close falls this many ATRs below the highest close since entry"),
  })
  .refine((p) => p.fast < p.slow, { message: "fast must be shorter than slow", path: ["fast"] });
export type MomentumParams = z.infer<typeof momentumParams>;

/**
 * Trend following on instrument 0. Entry (when flat): the fast EMA crosses above the slow one, or
 * (breakout) the close rises above the highest high of the previous `breakout` bars, and the bar's
 * volume exceeds `volumeFactor` × the SMA of the previous `volumePeriod` volumes. Exit: the
 * opposite signal (fast crosses below slow; or the close falls below the previous bars' lowest
 * low) or the trailing stop, `trailAtr` ATRs under the highest close since entry.
 * Strength: the close's distance above the slow EMA in ATRs (0 ATR: half size, 2 ATR: full size).
 * Confidence: how far volume exceeds its requirement (at the requirement: 0.5; twice it: 1).
 */
export const momentum: Strategy<MomentumParams> = {
  id: "momentum",
  name: "Momentum",
  description: "Trend following: EMA cross or Donchian breakout, confirmed by volume; exits on the opposite signal or an ATR trailing stop.",
  instruments: 1,
  params: momentumParams,
  warmup: (p) => Math.max(p.entry === "cross" ? p.slow : p.breakout + 1, p.atrPeriod + 1, p.volumePeriod + 1),
  create: (p, instruments) => new MomentumRunner(p, instruments),
};

class MomentumRunner implements StrategyRunner {
  readonly plots: readonly string[];
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly atr: Atr;
  private readonly volume: Sma;
  private readonly high: RollingExtreme;
  private readonly low: RollingExtreme;
  /** The Donchian channel is kept only for the breakout rule (the cross rule does not pay for it). */
  private readonly breakout: boolean;
  private prevFast = NaN;
  private prevSlow = NaN;
  private volumeMean = NaN;
  private peak = NaN;
  private stop = NaN;

  constructor(
    private readonly p: MomentumParams,
    instruments: readonly InstrumentSpec[],
  ) {
    if (instruments.length < 1) throw new Error("invariant: momentum trades one instrument");
    this.fast = new Ema(p.fast);
    this.slow = new Ema(p.slow);
    this.atr = new Atr(p.atrPeriod);
    this.volume = new Sma(p.volumePeriod);
    this.breakout = p.entry === "breakout";
    this.high = new RollingExtreme(p.breakout, true);
    this.low = new RollingExtreme(p.breakout, false);
    this.plots = this.breakout ? [`ema ${p.fast}`, `ema ${p.slow}`, "trailing stop", `donchian high ${p.breakout}`, `donchian low ${p.breakout}`] : [`ema ${p.fast}`, `ema ${p.slow}`, "trailing stop"];
  }

  onBar(bars: readonly BarView[], position: PositionView): Signal {
    const bar = bars[0];
    if (!bar || !bar.present) return HOLD;
    // Levels of the previous bars, read before this bar joins them.
    const donchianHigh = this.high.value;
    const donchianLow = this.low.value;
    const volumeMean = this.volumeMean;
    const prevFast = this.prevFast;
    const prevSlow = this.prevSlow;
    const fast = this.fast.update(bar.close);
    const slow = this.slow.update(bar.close);
    const atr = this.atr.update(bar.high, bar.low, bar.close);
    this.volumeMean = this.volume.update(bar.volume);
    if (this.breakout) {
      this.high.update(bar.high);
      this.low.update(bar.low);
    }
    this.prevFast = fast;
    this.prevSlow = slow;

    if (isHeld(position.exposure, 0)) {
      this.peak = this.peak > bar.close ? this.peak : bar.close;
      this.stop = this.peak - this.p.trailAtr * atr;
      if (bar.close < this.stop) return exit(`close ${fmt(bar.close)} fell below the trailing stop ${fmt(this.stop)} (${this.p.trailAtr} ATR under the high ${fmt(this.peak)})`);
      if (this.p.entry === "cross" && prevFast >= prevSlow && fast < slow) return exit(`EMA ${this.p.fast} (${fmt(fast)}) crossed below EMA ${this.p.slow} (${fmt(slow)})`);
      if (this.p.entry === "breakout" && bar.close < donchianLow) return exit(`close ${fmt(bar.close)} broke below the ${this.p.breakout}-bar low ${fmt(donchianLow)}`);
      return HOLD;
    }
    this.peak = NaN;
    this.stop = NaN;
    if (!(atr > 0)) return HOLD;
    const crossed = this.p.entry === "cross" ? prevFast <= prevSlow && fast > slow : bar.close > donchianHigh;
    if (!crossed) return HOLD;
    const required = this.p.volumeFactor > 0 ? this.p.volumeFactor * volumeMean : 0;
    if (this.p.volumeFactor > 0 && !(bar.volume > required)) return HOLD;
    return this.entry(bar, fast, slow, atr, donchianHigh, required);
  }

  private entry(bar: BarView, fast: number, slow: number, atr: number, donchianHigh: number, required: number): Signal {
    const distance = (bar.close - slow) / atr;
    const strength = clamp(0.5 + distance / 4, 0.05, 1);
    const confidence = required > 0 ? clamp(bar.volume / (2 * required), 0, 1) : 0.5;
    const why =
      this.p.entry === "cross"
        ? `EMA ${this.p.fast} (${fmt(fast)}) crossed above EMA ${this.p.slow} (${fmt(slow)})`
        : `close ${fmt(bar.close)} broke above the ${this.p.breakout}-bar high ${fmt(donchianHigh)}`;
    const volumeWords = required > 0 ? `volume ${fmt(bar.volume)} is ${fmt(bar.volume / (required / this.p.volumeFactor))}× its average` : "volume not required";
    return { side: "buy", strength, confidence, reason: `${why}; ${volumeWords}; close is ${fmt(distance)} ATR above the slow EMA` };
  }

  plot(out: Float64Array): void {
    out[0] = this.prevFast;
    out[1] = this.prevSlow;
    out[2] = this.stop;
    if (this.breakout) {
      out[3] = this.high.value;
      out[4] = this.low.value;
    }
  }
}

function exit(reason: string): Signal {
  return { side: "sell", strength: 1, confidence: 1, reason };
}
