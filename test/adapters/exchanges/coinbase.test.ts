import { beforeAll, describe, expect, it } from "vitest";
import type { OrderRequest } from "../../../core/market.js";
import { CoinbaseClient } from "../../../adapters/exchanges/coinbase.js";
import { type Seen, fakeClock, fakeFetch, hang, json } from "./fakes.js";
import { cdpSecret, newEd25519, verifyEdJwt } from "./ed25519-keys.js";
import { newP256, verifyJwt } from "./p256.js";

const BASE = "https://api.coinbase.test";
const KEY_NAME = "organizations/org-1/apiKeys/key-1";
const T0 = Date.parse("2026-11-24T10:00:00Z");
let key: Awaited<ReturnType<typeof newP256>>;

beforeAll(async () => {
  key = await newP256();
});

function client(route: Parameters<typeof fakeFetch>[0], extra: Partial<ConstructorParameters<typeof CoinbaseClient>[0]> = {}) {
  const f = fakeFetch(route);
  const clock = fakeClock(T0);
  const c = new CoinbaseClient({ baseUrl: BASE, fetch: f.fetch, credentials: { keyName: KEY_NAME, privateKeyPem: key.sec1Pem }, now: clock.now, sleep: clock.sleep, random: () => 0.5, ...extra });
  return { c, f, clock };
}

async function expectJwt(req: Seen): Promise<void> {
  const auth = req.headers.get("Authorization") ?? "";
  expect(auth).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  const { header, claims, valid } = await verifyJwt(auth.slice("Bearer ".length), key.publicKey);
  expect(valid).toBe(true);
  expect(header).toMatchObject({ alg: "ES256", kid: KEY_NAME });
  expect(typeof header.nonce).toBe("string");
  expect(claims).toEqual({ sub: KEY_NAME, iss: "cdp", nbf: T0 / 1000, exp: T0 / 1000 + 120, uri: `${req.method} api.coinbase.test${req.url.pathname}` });
}

const limitBuy: OrderRequest = { clientOrderId: "cyc-7", symbol: "BTC-USD", side: "buy", type: "limit", quantity: "0.001", price: "10000.00", timeInForce: "gtc" };

const documentedOrder = {
  order_id: "0000-000000-000000",
  product_id: "BTC-USD",
  user_id: "2222-000000-000000",
  order_configuration: { limit_limit_gtc: { base_size: "0.001", limit_price: "10000.00", post_only: false } },
  side: "BUY",
  client_order_id: "cyc-7",
  status: "OPEN",
  time_in_force: "GOOD_UNTIL_CANCELLED",
  created_time: "2021-05-31T09:59:59.000Z",
  completion_percentage: "50",
  filled_size: "0.0005",
  average_filled_price: "9999.50",
  fee: "",
  number_of_fills: "2",
  filled_value: "4.99975",
  pending_cancel: false,
  size_in_quote: false,
  total_fees: "0.03",
  size_inclusive_of_fees: false,
  total_value_after_fees: "5.02975",
  trigger_status: "INVALID_ORDER_TYPE",
  order_type: "LIMIT",
  reject_reason: "",
  settled: false,
  product_type: "SPOT",
  reject_message: "",
  cancel_message: "",
  order_placement_source: "RETAIL_ADVANCED",
  outstanding_hold_amount: "5.00",
  is_liquidation: false,
  last_fill_time: "2021-05-31T10:00:01.000Z",
};

describe("Coinbase market data", () => {
  it("when asked for a ticker then the public ticker endpoint is called without credentials", async () => {
    const { c, f } = client(() =>
      json({
        trades: [{ trade_id: "34b080bf", product_id: "BTC-USD", price: "140.91", size: "4", time: "2021-05-31T09:59:59.000Z", side: "BUY", bid: "291.13", ask: "292.40" }],
        best_bid: "291.13",
        best_ask: "292.40",
      }),
    );
    expect(await c.ticker("BTC-USD")).toEqual({ symbol: "BTC-USD", bid: "291.13", ask: "292.4", last: "140.91", timeMs: Date.parse("2021-05-31T09:59:59.000Z") });
    const req = f.seen[0]!;
    expect(`${req.method} ${req.url.pathname}${req.url.search}`).toBe("GET /api/v3/brokerage/market/products/BTC-USD/ticker?limit=1");
    expect(req.headers.get("Authorization")).toBeNull();
  });

  it("when asked for a book then product_book gets product_id and limit", async () => {
    const { c, f } = client(() =>
      json({ pricebook: { product_id: "BTC-USD", bids: [{ price: "100.10", size: "2" }], asks: [{ price: "100.20", size: "0.50" }], time: "2021-05-31T09:59:59.000Z" }, last: "100.15" }),
    );
    expect(await c.book("BTC-USD", 1)).toEqual({ symbol: "BTC-USD", bids: [{ price: "100.1", size: "2" }], asks: [{ price: "100.2", size: "0.5" }], timeMs: Date.parse("2021-05-31T09:59:59.000Z") });
    expect(f.seen[0]!.url.pathname + f.seen[0]!.url.search).toBe("/api/v3/brokerage/market/product_book?product_id=BTC-USD&limit=1");
  });

  it("when asked for candles then start/end/granularity are sent and rows come back oldest first", async () => {
    const { c, f } = client(() =>
      json({
        candles: [
          { start: "1639512000", low: "140.21", high: "141", open: "140.5", close: "140.9", volume: "10" },
          { start: "1639508400", low: "140.01", high: "140.8", open: "140.1", close: "140.5", volume: "56437345" },
        ],
      }),
    );
    const candles = await c.candles("BTC-USD", "1h", 2);
    const q = f.seen[0]!.url.searchParams;
    expect(f.seen[0]!.url.pathname).toBe("/api/v3/brokerage/market/products/BTC-USD/candles");
    expect([q.get("start"), q.get("end"), q.get("granularity"), q.get("limit")]).toEqual([String(T0 / 1000 - 7200), String(T0 / 1000), "ONE_HOUR", "2"]);
    expect(candles.map((k) => k.openTimeMs)).toEqual([1639508400000, 1639512000000]);
    expect(candles[0]).toEqual({ openTimeMs: 1639508400000, open: "140.1", high: "140.8", low: "140.01", close: "140.5", volume: "56437345" });
  });
});

describe("Coinbase account", () => {
  it("when reading balances then each page carries a fresh JWT and accounts are summed per currency", async () => {
    const account = (currency: string, available: string, hold: string) => ({ uuid: crypto.randomUUID(), name: `${currency} Wallet`, currency, available_balance: { value: available, currency }, hold: { value: hold, currency } });
    const { c, f } = client((req) =>
      req.url.searchParams.get("cursor") === null
        ? json({ accounts: [account("BTC", "1.23", "0.10")], has_next: true, cursor: "789100", size: 1 })
        : json({ accounts: [account("USD", "100.00", "0"), account("BTC", "0.77", "0")], has_next: false, cursor: "", size: 2 }),
    );
    expect(await c.balances()).toEqual([
      { asset: "BTC", free: "2", locked: "0.1" },
      { asset: "USD", free: "100", locked: "0" },
    ]);
    expect(f.seen.map((s) => s.url.search)).toEqual(["?limit=250", "?limit=250&cursor=789100"]);
    for (const req of f.seen) await expectJwt(req);
  });

  it("when placing a limit order then the body has client_order_id and limit_limit_gtc", async () => {
    const { c, f } = client(() =>
      json({ success: true, success_response: { order_id: "11111-00000-000000", product_id: "BTC-USD", side: "BUY", client_order_id: "cyc-7" }, order_configuration: {} }),
    );
    const placed = await c.placeOrder(limitBuy);
    const req = f.seen[0]!;
    expect(`${req.method} ${req.url.pathname}`).toBe("POST /api/v3/brokerage/orders");
    expect(req.headers.get("Content-Type")).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual({
      client_order_id: "cyc-7",
      product_id: "BTC-USD",
      side: "BUY",
      order_configuration: { limit_limit_gtc: { base_size: "0.001", limit_price: "10000", post_only: false } },
    });
    await expectJwt(req);
    expect(placed).toMatchObject({ clientOrderId: "cyc-7", venueOrderId: "11111-00000-000000", status: "pending", price: "10000" });
  });

  it.each([
    [{ type: "market", price: null, timeInForce: "ioc" }, { market_market_ioc: { base_size: "0.001" } }],
    [{ timeInForce: "ioc" }, { sor_limit_ioc: { base_size: "0.001", limit_price: "10000" } }],
    [{ timeInForce: "post_only" }, { limit_limit_gtc: { base_size: "0.001", limit_price: "10000", post_only: true } }],
  ] as const)("when the order is %j then the configuration is %j", async (change, expected) => {
    const { c, f } = client(() => json({ success: true, success_response: { order_id: "o-1" } }));
    await c.placeOrder({ ...limitBuy, ...change });
    expect(JSON.parse(f.seen[0]!.body).order_configuration).toEqual(expected);
  });

  it("when the order is refused with success false then INSUFFICIENT_FUND is insufficient_funds", async () => {
    const { c, f } = client(() =>
      json({
        success: false,
        failure_reason: "UNKNOWN_FAILURE_REASON",
        order_id: "",
        error_response: { error: "INSUFFICIENT_FUND", message: "Insufficient balance in source account", error_details: "", preview_failure_reason: "PREVIEW_INSUFFICIENT_FUND" },
      }),
    );
    await expect(c.placeOrder(limitBuy)).rejects.toMatchObject({ code: "insufficient_funds", info: { venueCode: "INSUFFICIENT_FUND" } });
    expect(f.seen).toHaveLength(1);
  });

  it("when the order is refused for its size then it is invalid_order", async () => {
    const { c } = client(() => json({ success: false, error_response: { error: "INVALID_SIZE_PRECISION", message: "Too many decimals in order amount" } }));
    await expect(c.placeOrder(limitBuy)).rejects.toMatchObject({ code: "invalid_order", info: { venueCode: "INVALID_SIZE_PRECISION" } });
  });

  it.each([
    [401, { error: "UNAUTHENTICATED", message: "Unauthorized" }, "auth"],
    [403, { error: "PERMISSION_DENIED", code: 7, message: "Missing required scopes" }, "auth"],
    [400, { error: "INVALID_ARGUMENT", code: 3, message: "invalid product_id" }, "invalid_request"],
  ] as const)("when the error body has HTTP %i then it maps to %j", async (status, body, code) => {
    const { c } = client(() => json(body, { status }));
    await expect(c.balances()).rejects.toMatchObject({ code: expect.stringMatching(code), info: { status, venueCode: body.error } });
  });

  it("when the order id is known then getOrder reads orders/historical/{order_id}", async () => {
    const { c, f } = client((req) => (req.method === "POST" ? json({ success: true, success_response: { order_id: "0000-000000-000000" } }) : json({ order: documentedOrder })));
    await c.placeOrder(limitBuy);
    const found = await c.getOrder("BTC-USD", "cyc-7");
    expect(f.seen[1]!.url.pathname).toBe("/api/v3/brokerage/orders/historical/0000-000000-000000");
    await expectJwt(f.seen[1]!);
    expect(found).toEqual({
      clientOrderId: "cyc-7",
      venueOrderId: "0000-000000-000000",
      symbol: "BTC-USD",
      side: "buy",
      type: "limit",
      timeInForce: "gtc",
      price: "10000",
      quantity: "0.001",
      filledQuantity: "0.0005",
      averagePrice: "9999.5",
      status: "partially_filled",
      updatedAtMs: Date.parse("2021-05-31T10:00:01.000Z"),
    });
  });

  it("when the order id is not known then recent orders of the product are scanned for the client order id", async () => {
    const { c, f } = client((req) =>
      req.url.searchParams.get("cursor") === null
        ? json({ orders: [{ ...documentedOrder, client_order_id: "other" }], has_next: true, cursor: "c2" })
        : json({ orders: [{ ...documentedOrder, status: "FILLED", filled_size: "0.001" }], has_next: false, cursor: "" }),
    );
    const found = await c.getOrder("BTC-USD", "cyc-7");
    expect(f.seen.map((s) => s.url.pathname + s.url.search)).toEqual([
      "/api/v3/brokerage/orders/historical/batch?product_ids=BTC-USD&limit=100",
      "/api/v3/brokerage/orders/historical/batch?product_ids=BTC-USD&limit=100&cursor=c2",
    ]);
    expect(found).toMatchObject({ status: "filled", filledQuantity: "0.001" });
  });

  it("when no recent order has the client order id then getOrder answers null", async () => {
    const { c } = client(() => json({ orders: [], has_next: false, cursor: "" }));
    expect(await c.getOrder("BTC-USD", "cyc-7")).toBeNull();
  });

  it("when cancelling then the order is found and batch_cancel names its order id", async () => {
    const { c, f } = client((req) =>
      req.url.pathname.endsWith("batch_cancel") ? json({ results: [{ success: true, failure_reason: "UNKNOWN_CANCEL_FAILURE_REASON", order_id: "0000-000000-000000" }] }) : json({ orders: [documentedOrder], has_next: false }),
    );
    expect(await c.cancelOrder("BTC-USD", "cyc-7")).toBe("cancelled");
    const cancel = f.calls("/api/v3/brokerage/orders/batch_cancel")[0]!;
    expect(JSON.parse(cancel.body)).toEqual({ order_ids: ["0000-000000-000000"] });
    await expectJwt(cancel);
  });

  it("when the exchange says UNKNOWN_CANCEL_ORDER then the cancel is not_open", async () => {
    const { c } = client((req) =>
      req.url.pathname.endsWith("batch_cancel") ? json({ results: [{ success: false, failure_reason: "UNKNOWN_CANCEL_ORDER", order_id: "x" }] }) : json({ orders: [documentedOrder], has_next: false }),
    );
    expect(await c.cancelOrder("BTC-USD", "cyc-7")).toBe("not_open");
  });

  it("when the order is already filled then nothing is cancelled", async () => {
    const { c, f } = client(() => json({ orders: [{ ...documentedOrder, status: "FILLED" }], has_next: false }));
    expect(await c.cancelOrder("BTC-USD", "cyc-7")).toBe("not_open");
    expect(f.calls("/api/v3/brokerage/orders/batch_cancel")).toHaveLength(0);
  });

  it("when listing open orders then order_status=OPEN is asked for", async () => {
    const { c, f } = client(() => json({ orders: [documentedOrder], has_next: false }));
    expect(await c.openOrders("BTC-USD")).toHaveLength(1);
    expect(f.seen[0]!.url.search).toBe("?order_status=OPEN&product_ids=BTC-USD&limit=250");
  });
});

describe("Coinbase unknown outcomes and limits", () => {
  it("when creating an order times out then it is found by client order id and created once", async () => {
    const { c, f } = client((req) => (req.method === "POST" ? hang(req) : json({ orders: [documentedOrder], has_next: false })), { timeoutMs: 20 });
    const placed = await c.placeOrder(limitBuy);
    expect(f.calls("/api/v3/brokerage/orders", "POST")).toHaveLength(1);
    expect(placed).toMatchObject({ clientOrderId: "cyc-7", venueOrderId: "0000-000000-000000", status: "partially_filled" });
  });

  it("when creating an order gets a 502 then it is looked up, not re-sent", async () => {
    const { c, f } = client((req) => (req.method === "POST" ? new Response("bad gateway", { status: 502 }) : json({ orders: [], has_next: false })));
    const placed = await c.placeOrder(limitBuy);
    expect(placed.status).toBe("unknown");
    expect(f.calls("/api/v3/brokerage/orders", "POST")).toHaveLength(1);
  });

  it("when a GET is answered 429 then it is retried after backoff", async () => {
    const { c, f } = client((_req, i) => (i === 0 ? json({ error: "rate_limit_exceeded", message: "Too many requests" }, { status: 429 }) : json({ accounts: [], has_next: false })));
    expect(await c.balances()).toEqual([]);
    expect(f.seen).toHaveLength(2);
  });

  it("when an order is answered 429 then it is not retried", async () => {
    const { c, f } = client(() => json({ error: "rate_limit_exceeded", message: "Too many requests" }, { status: 429 }));
    await expect(c.placeOrder(limitBuy)).rejects.toMatchObject({ code: "rate_limited" });
    expect(f.seen).toHaveLength(1);
  });

  it("when more than 10 public requests go out in one second then the 11th waits", async () => {
    const { c, clock } = client(() => json({ pricebook: { bids: [], asks: [], time: "2021-05-31T09:59:59.000Z" } }));
    for (let i = 0; i < 10; i++) await c.book("BTC-USD", 1);
    expect(clock.sleeps).toEqual([]);
    await c.book("BTC-USD", 1);
    expect(clock.sleeps).toEqual([100]);
  });
});

describe("Coinbase with an Ed25519 key", () => {
  it("when the account's key is CDP's Ed25519 kind then private requests carry an EdDSA token that verifies", async () => {
    const ed = newEd25519();
    const KEY_ID = "4aea4397-7187-4f01-bd77-16d39af38b43";
    const { c, f } = client(() => json({ accounts: [], has_next: false }), { credentials: { keyName: KEY_ID, privateKeyPem: cdpSecret(ed.seed) } });
    expect(await c.balances()).toEqual([]);
    const req = f.seen[0]!;
    const { header, claims, valid } = verifyEdJwt((req.headers.get("Authorization") ?? "").slice("Bearer ".length), ed.publicKey);
    expect(valid).toBe(true);
    expect(header).toMatchObject({ alg: "EdDSA", kid: KEY_ID, typ: "JWT" });
    expect(claims).toEqual({ sub: KEY_ID, iss: "cdp", nbf: T0 / 1000, exp: T0 / 1000 + 120, uri: `GET api.coinbase.test${req.url.pathname}` });
  });

  it("when the key secret cannot be read then the call fails as auth before anything is sent", async () => {
    const { c, f } = client(() => json({ accounts: [], has_next: false }), { credentials: { keyName: "k", privateKeyPem: "c2hvcnQ=" } });
    const error = await c.balances().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "auth" });
    expect((error as Error).message).toMatch(/5 bytes, expected 64/);
    expect(f.seen).toHaveLength(0);
  });
});
