import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MarketState } from "../core/market-sim.js";
import { clock } from "../durable-objects/clock.js";
import { venueStub } from "../durable-objects/stubs.js";
import type { Venue } from "../durable-objects/venue.js";
import { api } from "./helpers/api.js";
import { openSocket } from "./helpers/socket.js";

// The venues' clock stands still: the shifted venue and the others are compared at one moment.
beforeAll(() => clock.freeze(Date.now()));
afterAll(() => clock.reset());

describe("arbitrage", () => {
  it("when one venue trades 2% above the others then the scan finds buy-low/sell-high net of fees and publishes it once", async () => {
    const kraken = venueStub(env, "paper-kraken");
    await kraken.book("BTC-USD");
    await runInDurableObject(kraken as unknown as DurableObjectStub<Venue>, (instance: Venue) => {
      const v = instance as unknown as { market: MarketState };
      v.market = { ...v.market, prices: v.market.prices.map((p) => p * 1.02) };
    });
    const { socket } = await openSocket({ topics: "market:paper-kraken:BTC-USD" });
    if (!socket) throw new Error("no socket");
    const res = await api("GET", "/api/arbitrage", { role: "viewer" });
    expect(res.status).toBe(200);
    const btc = res.body.symbols.find((s: { symbol: string }) => s.symbol === "BTC-USD");
    const toKraken = btc.opportunities.filter((o: { sellVenueId: string }) => o.sellVenueId === "paper-kraken");
    expect(toKraken.length).toBeGreaterThan(0);
    for (const o of toKraken) expect(Number(o.expectedProfit)).toBeGreaterThan(0);
    await socket.waitFor((fs) => fs.some((f) => (f.event as { name?: string }).name === "cival.arbitrage.found"));
    const found = socket.frames.filter((f) => (f.event as { name?: string }).name === "cival.arbitrage.found");
    // Looking again: the same opportunities are not news.
    await api("GET", "/api/arbitrage", { role: "viewer" });
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.frames.filter((f) => (f.event as { name?: string }).name === "cival.arbitrage.found").length).toBe(found.length);
    socket.close();
  });
});
