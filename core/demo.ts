import { Decimal, toScale } from "./money.js";

/** The demo desk `npm start` seeds on first start: paper capital, five farms, six agents. */
export const DEMO_CAPITAL_USD = "1000000";
/** Share of the treasury spread over the farms at seeding. */
export const DEMO_ALLOCATED_SHARE = "0.6";

export interface DemoFarm {
  readonly slug: string;
  readonly name: string;
  readonly strategy: "momentum" | "mean-reversion" | "arbitrage" | "pairs" | "market-making";
  readonly agents: ReadonlyArray<{ readonly slug: string; readonly name: string }>;
}

export const DEMO_FARMS: readonly DemoFarm[] = [
  { slug: "momentum", name: "Momentum", strategy: "momentum", agents: [{ slug: "marcus-momentum", name: "Marcus Momentum" }] },
  { slug: "mean-reversion", name: "Mean Reversion", strategy: "mean-reversion", agents: [{ slug: "sophia-reversion", name: "Sophia Reversion" }] },
  { slug: "arbitrage", name: "Arbitrage", strategy: "arbitrage", agents: [{ slug: "alex-arbitrage", name: "Alex Arbitrage" }] },
  { slug: "pairs", name: "Pairs", strategy: "pairs", agents: [{ slug: "paula-pairs", name: "Paula Pairs" }] },
  { slug: "market-making", name: "Market Making", strategy: "market-making", agents: [{ slug: "max-maker", name: "Max Maker" }] },
];

/** The risk overseer: a desk-level agent under the treasury, with no trading capital. */
export const DEMO_OVERSEER = { slug: "riley-risk", name: "Riley Risk" } as const;

/** Each trading agent's seed allocation: the allocated share split equally over farms, then over each farm's agents. */
export function demoAllocations(): Array<{ farm: string; agent: string; amount: Decimal }> {
  const perFarm = new Decimal(DEMO_CAPITAL_USD).times(DEMO_ALLOCATED_SHARE).div(DEMO_FARMS.length);
  return DEMO_FARMS.flatMap((f) =>
    f.agents.map((a) => ({ farm: f.slug, agent: a.slug, amount: toScale(perFarm.div(f.agents.length), "USD") })),
  );
}
