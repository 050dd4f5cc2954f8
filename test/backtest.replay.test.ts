import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type BacktestConfig, backtestConfigSchema, prepare, runAgainst, runInMemory } from "../core/backtest/index.js";
import type { CandleSeries } from "../core/candles/series.js";
import { replayVenueStub } from "../durable-objects/stubs.js";
import { walkSeries } from "./helpers/candles.js";

/**
 * The claim that matters most of a backtest: it trades as the desk's paper venue would. The same
 * loop runs twice over the same candles, once answered by the paper venue's machine in memory and
 * once by a Venue object (a replay venue, through its SQLite storage); the trades must be the same,
 * fill for fill, to the last digit.
 */
async function both(config: BacktestConfig, series: readonly CandleSeries[], run: string) {
  const memory = runInMemory(prepare(config, series, {}));
  const venues = new Map(series.map((_, k) => [config.venues?.[k] ?? config.venueId, replayVenueStub(env, config.venues?.[k] ?? config.venueId, run)]));
  const object = await runAgainst(prepare(config, series, {}), (req) => venues.get(req.venueId)!.replay(req));
  return { memory, object, venues };
}

const config = (over: Record<string, unknown>): BacktestConfig => backtestConfigSchema.parse(over) as BacktestConfig;

describe("a backtest and a replay through a Venue object", () => {
  it("when mean reversion trades market orders on the same candles then both make the same fills", async () => {
    const series = [walkSeries("BTC-USD", 500, { seed: 31, vol: 0.02 })];
    const { memory, object } = await both(config({ strategy: "mean-reversion" }), series, "mr");
    expect(memory.trades.length).toBeGreaterThan(4);
    expect(object.trades).toEqual(memory.trades);
    expect(object.account.cashDecimal().toFixed()).toBe(memory.account.cashDecimal().toFixed());
    expect(Array.from(object.equity)).toEqual(Array.from(memory.equity));
  });

  it("when market making rests quotes, requotes and cancels then both make the same fills and the object holds the same orders", async () => {
    const series = [walkSeries("BTC-USD", 300, { seed: 32, vol: 0.01, intervalMs: 60_000 })];
    const { memory, object, venues } = await both(config({ strategy: "market-making", params: { requoteBp: 2 } }), series, "mm");
    const makers = memory.trades.filter((t) => t.liquidity === "maker");
    expect(makers.length).toBeGreaterThan(4);
    expect(object.trades).toEqual(memory.trades);
    const stub = venues.get("paper-binance")!;
    const fills = await stub.fills("backtest", 10_000);
    expect(fills.map((f) => f.fillId).sort()).toEqual(memory.trades.map((t) => t.fillId).sort());
    // A replay venue keeps its fills to itself and sets no alarm.
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it("when pairs trade two symbols at one venue then both make the same fills", async () => {
    const btc = walkSeries("BTC-USD", 400, { seed: 33, vol: 0.02 });
    const eth = walkSeries("ETH-USD", 400, { seed: 33, vol: 0.02, start: 2_000 });
    const { memory, object } = await both(config({ strategy: "pairs", params: { lookback: 50, entryZ: 1.2, minCorrelation: 0 } }), [btc, eth], "pairs");
    expect(new Set(memory.trades.map((t) => t.symbol))).toEqual(new Set(["BTC-USD", "ETH-USD"]));
    expect(object.trades).toEqual(memory.trades);
  });
});
