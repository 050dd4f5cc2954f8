/**
 * The candle fill model: how a bar of history becomes the books the paper venue's own matching
 * trades against, so that a backtest fills orders with exactly the rules a paper venue uses.
 *
 * A bar is walked as four points, each a book around that point's price: the open, then the
 * extreme nearer to it and the other extreme (a bar that closed up is taken to have visited its low
 * first: open → low → high → close; a bar that closed down open → high → low → close), then the
 * close. Each book quotes `levels` levels a side, the first `halfSpreadBp` from the price and each
 * deeper one `levelStepBp` further (so a large order walks the book: slippage), each level offering
 * `depthShare` × the bar's volume / (4 × levels) (so an order larger than the bar could bear fills
 * in part). Prices round away from the price to the tick, sizes down to the lot. Nothing here looks
 * past the bar it is given.
 */
import type { BookLevel, Candle, OrderBook, SymbolSpec } from "../market.js";
import { Decimal } from "../money.js";
import { ceilTo, floorTo, stepsOf } from "../ticks.js";

/** How bars become books the paper venue's matching trades against. */
export interface CandleFillModel {
  /** Half the quoted spread around the bar's price, in bp. */
  readonly halfSpreadBp: number;
  /** Share of a bar's volume the book offers over all its levels at each point of the bar's path. */
  readonly depthShare: number;
  /** Levels per side; each deeper level is `levelStepBp` further out (slippage when walking it). */
  readonly levels: number;
  readonly levelStepBp: number;
}

/** The default model: a tight spread, a tenth of each bar's volume on offer, five levels 2 bp apart. */
export const DEFAULT_FILL_MODEL: CandleFillModel = Object.freeze({ halfSpreadBp: 1, depthShare: 0.1, levels: 5, levelStepBp: 2 });

/** Points a bar is walked through. */
export const PATH_POINTS = 4;

interface ParsedModel {
  readonly askFactors: readonly Decimal[];
  readonly bidFactors: readonly Decimal[];
  /** depthShare / (PATH_POINTS × levels): a level's share of the bar's volume. */
  readonly levelShare: Decimal;
}

const parsed = new WeakMap<CandleFillModel, ParsedModel>();

function parse(model: CandleFillModel): ParsedModel {
  let p = parsed.get(model);
  if (p) return p;
  const askFactors: Decimal[] = [];
  const bidFactors: Decimal[] = [];
  for (let k = 0; k < model.levels; k++) {
    const bp = new Decimal(model.halfSpreadBp).plus(new Decimal(model.levelStepBp).times(k)).div(10_000);
    askFactors.push(bp.plus(1));
    bidFactors.push(new Decimal(1).minus(bp));
  }
  p = { askFactors, bidFactors, levelShare: new Decimal(model.depthShare).div(PATH_POINTS * model.levels) };
  parsed.set(model, p);
  return p;
}

/** The book around `price` at `timeMs`, each level offering its share of the bar's `volume`. */
export function bookAroundPrice(spec: SymbolSpec, price: string, volume: string, timeMs: number, model: CandleFillModel): OrderBook {
  const m = parse(model);
  const p = new Decimal(price);
  const { tick, lot } = stepsOf(spec);
  const size = floorTo(new Decimal(volume).times(m.levelShare), lot);
  const asks: BookLevel[] = [];
  const bids: BookLevel[] = [];
  if (size.gt(0) && p.gt(0)) {
    const sizeText = size.toFixed();
    let lastAsk = p;
    let lastBid = p;
    for (let k = 0; k < m.askFactors.length; k++) {
      const ask = ceilTo(p.times(m.askFactors[k] as Decimal), tick);
      const bid = floorTo(p.times(m.bidFactors[k] as Decimal), tick);
      // Levels that round onto the previous one's price merge into it (a tick wider than the step).
      if (k === 0 || ask.gt(lastAsk)) asks.push({ price: ask.toFixed(), size: sizeText });
      else merge(asks, size);
      lastAsk = ask;
      if (bid.lte(0)) continue;
      if (k === 0 || bid.lt(lastBid)) bids.push({ price: bid.toFixed(), size: sizeText });
      else merge(bids, size);
      lastBid = bid;
    }
  }
  return { symbol: spec.symbol, bids, asks, timeMs };
}

function merge(levels: BookLevel[], size: Decimal): void {
  const last = levels[levels.length - 1] as BookLevel;
  levels[levels.length - 1] = { price: last.price, size: size.plus(last.size).toFixed() };
}

/** The prices a bar visits, in order: open, the nearer extreme, the other, close. */
export function barPath(c: Candle): readonly [string, string, string, string] {
  const up = new Decimal(c.close).gte(c.open);
  return up ? [c.open, c.low, c.high, c.close] : [c.open, c.high, c.low, c.close];
}

/** When each point of a bar is reached: its open time, a third and two thirds in, and its last ms. */
export function pathTimes(openTimeMs: number, intervalMs: number): readonly [number, number, number, number] {
  return [openTimeMs, openTimeMs + Math.floor(intervalMs / 3), openTimeMs + Math.floor((2 * intervalMs) / 3), openTimeMs + intervalMs - 1];
}

/** Whether a bar could fill any resting order: its low reaches the best bid or its high the best ask (floats: a cheap pre-check before building books). */
export function barReaches(low: number, high: number, bestBid: number, bestAsk: number, model: CandleFillModel): boolean {
  const spread = 1 + (model.halfSpreadBp + model.levelStepBp * (model.levels - 1)) / 10_000;
  return low / spread <= bestBid || high * spread >= bestAsk;
}
