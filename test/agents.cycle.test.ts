import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DecisionRecord } from "../core/agents/types.js";
import type { Envelope } from "../core/events.js";
import { Decimal } from "../core/money.js";
import type { AgentWallet } from "../durable-objects/agent-wallet.js";
import { clock } from "../durable-objects/clock.js";
import { agentStub, hubStub, venueStub } from "../durable-objects/stubs.js";
import { api, relaxRisk, seed } from "./helpers/api.js";
import { injectFault } from "./helpers/desk.js";

// The venues' clock stands still between steps: each step of a cycle's length is one cycle, and
// a step of a minute closes a one-minute bar (the market maker quotes on every new bar).
const T0 = Math.floor(Date.now() / 60_000) * 60_000 + 5_000;
beforeAll(async () => {
  clock.freeze(T0);
  await seed();
  await relaxRisk();
});
afterAll(() => clock.reset());

const MAX = "agent:max-maker";

async function events(thread: string): Promise<Envelope[]> {
  await hubStub(env).flush();
  const out: Envelope[] = [];
  let since = 0;
  for (;;) {
    const page = await api("GET", `/api/events?since=${since}&limit=1000&topics=${thread}`, { role: "viewer" });
    out.push(...(page.body.events as Envelope[]));
    if (page.body.events.length < 1000) return out;
    since = page.body.nextSince;
  }
}

/** The market maker keeps quotes that still stand: with them cancelled and a new bar, its next cycle quotes again. */
async function requote(): Promise<void> {
  await agentStub(env, MAX).cancelOpenOrders();
  clock.step(60_000);
}

describe("the decision cycle", () => {
  it("when an agent is paused then its cycle does nothing, and resuming it starts one", async () => {
    expect(await agentStub(env, MAX).runCycle()).toBeNull();
    const summary = (await api("GET", "/api/agents/max-maker", { role: "viewer" })).body.agent;
    expect(summary.status).toBe("paused");
    const resumed = await api("POST", "/api/agents/max-maker/resume", { role: "trader", idempotencyKey: "resume-max-1" });
    expect(resumed.status).toBe(200);
    expect(resumed.body.agent.config.paused).toBe(false);
    expect((await api("POST", "/api/agents/max-maker/resume", { role: "viewer" })).status).toBe(403);
  });

  it("when the market maker cycles then it quotes with client order ids derived from the cycle, and the run carries the decision", async () => {
    const decision = (await agentStub(env, MAX).runCycle()) as DecisionRecord;
    expect(decision.outcome, decision.reason).toBe("placed");
    expect(decision.orders.length).toBeGreaterThan(0);
    for (const id of decision.orders) expect(id.startsWith(`${decision.cycleId}.`)).toBe(true);
    const venueOrders = await venueStub(env, "paper-kraken").orders(MAX, 50);
    expect(venueOrders.map((o) => o.order.clientOrderId).sort()).toEqual([...decision.orders].sort());
    const run = (await events(MAX)).filter((e) => (e.event as unknown as { runId?: string }).runId === decision.cycleId || e.event.type === "CUSTOM");
    const decided = run.find((e) => e.event.type === "CUSTOM" && (e.event as unknown as { name: string }).name === "cival.agent.decision");
    expect((decided?.event as unknown as { value: DecisionRecord } | undefined)?.value.id).toBe(decision.id);
    // The same slot again is the same cycle: nothing new.
    expect((await agentStub(env, MAX).runCycle())?.id).toBe(decision.id);
    expect((await venueStub(env, "paper-kraken").orders(MAX, 50)).length).toBe(venueOrders.length);
  });

  it("when a cycle fails after its first order and is retried then no order is placed twice", async () => {
    await requote();
    await injectFault(MAX, "cycle:after_order", 1);
    await expect((async () => agentStub(env, MAX).runCycle())()).rejects.toThrow(/injected fault/);
    const half = await venueStub(env, "paper-kraken").orders(MAX, 100);
    const decision = (await agentStub(env, MAX).runCycle()) as DecisionRecord;
    const after = await venueStub(env, "paper-kraken").orders(MAX, 100);
    const ids = after.map((o) => o.order.clientOrderId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of decision.orders) expect(ids.filter((x) => x === id)).toHaveLength(1);
    expect(after.length).toBeGreaterThanOrEqual(half.length);
  });

  it("when the desk's policy asks for approval then the cycle ends with AG-UI's interrupt and the answer places the order once", async () => {
    expect((await api("PUT", "/api/approvals/policy", { role: "trader", body: { notionalAbove: "1" } })).status).toBe(403);
    const set = await api("PUT", "/api/approvals/policy", { body: { notionalAbove: "1" }, idempotencyKey: "policy-1" });
    expect(set.body.policy.notionalAbove).toBe("1");
    await requote();
    const decision = (await agentStub(env, MAX).runCycle()) as DecisionRecord;
    expect(decision.outcome).toBe("awaiting_approval");
    expect(decision.approvalId).toBe(decision.cycleId);
    const finished = (await events(MAX)).find((e) => e.event.type === "RUN_FINISHED" && (e.event as unknown as { runId: string }).runId === decision.cycleId);
    const outcome = (finished?.event as unknown as { outcome?: { type: string; interrupts: Array<{ id: string; reason: string }> } }).outcome;
    expect(outcome?.type).toBe("interrupt");
    expect(outcome?.interrupts[0]).toMatchObject({ id: decision.approvalId, reason: "order_approval" });
    const pending = (await api("GET", "/api/approvals?state=pending", { role: "viewer" })).body.approvals;
    expect(pending.map((a: { id: string }) => a.id)).toContain(decision.approvalId);
    const before = (await venueStub(env, "paper-kraken").orders(MAX, 200)).length;
    expect((await api("POST", `/api/approvals/${decision.approvalId}`, { role: "viewer", body: { decision: "approve" } })).status).toBe(403);
    const approved = await api("POST", `/api/approvals/${decision.approvalId}`, { role: "trader", body: { decision: "approve" }, idempotencyKey: "approve-1" });
    expect(approved.status).toBe(200);
    expect(approved.body.approval.state).toBe("approved");
    const again = await api("POST", `/api/approvals/${decision.approvalId}`, { role: "trader", body: { decision: "reject" }, idempotencyKey: "approve-2" });
    expect(again.status).toBe(409);
    const placed = await venueStub(env, "paper-kraken").orders(MAX, 200);
    expect(placed.length).toBeGreaterThan(before);
    expect(placed.filter((o) => o.order.clientOrderId.startsWith(`${decision.cycleId}.`)).length).toBe(decision.orders.length);
  });

  it("when a request is rejected or left to expire then nothing is placed", async () => {
    await requote();
    const d1 = (await agentStub(env, MAX).runCycle()) as DecisionRecord;
    expect(d1.outcome).toBe("awaiting_approval");
    const rejected = await api("POST", `/api/approvals/${d1.approvalId}`, { role: "trader", body: { decision: "reject" }, idempotencyKey: "reject-1" });
    expect(rejected.body.approval.state).toBe("rejected");
    await requote();
    const d2 = (await agentStub(env, MAX).runCycle()) as DecisionRecord;
    expect(d2.outcome).toBe("awaiting_approval");
    await runInDurableObject(agentStub(env, MAX) as unknown as DurableObjectStub<AgentWallet>, (w: AgentWallet) => (w as unknown as { expireApprovals(ms: number): void }).expireApprovals(Date.now() + 3_600_000));
    const history = (await agentStub(env, MAX).approvals(10)).find((a) => a.id === d2.approvalId);
    expect(history?.state).toBe("expired");
    const orders = (await venueStub(env, "paper-kraken").orders(MAX, 200)).map((o) => o.order.clientOrderId);
    for (const id of [...d1.orders, ...d2.orders]) expect(orders).not.toContain(id);
    await api("PUT", "/api/approvals/policy", { body: { notionalAbove: "50000" }, idempotencyKey: "policy-2" });
  });
});

async function farmMode(slug: string, want: string): Promise<{ mode: string; setBy: string }> {
  for (let i = 0; i < 50; i++) {
    const mode = (await api("GET", `/api/farms/${slug}`, { role: "viewer" })).body.farm.mode;
    if (mode.mode === want) return mode;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`farm ${slug} never reached ${want}`);
}

describe("emergency", () => {
  it("when the desk is halted then every farm holds in emergency, and resuming gives back the mode it had", async () => {
    await api("PUT", "/api/farms/pairs/mode", { role: "trader", body: { mode: "collaborative" }, idempotencyKey: "pairs-collab" });
    expect((await api("POST", "/api/risk/halt", { body: { scope: "desk", reason: "drill" }, idempotencyKey: "halt-drill" })).status).toBeLessThan(300);
    expect(await farmMode("momentum", "emergency")).toMatchObject({ setBy: "monitor" });
    await farmMode("pairs", "emergency");
    expect((await api("POST", "/api/risk/resume", { body: { scope: "desk", reason: "drill over" }, idempotencyKey: "resume-drill" })).status).toBeLessThan(300);
    await farmMode("momentum", "independent");
    await farmMode("pairs", "collaborative");
  });
});

describe("agents over the API", () => {
  it("when the agents are listed then every demo trader appears with its configuration and equity", async () => {
    const res = await api("GET", "/api/agents", { role: "viewer" });
    expect(res.status).toBe(200);
    const ids = res.body.agents.map((a: { id: string }) => a.id).sort();
    expect(ids).toEqual(["agent:alex-arbitrage", "agent:marcus-momentum", "agent:max-maker", "agent:paula-pairs", "agent:sophia-reversion"]);
    const max = res.body.agents.find((a: { id: string }) => a.id === MAX);
    expect(max.config.strategy).toBe("market-making");
    expect(new Decimal(max.equity).gt(0)).toBe(true);
  });

  it("when a configuration is bad then it is refused with a clear 4xx and nothing changes", async () => {
    const before = (await api("GET", "/api/agents/marcus-momentum", { role: "viewer" })).body.agent.config;
    const cases: Array<[unknown, number]> = [
      [{ cycleMs: 10 }, 400],
      [{ symbols: ["BTC-USD", "ETH-USD"] }, 422],
      [{ params: { fast: -3 } }, 422],
      [{ venues: ["paper-nowhere"] }, 422],
      [{ sizing: { mode: "fixed_fraction", fraction: 2 } }, 400],
      [{ surprise: true }, 400],
    ];
    for (const [body, status] of cases) expect((await api("PUT", "/api/agents/marcus-momentum/config", { role: "trader", body })).status, JSON.stringify(body)).toBe(status);
    expect((await api("GET", "/api/agents/marcus-momentum", { role: "viewer" })).body.agent.config).toEqual(before);
    const ok = await api("PUT", "/api/agents/marcus-momentum/config", { role: "trader", body: { params: { fast: 8 }, cycleMs: 5000 }, idempotencyKey: "cfg-1" });
    expect(ok.status).toBe(200);
    expect(ok.body.config).toMatchObject({ strategy: "momentum", cycleMs: 5000, version: before.version + 1 });
    expect(ok.body.config.params.fast).toBe(8);
    expect((await api("PUT", "/api/agents/nobody/config", { role: "trader", body: { cycleMs: 5000 } })).status).toBe(404);
  });

  it("when a position is closed then a reduce-only market sell goes through the normal path, and with none there is a 422", async () => {
    const none = await api("POST", "/api/agents/marcus-momentum/positions/close", { role: "trader", body: { venue: "paper-binance", symbol: "BTC-USD" }, idempotencyKey: "close-0" });
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe("no_position");
    const bought = await api("POST", "/api/orders", { role: "trader", body: { agent: "agent:marcus-momentum", venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.01" }, idempotencyKey: "buy-close" });
    expect(bought.status).toBe(201);
    const closed = await api("POST", "/api/agents/marcus-momentum/positions/close", { role: "trader", body: { venue: "paper-binance", symbol: "BTC-USD" }, idempotencyKey: "close-1" });
    expect(closed.status).toBe(200);
    expect(closed.body.order.request).toMatchObject({ side: "sell", type: "market" });
    const trades = (await api("GET", "/api/agents/marcus-momentum/trades", { role: "viewer" })).body;
    expect(trades.open).toHaveLength(0);
    expect(trades.closed.length).toBeGreaterThan(0);
    const csv = await exportsText("/api/agents/marcus-momentum/trades.csv");
    expect(csv.split("\r\n")[0]).toContain("status");
  });
});

async function exportsText(path: string): Promise<string> {
  const res = await api("GET", path, { role: "viewer" });
  expect(res.status).toBe(200);
  return String(res.body);
}
