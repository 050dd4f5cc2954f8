import { z } from "zod";
import { arbitrage } from "./arbitrage.js";
import { marketMaking } from "./market-making.js";
import { meanReversion } from "./mean-reversion.js";
import { momentum } from "./momentum.js";
import { pairs } from "./pairs.js";
import type { Strategy, StrategyId } from "./types.js";

export type * from "./types.js";
export { HOLD } from "./types.js";
export { type SizedOrder, type SizingBook, type SizingLimits, sizeSignal } from "./sizing.js";

/** Every strategy by id. */
export const STRATEGIES: Readonly<Record<StrategyId, Strategy>> = Object.freeze({
  momentum,
  "mean-reversion": meanReversion,
  arbitrage,
  pairs,
  "market-making": marketMaking,
});

/** The strategy with this id, or null (ids come from users: never throws). */
export function strategyById(id: string): Strategy | null {
  return Object.prototype.hasOwnProperty.call(STRATEGIES, id) ? (STRATEGIES[id as StrategyId] ?? null) : null;
}

/** One strategy as `GET /api/strategies` describes it. */
export interface StrategyDescription {
  readonly id: StrategyId;
  readonly name: string;
  readonly description: string;
  readonly instruments: number;
  /** Bars of warm-up with the default parameters. */
  readonly warmupDefault: number;
  /** The parameters as JSON Schema (input form: every field optional, with its default, bounds and description). */
  readonly params: Record<string, unknown>;
  readonly defaults: Record<string, unknown>;
}

/** Every strategy with its parameter schema and defaults, for the API and the dashboard's form. */
export function describeStrategies(): StrategyDescription[] {
  return Object.values(STRATEGIES).map((s) => {
    const defaults = s.params.parse({});
    return {
      id: s.id,
      name: s.name,
      description: s.description,
      instruments: s.instruments,
      warmupDefault: s.warmup(defaults),
      params: z.toJSONSchema(s.params, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
      defaults,
    };
  });
}
