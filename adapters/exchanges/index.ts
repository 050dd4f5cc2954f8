import type { ExchangeId } from "../../core/market.js";
import { BinanceClient, type BinanceOptions } from "./binance.js";
import { CoinbaseClient, type CoinbaseOptions } from "./coinbase.js";
import { HyperliquidClient, type HyperliquidOptions } from "./hyperliquid.js";
import { KrakenClient, type KrakenOptions } from "./kraken.js";
import type { VenueClient } from "./types.js";

export type { Balance, CancelOutcome, ClientOptions, VenueClient } from "./types.js";
export { ExchangeError, type ExchangeErrorCode, isExchangeError } from "./errors.js";
export { BinanceClient, type BinanceCredentials, type BinanceEd25519Credentials, type BinanceHmacCredentials, type BinanceOptions } from "./binance.js";
export { CoinbaseClient, type CoinbaseCredentials, type CoinbaseOptions } from "./coinbase.js";
export { KrakenClient, type KrakenCredentials, type KrakenOptions } from "./kraken.js";
export { HyperliquidClient, type HyperliquidCredentials, type HyperliquidOptions } from "./hyperliquid.js";
export { KeyEnvelopeError, openCredentials, sealCredentials, venueKeysSecret } from "./keys.js";
export { type CredentialsByExchange, type ParsedCredentials, credentialSchemas, parseVenueCredentials } from "./credentials.js";

/** Production REST endpoints. */
export const BASE_URLS: Readonly<Record<ExchangeId, string>> = {
  binance: "https://api.binance.com",
  coinbase: "https://api.coinbase.com",
  kraken: "https://api.kraken.com",
  hyperliquid: "https://api.hyperliquid.xyz",
};

/** Test networks, where the exchange has one. */
export const TESTNET_BASE_URLS: Readonly<Partial<Record<ExchangeId, string>>> = {
  binance: "https://testnet.binance.vision",
  hyperliquid: "https://api.hyperliquid-testnet.xyz",
};

export type VenueClientConfig =
  | { readonly exchange: "binance"; readonly options: BinanceOptions }
  | { readonly exchange: "coinbase"; readonly options: CoinbaseOptions }
  | { readonly exchange: "kraken"; readonly options: KrakenOptions }
  | { readonly exchange: "hyperliquid"; readonly options: HyperliquidOptions };

/** The live client for an exchange account. */
export function createVenueClient(config: VenueClientConfig): VenueClient {
  switch (config.exchange) {
    case "binance":
      return new BinanceClient(config.options);
    case "coinbase":
      return new CoinbaseClient(config.options);
    case "kraken":
      return new KrakenClient(config.options);
    case "hyperliquid":
      return new HyperliquidClient(config.options);
  }
}
