import { z } from "zod";
import { RollingVolatility } from "../indicators/index.js";
import { clamp, fmt, isHeld } from "./common.js";
import { type BarView, HOLD, type Quotes, type InstrumentSpec, type PositionView, type Signal, type Strategy, type StrategyRunner } from "./types.js";

/** Market making's parameters: every field has a default and bounds. */
export const marketMakingParams = z.strictObject({
  gamma: z.number().min(0.01).max(100).default(1).describe("Risk aversion γ: how hard inventory skews the quotes and volatility widens them"),
  kappa: z.number().min(10).max(1_000_000).default(100).describe("Order-arrival decay κ, per unit of relative price: the liquidity half spread is (1/γ)·ln(1 + γ/κ) ≈ 1/κ (100: about 1%, wide enough for bars; near the maker fee the quotes lose to every trend)"),
  horizonBars: z.number().int().min(1).max(1000).default(24).describe("Horizon τ in bars over which inventory risk is priced"),
  volPeriod: z.number().int().min(2).max(1000).default(50).describe("Bars of log returns in the volatility σ"),
  requoteBp: z.number().min(0).max(1000).default(25).describe("Requote when the mid moved more than this since the last quotes, or the inventory changed, bp (0: every bar); a quarter of the default spread keeps the quotes fresh without resending them every bar"),
  inventoryLimit: z.number().min(0.01).max(1).default(0.5).describe("Long inventory limit, fraction of equity: no bid at or above it"),
  quoteSize: z.number().min(0.001).max(1).default(0.1).describe("Size of each quote, fraction of equity"),
});
export type MarketMakingParams = z.infer<typeof marketMakingParams>;

/**
 * Avellaneda–Stoikov market making on instrument 0, in relative price terms so it fits bars: with
 * σ the standard deviation of per-bar log returns, τ = horizonBars and q the inventory (exposure /
 * inventoryLimit, in [−1, 1]), the reservation price is r = mid·(1 − q·γ·σ²·τ) and the half spread
 * δ = γ·σ²·τ/2 + (1/γ)·ln(1 + γ/κ), floored at the maker fee so a bid and an ask filled around the
 * same r never lose by construction. Quotes: bid r·(1 − δ), ask r·(1 + δ), the mid being the close.
 * Inventory limits: no bid when the exposure is at the limit (else the bid is the lesser of
 * quoteSize and the room left); no ask when flat (spot: nothing to sell), else the lesser of
 * quoteSize and what is held. Requotes every bar, or with requoteBp > 0 only when the mid moved
 * past it or the inventory changed; other bars hold (the quotes stay).
 * Strength: |q|. Confidence: the share of δ that is the liquidity term (volatility lowers it).
 */
export const marketMaking: Strategy<MarketMakingParams> = {
  id: "market-making",
  name: "Market making",
  description: "Avellaneda–Stoikov style two-sided quotes around a reservation price skewed by inventory, with a spread from volatility, requotes and inventory limits.",
  instruments: 1,
  params: marketMakingParams,
  warmup: (p) => p.volPeriod + 1,
  create: (p, instruments) => new MarketMakingRunner(p, instruments),
};

class MarketMakingRunner implements StrategyRunner {
  readonly plots = ["reservation", "bid", "ask"] as const;
  private readonly vol: RollingVolatility;
  private readonly makerFee: number;
  private reservation = NaN;
  private bid = NaN;
  private ask = NaN;
  private quotedMid = NaN;
  private quotedExposure = NaN;

  constructor(
    private readonly p: MarketMakingParams,
    instruments: readonly InstrumentSpec[],
  ) {
    const spec = instruments[0];
    if (!spec) throw new Error("invariant: market making quotes one instrument");
    this.vol = new RollingVolatility(p.volPeriod);
    this.makerFee = Math.max(0, spec.makerFeeRate);
  }

  onBar(bars: readonly BarView[], position: PositionView): Signal {
    const bar = bars[0];
    if (!bar || !bar.present || !(bar.close > 0)) return HOLD;
    const sigma = this.vol.update(bar.close);
    if (!Number.isFinite(sigma)) return HOLD;
    const mid = bar.close;
    const exposure = position.exposure[0] ?? 0;
    if (!this.due(mid, exposure)) return HOLD;
    const p = this.p;
    const q = clamp(exposure / p.inventoryLimit, -1, 1);
    const risk = p.gamma * sigma * sigma * p.horizonBars;
    const liquidity = Math.log(1 + p.gamma / p.kappa) / p.gamma;
    const half = Math.max(risk / 2 + liquidity, this.makerFee);
    this.reservation = mid * (1 - q * risk);
    this.bid = this.reservation * (1 - half);
    this.ask = this.reservation * (1 + half);
    this.quotedMid = mid;
    this.quotedExposure = exposure;
    const bidSize = exposure >= p.inventoryLimit ? 0 : Math.min(p.quoteSize, p.inventoryLimit - Math.max(0, exposure));
    const askSize = isHeld(position.exposure, 0) ? Math.min(p.quoteSize, exposure) : 0;
    const quotes: Quotes = { bidPrice: this.bid, askPrice: this.ask, bidSize, askSize };
    return new QuoteSignal(q, clamp(liquidity / half, 0, 1), quotes, this.reservation, mid, sigma, half);
  }

  /** The quotes are not resting (an agent's warm-up, a cancel): quote on the next bar whatever the mid did. */
  forget(): void {
    this.quotedMid = NaN;
  }

  /** Whether to requote now: every bar, or when the mid or the inventory moved since the last quotes. */
  private due(mid: number, exposure: number): boolean {
    if (this.p.requoteBp === 0 || Number.isNaN(this.quotedMid)) return true;
    if (Math.abs(mid / this.quotedMid - 1) * 1e4 > this.p.requoteBp) return true;
    // A fill changed the inventory: the skew and which sides may quote changed with it.
    return Math.abs(exposure - this.quotedExposure) > 0.01 * this.p.inventoryLimit;
  }

  plot(out: Float64Array): void {
    out[0] = this.reservation;
    out[1] = this.bid;
    out[2] = this.ask;
  }
}

/**
 * A requote. It happens on most bars, so its words are written only when someone reads them
 * (a trade's record, the agent's log): `reason` is a getter, and `toJSON` gives the plain signal.
 */
class QuoteSignal implements Signal {
  readonly side: "buy" | "sell";
  readonly strength: number;

  constructor(
    private readonly q: number,
    readonly confidence: number,
    readonly quotes: Quotes,
    private readonly reservation: number,
    private readonly mid: number,
    private readonly sigma: number,
    private readonly half: number,
  ) {
    this.side = q > 0 ? "sell" : "buy";
    this.strength = Math.abs(q);
  }

  get reason(): string {
    const { bidPrice, askPrice, bidSize, askSize } = this.quotes;
    const sides = `${bidSize > 0 ? `bid ${fmt(bidPrice)}` : "no bid (inventory at its limit)"} / ${askSize > 0 ? `ask ${fmt(askPrice)}` : "no ask (nothing held)"}`;
    return `${sides} around reservation ${fmt(this.reservation)} (mid ${fmt(this.mid)}, inventory ${fmt(this.q * 100)}% of its limit, σ ${fmt(this.sigma * 1e4)} bp/bar, half spread ${fmt(this.half * 1e4)} bp)`;
  }

  toJSON(): Signal {
    return { side: this.side, strength: this.strength, confidence: this.confidence, reason: this.reason, quotes: this.quotes };
  }
}
