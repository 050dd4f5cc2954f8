import type { z } from "zod";

/**
 * What every strategy is: a pure, incremental decision over closed bars. A strategy never sees an
 * array of candles, only each closed bar once, oldest first, so it cannot look ahead: whatever it
 * knows of the past it kept itself (its indicators). The backtester and the agents (next issue)
 * call it the same way, and size its signal with the same rules (`sizing.ts`).
 *
 * Numbers here are statistics (prices as seen by indicators, fractions of equity); quantities and
 * money become decimals only when the signal is sized into an order.
 */

export type StrategyId = "momentum" | "mean-reversion" | "arbitrage" | "pairs" | "market-making";

/** One instrument a strategy trades or watches: a symbol at a venue, with the venue's fees. */
export interface InstrumentSpec {
  readonly venueId: string;
  readonly symbol: string;
  /** Fees as fractions of notional (0.001 = 10 bp). */
  readonly makerFeeRate: number;
  readonly takerFeeRate: number;
  /** Half the venue's quoted spread around a bar's price, in bp (the candle fill model's). */
  readonly halfSpreadBp: number;
  readonly tickSize: number;
  /** The bar length in ms. */
  readonly intervalMs: number;
}

/**
 * A closed bar of one instrument (the caller reuses these objects: copy what you keep). `present`
 * is false when the data has no bar at this time (a gap): its fields are then NaN.
 */
export interface BarView {
  present: boolean;
  /** Open time, ms UTC. The bar closed at timeMs + intervalMs, which is when the strategy decides. */
  timeMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The strategy's own position in each instrument, as the book holds it (statistics, for deciding). */
export interface PositionView {
  /** Per instrument: the position's value as a signed fraction of equity (0: flat). */
  readonly exposure: ArrayLike<number>;
  /** Per instrument: the average entry price, NaN when flat. */
  readonly entryPrice: ArrayLike<number>;
  /** Per instrument: how many bars the position has been open (0 when flat). */
  readonly barsHeld: ArrayLike<number>;
}

/** Two-sided quotes a market maker wants resting on instrument 0 (prices before tick rounding). */
export interface Quotes {
  readonly bidPrice: number;
  readonly askPrice: number;
  /** Sizes as fractions of equity (0: no quote on that side). */
  readonly bidSize: number;
  readonly askSize: number;
}

/** An immediate leg (arbitrage): take liquidity on one instrument up to a limit price, ioc. */
export interface Leg {
  readonly instrument: number;
  readonly side: "buy" | "sell";
  readonly limitPrice: number;
  /** The size as a fraction of equity. */
  readonly size: number;
  /** A cap in base units (what the book's depth allows), if any; the sizer takes the lesser. */
  readonly maxQuantity?: number;
}

/**
 * What a strategy wants after a bar. `side`, `strength` (0..1, how far toward a full position),
 * `confidence` (0..1) and `reason` (words a person reads) describe it; what to trade is one of:
 * - nothing else: "buy" means go long `strength` × the sizing's maximum exposure on instrument 0,
 *   "sell" means go flat (spot venues: no shorts), "hold" keeps what is held;
 * - `targets`: the exposure wanted per instrument (fractions of equity, ≥ 0), e.g. pairs;
 * - `quotes`: the resting quotes to keep (market making; null quotes cancels them);
 * - `legs`: ioc legs to send together (arbitrage).
 */
export interface Signal {
  readonly side: "buy" | "sell" | "hold";
  readonly strength: number;
  readonly confidence: number;
  readonly reason: string;
  readonly targets?: readonly number[];
  readonly quotes?: Quotes | null;
  readonly legs?: readonly Leg[];
}

/** One strategy running over one set of instruments. */
export interface StrategyRunner {
  /**
   * Called once per bar time, oldest first, after every instrument's bar at that time closed
   * (`bars[k]` is instrument k's; absent ones have present = false). Must not keep `bars`.
   * Return a shared constant for "hold" to stay allocation-free on quiet bars.
   */
  onBar(bars: readonly BarView[], position: PositionView): Signal;
  /** The names of the values `plot` writes, for charts ("ema 12", "bb upper", …). */
  readonly plots: readonly string[];
  /** Writes the current value of each plot into out[0..plots.length) (NaN while warming up). */
  plot(out: Float64Array): void;
  /**
   * What it last asked for is not in place (a live agent warmed up on history it never traded, or
   * its quotes were cancelled): decide afresh on the next bar rather than keep it. Optional: only
   * strategies that hold back repeats of a standing request need it.
   */
  forget?(): void;
}

/** A strategy: its parameters (a zod schema with defaults and bounds) and how to start it. */
export interface Strategy<P = Record<string, unknown>> {
  readonly id: StrategyId;
  readonly name: string;
  readonly description: string;
  /** How many instruments it trades: 1, or 2 for pairs and arbitrage. */
  readonly instruments: number;
  /** Parameters: every field has a default and bounds; `params.parse({})` gives the defaults. */
  readonly params: z.ZodType<P>;
  /** Bars needed before it can signal (warm-up). */
  warmup(params: P): number;
  create(params: P, instruments: readonly InstrumentSpec[]): StrategyRunner;
}

/** A constant "hold" for strategies to return on quiet bars. */
export const HOLD: Signal = Object.freeze({ side: "hold", strength: 0, confidence: 0, reason: "nothing to do" });
