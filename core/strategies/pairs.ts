import { z } from "zod";
import { RollingComoments } from "../indicators/comoments.js";
import { clamp, fmt, isHeld } from "./common.js";
import { type BarView, HOLD, type InstrumentSpec, type PositionView, type Signal, type Strategy, type StrategyRunner } from "./types.js";

/** Pairs trading's parameters: every field has a default and bounds. */
export const pairsParams = z
  .strictObject({
    lookback: z.number().int().min(10).max(2000).default(100).describe("Bars in the rolling OLS hedge ratio, the spread's z-score and the correlation filter"),
    entryZ: z.number().min(0.5).max(5).default(2).describe("Enter when |z| of the spread exceeds this"),
    exitZ: z.number().min(0).max(3).default(0.5).describe("Exit when the spread's z is back within this of zero"),
    stopZ: z.number().min(1).max(10).default(4).describe("Stop: exit when |z| widens past this"),
    minCorrelation: z.number().min(0).max(1).default(0.7).describe("Enter only while the rolling correlation is at least this"),
    exposure: z.number().min(0.01).max(1).default(0.5).describe("Target exposure of the cheap leg, fraction of equity (the sizer caps it at the max exposure)"),
    logPrices: z.boolean().default(true).describe("Regress log prices (a hedge ratio of returns) instead of prices"),
  })
  .refine((p) => p.exitZ < p.entryZ && p.entryZ < p.stopZ, { message: "thresholds must rise: exitZ < entryZ < stopZ", path: ["entryZ"] });
export type PairsParams = z.infer<typeof pairsParams>;

/**
 * Pairs trading on two correlated assets: y is instrument 0, x instrument 1 (e.g. ETH and BTC).
 * A rolling OLS over `lookback` bars gives the hedge ratio beta; the spread is y − beta·x (of log
 * prices by default) and z the newest spread's z-score in that same window under that same beta:
 * the OLS residual y − alpha − beta·x over the residuals' standard deviation σy·√(1 − ρ²). (A
 * z-score of past spreads each taken with its own day's beta would mostly measure how beta
 * drifted, not how the pair diverged.) When z > entryZ, y is dear and x
 * cheap; when z < −entryZ, the reverse; entries need the rolling correlation ≥ minCorrelation
and |z| under stopZ (a spread already past the stop is a broken pair, not a trade).
 * Spot venues cannot short, so the trade is expressed as `targets`: long the cheap leg only
 * (`exposure` of equity), flat the other; it profits when the cheap leg catches up, and it is not
 * market-neutral. Exit (targets all 0) when z is back within exitZ of zero, or the stop when |z|
 * passes stopZ; after a stop there is no new entry until |z| falls back under entryZ.
 * Strength: |z| / stopZ. Confidence: the correlation.
 */
export const pairs: Strategy<PairsParams> = {
  id: "pairs",
  name: "Pairs trading",
  description: "Z-score of the spread of two correlated assets with a rolling OLS hedge ratio; spot: long the cheap leg, flat the other; entry, exit and stop thresholds.",
  instruments: 2,
  params: pairsParams,
  warmup: (p) => p.lookback,
  create: (p, instruments) => new PairsRunner(p, instruments),
};

class PairsRunner implements StrategyRunner {
  readonly plots = ["hedge ratio", "spread z", "correlation"] as const;
  /**
   * One window of co-moments gives the hedge ratio, the correlation and the residuals' spread
   * (what RollingOls, RollingCorrelation and a z-score of y each keep): a third of the work.
   */
  private readonly w: RollingComoments;
  private beta = NaN;
  private zNow = NaN;
  private correlation = NaN;
  /** After a stop: no entry until |z| is back under entryZ. */
  private cooling = false;

  constructor(
    private readonly p: PairsParams,
    instruments: readonly InstrumentSpec[],
  ) {
    if (instruments.length < 2) throw new Error("invariant: pairs trades two instruments");
    this.w = new RollingComoments(p.lookback);
  }

  onBar(bars: readonly BarView[], position: PositionView): Signal {
    const by = bars[0];
    const bx = bars[1];
    // A pair is only a pair at the same time: a bar missing on either side is skipped on both.
    if (!by || !bx || !by.present || !bx.present || !(by.close > 0) || !(bx.close > 0)) return HOLD;
    const y = this.p.logPrices ? Math.log(by.close) : by.close;
    const x = this.p.logPrices ? Math.log(bx.close) : bx.close;
    const z = this.update(x, y);
    if (!Number.isFinite(z)) return HOLD;
    const longY = isHeld(position.exposure, 0);
    const longX = isHeld(position.exposure, 1);
    if (longY || longX) return this.manage(z, longY, longX);
    if (this.cooling) {
      if (Math.abs(z) < this.p.entryZ) this.cooling = false;
      return HOLD;
    }
    // Past the stop already: that is a break of the pair, not a spread to trade.
    if (Math.abs(z) <= this.p.entryZ || Math.abs(z) >= this.p.stopZ || !(this.correlation >= this.p.minCorrelation)) return HOLD;
    const cheap = z > 0 ? 1 : 0;
    const targets = cheap === 1 ? [0, this.p.exposure] : [this.p.exposure, 0];
    const words = cheap === 1 ? "y is dear against x: long x" : "y is cheap against x: long y";
    return {
      side: "buy",
      strength: clamp(Math.abs(z) / this.p.stopZ, 0, 1),
      confidence: clamp(this.correlation, 0, 1),
      reason: `spread z ${fmt(z)} is past ±${this.p.entryZ} (hedge ratio ${fmt(this.beta)}, correlation ${fmt(this.correlation)}): ${words}, flat the other`,
      targets,
    };
  }

  /** Adds the pair; the newest spread's z under the window's OLS fit (NaN while warming up). */
  private update(x: number, y: number): number {
    const w = this.w;
    w.push(x, y);
    if (w.count < w.n) return NaN;
    // Sums over the window: cxx = Σ(x − x̄)², cyy = Σ(y − ȳ)², cxy = Σ(x − x̄)(y − ȳ).
    const beta = w.cxx > 0 ? w.cxy / w.cxx : 0;
    this.beta = beta;
    this.correlation = w.cxx > 0 && w.cyy > 0 ? w.cxy / Math.sqrt(w.cxx * w.cyy) : 0;
    const residual = y - w.meanY - beta * (x - w.meanX);
    // The residuals' population variance: (cyy − beta·cxy) / n = σy²(1 − ρ²).
    const spreadStd = Math.sqrt(Math.max(0, w.cyy - beta * w.cxy) / w.n);
    // A perfect fit has no spread to trade: z 0 (not a division by a rounding error).
    return (this.zNow = spreadStd > 1e-12 * Math.abs(y) ? residual / spreadStd : 0);
  }

  /** In a trade: exit when the spread reverted, stop when it widened past stopZ. */
  private manage(z: number, longY: boolean, longX: boolean): Signal {
    // Long y was entered on z < −entryZ; long x on z > entryZ.
    const stopped = (longY && z < -this.p.stopZ) || (longX && z > this.p.stopZ);
    if (stopped) {
      this.cooling = true;
      return flat(`spread z ${fmt(z)} widened past ±${this.p.stopZ}: stop, flat both legs`, z, this.p.stopZ);
    }
    const reverted = (longY && longX) || (longY && z >= -this.p.exitZ) || (longX && z <= this.p.exitZ);
    if (reverted) return flat(`spread z ${fmt(z)} is back within ±${this.p.exitZ}: flat both legs`, z, this.p.stopZ);
    return HOLD;
  }

  plot(out: Float64Array): void {
    out[0] = this.beta;
    out[1] = this.zNow;
    out[2] = this.correlation;
  }
}

function flat(reason: string, z: number, stopZ: number): Signal {
  return { side: "sell", strength: 1, confidence: clamp(Math.abs(z) / stopZ, 0, 1), reason, targets: [0, 0] };
}
