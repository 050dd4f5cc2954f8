import { z } from "zod";
import { Atr, Bollinger, Rsi } from "../indicators/index.js";
import { clamp, fmt, isHeld } from "./common.js";
import { type BarView, HOLD, type InstrumentSpec, type PositionView, type Signal, type Strategy, type StrategyRunner } from "./types.js";

/** Mean reversion's parameters: every field has a default and bounds. */
export const meanReversionParams = z
  .strictObject({
    period: z.number().int().min(2).max(500).default(20).describe("Bollinger Bands period, bars"),
    k: z.number().min(0.5).max(5).default(2).describe("Band width in population standard deviations"),
    rsiPeriod: z.number().int().min(2).max(100).default(14).describe("RSI period, bars (Wilder)"),
    oversold: z.number().min(1).max(50).default(30).describe("Buy only when RSI is below this"),
    overbought: z.number().min(50).max(99).default(70).describe("Exit when RSI rises above this"),
    atrPeriod: z.number().int().min(2).max(200).default(14).describe("ATR period, bars (the stop)"),
    stopAtr: z.number().min(0.5).max(20).default(2).describe("Stop: exit when the close falls this many ATRs below the entry price"),
  })
  .refine((p) => p.oversold < p.overbought, { message: "oversold must be below overbought", path: ["oversold"] });
export type MeanReversionParams = z.infer<typeof meanReversionParams>;

/**
 * Bollinger Bands with RSI confirmation on instrument 0. Entry (when flat): the close is below the
 * lower band and RSI is below `oversold`. Exit: the close is back at the middle band, or RSI is
 * above `overbought`, or the stop: the close is `stopAtr` ATRs below the entry price.
 * Strength: how oversold (RSI at `oversold`: 0.5, RSI 0: 1). Confidence: how far under the band,
 * in ATRs (at the band: 0.5, one ATR under: 1).
 */
export const meanReversion: Strategy<MeanReversionParams> = {
  id: "mean-reversion",
  name: "Mean reversion",
  description: "Bollinger Bands with RSI confirmation: buys below the lower band when RSI is oversold, exits at the middle band or when RSI is overbought, with an ATR stop.",
  instruments: 1,
  params: meanReversionParams,
  warmup: (p) => Math.max(p.period, p.rsiPeriod + 1, p.atrPeriod + 1),
  create: (p, instruments) => new MeanReversionRunner(p, instruments),
};

class MeanReversionRunner implements StrategyRunner {
  readonly plots: readonly string[];
  private readonly bands: Bollinger;
  private readonly rsi: Rsi;
  private readonly atr: Atr;
  private lastRsi = NaN;
  private stop = NaN;

  constructor(
    private readonly p: MeanReversionParams,
    instruments: readonly InstrumentSpec[],
  ) {
    if (instruments.length < 1) throw new Error("invariant: mean reversion trades one instrument");
    this.bands = new Bollinger(p.period, p.k);
    this.rsi = new Rsi(p.rsiPeriod);
    this.atr = new Atr(p.atrPeriod);
    this.plots = [`bb middle ${p.period}`, "bb upper", "bb lower", `rsi ${p.rsiPeriod}`, "stop"];
  }

  onBar(bars: readonly BarView[], position: PositionView): Signal {
    const bar = bars[0];
    if (!bar || !bar.present) return HOLD;
    const middle = this.bands.update(bar.close);
    const rsi = this.rsi.update(bar.close);
    const atr = this.atr.update(bar.high, bar.low, bar.close);
    this.lastRsi = rsi;
    if (isHeld(position.exposure, 0)) {
      const entry = position.entryPrice[0] ?? NaN;
      this.stop = entry - this.p.stopAtr * atr;
      if (bar.close <= this.stop) return exit(`close ${fmt(bar.close)} hit the stop ${fmt(this.stop)} (${this.p.stopAtr} ATR under the entry ${fmt(entry)})`);
      if (bar.close >= middle) return exit(`close ${fmt(bar.close)} reverted to the middle band ${fmt(middle)}`);
      if (rsi > this.p.overbought) return exit(`RSI ${fmt(rsi)} is above ${this.p.overbought} (overbought)`);
      return HOLD;
    }
    this.stop = NaN;
    const lower = this.bands.lower;
    if (!(bar.close < lower) || !(rsi < this.p.oversold) || !(atr > 0)) return HOLD;
    return this.entry(bar, lower, rsi, atr);
  }

  private entry(bar: BarView, lower: number, rsi: number, atr: number): Signal {
    const strength = clamp(1 - (0.5 * rsi) / this.p.oversold, 0, 1);
    const under = (lower - bar.close) / atr;
    const confidence = clamp(0.5 + under / 2, 0, 1);
    return {
      side: "buy",
      strength,
      confidence,
      reason: `close ${fmt(bar.close)} is ${fmt(under)} ATR below the lower band ${fmt(lower)} and RSI ${fmt(rsi)} is under ${this.p.oversold} (oversold)`,
    };
  }

  plot(out: Float64Array): void {
    out[0] = this.bands.middle;
    out[1] = this.bands.upper;
    out[2] = this.bands.lower;
    out[3] = this.lastRsi;
    out[4] = this.stop;
  }
}

function exit(reason: string): Signal {
  return { side: "sell", strength: 1, confidence: 1, reason };
}
