import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MarketState } from "../core/market-sim.js";
import { Decimal } from "../core/money.js";
import type { Venue } from "../durable-objects/venue.js";
import { clock } from "../durable-objects/clock.js";
import { agentStub, venueStub } from "../durable-objects/stubs.js";
import { api, relaxRisk, seed } from "./helpers/api.js";

// These tests are about order mechanics; the risk tests keep the default limits. The venues'
// clock stands still, so that a book read and a price read a moment later see the same market.
beforeAll(async () => {
  clock.freeze(Date.now());
  await seed();
  await relaxRisk();
});
afterAll(() => clock.reset());

const MARCUS = "agent:marcus-momentum";

async function wallet(id: string) {
  return (await api("GET", `/api/wallets/${id}`)).body.wallet;
}

describe("markets", () => {
  it("when the markets are listed then the four paper venues and their symbols appear", async () => {
    const res = await api("GET", "/api/markets", { role: "viewer" });
    expect(res.status).toBe(200);
    expect(res.body.venues.map((v: { id: string }) => v.id)).toEqual(["paper-binance", "paper-coinbase", "paper-kraken", "paper-hyperliquid"]);
    expect(res.body.venues[0].symbols.map((s: { symbol: string }) => s.symbol)).toEqual(["BTC-USD", "ETH-USD", "SOL-USD"]);
  });

  it("when a book is asked for then bids are below asks, best first, and the best price across venues is the best of them", async () => {
    const book = (await api("GET", "/api/markets/paper-binance/BTC-USD/book", { role: "viewer" })).body;
    expect(new Decimal(book.bids[0].price).lt(book.asks[0].price)).toBe(true);
    expect(new Decimal(book.bids[0].price).gt(book.bids[1].price)).toBe(true);
    const best = (await api("GET", "/api/markets/best/BTC-USD", { role: "viewer" })).body;
    expect(best.bid).toBeTruthy();
    expect(new Decimal(best.bid.price).gte(book.bids[0].price)).toBe(true);
    expect((await api("GET", "/api/markets/nowhere/BTC-USD/book", { role: "viewer" })).status).toBe(404);
    expect((await api("GET", "/api/markets/paper-binance/btc/book", { role: "viewer" })).status).toBe(400);
    expect((await api("GET", "/api/markets/paper-binance/DOGE-USD/book", { role: "viewer" })).status).toBe(404);
  });

  it("when candles are asked for then they come oldest first with high ≥ low", async () => {
    const res = await api("GET", "/api/markets/paper-kraken/ETH-USD/candles?interval=1m&limit=5", { role: "viewer" });
    expect(res.status).toBe(200);
    for (const c of res.body.candles) expect(new Decimal(c.high).gte(c.low)).toBe(true);
    expect((await api("GET", "/api/markets/paper-kraken/ETH-USD/candles?interval=2m", { role: "viewer" })).status).toBe(400);
  });

  it("when arbitrage is scanned then it answers per symbol", async () => {
    const res = await api("GET", "/api/arbitrage", { role: "viewer" });
    expect(res.status).toBe(200);
    expect(res.body.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(["BTC-USD", "ETH-USD", "SOL-USD"]);
  });
});

describe("the venues' clock", () => {
  const bookOf = async (venue: string) => (await api("GET", `/api/markets/${venue}/BTC-USD/book`, { role: "viewer" })).body as { bids: unknown[]; asks: unknown[]; timeMs: number };

  it("when the clock is frozen then two reads of a book are identical, and when it steps then the book moves with it", async () => {
    const first = await bookOf("paper-binance");
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await bookOf("paper-binance")).toEqual(first);
    clock.step(5_000);
    const later = await bookOf("paper-binance");
    expect(later.timeMs).toBe(first.timeMs + 5_000);
    expect(later.bids).not.toEqual(first.bids);
  });

  it("when a market buy carries a quote budget then the venue spends at most that, and the rest is cancelled", async () => {
    const account = "agent:budget-probe";
    const venue = venueStub(env, "paper-coinbase");
    const req = { clientOrderId: "budget-1", symbol: "BTC-USD", side: "buy" as const, type: "market" as const, quantity: "1", price: null, timeInForce: "gtc" as const };
    const res = await venue.submit(account, req, { quoteBudget: "1000" });
    if (!res.ok) throw new Error(res.message);
    expect(res.order.status).toBe("cancelled");
    const spent = res.fills.reduce((s, f) => s.plus(new Decimal(f.price).times(f.quantity)).plus(f.fee), new Decimal(0));
    expect(spent.gt(990) && spent.lte(1000)).toBe(true);
    // No agent placed it, so no wallet takes its fills: they are marked delivered and the retry alarm is dropped.
    await runInDurableObject(venue as unknown as DurableObjectStub<Venue>, async (_instance: Venue, state) => {
      state.storage.sql.exec("UPDATE fills SET delivered = 1 WHERE client_order_id = 'budget-1'");
      await state.storage.deleteAlarm();
    });
  });
});

describe("orders", () => {
  it("when an agent buys at market then it pays the book plus the fee, holds the coins, and nothing is reserved after", async () => {
    const before = await wallet(MARCUS);
    const res = await api("POST", "/api/orders", { role: "trader", body: { agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.1" }, idempotencyKey: "buy-1" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.order.status).toBe("filled");
    expect(res.body.order.reserved).toBe("0");
    const after = await wallet(MARCUS);
    expect(after.balances.BTC).toBe("0.1");
    const spent = new Decimal(before.balances.USD).minus(after.balances.USD);
    const avg = new Decimal(res.body.order.order.averagePrice);
    const fee = avg.times("0.1").times("0.001");
    expect(spent.minus(avg.times("0.1")).minus(fee).abs().lt("0.00000001")).toBe(true);
    expect(after.available.USD).toBe(after.balances.USD);
    // The same key again: the same order, nothing bought twice.
    const again = await api("POST", "/api/orders", { role: "trader", body: { agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.1" }, idempotencyKey: "buy-1" });
    expect(again.body.order.clientOrderId).toBe(res.body.order.clientOrderId);
    expect((await wallet(MARCUS)).balances.BTC).toBe("0.1");
    // History: the order in its final state and its fills, once each, in D1.
    const id = res.body.order.clientOrderId;
    expect(await env.DB.prepare("SELECT status, filled_quantity AS q FROM orders WHERE client_order_id = ?").bind(id).first()).toEqual({ status: "filled", q: "0.1" });
    const fills = await env.DB.prepare("SELECT SUM(CAST(quantity AS REAL)) AS q, COUNT(*) AS n FROM fills WHERE client_order_id = ?").bind(id).first<{ q: number; n: number }>();
    expect(fills?.n).toBeGreaterThan(0);
    expect(fills?.q).toBeCloseTo(0.1, 12);
    const listed = (await api("GET", `/api/orders/fills?agent=${MARCUS}`, { role: "viewer" })).body.fills;
    expect(listed.filter((f: { clientOrderId: string }) => f.clientOrderId === id).length).toBe(fills?.n);
  });

  it("when the same client order id reaches the agent twice then it is placed once", async () => {
    const agent = agentStub(env, MARCUS);
    const req = { clientOrderId: "twice-1", symbol: "ETH-USD", side: "buy" as const, type: "market" as const, quantity: "0.01", price: null, timeInForce: "gtc" as const };
    const [a, b] = await Promise.all([agent.placeOrder("paper-coinbase", req), agent.placeOrder("paper-coinbase", req)]);
    expect(a.ok && b.ok).toBe(true);
    expect((await wallet(MARCUS)).balances.ETH).toBe("0.01");
    const venue = venueStub(env, "paper-coinbase");
    expect((await venue.fills(MARCUS)).filter((f) => f.clientOrderId === "twice-1").length).toBeGreaterThan(0);
  });

  it("when a limit buy rests below the market then its cash is reserved, not spent, and a cancel releases it", async () => {
    const ticker = (await api("GET", "/api/markets/paper-kraken/BTC-USD/ticker", { role: "viewer" })).body;
    const price = new Decimal(ticker.bid).times("0.9").toDecimalPlaces(2).toFixed();
    const before = await wallet(MARCUS);
    const res = await api("POST", "/api/orders", { role: "trader", body: { agent: MARCUS, venue: "paper-kraken", symbol: "BTC-USD", side: "buy", type: "limit", price, quantity: "0.01" } });
    expect(res.status).toBe(201);
    expect(res.body.order.status).toBe("open");
    const during = await wallet(MARCUS);
    expect(during.balances.USD).toBe(before.balances.USD);
    const reserved = new Decimal(before.available.USD).minus(during.available.USD);
    expect(reserved.toFixed()).toBe(new Decimal(price).times("0.01").times("1.0026").toFixed());
    const listed = (await api("GET", `/api/orders?agent=${MARCUS}`, { role: "viewer" })).body.orders;
    expect(listed.some((o: { clientOrderId: string; status: string }) => o.clientOrderId === res.body.order.clientOrderId && o.status === "open")).toBe(true);
    const cancel = await api("DELETE", `/api/orders/${res.body.order.clientOrderId}?agent=${MARCUS}`, { role: "trader" });
    expect(cancel.status).toBe(200);
    expect(cancel.body.order.status).toBe("cancelled");
    expect((await wallet(MARCUS)).available.USD).toBe(before.available.USD);
  });

  it("when the market falls through a resting limit buy then the venue's alarm fills it and the agent gets the coins once", async () => {
    const ticker = (await api("GET", "/api/markets/paper-hyperliquid/SOL-USD/ticker", { role: "viewer" })).body;
    const price = new Decimal(ticker.bid).times("0.99").toDecimalPlaces(2).toFixed();
    const res = await api("POST", "/api/orders", { role: "trader", body: { agent: MARCUS, venue: "paper-hyperliquid", symbol: "SOL-USD", side: "buy", type: "limit", price, quantity: "1" } });
    expect(res.body.order.status).toBe("open");
    const venue = venueStub(env, "paper-hyperliquid");
    // The market drops 5%: the next book trades through the resting bid.
    await runInDurableObject(venue as unknown as DurableObjectStub<Venue>, (instance: Venue, state) => {
      const v = instance as unknown as { market: MarketState };
      v.market = { ...v.market, prices: v.market.prices.map((p) => p * 0.95) };
      // The order reached the venue its latency (30 ms) after it was sent; a test need not wait for that.
      for (const row of state.storage.sql.exec<{ symbol: string; book: string }>("SELECT symbol, book FROM resting").toArray()) {
        const book = JSON.parse(row.book) as { bids: Array<{ acceptedAtMs: number }>; asks: Array<{ acceptedAtMs: number }> };
        for (const o of [...book.bids, ...book.asks]) o.acceptedAtMs = 0;
        state.storage.sql.exec("UPDATE resting SET book = ? WHERE symbol = ?", JSON.stringify(book), row.symbol);
      }
    });
    await runDurableObjectAlarm(venue);
    await runDurableObjectAlarm(venue);
    const order = await agentStub(env, MARCUS).order(res.body.order.clientOrderId);
    expect(order?.status).toBe("filled");
    expect(order?.reserved).toBe("0");
    const fills = (await venue.fills(MARCUS)).filter((f) => f.clientOrderId === res.body.order.clientOrderId);
    expect(fills.every((f) => f.liquidity === "maker" && f.price === price)).toBe(true);
    expect((await wallet(MARCUS)).balances.SOL).toBe("1");
    // Alarms are at-least-once: running it again delivers nothing twice.
    await runDurableObjectAlarm(venue);
    expect((await wallet(MARCUS)).balances.SOL).toBe("1");
  });

  it.each([
    ["more than the agent can pay", { quantity: "1000" }, 422, "insufficient_funds"],
    ["a symbol the venue does not list", { symbol: "DOGE-USD" }, 422, "invalid_symbol"],
    ["a limit without price", { type: "limit" }, 400, "invalid_request"],
    ["a market order with a price", { price: "1" }, 400, "invalid_request"],
    ["a zero quantity", { quantity: "0" }, 400, "invalid_request"],
    ["an unknown agent", { agent: "agent:nobody" }, 404, "unknown_wallet"],
  ])("when an order asks for %s then it is refused and nothing is reserved", async (_what, patch, status, code) => {
    const before = await wallet(MARCUS);
    const body = { agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.001", ...patch };
    const res = await api("POST", "/api/orders", { role: "trader", body });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect((await wallet(MARCUS)).available).toEqual(before.available);
  });

  it("when an order is routed then it is split over the venues' books and every child fills at its venue", async () => {
    const before = await wallet("agent:sophia-reversion");
    const res = await api("POST", "/api/orders/routed", { role: "trader", body: { agent: "agent:sophia-reversion", symbol: "ETH-USD", side: "buy", quantity: "20" } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.children.length).toBeGreaterThan(0);
    let filled = new Decimal(0);
    for (const child of res.body.children) {
      expect(child.error).toBeUndefined();
      filled = filled.plus(child.order.order.filledQuantity);
    }
    expect(filled.toFixed()).toBe(res.body.route.routedQuantity);
    const after = await wallet("agent:sophia-reversion");
    expect(after.balances.ETH).toBe(res.body.route.routedQuantity);
    expect(new Decimal(before.balances.USD).gt(after.balances.USD)).toBe(true);
  });

  it("when a cancel names a malformed or unknown order then it is a 4xx", async () => {
    expect((await api("DELETE", `/api/orders/${"x".repeat(65)}?agent=${MARCUS}`, { role: "trader" })).status).toBe(400);
    const unknown = await api("DELETE", `/api/orders/never-placed?agent=${MARCUS}`, { role: "trader" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("unknown_order");
  });

  it("when a viewer places an order then it is a 403", async () => {
    const res = await api("POST", "/api/orders", { role: "viewer", body: { agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.001" } });
    expect(res.status).toBe(403);
  });
});
