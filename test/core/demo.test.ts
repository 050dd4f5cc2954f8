import { describe, expect, it } from "vitest";
import { DEMO_ALLOCATED_SHARE, DEMO_CAPITAL_USD, DEMO_FARMS, DEMO_OVERSEER, demoAllocations } from "../../core/demo.js";
import { ZERO, dec, fitsScale, str } from "../../core/money.js";
import { SLUG_PATTERN, slugify } from "../../core/wallets.js";

describe("demo desk", () => {
  it("when the demo is seeded then each of the five agents gets 120000", () => {
    expect(demoAllocations().map((a) => [a.farm, a.agent, str(a.amount)])).toEqual([
      ["momentum", "marcus-momentum", "120000"],
      ["mean-reversion", "sophia-reversion", "120000"],
      ["arbitrage", "alex-arbitrage", "120000"],
      ["pairs", "paula-pairs", "120000"],
      ["market-making", "max-maker", "120000"],
    ]);
  });

  it("when the allocations are summed then they never exceed the allocated share of the capital", () => {
    const sum = demoAllocations().reduce((s, a) => s.plus(a.amount), ZERO);
    expect(sum.lte(dec(DEMO_CAPITAL_USD).times(DEMO_ALLOCATED_SHARE))).toBe(true);
    expect(demoAllocations().every((a) => fitsScale(a.amount, "USD"))).toBe(true);
  });

  it("when the demo names are slugified then they give the demo slugs", () => {
    const pairs = [
      ...DEMO_FARMS.map((f) => [f.name, f.slug]),
      ...DEMO_FARMS.flatMap((f) => f.agents.map((a) => [a.name, a.slug])),
      [DEMO_OVERSEER.name, DEMO_OVERSEER.slug],
    ];
    for (const [name, slug] of pairs) {
      expect(slug).toMatch(SLUG_PATTERN);
      expect(slugify(name ?? "")).toBe(slug);
    }
    expect(new Set(pairs.map(([, slug]) => slug)).size).toBe(pairs.length);
  });
});
