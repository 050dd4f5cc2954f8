import { z } from "zod";
import { scanArbitrage } from "../arbitrage.js";
import type { OrderBook } from "../market.js";
import { Decimal } from "../money.js";
import type { VenueBook } from "../routing.js";
import { clamp, fmt, isHeld } from "./common.js";
import { onTick } from "./sizing.js";
import { type BarView, HOLD, type InstrumentSpec, type Leg, type PositionView, type Signal, type Strategy, type StrategyRunner } from "./types.js";

/** Arbitrage's parameters: every field has a default and bounds. */
export const arbitrageParams = z.strictObject({
  minEdgeBp: z.number().min(0).max(1000).default(5).describe("Trade only when the edge net of both taker fees exceeds this, bp of the buy leg's cost"),
  depthShare: z.number().min(0.0001).max(1).default(0.1).describe("Share of a bar's volume each venue's book is assumed to offer at its quote"),
  legSize: z.number().min(0.01).max(1).default(0.25).describe("Most of equity one leg may trade, fraction"),
  inventory: z.number().min(0).max(1).default(0.25).describe("Base inventory to stock at each venue when holding none, fraction of equity (0: never stock)"),
});
export type ArbitrageParams = z.infer<typeof arbitrageParams>;

/** A scanner's fine lot: the sizer rounds to each venue's real lot afterwards. */
const SCAN_LOT = "0.00000001";

/**
 * Cross-venue arbitrage of one symbol on two venues (instruments 0 and 1). Each bar, each venue's
 * book is its close ± its half spread (bid rounded down, ask up to the tick) with `depthShare` of
 * the bar's volume at each quote. A float check of both directions comes first, so a bar with no
 * edge past `minEdgeBp` (net of both taker fees) costs a few multiplications; otherwise the
 * markets scanner (`core/arbitrage.ts`) prices the opportunity on those books, and the signal is
 * two ioc legs: buy on the cheap venue, sell on the dear one, at the scanner's limit prices, the
 * quantity capped by the books' depth.
 * Spot rule: a venue can sell only base it holds, so the legs go only when the dear venue holds
 * inventory, and their size is the least of `legSize` and that venue's exposure. To have
 * something to sell, the strategy stocks `inventory` of equity at both venues (`targets`) when it
 * holds nothing at either; legs then move inventory from the dear venue to the cheap one.
 */
export const arbitrage: Strategy<ArbitrageParams> = {
  id: "arbitrage",
  name: "Arbitrage",
  description: "Cross-venue arbitrage of one symbol on two venues: buys where it is cheap and sells where it is dear when the edge beats both taker fees, within the books' depth and the inventory held.",
  instruments: 2,
  params: arbitrageParams,
  warmup: () => 1,
  create: (p, instruments) => new ArbitrageRunner(p, instruments),
};

class ArbitrageRunner implements StrategyRunner {
  readonly plots = ["edge bp"] as const;
  private readonly ticks: readonly Decimal[];
  private edgeBp = NaN;

  constructor(
    private readonly p: ArbitrageParams,
    private readonly instruments: readonly InstrumentSpec[],
  ) {
    if (instruments.length < 2) throw new Error("invariant: arbitrage trades two instruments");
    this.ticks = instruments.map((i) => new Decimal(String(i.tickSize)));
  }

  onBar(bars: readonly BarView[], position: PositionView): Signal {
    const a = bars[0];
    const b = bars[1];
    if (!a || !b || !a.present || !b.present || !(a.close > 0) || !(b.close > 0)) {
      this.edgeBp = NaN;
      return HOLD;
    }
    const ab = this.floatEdgeBp(0, a.close, 1, b.close);
    const ba = this.floatEdgeBp(1, b.close, 0, a.close);
    this.edgeBp = ab > ba ? ab : ba;
    if (!isHeld(position.exposure, 0) && !isHeld(position.exposure, 1)) return this.stock();
    if (!(this.edgeBp > this.p.minEdgeBp)) return HOLD;
    const buy = ab > ba ? 0 : 1;
    const sell = 1 - buy;
    const held = position.exposure[sell] ?? 0;
    if (!isHeld(position.exposure, sell)) return HOLD;
    return this.legs(bars, buy, sell, Math.min(this.p.legSize, held));
  }

  /** Net edge of buying at i's ask and selling at j's bid, bp of the buy's cost (floats: the cheap pre-check). */
  private floatEdgeBp(i: number, closeI: number, j: number, closeJ: number): number {
    const si = this.instruments[i] as InstrumentSpec;
    const sj = this.instruments[j] as InstrumentSpec;
    const cost = closeI * (1 + si.halfSpreadBp / 1e4) * (1 + si.takerFeeRate);
    const proceeds = closeJ * (1 - sj.halfSpreadBp / 1e4) * (1 - sj.takerFeeRate);
    return ((proceeds - cost) / cost) * 1e4;
  }

  private stock(): Signal {
    if (!(this.p.inventory > 0)) return HOLD;
    return {
      side: "buy",
      strength: 1,
      confidence: 1,
      reason: `stocking ${fmt(this.p.inventory * 100)}% of equity at each venue so either can sell when the other is cheaper`,
      targets: [this.p.inventory, this.p.inventory],
    };
  }

  /** The scanner on books from this bar: the legs, or hold when rounding left no edge. */
  private legs(bars: readonly BarView[], buy: number, sell: number, size: number): Signal {
    const books = [this.book(bars, 0), this.book(bars, 1)];
    const found = scanArbitrage(books, { minEdgeBp: this.p.minEdgeBp })[0];
    if (!found || found.buyVenueId !== books[buy]?.venueId) return HOLD;
    const quantity = Number(found.quantity);
    const legs: Leg[] = [
      { instrument: buy, side: "buy", limitPrice: Number(found.buyLimitPrice), size, maxQuantity: quantity },
      { instrument: sell, side: "sell", limitPrice: Number(found.sellLimitPrice), size, maxQuantity: quantity },
    ];
    const names = this.instruments.map((s) => s.venueId);
    return {
      side: "buy",
      strength: clamp(size / this.p.legSize, 0, 1),
      confidence: clamp(1 - this.p.minEdgeBp / found.topEdgeBp, 0, 1),
      reason: `${this.instruments[0]?.symbol} is ${fmt(found.topEdgeBp)} bp cheaper net of fees at ${names[buy]} (ask ${found.buyLimitPrice}) than at ${names[sell]} (bid ${found.sellLimitPrice}): buy there, sell here, up to ${found.quantity}`,
      legs,
    };
  }

  /** Instrument k's book from its bar: one level each side at close ± half spread, depth from volume. */
  private book(bars: readonly BarView[], k: number): VenueBook {
    const bar = bars[k] as BarView;
    const spec = this.instruments[k] as InstrumentSpec;
    const tick = this.ticks[k] as Decimal;
    const half = spec.halfSpreadBp / 1e4;
    const depth = Math.floor(bar.volume * this.p.depthShare * 1e8) / 1e8;
    const size = depth.toFixed(8);
    const symbol = (this.instruments[0] as InstrumentSpec).symbol;
    const book: OrderBook = {
      symbol,
      bids: [{ price: onTick(bar.close * (1 - half), tick, "floor").toFixed(), size }],
      asks: [{ price: onTick(bar.close * (1 + half), tick, "ceil").toFixed(), size }],
      timeMs: bar.timeMs,
    };
    // Distinct ids even when both instruments name the same venue (a test, a replay).
    const [base = symbol, quote = ""] = symbol.split("-");
    return { venueId: `${k}:${spec.venueId}`, book, spec: { symbol, base, quote, tickSize: tick.toFixed(), lotSize: SCAN_LOT, minNotional: "0" }, takerFeeRate: String(spec.takerFeeRate) };
  }

  plot(out: Float64Array): void {
    out[0] = this.edgeBp;
  }
}
