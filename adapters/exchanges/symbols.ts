import type { ExchangeId } from "../../core/market.js";
import { ExchangeError } from "./errors.js";

/** How one of our `BASE-QUOTE` symbols is spelled at an exchange: the name we send, and names it may answer with. */
export interface VenueSymbol {
  readonly venue: string;
  readonly aliases?: readonly string[];
}

export type SymbolTable = Readonly<Record<string, string | VenueSymbol>>;

/** A two-way map between our symbols and an exchange's, kept as data. */
export class SymbolMap {
  private readonly forward = new Map<string, string>();
  private readonly backward = new Map<string, string>();

  constructor(private readonly exchange: ExchangeId, table: SymbolTable) {
    for (const [symbol, entry] of Object.entries(table)) {
      if (!/^[A-Z0-9]+-[A-Z0-9]+$/.test(symbol)) throw new Error(`invariant: ${exchange} symbol table key is not BASE-QUOTE: ${symbol}`);
      const spec = typeof entry === "string" ? { venue: entry } : entry;
      this.forward.set(symbol, spec.venue);
      for (const name of [spec.venue, ...(spec.aliases ?? [])]) this.backward.set(name.toUpperCase(), symbol);
    }
  }

  /** The exchange's name for our symbol; an unknown symbol is refused before anything is sent. */
  toVenue(symbol: string): string {
    const venue = this.forward.get(symbol);
    if (venue === undefined) throw new ExchangeError(this.exchange, "unknown_symbol", `no ${this.exchange} market is mapped for ${symbol}`);
    return venue;
  }

  /** Our symbol for an exchange name, or null when the map does not cover it. */
  fromVenue(venue: string): string | null {
    return this.backward.get(venue.toUpperCase()) ?? null;
  }

  /** True when `venue` is our symbol's exchange name or one of its aliases. */
  matches(symbol: string, venue: string): boolean {
    return this.fromVenue(venue) === symbol;
  }

  symbols(): string[] {
    return [...this.forward.keys()];
  }
}

/** Binance spot: quote assets are what they say (USDT is not USD). */
export const BINANCE_SYMBOLS: SymbolTable = {
  "BTC-USDT": "BTCUSDT",
  "ETH-USDT": "ETHUSDT",
  "SOL-USDT": "SOLUSDT",
  "BNB-USDT": "BNBUSDT",
  "BTC-USDC": "BTCUSDC",
  "ETH-USDC": "ETHUSDC",
  "ETH-BTC": "ETHBTC",
  "LTC-BTC": "LTCBTC",
};

/** Coinbase product ids already read BASE-QUOTE; the table still limits what the desk may trade. */
export const COINBASE_SYMBOLS: SymbolTable = {
  "BTC-USD": "BTC-USD",
  "ETH-USD": "ETH-USD",
  "SOL-USD": "SOL-USD",
  "BTC-USDC": "BTC-USDC",
  "ETH-USDC": "ETH-USDC",
  "ETH-BTC": "ETH-BTC",
};

/** Kraken names requests by altname (XBTUSD) and answers with either that or the legacy key (XXBTZUSD). */
export const KRAKEN_SYMBOLS: SymbolTable = {
  "BTC-USD": { venue: "XBTUSD", aliases: ["XXBTZUSD", "XBT/USD"] },
  "ETH-USD": { venue: "ETHUSD", aliases: ["XETHZUSD", "ETH/USD"] },
  "SOL-USD": { venue: "SOLUSD", aliases: ["SOL/USD"] },
  "BTC-EUR": { venue: "XBTEUR", aliases: ["XXBTZEUR", "XBT/EUR"] },
  "ETH-EUR": { venue: "ETHEUR", aliases: ["XETHZEUR", "ETH/EUR"] },
  "ETH-BTC": { venue: "ETHXBT", aliases: ["XETHXXBT", "ETH/XBT"] },
  "BTC-USDT": { venue: "XBTUSDT", aliases: ["XBT/USDT"] },
};

/** Kraken asset codes in balances; codes not listed pass through unchanged. */
export const KRAKEN_ASSETS: Readonly<Record<string, string>> = {
  XXBT: "BTC",
  XBT: "BTC",
  XETH: "ETH",
  XLTC: "LTC",
  XXRP: "XRP",
  XXLM: "XLM",
  XXDG: "DOGE",
  XDG: "DOGE",
  XETC: "ETC",
  XZEC: "ZEC",
  XXMR: "XMR",
  ZUSD: "USD",
  ZEUR: "EUR",
  ZGBP: "GBP",
  ZCAD: "CAD",
  ZJPY: "JPY",
  ZCHF: "CHF",
  ZAUD: "AUD",
};

/** Hyperliquid perpetuals (USDC-margined, quoted "USD" here) by coin name; asset ids come from `meta`. */
export const HYPERLIQUID_PERPS: Readonly<Record<string, string>> = {
  "BTC-USD": "BTC",
  "ETH-USD": "ETH",
  "SOL-USD": "SOL",
  "HYPE-USD": "HYPE",
};
