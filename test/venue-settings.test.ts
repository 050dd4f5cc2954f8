import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { clock } from "../durable-objects/clock.js";
import { app } from "../worker/app.js";
import { api, token } from "./helpers/api.js";

afterEach(() => vi.restoreAllMocks());
// The venues' clock stands a minute into the day: a synthetic market starts at the day's start and
// has little to catch up, so the fallback to it is quick whatever the hour.
beforeAll(() => clock.freeze(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 60_000));
afterAll(() => clock.reset());

const realFetch = globalThis.fetch;

/** Answers Binance's documented depth response for BTCUSDT; everything else goes on as usual. */
function fakeBinance(calls: string[]) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== "binance.test") return realFetch(input, init);
    calls.push(`${url.pathname}?${url.searchParams}`);
    return new Response(JSON.stringify({ lastUpdateId: 1027024, bids: [["64000.10000000", "0.50000000"], ["64000.00000000", "1.20000000"]], asks: [["64000.20000000", "0.40000000"], ["64001.00000000", "2.00000000"]] }), {
      headers: { "Content-Type": "application/json" },
    });
  });
}

describe("venue settings", () => {
  it("when a venue is new then its prices are synthetic and it holds no keys", async () => {
    const res = await api("GET", "/api/venues/paper-binance", { role: "viewer" });
    expect(res.status).toBe(200);
    expect(res.body.venue).toMatchObject({ id: "paper-binance", exchange: "binance", marketSource: "synthetic", hasKeys: false, lastLive: null });
  });

  it("when an admin switches a venue to live prices then its book is the exchange's, and fills stay simulated", async () => {
    const calls: string[] = [];
    fakeBinance(calls);
    const set = await api("PUT", "/api/venues/paper-binance/settings", { body: { marketSource: "live", baseUrl: "https://binance.test" } });
    expect(set.status).toBe(200);
    const book = (await api("GET", "/api/markets/paper-binance/BTC-USD/book", { role: "viewer" })).body;
    expect(book.symbol).toBe("BTC-USD");
    expect(book.bids[0]).toEqual({ price: "64000.1", size: "0.5" });
    expect(book.asks[0]).toEqual({ price: "64000.2", size: "0.4" });
    expect(calls[0]).toMatch(/^\/api\/v3\/depth\?symbol=BTCUSDT&limit=20$/);
    const settings = (await api("GET", "/api/venues/paper-binance", { role: "viewer" })).body.venue;
    expect(settings.lastLive.ok).toBe(true);
    // An order fills against the exchange's book, in the paper venue.
    await api("POST", "/api/desk/seed");
    const order = await api("POST", "/api/orders", { role: "trader", body: { agent: "agent:marcus-momentum", venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.1" } });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect(order.body.order.order.averagePrice).toBe("64000.2");
    // It seeds a whole desk on the way (about 5 s on a loaded machine): more than the default 5 s.
  }, 20_000);

  it("when the exchange cannot be reached then the venue says so and prices come from the synthetic market", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("getaddrinfo ENOTFOUND"));
    await api("PUT", "/api/venues/paper-kraken/settings", { body: { marketSource: "live", baseUrl: "https://kraken.test" } });
    const book = await api("GET", "/api/markets/paper-kraken/ETH-USD/book", { role: "viewer" });
    expect(book.status).toBe(200);
    expect(book.body.bids.length).toBe(20);
    const settings = (await api("GET", "/api/venues/paper-kraken", { role: "viewer" })).body.venue;
    expect(settings.lastLive.ok).toBe(false);
    expect(settings.lastLive.message).toMatch(/could not be reached.*synthetic market/);
  });

  it.each([
    ["a trader", "trader", { marketSource: "live" }, 403],
    ["an unknown source", "admin", { marketSource: "magic" }, 400],
    ["a non-URL base", "admin", { marketSource: "live", baseUrl: "javascript:alert(1)" }, 400],
  ] as const)("when %s changes settings then it is refused", async (_what, role, body, status) => {
    expect((await api("PUT", "/api/venues/paper-coinbase/settings", { role, body })).status).toBe(status);
  });

  it("when keys are stored then they are sealed, never returned, and need the secret and the admin role", async () => {
    // CDP's Ed25519 form: base64 of the RFC 8032 test seed followed by its public key.
    const secret = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==";
    const body = { credentials: { keyName: "k-123", privateKeyPem: secret } };
    expect((await api("PUT", "/api/venues/paper-coinbase/keys", { role: "trader", body })).status).toBe(403);
    const noSecret = { ...env, VENUE_KEYS_SECRET: undefined };
    const refused = await app.request("/api/venues/paper-coinbase/keys", { method: "PUT", headers: { Authorization: `Bearer ${await token("admin")}`, "Content-Type": "application/json" }, body: JSON.stringify(body) }, noSecret);
    expect(refused.status).toBe(503);
    const res = await app.request("/api/venues/paper-coinbase/keys", { method: "PUT", headers: { Authorization: `Bearer ${await token("admin")}`, "Content-Type": "application/json" }, body: JSON.stringify(body) }, env);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(secret);
    expect(JSON.parse(text).venue.hasKeys).toBe(true);
    const read = await api("GET", "/api/venues/paper-coinbase", { role: "admin" });
    expect(JSON.stringify(read.body)).not.toContain(secret.slice(0, 16));
    expect((await api("PUT", "/api/venues/paper-coinbase/keys", { body: { credentials: {} } })).status).toBe(400);
  });

  it("when a venue's keys are not the kind its exchange reads then they are refused with 400 naming the field, and nothing is stored", async () => {
    const wrong = await api("PUT", "/api/venues/paper-coinbase/keys", { body: { credentials: { keyName: "k", privateKeyPem: "c2hvcnQ=" } } });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toMatch(/privateKeyPem: .*5 bytes, expected 64/);
    const binance = await api("PUT", "/api/venues/paper-binance/keys", { body: { credentials: { apiKey: "k", privateKeyPem: "not a pem" } } });
    expect(binance.status).toBe(400);
    expect(JSON.stringify(binance.body)).toMatch(/no PEM block 'PRIVATE KEY'/);
    expect((await api("GET", "/api/venues/paper-binance", { role: "admin" })).body).toMatchObject({ venue: { hasKeys: false } });
  });
});
