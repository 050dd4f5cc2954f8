import { describe, expect, it } from "vitest";
import { Decimal, dec } from "../../core/money.js";
import { Z_99 } from "../../core/risk/metrics.js";
import {
  STRESS_SCENARIOS,
  type StressInput,
  runStress,
  scenarioOf,
  stressRequestSchema,
  stressScenario,
  stressScenarioSchema,
  venueOutageScenario,
  worstDay,
} from "../../core/risk/stress.js";
import type { ReturnMatrix, RiskPosition, RiskQuote } from "../../core/risk/types.js";

function pos(agent: string, venue: string, asset: string, quantity: string, price: string): RiskPosition {
  return { agent, farm: null, venue, symbol: `${asset}-USD`, asset, quantity, price, entryPrice: null };
}

const cents = (d: Decimal): string => d.toDecimalPlaces(2).toFixed();

/** Long BTC 100,000 and short SOL 15,000 at Binance, long ETH 30,000 at Coinbase; equity 200,000. */
const BOOK: RiskPosition[] = [
  pos("agent:a1", "paper-binance", "BTC", "2", "50000"),
  pos("agent:a2", "paper-coinbase", "ETH", "10", "3000"),
  pos("agent:a3", "paper-binance", "SOL", "-100", "150"),
];
const EQUITY = dec("200000");

const QUOTES: RiskQuote[] = [
  { venue: "paper-binance", symbol: "BTC-USD", bid: "49995", ask: "50005", depthBid1Pct: "5", depthAsk1Pct: "5", dailyVolume: "1000", timeMs: 0 },
  { venue: "paper-coinbase", symbol: "ETH-USD", bid: "2999", ask: "3001", depthBid1Pct: "100", depthAsk1Pct: "100", dailyVolume: "1000", timeMs: 0 },
  { venue: "paper-binance", symbol: "SOL-USD", bid: "149.9", ask: "150.1", depthBid1Pct: "250", depthAsk1Pct: "250", dailyVolume: "1000", timeMs: 0 },
];

const INPUT: StressInput = { positions: BOOK, quotes: QUOTES, equity: EQUITY };

describe("named scenarios on a known book", () => {
  it("when BTC falls 20% then only the BTC long loses", () => {
    const r = runStress(stressScenario("btc_crash"), INPUT);
    expect(r.loss).toBe(cents(dec("100000").times("0.2")));
    expect(r.lossPct).toBeCloseTo(0.1, 12);
    expect(r.drivers).toEqual([{ agent: "agent:a1", venue: "paper-binance", symbol: "BTC-USD", loss: "20000" }]);
  });

  it("when all crypto falls 35% then the longs lose and the short gains", () => {
    const r = runStress(stressScenario("crypto_crash"), INPUT);
    const expected = dec("100000").plus("30000").minus("15000").times("0.35");
    expect(r.loss).toBe(cents(expected));
    expect(r.drivers.map((d) => [d.symbol, d.loss])).toEqual([
      ["BTC-USD", "35000"],
      ["ETH-USD", "10500"],
      ["SOL-USD", "-5250"],
    ]);
  });

  it("when correlations go to 1 then the stressed VaR adds each asset's σ", () => {
    const returns: ReturnMatrix = { assets: ["BTC", "ETH"], bars: 0, barMs: 86_400_000, data: new Float64Array(0) };
    // Daily σ 3% and 4%, correlation 0.5.
    const cov = Float64Array.from([0.0009, 0.0006, 0.0006, 0.0016]);
    const r = runStress(stressScenario("crypto_crash"), { ...INPUT, returns, cov });
    expect(r.detail.correlation).toBe(1);
    expect(r.detail.stressedVar99_1d).toBe(cents(new Decimal(Z_99 * (100_000 * 0.03 + 30_000 * 0.04))));
    expect(r.detail.var99_1d).toBe(cents(new Decimal(Z_99 * Math.sqrt(3000 ** 2 + 1200 ** 2 + 2 * 0.5 * 3000 * 1200))));
    expect(r.detail.missingCovariance).toBe("SOL");
  });

  it("when the covariance is hourly then the stressed VaR scales to a day by √24", () => {
    const returns: ReturnMatrix = { assets: ["BTC"], bars: 0, barMs: 3_600_000, data: new Float64Array(0) };
    const r = runStress(stressScenario("crypto_crash"), { ...INPUT, returns, cov: Float64Array.from([0.0001]) });
    expect(r.detail.stressedVar99_1d).toBe(cents(new Decimal(Z_99 * 100_000 * 0.01 * Math.sqrt(24))));
  });

  it("when paper-binance is out then everything held there is lost, short or long", () => {
    const r = runStress(stressScenario("venue_outage"), INPUT);
    expect(r.loss).toBe(cents(dec("100000").plus("15000")));
    expect(r.lossPct).toBeCloseTo(0.575, 12);
    expect(r.detail).toMatchObject({ venues: "paper-binance", stranded: "115000" });
    expect(r.drivers.map((d) => d.symbol)).toEqual(["BTC-USD", "SOL-USD"]);
  });

  it("when the outage venue is given as data then that venue is stranded", () => {
    const r = runStress(venueOutageScenario("paper-coinbase"), INPUT);
    expect(r.loss).toBe("30000");
    expect(r.name).toContain("paper-coinbase");
  });

  it("when spreads widen 5x and depth falls 5x then the loss is the spread plus the impact beyond depth", () => {
    const r = runStress(stressScenario("liquidity_crunch"), INPUT);
    // Spread: |q| × mark × half-spread/mid × 5.
    const btcSpread = dec("2").times("50000").times(dec("10").div("100000")).times(5);
    const ethSpread = dec("10").times("3000").times(dec("2").div("6000")).times(5);
    const solSpread = dec("100").times("150").times(dec("0.2").div("300")).times(5);
    // Impact beyond the reduced depth D: mark × 1% × excess² / 2D. BTC sells 2 into D = 1; ETH fits (10 ≤ 20); SOL buys 100 from D = 50.
    const btcImpact = dec("50000").times("0.01").times(dec("1").pow(2)).div(dec("1").times(2));
    const solImpact = dec("150").times("0.01").times(dec("50").pow(2)).div(dec("50").times(2));
    const total = btcSpread.plus(ethSpread).plus(solSpread).plus(btcImpact).plus(solImpact);
    expect(r.loss).toBe(cents(total));
    expect(r.loss).toBe("437.5");
    expect(r.drivers.map((d) => [d.symbol, d.loss])).toEqual([
      ["BTC-USD", cents(btcSpread.plus(btcImpact))],
      ["SOL-USD", cents(solSpread.plus(solImpact))],
      ["ETH-USD", cents(ethSpread)],
    ]);
    expect(r.detail).toMatchObject({ spreadCost: cents(btcSpread.plus(ethSpread).plus(solSpread)), impactCost: cents(btcImpact.plus(solImpact)) });
  });

  it("when a position has no quote in a crunch then closing it costs its whole notional", () => {
    const r = runStress(stressScenario("liquidity_crunch"), { ...INPUT, quotes: QUOTES.filter((q) => q.symbol !== "ETH-USD") });
    expect(r.drivers[0]).toMatchObject({ symbol: "ETH-USD", loss: "30000" });
    expect(r.detail.unquoted).toBe(1);
  });

  it("when a scenario makes money then the loss and lossPct are negative", () => {
    const r = runStress({ id: "squeeze", name: "Squeeze", description: "", shocks: { "*": -0.5 } }, { ...INPUT, positions: [BOOK[2] as RiskPosition] });
    expect(r.loss).toBe("-7500");
    expect(r.lossPct).toBeCloseTo(-0.0375, 12);
  });

  it("when a custom scenario names an asset and sets a default then the named shock wins", () => {
    const r = runStress({ id: "mixed", name: "Mixed", description: "", shocks: { BTC: -0.1, "*": 0.5 } }, INPUT);
    // BTC −10%: 10,000 lost; ETH +50%: 15,000 gained; SOL short +50%: 7,500 lost.
    expect(r.loss).toBe(cents(dec("10000").minus("15000").plus("7500")));
  });

  it("when more than ten positions lose then lists the ten largest", () => {
    const many = Array.from({ length: 12 }, (_, i) => pos(`agent:a${i}`, "paper-kraken", "BTC", String(i + 1), "100"));
    const r = runStress(stressScenario("btc_crash"), { ...INPUT, positions: many });
    expect(r.drivers).toHaveLength(10);
    expect(r.drivers[0]?.agent).toBe("agent:a11");
    expect(r.drivers.map((d) => Number(d.loss))).toEqual([...r.drivers.map((d) => Number(d.loss))].sort((a, b) => b - a));
  });

  it("when every named scenario runs then the result survives JSON", () => {
    for (const s of STRESS_SCENARIOS) {
      const r = runStress(s, INPUT);
      expect(JSON.parse(JSON.stringify(r)), s.id).toEqual(r);
    }
  });
});

describe("worst_day", () => {
  /**
   * 12-hour bars, two per day, for BTC and ETH. Bar 0 (a BTC halving) is the tail of an incomplete
   * day and is dropped. Day 0: BTC −9.75%, ETH +21%. Day 1: BTC −5.92%, ETH −5.91%. Day 2: BTC +1%,
   * ETH −19%. BTC alone is worst on day 0 and ETH alone on day 2, but the book loses most on day 1.
   */
  const returns: ReturnMatrix = {
    assets: ["BTC", "ETH"],
    bars: 7,
    barMs: 43_200_000,
    data: Float64Array.from([-0.5, 0, -0.05, 0.1, -0.05, 0.1, -0.04, -0.03, -0.02, -0.03, 0.01, -0.1, 0, -0.1]),
  };

  it("when the book is long both then picks the day the book loses most, not an asset's worst", () => {
    const r = runStress(stressScenario("worst_day"), { ...INPUT, returns });
    const btc = dec("0.96").times("0.98").minus(1);
    const eth = dec("0.97").times("0.97").minus(1);
    expect(r.loss).toBe(cents(dec("100000").times(btc).plus(dec("30000").times(eth)).neg()));
    expect(r.loss).toBe("7693");
    expect(r.detail).toMatchObject({ day: 1, daysAgo: 1, firstBar: 3, lastBar: 4, barsPerDay: 2, missingHistory: "SOL" });
    expect(r.detail["return.BTC"]).toBeCloseTo(-0.0592, 12);
  });

  it("when the book is short BTC then the worst day is a different one", () => {
    const day = worstDay(returns, new Map([["BTC", -100_000]]));
    expect(day?.day).toBe(2);
  });

  it("when the history is shorter than a day then it is one partial day", () => {
    const day = worstDay({ assets: ["BTC"], bars: 3, barMs: 3_600_000, data: Float64Array.from([0.01, -0.02, 0.01]) }, new Map([["BTC", 1]]));
    expect(day).toMatchObject({ day: 0, firstBar: 0, lastBar: 2, barsPerDay: 3 });
  });

  it("when there is no history then nothing is lost and the detail says why", () => {
    const r = runStress(stressScenario("worst_day"), INPUT);
    expect(r.loss).toBe("0");
    expect(String(r.detail.note)).toContain("no return history");
  });
});

describe("stressScenarioSchema and stressRequestSchema", () => {
  const valid = { id: "eth_crash", name: "ETH crash", shocks: { ETH: -0.4 } };
  const messages = (result: { success: boolean; error?: { issues: ReadonlyArray<{ message: string }> } }): string =>
    (result.error?.issues ?? []).map((i) => i.message).join(" | ");

  it("when a custom scenario is well formed then parses with an empty description", () => {
    expect(stressScenarioSchema.parse(valid)).toEqual({ ...valid, description: "" });
  });

  it.each([
    ["a shock below −100%", { ...valid, shocks: { ETH: -1.5 } }, /between -1/],
    ["a shock above +1000%", { ...valid, shocks: { ETH: 11 } }, /between -1/],
    ["a shock that is not a number", { ...valid, shocks: { ETH: "-0.4" } }, /a shock is a number/],
    ["a lowercase asset", { ...valid, shocks: { eth: -0.4 } }, /not an asset such as BTC/],
    ["51 assets", { ...valid, shocks: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`A${i}`, -0.1])) }, /at most 50 assets/],
    ["an unknown key", { ...valid, leverage: 3 }, /leverage/],
    ["a long name", { ...valid, name: "x".repeat(81) }, /at most 80 characters/],
    ["a bad id", { ...valid, id: "Bad Id!" }, /scenario id/],
    ["a correlation above 1", { ...valid, correlation: 1.5 }, /between 0 and 1/],
    ["a bad venue", { ...valid, venueOutage: ["Binance!"] }, /venue id/],
  ])("when the scenario has %s then refuses it with a clear message", (_, input, message) => {
    const result = stressScenarioSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(messages(result)).toMatch(message);
  });

  it("when a request names a scenario then resolves it", () => {
    const request = stressRequestSchema.parse({ scenario: "btc_crash" });
    expect(scenarioOf(request).shocks).toEqual({ BTC: -0.2 });
  });

  it("when a request carries a custom scenario then resolves to it", () => {
    const request = stressRequestSchema.parse({ custom: valid });
    expect(scenarioOf(request).id).toBe("eth_crash");
  });

  it.each([
    ["an unknown scenario", { scenario: "meteor" }, /scenario is one of/],
    ["neither", {}, /either scenario/],
    ["both", { scenario: "btc_crash", custom: valid }, /either scenario/],
    ["a bad custom scenario", { custom: { ...valid, shocks: { ETH: -2 } } }, /between -1/],
    ["an unknown key", { scenario: "btc_crash", extra: 1 }, /extra/],
  ])("when the request has %s then refuses it", (_, input, message) => {
    const result = stressRequestSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(messages(result)).toMatch(message);
  });
});
