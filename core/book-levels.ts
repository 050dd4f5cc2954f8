import type { BookLevel } from "./market.js";
import { Decimal } from "./money.js";

/**
 * One side of an order book with its prices and sizes parsed lazily. The parse is cached per
 * levels array (a book snapshot is immutable), so every order matched against the same snapshot
 * parses each level at most once: the hot path allocates Fills, not Decimals per level per order.
 */
export interface ParsedLevels {
  readonly levels: readonly BookLevel[];
  readonly prices: Array<Decimal | undefined>;
  readonly sizes: Array<Decimal | undefined>;
}

const cache = new WeakMap<readonly BookLevel[], ParsedLevels>();

export function parsedLevels(levels: readonly BookLevel[]): ParsedLevels {
  let p = cache.get(levels);
  if (!p) {
    p = { levels, prices: new Array<Decimal | undefined>(levels.length), sizes: new Array<Decimal | undefined>(levels.length) };
    cache.set(levels, p);
  }
  return p;
}

export function priceAt(p: ParsedLevels, i: number): Decimal {
  let d = p.prices[i];
  if (d === undefined) {
    d = new Decimal(levelAt(p, i).price);
    p.prices[i] = d;
  }
  return d;
}

export function sizeAt(p: ParsedLevels, i: number): Decimal {
  let d = p.sizes[i];
  if (d === undefined) {
    d = new Decimal(levelAt(p, i).size);
    p.sizes[i] = d;
  }
  return d;
}

function levelAt(p: ParsedLevels, i: number): BookLevel {
  const level = p.levels[i];
  if (!level) throw new Error(`invariant: book level ${i} exists (of ${p.levels.length})`);
  return level;
}
