import { describe, expect, it } from "vitest";
import type { OrderRequest } from "../../../core/market.js";
import { BinanceClient, depthWeight, signBinance } from "../../../adapters/exchanges/binance.js";
import { ExchangeError } from "../../../adapters/exchanges/errors.js";
import { FixedWindowLimiter } from "../../../adapters/exchanges/rate-limit.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ed25519Pkcs8, newEd25519, pkcs8Pem } from "./ed25519-keys.js";
import { type Seen, fakeClock, fakeFetch, hang, hmacHex, json } from "./fakes.js";

const BASE = "https://api.binance.test";
// The key pair from Binance's "SIGNED Endpoint Examples for POST /api/v3/order".
const API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const T0 = 1_499_827_319_559;

function client(route: Parameters<typeof fakeFetch>[0], extra: Partial<ConstructorParameters<typeof BinanceClient>[0]> = {}) {
  const f = fakeFetch(route);
  const clock = fakeClock(T0);
  const c = new BinanceClient({
    baseUrl: BASE,
    fetch: f.fetch,
    credentials: { apiKey: API_KEY, apiSecret: SECRET },
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    ...extra,
  });
  return { c, f, clock };
}

const limitBuy: OrderRequest = {
  clientOrderId: "myOrder1",
  symbol: "LTC-BTC",
  side: "buy",
  type: "limit",
  quantity: "1",
  price: "0.1",
  timeInForce: "gtc",
};

// GET /api/v3/order, as documented.
const documentedOrder = {
  symbol: "LTCBTC",
  orderId: 1,
  orderListId: -1,
  clientOrderId: "myOrder1",
  price: "0.1",
  origQty: "1.0",
  executedQty: "0.0",
  cummulativeQuoteQty: "0.0",
  status: "NEW",
  timeInForce: "GTC",
  type: "LIMIT",
  side: "BUY",
  stopPrice: "0.0",
  icebergQty: "0.0",
  time: 1499827319559,
  updateTime: 1499827319559,
  isWorking: true,
  workingTime: 1499827319559,
  origQuoteOrderQty: "0.000000",
  selfTradePreventionMode: "NONE",
};

async function expectSigned(req: Seen): Promise<void> {
  const qs = req.url.search.slice(1);
  const at = qs.lastIndexOf("&signature=");
  expect(at).toBeGreaterThan(0);
  expect(qs.slice(at + "&signature=".length)).toBe(await hmacHex("SHA-256", new TextEncoder().encode(SECRET), qs.slice(0, at)));
  expect(req.headers.get("X-MBX-APIKEY")).toBe(API_KEY);
  expect(req.url.searchParams.get("recvWindow")).toBe("5000");
  expect(req.url.searchParams.get("timestamp")).toBe(String(T0));
}

describe("Binance signing", () => {
  it("when signing the documented LTCBTC query then the signature matches Binance's worked example", async () => {
    const query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    expect(await signBinance(SECRET, query)).toBe("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
  });

  it("when signing the documented mixed query and body then the signature matches example 3", async () => {
    const total = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    expect(await signBinance(SECRET, total)).toBe("0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77");
  });
});

describe("Binance market data", () => {
  it("when asked for a ticker then it reads bookTicker and price for the mapped symbol", async () => {
    const { c, f } = client((req) =>
      req.url.pathname === "/api/v3/ticker/bookTicker"
        ? json({ symbol: "LTCBTC", bidPrice: "4.00000000", bidQty: "431.00000000", askPrice: "4.00000200", askQty: "9.00000000" })
        : json({ symbol: "LTCBTC", price: "4.00000200" }),
    );
    const t = await c.ticker("LTC-BTC");
    expect(t).toEqual({ symbol: "LTC-BTC", bid: "4", ask: "4.000002", last: "4.000002", timeMs: T0 });
    expect(f.seen.map((s) => `${s.method} ${s.url.pathname}${s.url.search}`).sort()).toEqual([
      "GET /api/v3/ticker/bookTicker?symbol=LTCBTC",
      "GET /api/v3/ticker/price?symbol=LTCBTC",
    ]);
    expect(f.seen.every((s) => s.headers.get("X-MBX-APIKEY") === null)).toBe(true);
  });

  it("when asked for a book then it sends depth with the limit and keeps decimal strings exact", async () => {
    const { c, f } = client(() => json({ lastUpdateId: 1027024, bids: [["4.00000000", "431.00000000"]], asks: [["4.00000200", "12.00000000"]] }));
    const b = await c.book("LTC-BTC", 5);
    expect(f.seen[0]!.url.search).toBe("?symbol=LTCBTC&limit=5");
    expect(b).toEqual({ symbol: "LTC-BTC", bids: [{ price: "4", size: "431" }], asks: [{ price: "4.000002", size: "12" }], timeMs: T0 });
  });

  it("when asked for candles then it sends klines and maps the documented row", async () => {
    const { c, f } = client(() =>
      json([[1499040000000, "0.01634790", "0.80000000", "0.01575800", "0.01577100", "148976.11427815", 1499644799999, "2434.19055334", 308, "1756.87402397", "28.46694368", "0"]]),
    );
    const candles = await c.candles("LTC-BTC", "1h", 1);
    expect(f.seen[0]!.url.search).toBe("?symbol=LTCBTC&interval=1h&limit=1");
    expect(candles).toEqual([{ openTimeMs: 1499040000000, open: "0.0163479", high: "0.8", low: "0.015758", close: "0.015771", volume: "148976.11427815" }]);
  });

  it("when the symbol is not in the map then nothing is sent", async () => {
    const { c, f } = client(() => json({}));
    await expect(c.ticker("DOGE-EUR")).rejects.toMatchObject({ code: "unknown_symbol" });
    expect(f.seen).toHaveLength(0);
  });
});

describe("Binance account", () => {
  it("when reading balances then GET /api/v3/account is signed and balances are exact", async () => {
    const { c, f } = client(() =>
      json({ balances: [{ asset: "BTC", free: "4723846.89208129", locked: "0.00000000" }, { asset: "LTC", free: "4763368.68006011", locked: "1.50000000" }] }),
    );
    expect(await c.balances()).toEqual([
      { asset: "BTC", free: "4723846.89208129", locked: "0" },
      { asset: "LTC", free: "4763368.68006011", locked: "1.5" },
    ]);
    const req = f.seen[0]!;
    expect(req.method).toBe("GET");
    expect(req.url.pathname).toBe("/api/v3/account");
    await expectSigned(req);
  });

  it("when placing a limit order then POST /api/v3/order carries the documented parameters, signed", async () => {
    const { c, f } = client(() =>
      json({ ...documentedOrder, transactTime: T0, fills: [] }),
    );
    const order = await c.placeOrder(limitBuy);
    const req = f.seen[0]!;
    expect(req.method).toBe("POST");
    expect(req.url.pathname).toBe("/api/v3/order");
    expect(req.url.search).toMatch(
      /^\?symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0\.1&newClientOrderId=myOrder1&newOrderRespType=FULL&recvWindow=5000&timestamp=1499827319559&signature=[0-9a-f]{64}$/,
    );
    await expectSigned(req);
    expect(order).toEqual({
      clientOrderId: "myOrder1",
      venueOrderId: "1",
      symbol: "LTC-BTC",
      side: "buy",
      type: "limit",
      timeInForce: "gtc",
      price: "0.1",
      quantity: "1",
      filledQuantity: "0",
      averagePrice: "0",
      status: "open",
      updatedAtMs: 1499827319559,
    });
  });

  it("when a market order fills in several trades then the average price comes from the fills", async () => {
    const { c, f } = client(() =>
      json({
        symbol: "BTCUSDT",
        orderId: 28,
        orderListId: -1,
        clientOrderId: "6gCrw2kRUAF9CvJDGP16IP",
        transactTime: 1507725176595,
        price: "0.00000000",
        origQty: "10.00000000",
        executedQty: "10.00000000",
        cummulativeQuoteQty: "10.00000000",
        status: "FILLED",
        timeInForce: "GTC",
        type: "MARKET",
        side: "SELL",
        workingTime: 1507725176595,
        selfTradePreventionMode: "NONE",
        fills: [
          { price: "4000.00000000", qty: "1.00000000", commission: "4.00000000", commissionAsset: "USDT", tradeId: 56 },
          { price: "3999.00000000", qty: "5.00000000", commission: "19.99500000", commissionAsset: "USDT", tradeId: 57 },
          { price: "3998.00000000", qty: "2.00000000", commission: "7.99600000", commissionAsset: "USDT", tradeId: 58 },
          { price: "3997.00000000", qty: "1.00000000", commission: "3.99700000", commissionAsset: "USDT", tradeId: 59 },
          { price: "3995.00000000", qty: "1.00000000", commission: "3.99500000", commissionAsset: "USDT", tradeId: 60 },
        ],
      }),
    );
    const order = await c.placeOrder({ clientOrderId: "6gCrw2kRUAF9CvJDGP16IP", symbol: "BTC-USDT", side: "sell", type: "market", quantity: "10", price: null, timeInForce: "ioc" });
    expect(f.seen[0]!.url.searchParams.get("type")).toBe("MARKET");
    expect(f.seen[0]!.url.searchParams.has("timeInForce")).toBe(false);
    expect(f.seen[0]!.url.searchParams.has("price")).toBe(false);
    expect(order).toMatchObject({ status: "filled", filledQuantity: "10", averagePrice: "3998.3", price: null, type: "market" });
  });

  it("when placing post-only then the order type is LIMIT_MAKER without a time in force", async () => {
    const { c, f } = client(() => json({ ...documentedOrder, type: "LIMIT_MAKER", transactTime: T0 }));
    const order = await c.placeOrder({ ...limitBuy, timeInForce: "post_only" });
    expect(f.seen[0]!.url.searchParams.get("type")).toBe("LIMIT_MAKER");
    expect(f.seen[0]!.url.searchParams.has("timeInForce")).toBe(false);
    expect(order.timeInForce).toBe("post_only");
  });

  it("when the balance is insufficient (-2010) then it is insufficient_funds and not retried", async () => {
    const { c, f } = client(() => json({ code: -2010, msg: "Account has insufficient balance for requested action." }, { status: 400 }));
    const error = await c.placeOrder(limitBuy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error).toMatchObject({ code: "insufficient_funds", info: { status: 400, venueCode: "-2010" } });
    expect(f.seen).toHaveLength(1);
  });

  it("when the client order id is already in use then the first order is the answer", async () => {
    const { c, f } = client((req) => (req.method === "POST" ? json({ code: -2010, msg: "Duplicate order sent." }, { status: 400 }) : json(documentedOrder)));
    expect(await c.placeOrder(limitBuy)).toMatchObject({ clientOrderId: "myOrder1", venueOrderId: "1", status: "open" });
    expect(f.calls("/api/v3/order", "POST")).toHaveLength(1);
  });

  it("when a filter fails then it is invalid_order", async () => {
    const { c } = client(() => json({ code: -1013, msg: "Filter failure: LOT_SIZE" }, { status: 400 }));
    await expect(c.placeOrder(limitBuy)).rejects.toMatchObject({ code: "invalid_order", info: { venueCode: "-1013" } });
  });

  it("when the API key is rejected then it is auth", async () => {
    const { c } = client(() => json({ code: -2015, msg: "Invalid API-key, IP, or permissions for action." }, { status: 401 }));
    await expect(c.balances()).rejects.toMatchObject({ code: "auth" });
  });

  it("when the exchange does not know the order (-2013) then getOrder answers null", async () => {
    const { c, f } = client(() => json({ code: -2013, msg: "Order does not exist." }, { status: 400 }));
    expect(await c.getOrder("LTC-BTC", "myOrder1")).toBeNull();
    expect(f.seen[0]!.url.searchParams.get("origClientOrderId")).toBe("myOrder1");
    await expectSigned(f.seen[0]!);
  });

  it("when getOrder finds the order then it is mapped", async () => {
    const { c } = client(() => json({ ...documentedOrder, executedQty: "0.4", cummulativeQuoteQty: "0.04" }));
    expect(await c.getOrder("LTC-BTC", "myOrder1")).toMatchObject({ status: "partially_filled", filledQuantity: "0.4", averagePrice: "0.1" });
  });

  it("when cancelling then DELETE carries origClientOrderId; an unknown order is not_open", async () => {
    const { c, f } = client((_req, i) => (i === 0 ? json({ ...documentedOrder, status: "CANCELED" }) : json({ code: -2011, msg: "Unknown order sent." }, { status: 400 })));
    expect(await c.cancelOrder("LTC-BTC", "myOrder1")).toBe("cancelled");
    expect(await c.cancelOrder("LTC-BTC", "myOrder1")).toBe("not_open");
    expect(f.seen[0]!.method).toBe("DELETE");
    expect(f.seen[0]!.url.searchParams.get("origClientOrderId")).toBe("myOrder1");
    await expectSigned(f.seen[0]!);
  });

  it("when listing open orders then orders on unmapped symbols are left out", async () => {
    const { c, f } = client(() => json([documentedOrder, { ...documentedOrder, symbol: "XYZABC" }]));
    const orders = await c.openOrders();
    expect(orders.map((o) => o.symbol)).toEqual(["LTC-BTC"]);
    expect(f.seen[0]!.url.pathname).toBe("/api/v3/openOrders");
  });

  it("when our client order id is not one Binance accepts then a stable digest is sent and mapped back", async () => {
    const long = "agent:marcus-momentum/cycle:2026-11-24T10:00:00Z/1";
    const { c, f } = client((req) => json({ ...documentedOrder, clientOrderId: req.url.searchParams.get("newClientOrderId") }));
    const order = await c.placeOrder({ ...limitBuy, clientOrderId: long });
    const sent = f.seen[0]!.url.searchParams.get("newClientOrderId")!;
    expect(sent).toMatch(/^[a-f0-9]{32}$/);
    expect(order.clientOrderId).toBe(long);
  });
});

describe("Binance unknown outcomes", () => {
  it("when an order placement gets a 5xx then it is looked up by client order id and never re-sent", async () => {
    const { c, f } = client((req) =>
      req.method === "POST" ? json({ code: -1000, msg: "An unknown error occurred while processing the request." }, { status: 503 }) : json(documentedOrder),
    );
    const order = await c.placeOrder(limitBuy);
    expect(f.calls("/api/v3/order", "POST")).toHaveLength(1);
    expect(f.calls("/api/v3/order", "GET")).toHaveLength(1);
    expect(f.calls("/api/v3/order", "GET")[0]!.url.searchParams.get("origClientOrderId")).toBe("myOrder1");
    expect(order).toMatchObject({ clientOrderId: "myOrder1", status: "open", venueOrderId: "1" });
  });

  it("when an order placement times out then it is looked up, not re-sent", async () => {
    const { c, f } = client((req) => (req.method === "POST" ? hang(req) : json({ ...documentedOrder, status: "FILLED", executedQty: "1", cummulativeQuoteQty: "0.1" })), {
      timeoutMs: 20,
    });
    const order = await c.placeOrder(limitBuy);
    expect(f.calls("/api/v3/order", "POST")).toHaveLength(1);
    expect(order).toMatchObject({ status: "filled", filledQuantity: "1", averagePrice: "0.1" });
  });

  it("when the lookup never finds the order then the answer is status unknown, still sent once", async () => {
    const { c, f } = client((req) => (req.method === "POST" ? hang(req) : json({ code: -2013, msg: "Order does not exist." }, { status: 400 })), {
      timeoutMs: 20,
      unknownOutcomeLookups: 3,
    });
    const order = await c.placeOrder(limitBuy);
    expect(order).toMatchObject({ clientOrderId: "myOrder1", status: "unknown", venueOrderId: null, filledQuantity: "0" });
    expect(f.calls("/api/v3/order", "POST")).toHaveLength(1);
    expect(f.calls("/api/v3/order", "GET")).toHaveLength(3);
  });
});

describe("Binance rate limits", () => {
  it("when a GET is answered 429 then it waits Retry-After and retries", async () => {
    const { c, f, clock } = client((_req, i) => (i === 0 ? json({ code: -1003, msg: "Too many requests" }, { status: 429, headers: { "Retry-After": "7" } }) : json([])));
    expect(await c.openOrders("LTC-BTC")).toEqual([]);
    expect(f.seen).toHaveLength(2);
    expect(clock.sleeps.some((ms) => ms >= 7000)).toBe(true);
  });

  it("when an order is answered 429 then it is rate_limited and not retried", async () => {
    const { c, f } = client(() => json({ code: -1015, msg: "Too many new orders." }, { status: 429, headers: { "Retry-After": "1" } }));
    await expect(c.placeOrder(limitBuy)).rejects.toMatchObject({ code: "rate_limited", info: { retryAfterMs: 1000 } });
    expect(f.seen).toHaveLength(1);
  });

  it("when banned (418) with a long Retry-After then the GET is not retried and later calls wait the ban out", async () => {
    const { c, f, clock } = client((_req, i) => (i === 0 ? json({ code: -1003, msg: "banned" }, { status: 418, headers: { "Retry-After": "120" } }) : json([])));
    await expect(c.openOrders("LTC-BTC")).rejects.toMatchObject({ code: "rate_limited", info: { status: 418, retryAfterMs: 120_000 } });
    expect(f.seen).toHaveLength(1);
    await c.openOrders("LTC-BTC");
    expect(clock.now()).toBeGreaterThanOrEqual(T0 + 120_000);
  });

  it("when the used weight header says the minute is spent then the next request waits for the next minute", async () => {
    const start = 1_700_000_000_000 - (1_700_000_000_000 % 60_000) + 10_000;
    const f = fakeFetch(() => json([], { headers: { "X-MBX-USED-WEIGHT-1M": "5999" } }));
    const clock = fakeClock(start);
    const c = new BinanceClient({ baseUrl: BASE, fetch: f.fetch, credentials: { apiKey: API_KEY, apiSecret: SECRET }, now: clock.now, sleep: clock.sleep });
    await c.openOrders("LTC-BTC");
    expect(clock.sleeps).toEqual([]);
    await c.openOrders("LTC-BTC");
    expect(clock.sleeps).toEqual([50_000]);
    expect(f.seen).toHaveLength(2);
  });

  it("when depth is heavier then it costs more weight, per the documented table", () => {
    expect([1, 100, 101, 500, 501, 1000, 1001, 5000].map(depthWeight)).toEqual([5, 5, 25, 25, 50, 50, 250, 250]);
  });

  it("when two clients share one limiter then their weight adds up", async () => {
    const clock = fakeClock(60_000 * 1000);
    const shared = new FixedWindowLimiter(clock, 10, 60_000);
    const f = fakeFetch(() => json([]));
    const make = () => new BinanceClient({ baseUrl: BASE, fetch: f.fetch, credentials: { apiKey: API_KEY, apiSecret: SECRET }, now: clock.now, sleep: clock.sleep, weightLimiter: shared });
    await make().openOrders("LTC-BTC");
    await make().openOrders("LTC-BTC");
    expect(clock.sleeps).toEqual([60_000]);
  });
});

describe("Binance with an Ed25519 key", () => {
  // The API key from Binance's Ed25519 example; the private key is ours (Binance does not publish its own).
  const ED_API_KEY = "4yNzx3yWC5bS6YTwEkSRaC0nRmSQIIStAUOh1b6kqaBrTLIhjCpI5lJH8q8R8WNO";

  it("when the credentials hold privateKeyPem then the order's query string is signed Ed25519, base64, percent-encoded last", async () => {
    const ed = newEd25519();
    const { c, f } = client(() => json({ ...documentedOrder, transactTime: T0, fills: [] }), { credentials: { apiKey: ED_API_KEY, privateKeyPem: pkcs8Pem(ed25519Pkcs8(ed.seed)) } });
    await c.placeOrder(limitBuy);
    const req = f.seen[0]!;
    const qs = req.url.search.slice(1);
    const at = qs.lastIndexOf("&signature=");
    const payload = qs.slice(0, at);
    expect(payload).toBe("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&newClientOrderId=myOrder1&newOrderRespType=FULL&recvWindow=5000&timestamp=1499827319559");
    const sent = qs.slice(at + "&signature=".length);
    expect(sent).toMatch(/^[A-Za-z0-9%]+$/);
    const signature = Uint8Array.from(atob(decodeURIComponent(sent)), (ch) => ch.charCodeAt(0));
    expect(ed25519.verify(signature, new TextEncoder().encode(payload), ed.publicKey)).toBe(true);
    expect(req.headers.get("X-MBX-APIKEY")).toBe(ED_API_KEY);
  });

  it("when the Ed25519 key cannot be read then the signed call fails as auth and nothing is sent", async () => {
    const { c, f } = client(() => json({ balances: [] }), { credentials: { apiKey: ED_API_KEY, privateKeyPem: "not a pem" } });
    const error = await c.balances().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error).toMatchObject({ code: "auth" });
    expect((error as Error).message).toMatch(/no PEM block 'PRIVATE KEY'/);
    expect(f.seen).toHaveLength(0);
  });
});
