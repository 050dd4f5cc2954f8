import type { BookLevel, OrderBook, SymbolSpec } from "./market.js";
import { type MarketState, venueIndex, venueMid } from "./market-sim.js";
import { Decimal, str } from "./money.js";
import { nextUniform, seedRng } from "./rng.js";

const BP = 1e-4;

/**
 * The venue's order book around its mid: `levels` per side, the touch `halfSpreadBp` from the mid,
 * then `levelSpacingBp` apart (both × `volatileSpreadMultiplier` when volatile). Level sizes are
 * `topLevelNotional × sizeGrowth^level` in quote value (× `volatileDepthMultiplier` when volatile,
 * ± `sizeJitter`). Bids are floored and asks ceiled to the tick, sizes floored to the lot (at least
 * one lot); prices are strictly monotone and bids stay below asks. The same state gives the same
 * book. `nowMs` stamps the book; step the market to now first.
 */
export function bookFor(state: MarketState, venueId: string, symbol: string, spec: SymbolSpec, nowMs: number): OrderBook {
  if (spec.symbol !== symbol) throw new Error(`invariant: spec for ${spec.symbol} used for ${symbol}`);
  const p = state.params;
  const venue = p.venues[venueIndex(p, venueId)];
  if (!venue) throw new Error(`invariant: venue ${venueId}`);
  const mid = venueMid(state, venueId, symbol);
  const volatile = state.regime === "volatile";
  const spreadMult = volatile ? p.regime.volatileSpreadMultiplier : 1;
  const depthMult = volatile ? p.regime.volatileDepthMultiplier : 1;
  const halfSpread = venue.halfSpreadBp * spreadMult * BP;
  const spacing = venue.levelSpacingBp * spreadMult * BP;
  const tick = new Decimal(spec.tickSize);
  const tickF = Number(spec.tickSize);
  const lot = new Decimal(spec.lotSize);
  const lotF = Number(spec.lotSize);
  const rng = seedRng(`${state.rng.join(",")}|${venueId}|${symbol}`);

  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  let bidTicks = Math.floor((mid * (1 - halfSpread)) / tickF);
  let askTicks = Math.ceil((mid * (1 + halfSpread)) / tickF);
  if (askTicks <= bidTicks) askTicks = bidTicks + 1;
  for (let level = 0; level < venue.levels; level++) {
    if (level > 0) {
      bidTicks = Math.min(Math.floor((mid * (1 - halfSpread - level * spacing)) / tickF), bidTicks - 1);
      askTicks = Math.max(Math.ceil((mid * (1 + halfSpread + level * spacing)) / tickF), askTicks + 1);
    }
    const notional = venue.topLevelNotional * venue.sizeGrowth ** level * depthMult;
    const bidNotional = notional * (1 + venue.sizeJitter * (2 * nextUniform(rng) - 1));
    const askNotional = notional * (1 + venue.sizeJitter * (2 * nextUniform(rng) - 1));
    if (bidTicks > 0) bids.push(level_(tick, bidTicks, lot, bidNotional / (bidTicks * tickF) / lotF));
    asks.push(level_(tick, askTicks, lot, askNotional / (askTicks * tickF) / lotF));
  }
  return { symbol, bids, asks, timeMs: nowMs };
}

function level_(tick: Decimal, ticks: number, lot: Decimal, lots: number): BookLevel {
  return { price: str(tick.times(ticks)), size: str(lot.times(Math.max(1, Math.floor(lots)))) };
}
