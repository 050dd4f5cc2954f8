import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Candle, Ticker } from "../core/market.js";
import { clock } from "../durable-objects/clock.js";
import { venueStub } from "../durable-objects/stubs.js";
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
