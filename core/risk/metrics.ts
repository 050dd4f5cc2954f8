/**
 * Pure risk metrics over the desk's positions: exposure, concentration, liquidity, correlation
 * clusters, leverage and drawdown. Money and quantities stay Decimal until they leave as strings;
 * ratios (weights, multiples, leverage) are floats. Every float that leaves is finite, so a report
 * survives JSON: where a ratio has no finite value (no depth, no equity) it is capped, not Infinity.
 */
import { Decimal, ZERO, dec, str } from "../money.js";
import { quadraticForm } from "./stats.js";
import type { OrderBook } from "../market.js";
import type { RiskPosition, RiskQuote } from "./types.js";
import { inverseNormalCdf } from "./var.js";

/** z of the standard normal at 99%: the parametric 99% VaR is Z_99 × σ. */
export const Z_99 = inverseNormalCdf(0.99);

/**
 * The figure reported for a liquidity ratio that has no finite value: a position with no quote,
 * no depth on its closing side or no daily volume. It is far above any sane limit, so a check of
 * `maxDepthMultiple` against it fails, and unlike Infinity it survives JSON as a number.
 */
export const LIQUIDITY_CAP = 1_000_000;

/** The share of a day's volume a liquidation may take without moving the market much. */
export const LIQUIDATION_PARTICIPATION = new Decimal("0.1");

/** Correlation at or above which two assets belong to one cluster (single linkage). */
export const CLUSTER_THRESHOLD = 0.7;

/** The figure reported for leverage when equity is zero or negative but exposure is not. */
export const LEVERAGE_CAP = 1_000_000;

/** Signed notional of a position in its quote currency: quantity × mark. */
export function positionNotional(p: RiskPosition): Decimal {
  return dec(p.quantity).times(dec(p.price));
}

/** A USD figure as it leaves the risk layer: rounded to the cent, halves to even. */
export function usd(value: Decimal): string {
  return str(value.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN));
}

export interface ExposureSummary {
  /** Signed quantity and signed notional per asset, largest absolute notional first. */
  readonly byAsset: ReadonlyArray<{ readonly asset: string; readonly quantity: string; readonly notional: string }>;
  /** Gross notional per venue, largest first. */
  readonly byVenue: ReadonlyArray<{ readonly venue: string; readonly notional: string }>;
  /** Sum of absolute position notionals (a long and a short in one asset both count). */
  readonly gross: string;
  /** Sum of signed position notionals. */
  readonly net: string;
}

/** Exposure by asset, by venue, gross and net. Sums are exact; only the strings are rounded to the cent. */
export function exposures(positions: readonly RiskPosition[]): ExposureSummary {
  const byAsset = new Map<string, { quantity: Decimal; notional: Decimal }>();
  const byVenue = new Map<string, Decimal>();
  let gross = ZERO;
  let net = ZERO;
  for (const p of positions) {
    const notional = positionNotional(p);
    const a = byAsset.get(p.asset) ?? { quantity: ZERO, notional: ZERO };
    byAsset.set(p.asset, { quantity: a.quantity.plus(dec(p.quantity)), notional: a.notional.plus(notional) });
    byVenue.set(p.venue, (byVenue.get(p.venue) ?? ZERO).plus(notional.abs()));
    gross = gross.plus(notional.abs());
    net = net.plus(notional);
  }
  const assets = [...byAsset.entries()].sort(([x, a], [y, b]) => b.notional.abs().cmp(a.notional.abs()) || x.localeCompare(y));
  const venues = [...byVenue.entries()].sort(([x, a], [y, b]) => b.cmp(a) || x.localeCompare(y));
  return {
    byAsset: assets.map(([asset, a]) => ({ asset, quantity: str(a.quantity), notional: usd(a.notional) })),
    byVenue: venues.map(([venue, n]) => ({ venue, notional: usd(n) })),
    gross: usd(gross),
    net: usd(net),
  };
}

/** Gross notional per asset (sum of absolute position notionals) and the desk's total. */
export function grossByAsset(positions: readonly RiskPosition[]): { readonly byAsset: Map<string, Decimal>; readonly total: Decimal } {
  const byAsset = new Map<string, Decimal>();
  let total = ZERO;
  for (const p of positions) {
    const g = positionNotional(p).abs();
    byAsset.set(p.asset, (byAsset.get(p.asset) ?? ZERO).plus(g));
    total = total.plus(g);
  }
  return { byAsset, total };
}

export interface Concentration {
  readonly largestAsset: string | null;
  readonly largestWeight: number;
  readonly herfindahl: number;
}

/**
 * Concentration of gross exposure: an asset's weight is its gross notional over the desk's, so
 * weights sum to 1 and the Herfindahl index runs from 1/n (even) to 1 (one asset). An empty book
 * has no largest asset and zero for both figures.
 */
export function concentration(positions: readonly RiskPosition[]): Concentration {
  const { byAsset, total } = grossByAsset(positions);
  if (total.isZero()) return { largestAsset: null, largestWeight: 0, herfindahl: 0 };
  let largestAsset: string | null = null;
  let largestWeight = 0;
  let herfindahl = 0;
  for (const [asset, g] of [...byAsset.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const w = g.div(total).toNumber();
    herfindahl += w * w;
    if (w > largestWeight) {
      largestWeight = w;
      largestAsset = asset;
    }
  }
  return { largestAsset, largestWeight, herfindahl };
}

export interface LiquidityRow {
  readonly agent: string;
  readonly venue: string;
  readonly symbol: string;
  /** Signed notional (the sign says which side of the book closes it). */
  readonly notional: string;
  /** |quantity| over the depth within 1% of mid on the closing side; LIQUIDITY_CAP when unmeasurable. */
  readonly depthMultiple: number;
  /** Days to close at LIQUIDATION_PARTICIPATION of daily volume; LIQUIDITY_CAP when unmeasurable. */
  readonly daysToLiquidate: number;
}

/**
 * How hard each position is to close on its own venue: a long sells into the bids, a short buys
 * from the asks. A flat position needs nothing (0). Sorted least liquid first.
 */
export function liquidity(positions: readonly RiskPosition[], quotes: readonly RiskQuote[]): LiquidityRow[] {
  const byKey = new Map(quotes.map((q) => [`${q.venue}\u0000${q.symbol}`, q]));
  const rows = positions.map((p): LiquidityRow => {
    const size = dec(p.quantity).abs();
    const quote = byKey.get(`${p.venue}\u0000${p.symbol}`);
    const depth = quote ? dec(dec(p.quantity).isNegative() ? quote.depthAsk1Pct : quote.depthBid1Pct) : ZERO;
    const daily = quote ? dec(quote.dailyVolume).times(LIQUIDATION_PARTICIPATION) : ZERO;
    return {
      agent: p.agent,
      venue: p.venue,
      symbol: p.symbol,
      notional: usd(positionNotional(p)),
      depthMultiple: cappedRatio(size, depth),
      daysToLiquidate: cappedRatio(size, daily),
    };
  });
  return rows.sort((a, b) => b.depthMultiple - a.depthMultiple || b.daysToLiquidate - a.daysToLiquidate);
}

/** size / capacity as a float, 0 for nothing to move, LIQUIDITY_CAP when there is no capacity. */
function cappedRatio(size: Decimal, capacity: Decimal): number {
  if (size.isZero()) return 0;
  if (capacity.lte(0)) return LIQUIDITY_CAP;
  return Math.min(LIQUIDITY_CAP, size.div(capacity).toNumber());
}

export interface CorrelationSummary {
  readonly assets: readonly string[];
  /** Row-major assets × assets; an undefined entry (an asset with no variance) reads 0. */
  readonly matrix: readonly number[];
  /** Mean of the off-diagonal correlations (each pair once); 0 with fewer than two assets. */
  readonly averagePairwise: number;
  /** Groups of two or more assets linked by correlation ≥ CLUSTER_THRESHOLD, largest first. */
  readonly clusters: ReadonlyArray<readonly string[]>;
}

/**
 * Average pairwise correlation and clusters by single linkage: two assets share a cluster when a
 * chain of pairs each correlated at CLUSTER_THRESHOLD or more joins them. Assets that join no one
 * are not listed: a cluster is a group that moves together. Assets keep their input order.
 */
export function correlationSummary(assets: readonly string[], corr: Float64Array, threshold = CLUSTER_THRESHOLD): CorrelationSummary {
  const n = assets.length;
  if (corr.length !== n * n) throw new Error(`invariant: a correlation matrix for ${n} assets has ${n * n} entries, got ${corr.length}`);
  const matrix = Array.from(corr, (x) => (Number.isFinite(x) ? x : 0));
  const parent = assets.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    return r;
  };
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const c = corr[i * n + j] ?? Number.NaN;
      if (!Number.isFinite(c)) continue;
      sum += c;
      pairs++;
      if (c >= threshold) parent[Math.max(root(i), root(j))] = Math.min(root(i), root(j));
    }
  }
  const groups = new Map<number, string[]>();
  assets.forEach((asset, i) => {
    const r = root(i);
    groups.set(r, [...(groups.get(r) ?? []), asset]);
  });
  const clusters = [...groups.values()].filter((g) => g.length > 1).sort((a, b) => b.length - a.length);
  return { assets: [...assets], matrix, averagePairwise: pairs === 0 ? 0 : sum / pairs, clusters };
}

/**
 * Gross and net leverage: exposure over equity. With no equity left (≤ 0) any exposure is
 * unbounded leverage, reported as ±LEVERAGE_CAP so it stays a finite number; no exposure is 0.
 */
export function leverage(gross: Decimal, net: Decimal, equity: Decimal): { readonly gross: number; readonly net: number } {
  const ratio = (exposure: Decimal): number => {
    if (exposure.isZero()) return 0;
    if (equity.lte(0)) return exposure.isNegative() ? -LEVERAGE_CAP : LEVERAGE_CAP;
    return Math.max(-LEVERAGE_CAP, Math.min(LEVERAGE_CAP, exposure.div(equity).toNumber()));
  };
  return { gross: ratio(gross), net: ratio(net) };
}

export interface DrawdownSummary {
  /** The highest equity seen (the running peak at the end of the series). */
  readonly peak: string;
  /** The deepest fall from a running peak, as a fraction of that peak, and its amount. */
  readonly maxDrawdown: number;
  readonly maxDrawdownUsd: string;
  /** Indices of the peak and trough of that deepest fall (both -1 for an empty series). */
  readonly peakIndex: number;
  readonly troughIndex: number;
  /** The fall of the last equity from the peak, as a fraction and an amount. */
  readonly currentDrawdown: number;
  readonly currentDrawdownUsd: string;
}

/**
 * Peak-to-trough drawdown of an equity series (oldest first). The fraction is measured against the
 * running peak; a peak at or below zero has no capital to lose a fraction of, so its fraction is 0
 * while the amount is still reported.
 */
export function drawdown(equitySeries: ReadonlyArray<Decimal | string>): DrawdownSummary {
  let peak: Decimal | null = null;
  let peakAt = -1;
  let worst = { fraction: 0, amount: ZERO, peakIndex: -1, troughIndex: -1 };
  let current = { fraction: 0, amount: ZERO };
  for (let t = 0; t < equitySeries.length; t++) {
    const e = dec(equitySeries[t] ?? ZERO);
    if (peak === null || e.gt(peak)) {
      peak = e;
      peakAt = t;
    }
    const amount = peak.minus(e);
    const fraction = peak.gt(0) ? amount.div(peak).toNumber() : 0;
    current = { fraction, amount };
    if (fraction > worst.fraction || (fraction === worst.fraction && amount.gt(worst.amount))) {
      worst = { fraction, amount, peakIndex: peakAt, troughIndex: t };
    }
  }
  return {
    peak: usd(peak ?? ZERO),
    maxDrawdown: worst.fraction,
    maxDrawdownUsd: usd(worst.amount),
    peakIndex: worst.peakIndex,
    troughIndex: worst.troughIndex,
    currentDrawdown: current.fraction,
    currentDrawdownUsd: usd(current.amount),
  };
}

/** Equity change since the start of the UTC day (negative is a loss). */
export function dailyPnl(equityNow: Decimal, equityAtDayStart: Decimal): Decimal {
  return equityNow.minus(equityAtDayStart);
}

/** wᵀ Σ w for exposures w and a row-major covariance Σ over the same assets; never below 0 (rounding). */
export function portfolioVariance(w: Float64Array, cov: Float64Array): number {
  return Math.max(0, quadraticForm(cov, w, w.length));
}

/**
 * A venue's quote as risk reads it: best bid and ask, and the base quantity resting within 1% of
 * mid on each side. Null for a book with an empty side.
 */
export function quoteFromBook(venue: string, book: OrderBook, dailyVolume: Decimal): RiskQuote | null {
  const bid = book.bids[0]?.price;
  const ask = book.asks[0]?.price;
  if (!bid || !ask) return null;
  const mid = dec(bid).plus(ask).div(2);
  const within = (levels: OrderBook["bids"], inside: (p: Decimal) => boolean): Decimal => levels.reduce((sum, l) => (inside(dec(l.price)) ? sum.plus(l.size) : sum), ZERO);
  return {
    venue,
    symbol: book.symbol,
    bid,
    ask,
    depthBid1Pct: str(within(book.bids, (p) => p.gte(mid.times("0.99")))),
    depthAsk1Pct: str(within(book.asks, (p) => p.lte(mid.times("1.01")))),
    dailyVolume: str(dailyVolume),
    timeMs: book.timeMs,
  };
}
