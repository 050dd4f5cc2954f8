import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { venueStub } from "../durable-objects/stubs.js";
import { api, relaxRisk, seed } from "./helpers/api.js";

const realFetch = globalThis.fetch;
const MARCUS = "agent:marcus-momentum";

interface FakeExchange {
  placed: URLSearchParams[];
  /** What GET /api/v3/order answers per client order id (the exchange's truth). */
  orders: Map<string, Record<string, unknown>>;
  openOrders: Array<Record<string, unknown>>;
  failNextPlacement: boolean;
  /** The account's balances, moved by every execution (fee: 0.1% of the quote notional, as the venue's taker rate). */
  balances: Map<string, number>;
}

function execute(x: FakeExchange, side: string, qty: number, price: number): void {
  const notional = qty * price;
  const fee = Math.ceil(notional * 0.001 * 1e8) / 1e8;
  const sign = side === "BUY" ? 1 : -1;
  x.balances.set("BTC", (x.balances.get("BTC") ?? 0) + sign * qty);
  x.balances.set("USDT", (x.balances.get("USDT") ?? 0) - sign * notional - fee);
}

const newExchange = (failNextPlacement = false): FakeExchange => ({ placed: [], orders: new Map(), openOrders: [], failNextPlacement, balances: new Map([["BTC", 0], ["USDT", 100_000]]) });

/** Binance Spot as its documentation shows it: depth, order placement (FULL fill) and order lookups. */
function fakeBinance(x: FakeExchange) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(req.url);
    if (url.hostname !== "binance.test") return realFetch(input, init);
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    expect(url.pathname === "/api/v3/depth" || req.headers.get("X-MBX-APIKEY") === "live-key").toBe(true);
    if (url.pathname === "/api/v3/depth") return json({ lastUpdateId: 1, bids: [["64000.00", "5.0"]], asks: [["64000.20", "5.0"]] });
    const params = new URLSearchParams(url.search || (await req.text()));
    if (url.pathname === "/api/v3/order" && req.method === "POST") {
      x.placed.push(params);
      if (x.failNextPlacement) {
        x.failNextPlacement = false;
        return json({ code: -1007, msg: "Timeout waiting for response from backend server. Send status unknown; execution status unknown." }, 503);
      }
      const qty = params.get("quantity") ?? "0";
      execute(x, String(params.get("side")), Number(qty), 64000.2);
      const order = {
        symbol: params.get("symbol"), orderId: x.placed.length, orderListId: -1, clientOrderId: params.get("newClientOrderId"), transactTime: Date.now(),
        price: "0.00000000", origQty: qty, executedQty: qty, cummulativeQuoteQty: (Number(qty) * 64000.2).toFixed(8), status: "FILLED",
        timeInForce: "GTC", type: params.get("type"), side: params.get("side"), workingTime: Date.now(), selfTradePreventionMode: "NONE",
      };
      x.orders.set(String(params.get("newClientOrderId")), { ...order, updateTime: Date.now(), time: Date.now(), isWorking: true, stopPrice: "0.0", icebergQty: "0.0", origQuoteOrderQty: "0.0" });
      return json(order);
    }
    if (url.pathname === "/api/v3/order" && req.method === "GET") {
      const found = x.orders.get(String(params.get("origClientOrderId")));
      return found ? json(found) : json({ code: -2013, msg: "Order does not exist." }, 400);
    }
    if (url.pathname === "/api/v3/openOrders") return json(x.openOrders);
    if (url.pathname === "/api/v3/account") {
      return json({ makerCommission: 10, takerCommission: 10, canTrade: true, accountType: "SPOT", balances: [...x.balances].map(([asset, v]) => ({ asset, free: v.toFixed(8), locked: "0.00000000" })), permissions: ["SPOT"] });
    }
    return json({ code: -1000, msg: `unexpected ${url.pathname}` }, 400);
  });
}

describe("a live venue", () => {
  // One exchange account for the whole file: what it holds carries from test to test, as the venue's records do.
  const x = newExchange();
  beforeAll(async () => {
    await seed();
    await relaxRisk();
    await api("PUT", "/api/venues/paper-binance/keys", { body: { credentials: { apiKey: "live-key", apiSecret: "live-secret" } } });
  });
  afterEach(() => vi.restoreAllMocks());

  it("when trading is switched to live without keys then it is refused", async () => {
    const res = await api("PUT", "/api/venues/paper-kraken/settings", { body: { marketSource: "synthetic", trading: "live" } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("keys_missing");
  });

  it("when an agent orders on a live venue then the exchange gets one signed order and the fill lands in the agent's ledger once", async () => {
    fakeBinance(x);
    const set = await api("PUT", "/api/venues/paper-binance/settings", { body: { marketSource: "live", trading: "live", baseUrl: "https://binance.test" } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.venue).toMatchObject({ trading: "live", hasKeys: true });
    const res = await api("POST", "/api/orders", { role: "trader", body: { agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.1" }, idempotencyKey: "live-1" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.order.status).toBe("filled");
    expect(x.placed).toHaveLength(1);
    expect(x.placed[0]?.get("symbol")).toBe("BTCUSDT");
    expect(x.placed[0]?.get("signature")).toMatch(/^[0-9a-f]{64}$/);
    const wallet = (await api("GET", `/api/wallets/${MARCUS}`)).body.wallet;
    expect(wallet.balances.BTC).toBe("0.1");
    // Reconciling finds nothing to change and nothing unknown at the exchange.
    const venue = venueStub(env, "paper-binance");
    expect(await venue.reconcile()).toMatchObject({ corrected: 0, discrepancies: [], balances: [] });
    expect((await api("GET", `/api/wallets/${MARCUS}`)).body.wallet.balances.BTC).toBe("0.1");
  });

  it("when the exchange's answer is lost then the order is looked up, never sent twice, and the account takes no new risk until it is known", async () => {
    x.placed = [];
    x.failNextPlacement = true;
    fakeBinance(x);
    const first = await api("POST", "/api/orders", { role: "trader", body: { agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.01" } });
    expect(first.status).toBe(201);
    expect(first.body.order.status).toBe("unknown");
    expect(x.placed).toHaveLength(1);
    const blocked = await api("POST", "/api/orders", { role: "trader", body: { agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.01" } });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe("unknown_order_outstanding");
    expect(x.placed).toHaveLength(1);
    // The exchange did execute it after all: reconciliation reads it back and the fill follows.
    const id = String(x.placed[0]?.get("newClientOrderId"));
    execute(x, "BUY", 0.01, 64000.2);
    x.orders.set(id, { symbol: "BTCUSDT", orderId: 99, orderListId: -1, clientOrderId: id, price: "0.00000000", origQty: "0.01", executedQty: "0.01", cummulativeQuoteQty: "640.002", status: "FILLED", timeInForce: "GTC", type: "MARKET", side: "BUY", stopPrice: "0.0", icebergQty: "0.0", time: Date.now(), updateTime: Date.now(), isWorking: true, origQuoteOrderQty: "0.0", workingTime: Date.now(), selfTradePreventionMode: "NONE" });
    x.openOrders.push({ symbol: "BTCUSDT", orderId: 7, clientOrderId: "someone-elses", price: "1.0", origQty: "1", executedQty: "0", cummulativeQuoteQty: "0", status: "NEW", timeInForce: "GTC", type: "LIMIT", side: "BUY", time: Date.now(), updateTime: Date.now(), isWorking: true });
    const venue = venueStub(env, "paper-binance");
    const rec = await venue.reconcile();
    expect(rec.corrected).toBeGreaterThan(0);
    expect(rec.discrepancies).toEqual(["someone-elses"]);
    expect(rec.balances).toEqual([]);
    expect(x.placed).toHaveLength(1);
    expect((await api("GET", `/api/wallets/${MARCUS}`)).body.wallet.balances.BTC).toBe("0.11");
    // Coins leave the account behind the desk's back: the records and the exchange disagree, and it is reported.
    x.balances.set("BTC", 0.06);
    const after = await venue.reconcile();
    expect(after.balances).toEqual([{ asset: "BTC", expected: "0.11", actual: "0.06" }]);
  });
});
