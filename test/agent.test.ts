import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { RECONCILE_AFTER_MS } from "../core/agent/lifecycle.js";
import { Decimal } from "../core/money.js";
import type { AgentWallet } from "../durable-objects/agent-wallet.js";
import { agentStub, marketWatchStub, riskStub, treasuryStub, venueStub } from "../durable-objects/stubs.js";
import { api, seed } from "./helpers/api.js";

// The desk's default limits stay: the order check must meet the real rules.
beforeAll(async () => {
  await seed();
  // The monitor's mark is what a market buy reserves against: one cycle gives it marks.
  await riskStub(env).runCycle();
  // Background loops would call the venues too: stop them so the counts below are the order's own.
  for (const stub of [riskStub(env), marketWatchStub(env)] as DurableObjectStub[]) await runInDurableObject(stub, (_i, state) => state.storage.deleteAlarm());
});
afterEach(() => vi.restoreAllMocks());

let keys = 0;
const key = () => `agent-test-${++keys}`;

/** The prototype of the object behind a stub: spying on it sees every RPC call the object takes. */
async function protoOf<T extends object>(stub: DurableObjectStub): Promise<T> {
  return runInDurableObject(stub, (instance: object) => Object.getPrototypeOf(instance) as T);
}

type Methods = Record<string, (...args: unknown[]) => unknown>;

async function wallet(id: string) {
  return (await api("GET", `/api/wallets/${id}`)).body.wallet;
}

async function inbox(agent: string, clientOrderId: string): Promise<number> {
  return runInDurableObject(agentStub(env, agent) as unknown as DurableObjectStub<AgentWallet>, (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM fills_in WHERE client_order_id = ?", clientOrderId).one().n);
}

function buy(agent: string, symbol: string, quantity: string) {
  return api("POST", "/api/orders", { role: "trader", body: { agent, venue: "paper-binance", symbol, side: "buy", type: "market", quantity }, idempotencyKey: key() });
}

describe("an order's path", () => {
  it("when an order is placed then it takes one risk check and one submit: no treasury lookup, no venue open() or ticker, no fill delivery in the path", async () => {
    const venue = await protoOf<Methods>(venueStub(env, "paper-binance"));
    const treasury = await protoOf<Methods>(treasuryStub(env));
    const risk = await protoOf<Methods>(riskStub(env));
    const agent = await protoOf<Methods>(agentStub(env, "agent:alex-arbitrage"));
    expect("open" in venue, "the venue has no open(): it knows its id from its name").toBe(false);
    const calls = {
      lookup: vi.spyOn(treasury, "lookup"),
      ticker: vi.spyOn(venue, "ticker"),
      applyFills: vi.spyOn(agent, "applyFills"),
      submit: vi.spyOn(venue, "submit"),
      preTrade: vi.spyOn(risk, "preTrade"),
    };
    const res = await buy("agent:alex-arbitrage", "BTC-USD", "0.001");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.risk.mark).not.toBeNull();
    expect(Object.fromEntries(Object.entries(calls).map(([k, spy]) => [k, spy.mock.calls.length]))).toEqual({ lookup: 0, ticker: 0, applyFills: 0, submit: 1, preTrade: 1 });
    // A market buy tells the venue its budget: what the agent reserved for it.
    const budget = (calls.submit.mock.calls[0]?.[2] as { quoteBudget: string } | undefined)?.quoteBudget;
    const mark = new Decimal(res.body.risk.mark);
    expect(budget).toBe(mark.times("1.05").times("0.001").times("1.001").toFixed());
  });

  it("when the reply carries the fills and the venue's own delivery failed then the reply's fills are applied once", async () => {
    const agent = "agent:paula-pairs";
    const proto = await protoOf<Methods>(agentStub(env, agent));
    vi.spyOn(proto, "applyFills").mockRejectedValueOnce(new Error("delivery lost"));
    const res = await buy(agent, "ETH-USD", "0.01");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.order).toMatchObject({ status: "filled", reserved: "0" });
    expect((await wallet(agent)).balances.ETH).toBe("0.01");
    const id = res.body.order.clientOrderId;
    const fills = await inbox(agent, id);
    expect(fills).toBeGreaterThan(0);
    vi.restoreAllMocks();
    // The venue retries its delivery: the inbox makes it harmless.
    await runDurableObjectAlarm(venueStub(env, "paper-binance"));
    expect((await wallet(agent)).balances.ETH).toBe("0.01");
    expect(await inbox(agent, id)).toBe(fills);
  });

  it("when the venue's reply is lost then the order is unknown, and the agent's alarm looks it up and applies its fills exactly once", async () => {
    const agent = "agent:sophia-reversion";
    const venue = await protoOf<Methods>(venueStub(env, "paper-binance"));
    const submit = venue.submit as (...args: unknown[]) => Promise<unknown>;
    vi.spyOn(venue, "submit").mockImplementationOnce(async function (this: unknown, ...args: unknown[]) {
      await submit.apply(this, args);
      throw new Error("the reply was lost");
    });
    const proto = await protoOf<Methods>(agentStub(env, agent));
    vi.spyOn(proto, "applyFills").mockRejectedValueOnce(new Error("delivery lost"));
    const before = await wallet(agent);
    const res = await buy(agent, "ETH-USD", "0.02");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.order).toMatchObject({ status: "unknown", code: "unknown_outcome" });
    expect((await wallet(agent)).balances.ETH ?? "0").toBe(before.balances.ETH ?? "0");
    vi.restoreAllMocks();
    const id = res.body.order.clientOrderId;
    const stub = agentStub(env, agent) as unknown as DurableObjectStub<AgentWallet>;
    // The alarm looks up orders unknown for a while; the test need not wait for it.
    await runInDurableObject(stub, (_i, state) => state.storage.sql.exec("UPDATE agent_orders SET updated_ms = updated_ms - ? WHERE client_order_id = ?", RECONCILE_AFTER_MS + 1000, id));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const order = await agentStub(env, agent).order(id);
    expect(order).toMatchObject({ status: "filled", reserved: "0" });
    expect((await wallet(agent)).balances.ETH).toBe(new Decimal(before.balances.ETH ?? "0").plus("0.02").toFixed());
    const fills = await inbox(agent, id);
    expect(fills).toBeGreaterThan(0);
    // Neither the venue's retried delivery nor a second alarm applies anything twice.
    await runDurableObjectAlarm(venueStub(env, "paper-binance"));
    await runDurableObjectAlarm(stub);
    expect((await wallet(agent)).balances.ETH).toBe(new Decimal(before.balances.ETH ?? "0").plus("0.02").toFixed());
    expect(await inbox(agent, id)).toBe(fills);
    expect((await wallet(agent)).available.USD).toBe((await wallet(agent)).balances.USD);
  });
});

describe("an agent that does not exist", () => {
  it.each([
    ["GET", "/api/orders?agent=agent:nobody", undefined],
    ["GET", "/api/orders/fills?agent=agent:nobody", undefined],
    ["DELETE", "/api/orders/any-order?agent=agent:nobody", undefined],
    ["POST", "/api/orders/routed", { agent: "agent:nobody", symbol: "ETH-USD", side: "buy", quantity: "0.1" }],
  ])("when %s %s names it then the agent answers 404 itself", async (method, path, body) => {
    const res = await api(method, path, { role: "trader", body });
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect(res.body.error.code).toBe("unknown_wallet");
  });
});

describe("the order check", () => {
  const MARCUS = "agent:marcus-momentum";
  const check = (body: Record<string, unknown>, role: "trader" | "viewer" = "trader") =>
    api("POST", "/api/orders/check", { role, body: { agent: MARCUS, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.01", ...body } });

  it("when a small order is checked then it passes with the funds it would reserve, and nothing is placed or reserved", async () => {
    const before = await wallet(MARCUS);
    const orders = (await api("GET", `/api/orders?agent=${MARCUS}`, { role: "viewer" })).body.orders.length;
    const res = await check({});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.risk.decision).toBe("approve");
    expect(res.body.funds).toMatchObject({ asset: "USD", available: before.available.USD, enough: true });
    expect(new Decimal(res.body.funds.needed).gt(0)).toBe(true);
    expect(res.body.passes).toBe(true);
    expect((await wallet(MARCUS)).available).toEqual(before.available);
    expect((await api("GET", `/api/orders?agent=${MARCUS}`, { role: "viewer" })).body.orders.length).toBe(orders);
  });

  it("when an order far above the limits is checked then the answer shows the resize and its rule, and the funds for the resized quantity", async () => {
    const res = await check({ quantity: "1000" });
    expect(res.status).toBe(200);
    expect(res.body.risk).toMatchObject({ decision: "resize", rule: "max_order_notional" });
    const mark = new Decimal(res.body.risk.mark);
    expect(res.body.funds.needed).toBe(mark.times("1.05").times(res.body.risk.quantity).times("1.001").toFixed());
    expect(res.body.passes).toBe(res.body.funds.enough);
  });

  it("when the agent is halted then the check answers the rejection and does not pass", async () => {
    expect((await api("POST", "/api/risk/halt", { body: { scope: "agent", id: MARCUS, reason: "check test" }, idempotencyKey: key() })).status).toBeLessThan(300);
    try {
      const res = await check({});
      expect(res.status).toBe(200);
      expect(res.body.risk).toMatchObject({ decision: "reject", rule: "halted" });
      expect(res.body.passes).toBe(false);
    } finally {
      await api("POST", "/api/risk/resume", { body: { scope: "agent", id: MARCUS, reason: "check test over" }, idempotencyKey: key() });
    }
  });

  it.each([
    ["an unknown agent", { agent: "agent:nobody" }, 404, "unknown_wallet"],
    ["a bad quantity", { quantity: "-1" }, 400, "invalid_request"],
    ["an unlisted symbol", { symbol: "DOGE-USD" }, 422, "invalid_symbol"],
  ])("when the check names %s then it is refused as POST /api/orders would be", async (_what, body, status, code) => {
    const res = await check(body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it("when the risk monitor cannot be asked then the check is a 503", async () => {
    const risk = await protoOf<Methods>(riskStub(env));
    vi.spyOn(risk, "preTrade").mockRejectedValueOnce(new Error("monitor down"));
    const res = await check({});
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("risk_unavailable");
  });

  it("when a viewer checks an order then it is a 403", async () => {
    expect((await check({}, "viewer")).status).toBe(403);
  });
});
