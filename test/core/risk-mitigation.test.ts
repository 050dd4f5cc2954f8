import { describe, expect, it } from "vitest";
import { Decimal, ZERO, dec, str } from "../../core/money.js";
import { type MitigationInput, type MitigationLimits, planMitigation, waterLevel } from "../../core/risk/mitigation.js";
import type { Reduction, RiskPosition } from "../../core/risk/types.js";

const Z99 = 2.3263478740408408;

function pos(agent: string, venue: string, asset: string, quantity: string, price: string): RiskPosition {
  return { agent, farm: null, venue, symbol: `${asset}-USD`, asset, quantity, price, entryPrice: null };
}

/** Covariance from volatilities and one correlation for every pair. */
function covOf(sigmas: readonly number[], rho: number): Float64Array {
  const n = sigmas.length;
  return Float64Array.from({ length: n * n }, (_, k) => {
    const i = Math.floor(k / n);
    const j = k % n;
    return (i === j ? 1 : rho) * (sigmas[i] ?? 0) * (sigmas[j] ?? 0);
  });
}

const LOOSE: MitigationLimits = { maxGrossExposure: "1000000000", maxVar: "1000000000", maxPositionNotional: "1000000000", maxConcentration: "1" };

/** Positions after the reductions, each checked to be on the closing side and no larger than its position. */
function applied(positions: readonly RiskPosition[], reductions: readonly Reduction[]): RiskPosition[] {
  return positions.map((p) => {
    const r = reductions.find((x) => x.agent === p.agent && x.venue === p.venue && x.symbol === p.symbol);
    if (!r) return p;
    const q = dec(p.quantity);
    expect(r.side).toBe(q.isNegative() ? "buy" : "sell");
    expect(dec(r.quantity).lte(q.abs()), `${r.symbol} cut ${r.quantity} of ${p.quantity}`).toBe(true);
    return { ...p, quantity: str(q.isNegative() ? q.plus(r.quantity) : q.minus(r.quantity)) };
  });
}

const notional = (p: RiskPosition): Decimal => dec(p.quantity).times(p.price);
const gross = (ps: readonly RiskPosition[]): Decimal => ps.reduce((s, p) => s.plus(notional(p).abs()), ZERO);

/** 1-day 99% parametric VaR of net exposures, computed here independently: z·√(wᵀΣw)·√barsPerDay. */
function var99(ps: readonly RiskPosition[], assets: readonly string[], cov: Float64Array, barsPerDay: number): number {
  const w = assets.map((a) => ps.filter((p) => p.asset === a).reduce((s, p) => s + notional(p).toNumber(), 0));
  let v = 0;
  w.forEach((wi, i) => w.forEach((wj, j) => (v += wi * (cov[i * assets.length + j] ?? 0) * wj)));
  return Z99 * Math.sqrt(v * barsPerDay);
}

/** Each asset's w_i (Σw)_i: proportional to its component VaR. */
function contributions(ps: readonly RiskPosition[], assets: readonly string[], cov: Float64Array): Map<string, number> {
  const w = assets.map((a) => ps.filter((p) => p.asset === a).reduce((s, p) => s + notional(p).toNumber(), 0));
  return new Map(assets.map((a, i) => [a, (w[i] ?? 0) * w.reduce((s, wj, j) => s + (cov[i * assets.length + j] ?? 0) * wj, 0)]));
}

describe("planMitigation over gross exposure", () => {
  /** BTC 100,000 at Binance and 50,000 at Coinbase, ETH 30,000: gross 180,000. */
  const book = [pos("agent:a1", "paper-binance", "BTC", "2", "50000"), pos("agent:a2", "paper-coinbase", "BTC", "1", "50000"), pos("agent:a3", "paper-binance", "ETH", "10", "3000")];
  const assets = ["BTC", "ETH"];
  const cov = covOf([0.03, 0.04], 0.5);
  const input = (maxGrossExposure: string, lotSize = "0.001"): MitigationInput => ({
    positions: book,
    assets,
    cov,
    barsPerDay: 1,
    limits: { ...LOOSE, maxGrossExposure },
    lots: { "BTC-USD": { lotSize, minNotional: "10" }, "ETH-USD": { lotSize: "0.01", minNotional: "10" } },
  });

  it("when the desk is within every limit then plans nothing", () => {
    expect(planMitigation(input("180000"))).toEqual([]);
  });

  it("when 30,000 over then one cut of the largest VaR contributor's largest position brings it back", () => {
    const c = contributions(book, assets, cov);
    expect((c.get("BTC") ?? 0) > (c.get("ETH") ?? 0)).toBe(true);
    const plan = planMitigation(input("150000"));
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ agent: "agent:a1", venue: "paper-binance", symbol: "BTC-USD", side: "sell", quantity: "0.6" });
    expect(plan[0]?.reason).toMatch(/gross exposure 180000 USD is over its 150000 USD limit/);
    expect(plan[0]?.reason).toMatch(/cut by 30000 USD/);
    expect(gross(applied(book, plan)).lte("150000")).toBe(true);
  });

  it("when the exact cut is not a whole lot then rounds up so the desk ends within the limit", () => {
    // 30,010 over: 0.6002 BTC, which a 0.01 lot takes up to 0.61 (0.60 would leave 150,000 > 149,990).
    const plan = planMitigation(input("149990", "0.01"));
    expect(plan.map((r) => r.quantity)).toEqual(["0.61"]);
    expect(gross(applied(book, plan)).lte("149990")).toBe(true);
  });

  it("when the cut is larger than the largest position then closes it and takes the rest from the next", () => {
    const plan = planMitigation(input("20000"));
    expect(plan.slice(0, 2).map((r) => [r.agent, r.quantity])).toEqual([
      ["agent:a1", "2"],
      ["agent:a2", "1"],
    ]);
    expect(gross(applied(book, plan)).lte("20000")).toBe(true);
  });
});

describe("planMitigation and min notional", () => {
  it("when the remainder on the next position is under its min notional then raises it to the min notional", () => {
    const book = [pos("agent:a1", "paper-binance", "BTC", "0.5", "50000"), pos("agent:a2", "paper-coinbase", "BTC", "0.3", "50000"), pos("agent:a3", "paper-binance", "ETH", "10", "3000")];
    const plan = planMitigation({
      positions: book,
      assets: ["BTC", "ETH"],
      cov: covOf([0.03, 0.02], 0.5),
      barsPerDay: 1,
      // 70,000 gross, 25,100 over: 25,000 closes a1, and the 100 left (0.002 BTC) is under 1,000.
      limits: { ...LOOSE, maxGrossExposure: "44900" },
      lots: { "BTC-USD": { lotSize: "0.001", minNotional: "1000" } },
    });
    expect(plan.map((r) => [r.agent, r.quantity])).toEqual([
      ["agent:a1", "0.5"],
      ["agent:a2", "0.02"],
    ]);
  });
});

describe("planMitigation over VaR", () => {
  /** SOL is the smallest-but-one position but, at 15% daily σ, by far the largest VaR contributor. */
  const book = [pos("agent:a1", "paper-binance", "BTC", "2", "50000"), pos("agent:a2", "paper-coinbase", "ETH", "20", "2500"), pos("agent:a3", "paper-binance", "SOL", "400", "150")];
  const assets = ["BTC", "ETH", "SOL"];
  const cov = covOf([0.03, 0.04, 0.15], 0.3);
  const lots = { "BTC-USD": { lotSize: "0.0001", minNotional: "10" }, "ETH-USD": { lotSize: "0.001", minNotional: "10" }, "SOL-USD": { lotSize: "0.01", minNotional: "10" } };
  const input = (maxVar: string): MitigationInput => ({ positions: book, assets, cov, barsPerDay: 1, limits: { ...LOOSE, maxVar }, lots });

  it("when over maxVar then cuts the largest contributor just enough, checked by recomputing σ_p", () => {
    const before = var99(book, assets, cov, 1);
    expect(before).toBeGreaterThan(15_000);
    const c = contributions(book, assets, cov);
    const largest = [...c].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(largest).toBe("SOL");
    const plan = planMitigation(input("15000"));
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ symbol: "SOL-USD", side: "sell" });
    expect(plan[0]?.reason).toMatch(/1-day 99% VaR [\d.]+ USD is over its 15000 USD limit/);
    const after = var99(applied(book, plan), assets, cov, 1);
    expect(after).toBeLessThanOrEqual(15_000);
    // Just enough: one lot less would leave the desk over the limit.
    const oneLotLess = [{ ...(plan[0] as Reduction), quantity: str(dec(plan[0]?.quantity ?? "0").minus("0.01")) }];
    expect(var99(applied(book, oneLotLess), assets, cov, 1)).toBeGreaterThan(15_000);
  });

  it("when the largest contributor alone is not enough then closes it first and cuts the next", () => {
    const plan = planMitigation(input("8000"));
    expect(plan[0]).toMatchObject({ symbol: "SOL-USD", quantity: "400" });
    expect(plan.length).toBeGreaterThan(1);
    expect(plan[1]?.symbol).toBe("BTC-USD");
    expect(var99(applied(book, plan), assets, cov, 1)).toBeLessThanOrEqual(8000);
  });

  it("when the covariance is hourly then the VaR is scaled to a day", () => {
    const hourly = covOf([0.03, 0.04, 0.15].map((s) => s / Math.sqrt(24)), 0.3);
    const plan = planMitigation({ ...input("15000"), cov: hourly, barsPerDay: 24 });
    expect(plan.map((r) => r.quantity)).toEqual(planMitigation(input("15000")).map((r) => r.quantity));
  });

  it("when a short is the largest contributor then buys it back", () => {
    const shortBook = book.map((p) => (p.asset === "SOL" ? { ...p, quantity: "-400" } : p));
    const plan = planMitigation({ ...input("15000"), positions: shortBook });
    expect(plan[0]).toMatchObject({ symbol: "SOL-USD", side: "buy" });
    expect(var99(applied(shortBook, plan), assets, cov, 1)).toBeLessThanOrEqual(15_000);
  });

  it("when a position hedges the asset's net exposure then it is never cut", () => {
    const hedged = [...book, pos("agent:a4", "paper-coinbase", "SOL", "-100", "150")];
    const plan = planMitigation({ ...input("12000"), positions: hedged });
    expect(plan.some((r) => r.agent === "agent:a4")).toBe(false);
    expect(var99(applied(hedged, plan), assets, cov, 1)).toBeLessThanOrEqual(12_000);
  });
});

describe("planMitigation over position and concentration limits", () => {
  it("when an asset is over maxPositionNotional then it is cut to the limit even if it is not the top VaR contributor", () => {
    // BTC at the 50,000 limit with 5% σ leads VaR; ETH is 10,000 over with 1% σ.
    const book = [pos("agent:a1", "paper-binance", "BTC", "1", "50000"), pos("agent:a2", "paper-binance", "ETH", "20", "3000")];
    const plan = planMitigation({
      positions: book,
      assets: ["BTC", "ETH"],
      cov: covOf([0.05, 0.01], 0.2),
      barsPerDay: 1,
      limits: { ...LOOSE, maxPositionNotional: "50000" },
      lots: {},
    });
    expect(plan).toEqual([expect.objectContaining({ symbol: "ETH-USD", quantity: str(dec("10000").div("3000").toDecimalPlaces(18, Decimal.ROUND_CEIL)) })]);
  });

  it("when two assets are over the concentration limit then both come down to what the limit allows", () => {
    // Gross 100,000 / 90,000 / 10,000 with a 40% limit: capping the top two at 20,000 gives 20/50 each.
    expect(str(waterLevel([dec("100000"), dec("90000"), dec("10000")], dec("0.4")) ?? ZERO)).toBe("20000");
    const book = [pos("agent:a1", "v", "BTC", "2", "50000"), pos("agent:a2", "v", "ETH", "30", "3000"), pos("agent:a3", "v", "SOL", "100", "100")];
    const lots = { "ETH-USD": { lotSize: "0.001", minNotional: "1" }, "BTC-USD": { lotSize: "0.001", minNotional: "1" } };
    const cov = covOf([0.03, 0.03, 0.03], 0.5);
    // With the gross limit at the book's size, concentration is a share of that limit: 40% of 200,000.
    const plan = planMitigation({ positions: book, assets: ["BTC", "ETH", "SOL"], cov, barsPerDay: 1, limits: { ...LOOSE, maxGrossExposure: "200000", maxConcentration: "0.4" }, lots });
    expect(plan.map((r) => r.symbol)).toEqual(["BTC-USD", "ETH-USD"]);
    const after = applied(book, plan);
    const base = Decimal.max(gross(after), dec("200000"));
    for (const p of after) expect(notional(p).abs().lte(base.times("0.4")), `${p.asset} within 40%`).toBe(true);
    // BTC is cut to 80,000, not to the water level: the limit asks for no more than that.
    expect(notional(after.find((p) => p.asset === "BTC") ?? book[0]!).toFixed()).toBe("80000");
  });

  it("when a small book is concentrated then nothing is sold: the share is of the gross limit", () => {
    const book = [pos("agent:a1", "v", "BTC", "0.01", "60000"), pos("agent:a2", "v", "ETH", "0.1", "3000")];
    const plan = planMitigation({ positions: book, assets: ["BTC", "ETH"], cov: covOf([0.03, 0.03], 0.5), barsPerDay: 1, limits: { ...LOOSE, maxGrossExposure: "400000", maxConcentration: "0.6" }, lots: {} });
    expect(plan).toEqual([]);
  });

  it("when the book holds too few assets to meet the concentration limit then it is not flattened", () => {
    expect(waterLevel([dec("100")], dec("0.5"))).toBeNull();
    const plan = planMitigation({
      positions: [pos("agent:a1", "v", "BTC", "1", "100")],
      assets: ["BTC"],
      cov: covOf([0.03], 0),
      barsPerDay: 1,
      limits: { ...LOOSE, maxConcentration: "0.5" },
      lots: {},
    });
    expect(plan).toEqual([]);
  });

  it("when run twice on the same input then plans the same", () => {
    const book = [pos("agent:a1", "paper-binance", "BTC", "2", "50000"), pos("agent:a2", "paper-coinbase", "BTC", "2", "50000")];
    const input: MitigationInput = { positions: book, assets: ["BTC"], cov: covOf([0.03], 0), barsPerDay: 1, limits: { ...LOOSE, maxGrossExposure: "150000" }, lots: {} };
    const plan = planMitigation(input);
    expect(planMitigation(input)).toEqual(plan);
    // Equal positions: ties break by agent.
    expect(plan.map((r) => [r.agent, r.quantity])).toEqual([["agent:a1", "1"]]);
  });
});
