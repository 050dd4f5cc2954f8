/**
 * An agent's configuration: what the API accepts (a patch, validated by zod and by the strategy's
 * own parameter schema), how a patch becomes the next configuration, and the instruments it
 * trades. Pure: the AgentWallet stores the result.
 */
import { z } from "zod";
import { CANDLE_INTERVALS } from "../market.js";
import { paperVenueSpec } from "../paper-venues.js";
import type { Refused } from "../refusals.js";
import { strategySchema, symbolSchema, venueIdSchema } from "../schemas.js";
import { strategyById } from "../strategies/index.js";
import type { StrategyId } from "../strategies/types.js";
import type { AgentConfig, BarInterval, SizingConfig } from "./types.js";

export const BAR_INTERVALS = Object.keys(CANDLE_INTERVALS) as [BarInterval, ...BarInterval[]];

/** Cycles no faster than a second (the paper market's step) and no slower than an hour. */
export const MIN_CYCLE_MS = 1_000;
export const MAX_CYCLE_MS = 3_600_000;
export const DEFAULT_CYCLE_MS = 15_000;

export const sizingSchema = z.discriminatedUnion("mode", [
  z.strictObject({
    mode: z.literal("fixed_fraction"),
    fraction: z.number().gt(0, "fraction must be above 0").max(1, "fraction is at most 1 (all of equity)").describe("Fraction of equity one instrument may hold at full strength"),
  }),
  z.strictObject({
    mode: z.literal("volatility_target"),
    targetVolatility: z.number().gt(0).max(5).describe("Annualized volatility the position aims at (0.2 = 20%)"),
    maxFraction: z.number().gt(0).max(1).describe("Cap on the fraction of equity, whatever the volatility"),
    lookbackBars: z.number().int().min(5).max(1_000).default(60).describe("Bars of realized volatility"),
  }),
]);

/** What `PUT /api/agents/:id/config` accepts: any of the fields; the rest stay as they are. */
export const agentConfigPatchSchema = z.strictObject({
  strategy: strategySchema.optional(),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).optional(),
  symbols: z.array(symbolSchema).min(1).max(2).optional(),
  venues: z.array(venueIdSchema).min(1).max(2).optional(),
  barInterval: z.enum(BAR_INTERVALS).optional(),
  cycleMs: z.number().int().min(MIN_CYCLE_MS, `cycleMs is at least ${MIN_CYCLE_MS}`).max(MAX_CYCLE_MS, `cycleMs is at most ${MAX_CYCLE_MS}`).optional(),
  sizing: sizingSchema.optional(),
}).refine((p) => Object.keys(p).length > 0, "say what to change: any of strategy, params, symbols, venues, barInterval, cycleMs, sizing");
export type AgentConfigPatch = z.infer<typeof agentConfigPatchSchema>;

/** One instrument the agent trades: a symbol at a venue. */
export interface AgentInstrument {
  readonly venue: string;
  readonly symbol: string;
}

/**
 * The instruments in the strategy's order: pairs of (venue, symbol) when both lists are as long;
 * one venue with several symbols (pairs); one symbol at several venues (arbitrage).
 */
export function instrumentsOf(config: Pick<AgentConfig, "symbols" | "venues">): AgentInstrument[] {
  const { symbols, venues } = config;
  if (symbols.length === venues.length) return symbols.map((symbol, i) => ({ venue: venues[i] as string, symbol }));
  if (venues.length === 1) return symbols.map((symbol) => ({ venue: venues[0] as string, symbol }));
  if (symbols.length === 1) return venues.map((venue) => ({ venue, symbol: symbols[0] as string }));
  return [];
}

const DEFAULT_SIZING: SizingConfig = { mode: "volatility_target", targetVolatility: 0.3, maxFraction: 0.25, lookbackBars: 60 };

/** Where each strategy trades by default: instruments a paper desk has. */
const DEFAULT_INSTRUMENTS: Record<StrategyId, { symbols: string[]; venues: string[] }> = {
  momentum: { symbols: ["BTC-USD"], venues: ["paper-binance"] },
  "mean-reversion": { symbols: ["ETH-USD"], venues: ["paper-coinbase"] },
  arbitrage: { symbols: ["BTC-USD"], venues: ["paper-binance", "paper-kraken"] },
  pairs: { symbols: ["BTC-USD", "ETH-USD"], venues: ["paper-binance"] },
  "market-making": { symbols: ["SOL-USD"], venues: ["paper-kraken"] },
};

/** A patch applied to the current configuration (or to the strategy's defaults for a new agent), checked whole. */
export function resolveConfig(current: AgentConfig | null, patch: AgentConfigPatch, fallbackStrategy: StrategyId | null, nowMs: number): { ok: true; config: AgentConfig } | Refused {
  const strategyId = patch.strategy ?? current?.strategy ?? fallbackStrategy;
  if (!strategyId) return refuse("a new agent needs a strategy: give `strategy`");
  const strategy = strategyById(strategyId);
  if (!strategy) return refuse(`no strategy ${strategyId}`);
  const changedStrategy = current !== null && strategyId !== current.strategy;
  // A new strategy starts from its own defaults: the old one's parameters mean nothing to it.
  const baseParams = changedStrategy || !current ? {} : current.params;
  const parsed = strategy.params.safeParse({ ...baseParams, ...(patch.params ?? {}) });
  if (!parsed.success) return refuse(`params: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  const defaults = DEFAULT_INSTRUMENTS[strategyId];
  const keep = current && !changedStrategy;
  const symbols = patch.symbols ?? (keep ? current.symbols : defaults.symbols);
  const venues = patch.venues ?? (keep ? current.venues : defaults.venues);
  const instruments = instrumentsOf({ symbols, venues });
  if (instruments.length !== strategy.instruments) {
    return refuse(`${strategy.name} trades ${strategy.instruments} instrument${strategy.instruments > 1 ? "s" : ""}; symbols ${symbols.join(", ")} at ${venues.join(", ")} make ${instruments.length}`);
  }
  const seen = new Set<string>();
  for (const i of instruments) {
    const venue = paperVenueSpec(i.venue);
    if (!venue) return refuse(`no venue ${i.venue}`);
    if (!venue.symbols.some((s) => s.symbol === i.symbol)) return refuse(`${i.venue} does not list ${i.symbol}`);
    const key = `${i.venue}:${i.symbol}`;
    if (seen.has(key)) return refuse(`${i.symbol} at ${i.venue} is given twice`);
    seen.add(key);
  }
  const config: AgentConfig = {
    strategy: strategyId,
    params: parsed.data as AgentConfig["params"],
    symbols,
    venues,
    barInterval: patch.barInterval ?? current?.barInterval ?? "1m",
    cycleMs: patch.cycleMs ?? current?.cycleMs ?? DEFAULT_CYCLE_MS,
    sizing: patch.sizing ?? current?.sizing ?? DEFAULT_SIZING,
    paused: current?.paused ?? false,
    version: (current?.version ?? 0) + 1,
    updatedAtMs: nowMs,
  };
  return { ok: true, config };
}

/** The configuration paused or resumed (a new version, so the next cycle ids differ from the last). */
export function withPaused(config: AgentConfig, paused: boolean, nowMs: number): AgentConfig {
  return config.paused === paused ? config : { ...config, paused, version: config.version + 1, updatedAtMs: nowMs };
}

/** The bar length in ms. */
export function barMs(config: Pick<AgentConfig, "barInterval">): number {
  return CANDLE_INTERVALS[config.barInterval];
}

function refuse(message: string): Refused {
  return { ok: false, code: "invalid_config", message };
}
