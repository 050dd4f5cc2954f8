import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Candle, type Ticker, aggregateCandles } from "../core/market.js";
import type { VenueStep } from "../core/paper-venue/index.js";
import { clock } from "../durable-objects/clock.js";
import { venueStub } from "../durable-objects/stubs.js";
import { venueCandles } from "../durable-objects/venue-market.js";
import { VenueStore } from "../durable-objects/venue-store.js";
import { api } from "./helpers/api.js";

const DAY = 86_400_000;
const DAY_START = Math.floor(Date.now() / DAY) * DAY;
// Two hours and a half into the day: the market starts at the day's start, so there are live minutes to join.
const NOW = DAY_START + 2 * 3_600_000 + 30 * 60_000 + 15_000;
beforeAll(() => clock.freeze(NOW));
afterAll(() => clock.reset());

const spaced = (candles: readonly Candle[], stepMs: number) => candles.every((c, i) => i === 0 || c.openTimeMs - (candles[i - 1] as Candle).openTimeMs === stepMs);

describe("a paper venue's candles", () => {
  it("when 500 daily bars are asked for then the history fills them, ending at today's live bar", async () => {
    const res = await api("GET", "/api/markets/paper-binance/BTC-USD/candles?interval=1d&limit=500", { role: "viewer" });
    expect(res.status).toBe(200);
    const candles = res.body.candles as Candle[];
    expect(candles).toHaveLength(500);
    expect(spaced(candles, DAY)).toBe(true);
    expect(candles.at(-1)?.openTimeMs).toBe(DAY_START);
    const ticker = (await api("GET", "/api/markets/paper-binance/BTC-USD/ticker", { role: "viewer" })).body as Ticker;
    expect(candles.at(-1)?.close).toBe(ticker.last);
    expect(candles.every((c) => Number(c.volume) > 0 && Number(c.low) > 0)).toBe(true);
  });

  it("when 1,000 one-minute bars are asked for then the history and the recorded minutes join into one unbroken series", async () => {
    const res = await api("GET", "/api/markets/paper-kraken/ETH-USD/candles?interval=1m&limit=1000", { role: "viewer" });
    const candles = res.body.candles as Candle[];
    expect(candles).toHaveLength(1_000);
    expect(spaced(candles, 60_000)).toBe(true);
    expect(candles.at(-1)?.openTimeMs).toBe(Math.floor(NOW / 60_000) * 60_000);
    const live = candles.filter((c) => c.openTimeMs >= DAY_START);
    expect(live).toHaveLength(151);
    expect(live.every((c) => Number(c.volume) > 0)).toBe(true);
  });

  it("when more than 1,000 bars are asked for then the answer is a 400 and nothing is read", async () => {
    const res = await api("GET", "/api/markets/paper-binance/BTC-USD/candles?interval=1h&limit=1001", { role: "viewer" });
    expect(res.status).toBe(400);
  });
});

describe("a venue's market view", () => {
  it("when a decision cycle reads its symbols then each listed one comes with its candles and ticker, in one call", async () => {
    const view = await venueStub(env, "paper-coinbase").marketView(["BTC-USD", "SOL-USD", "DOGE-USD"], "1h", 100);
    expect(view).toMatchObject({ venue: "paper-coinbase", trading: "paper", interval: "1h" });
    expect(view.symbols.map((s) => s.symbol)).toEqual(["BTC-USD", "SOL-USD"]);
    for (const s of view.symbols) {
      expect(s.candles).toHaveLength(100);
      expect(spaced(s.candles, 3_600_000)).toBe(true);
      expect(s.candles.at(-1)?.openTimeMs).toBe(DAY_START + 2 * 3_600_000);
      expect(s.candles.at(-1)?.close).toBe(s.ticker?.last);
    }
  });
});

describe("a long-running venue's candles", () => {
  it("when minutes past retention are dropped then they live on as hourly rows and the hourly candles have no gap", async () => {
    const stub = venueStub(env, "paper-hyperliquid");
    await stub.candles("BTC-USD", "1m", 1);
    const out = await runInDurableObject(stub, (_instance, state) => {
      const store = new VenueStore(state.storage.sql);
      const recorded = store.candles("BTC-USD");
      const market = store.market();
      // Drop the first 90 recorded minutes as retention would (a desk that has run for days).
      const cut = (recorded[90] as Candle).openTimeMs;
      const step = { state: { market }, marketChanged: false, resting: [], orders: [], fills: [], candles: [], dropCandlesBeforeMs: { "BTC-USD": cut } } as unknown as VenueStep;
      state.storage.transactionSync(() => store.persist(step));
      return { recorded, kept: store.candles("BTC-USD"), hourly: store.hourlyCandles("BTC-USD", 0), candles: venueCandles(store, "paper-hyperliquid", market, "BTC-USD", "1h", 10) };
    });
    expect(out.kept).toEqual(out.recorded.slice(90));
    expect(out.hourly).toEqual(aggregateCandles(out.recorded.slice(0, 90), 3_600_000));
    // The first two hours read back exactly as when every minute was kept.
    expect(out.candles.filter((c) => c.openTimeMs >= DAY_START)).toEqual(aggregateCandles(out.recorded, 3_600_000));
    expect(spaced(out.candles, 3_600_000)).toBe(true);
  });
});

describe("the venue's cached bars", () => {
  it("when the clock moves on between calls then the cached bars answer exactly what reading every minute again answers", async () => {
    const stub = venueStub(env, "paper-kraken");
    await stub.candles("SOL-USD", "15m", 50);
    clock.freeze(NOW + 17 * 60_000 + 3_000);
    const cached = await stub.candles("SOL-USD", "15m", 50);
    // A new store object has no cache: it reads and aggregates every minute.
    const fresh = await runInDurableObject(stub, (_i, state) => {
      const store = new VenueStore(state.storage.sql);
      return venueCandles(store, "paper-kraken", store.market(), "SOL-USD", "15m", 50);
    });
    clock.freeze(NOW);
    expect(cached).toEqual(fresh);
    expect(cached?.at(-1)?.openTimeMs).toBe(Math.floor((NOW + 17 * 60_000) / 900_000) * 900_000);
  });
});
