import { ExchangeError } from "./errors.js";
import type { Reader } from "./parse.js";

/** One tradable Hyperliquid market: the coin name /info speaks, the asset id /exchange signs, lot decimals. */
export interface HyperliquidMarket {
  readonly coin: string;
  /** Perp: index in meta.universe. Spot: 10000 + index in spotMeta.universe. */
  readonly asset: number;
  readonly szDecimals: number;
  readonly spot: boolean;
}

export type HyperliquidMarkets = Readonly<Record<string, HyperliquidMarket>>;

/**
 * Builds our markets from `meta` and `spotMeta`. Perps are named `COIN-USD` for the coins in
 * `perps` (they are USDC-margined); spot pairs are named from their tokens, `PURR-USDC`.
 */
export function marketsFromMeta(read: Reader, meta: unknown, spotMeta: unknown, perps: Readonly<Record<string, string>>): Record<string, HyperliquidMarket> {
  const out: Record<string, HyperliquidMarket> = {};
  const symbolOfCoin = new Map(Object.entries(perps).map(([symbol, coin]) => [coin, symbol]));
  read.array(read.record(meta, "meta").universe, "meta.universe").forEach((entry, index) => {
    const u = read.record(entry, "perp");
    const coin = read.string(u.name, "perp name");
    const symbol = symbolOfCoin.get(coin);
    if (symbol !== undefined && u.isDelisted !== true) out[symbol] = { coin, asset: index, szDecimals: read.integer(u.szDecimals, "szDecimals"), spot: false };
  });
  const spot = read.record(spotMeta, "spotMeta");
  const tokens = read.array(spot.tokens, "spot tokens").map((t) => read.record(t, "token"));
  const tokenAt = (index: number) => tokens.find((t) => t.index === index) ?? tokens[index];
  for (const entry of read.array(spot.universe, "spot universe")) {
    const u = read.record(entry, "spot pair");
    const [baseIndex, quoteIndex] = read.array(u.tokens, "pair tokens").map((t) => read.integer(t, "token index"));
    const base = baseIndex === undefined ? undefined : tokenAt(baseIndex);
    const quote = quoteIndex === undefined ? undefined : tokenAt(quoteIndex);
    if (!base || !quote) continue;
    const symbol = `${read.string(base.name, "token name")}-${read.string(quote.name, "token name")}`.toUpperCase();
    if (!/^[A-Z0-9]+-[A-Z0-9]+$/.test(symbol) || out[symbol] !== undefined) continue;
    out[symbol] = { coin: read.string(u.name, "spot name"), asset: 10_000 + read.integer(u.index, "spot index"), szDecimals: read.integer(base.szDecimals, "szDecimals"), spot: true };
  }
  return out;
}

/** Our symbol for a coin name as /info reports it, among known markets. */
export function symbolOfCoin(markets: HyperliquidMarkets, coin: string): string | null {
  for (const [symbol, m] of Object.entries(markets)) if (m.coin === coin) return symbol;
  return null;
}

export function unknownSymbol(symbol: string): ExchangeError {
  return new ExchangeError("hyperliquid", "unknown_symbol", `no Hyperliquid market is mapped for ${symbol}`);
}
