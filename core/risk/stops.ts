import { AMOUNT_PATTERN, Decimal, dec, str } from "../money.js";
import { ceilTo, floorTo } from "../ticks.js";
import type { RiskLimits, RiskPosition, WatchedPosition } from "./types.js";

export type StopSource = "strategy" | "default";
export interface Stop {
  readonly price: string;
  readonly source: StopSource;
}

/**
 * A position's protective stop. The desk's default sits `stopDistance` from the entry price (the
 * mark when the entry is unknown): below it for a long, above it for a short, rounded to the tick
 * toward the position (up for a long, down for a short) so the stop is never further than the
 * configured distance. The default is the loosest stop the desk allows: a strategy's own stop wins
 * when it is at least as tight (at or above the default for a long, at or below for a short,
 * including a trailing stop past the entry); a looser one, or one that is no price, is ignored.
 * Null for a flat position or one with no usable price.
 */
export function stopFor(position: RiskPosition, strategyStop: string | null, limits: RiskLimits, tick: string): Stop | null {
  const quantity = dec(position.quantity);
  if (quantity.isZero()) return null;
  const long = quantity.isPositive();
  const base = dec(position.entryPrice ?? position.price);
  if (base.lte(0)) return null;
  const step = dec(tick);
  const distance = dec(limits.stopDistance);
  const fallback = long ? ceilTo(base.times(new Decimal(1).minus(distance)), step) : floorTo(base.times(distance.plus(1)), step);
  if (strategyStop !== null && AMOUNT_PATTERN.test(strategyStop)) {
    const own = dec(strategyStop);
    if (own.gt(0) && (long ? own.gte(fallback) : own.lte(fallback))) return { price: str(own), source: "strategy" };
  }
  if (fallback.lte(0)) return null;
  return { price: str(fallback), source: "default" };
}

export interface TriggeredStop {
  readonly position: WatchedPosition;
  readonly stop: Stop;
  /** The exit: opposite the position. */
  readonly side: "buy" | "sell";
  /** The whole position, as a positive decimal string; the exit is reduce-only. */
  readonly quantity: string;
}

/** Mids keyed "venue|symbol" (the venue's own book, preferred) or "symbol". */
export type Marks = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

function markFor(marks: Marks, venue: string, symbol: string): string | undefined {
  const byVenue = `${venue}|${symbol}`;
  if (marks instanceof Map) return marks.get(byVenue) ?? marks.get(symbol);
  const record = marks as Readonly<Record<string, string>>;
  return Object.hasOwn(record, byVenue) ? record[byVenue] : Object.hasOwn(record, symbol) ? record[symbol] : undefined;
}

/**
 * The stops the marks have reached: a long when its mark is at or below the stop, a short when at
 * or above. A position is marked on its own venue's mid when known (that is the book its exit
 * trades on), else the symbol's, else its own reported price.
 */
export function triggeredStops(positions: readonly WatchedPosition[], marks: Marks): TriggeredStop[] {
  const out: TriggeredStop[] = [];
  for (const position of positions) {
    const stop = position.stop;
    if (!stop) continue;
    const quantity = dec(position.quantity);
    if (quantity.isZero()) continue;
    const mark = dec(markFor(marks, position.venue, position.symbol) ?? position.price);
    const price = dec(stop.price);
    const long = quantity.isPositive();
    if (long ? mark.lte(price) : mark.gte(price)) {
      out.push({ position, stop, side: long ? "sell" : "buy", quantity: str(quantity.abs()) });
    }
  }
  return out;
}
