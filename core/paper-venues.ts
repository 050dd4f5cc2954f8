import type { ExchangeId, VenueSpec } from "./market.js";
import { type MarketParamsInput, resolveMarketParams, symbolSpecs } from "./market-sim.js";

/**
 * The demo desk's paper venues: one per exchange, each with that exchange's usual fee schedule
 * (entry tier) and a simulated latency. They share one synthetic market (same seed, same clock
 * grid), each with its own basis, spread and depth.
 */
export const PAPER_VENUES: ReadonlyArray<{ id: string; exchange: ExchangeId; makerFeeRate: string; takerFeeRate: string; latencyMs: number; halfSpreadBp: number; topLevelNotional: number }> = [
  { id: "paper-binance", exchange: "binance", makerFeeRate: "0.001", takerFeeRate: "0.001", latencyMs: 40, halfSpreadBp: 1, topLevelNotional: 50_000 },
  { id: "paper-coinbase", exchange: "coinbase", makerFeeRate: "0.004", takerFeeRate: "0.006", latencyMs: 70, halfSpreadBp: 1.5, topLevelNotional: 30_000 },
  { id: "paper-kraken", exchange: "kraken", makerFeeRate: "0.0016", takerFeeRate: "0.0026", latencyMs: 60, halfSpreadBp: 2, topLevelNotional: 20_000 },
  { id: "paper-hyperliquid", exchange: "hyperliquid", makerFeeRate: "0.0001", takerFeeRate: "0.00035", latencyMs: 30, halfSpreadBp: 1.5, topLevelNotional: 25_000 },
];

/** The seed every paper venue's market starts from: the venues agree because they walk the same path. */
export const PAPER_MARKET_SEED = 20_261_124;
/** The market clock's grid: every venue steps its market in these steps, so all take the same path. */
export const MARKET_STEP_MS = 1_000;

export const PAPER_MARKET: MarketParamsInput = {
  venues: PAPER_VENUES.map((v) => ({ venueId: v.id, halfSpreadBp: v.halfSpreadBp, topLevelNotional: v.topLevelNotional })),
};

export function paperVenueSpec(id: string): VenueSpec | null {
  const v = PAPER_VENUES.find((x) => x.id === id);
  if (!v) return null;
  return {
    id: v.id,
    exchange: v.exchange,
    paper: true,
    makerFeeRate: v.makerFeeRate,
    takerFeeRate: v.takerFeeRate,
    latencyMs: v.latencyMs,
    symbols: symbolSpecs(resolveMarketParams(PAPER_MARKET)),
  };
}

/** How a paper venue gets its prices: the synthetic market, or the real exchange's public data (fills stay simulated). */
export type MarketSource = "synthetic" | "live";

/** The exchange's own market for one of our paper symbols (Binance quotes in USDT, a USD stablecoin). */
export function liveSymbolFor(exchange: ExchangeId, symbol: string): string {
  const [base = "", quote = ""] = symbol.split("-");
  return exchange === "binance" && quote === "USD" ? `${base}-USDT` : symbol;
}
