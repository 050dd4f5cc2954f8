import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Decimal } from "../core/money.js";
import type { BaseEvent } from "../core/events.js";
import { clock } from "../durable-objects/clock.js";
import { agentStub, hubStub, riskStub } from "../durable-objects/stubs.js";
import { api, seed } from "./helpers/api.js";
import { assertValidStreams } from "./helpers/streams.js";

// The venues' clock stands still: a mark, a fill and a stop check see one market moment.
beforeAll(() => clock.freeze(Date.now()));
afterAll(() => clock.reset());
beforeAll(seed);
afterEach(() => vi.restoreAllMocks());

const MARCUS = "agent:marcus-momentum";
const SOPHIA = "agent:sophia-reversion";

let keys = 0;
const key = (what: string) => `risk-${what}-${++keys}`;

async function order(agent: string, body: Record<string, unknown>) {
  return api("POST", "/api/orders", { role: "trader", body: { agent, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", ...body }, idempotencyKey: key("order") });
}

async function setLimits(body: unknown) {
  const res = await api("PUT", "/api/risk/limits", { body, idempotencyKey: key("limits") });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.limits;
}

async function halt(body: unknown, role: "admin" | "trader" = "admin") {
  return api("POST", "/api/risk/halt", { role, body, idempotencyKey: key("halt") });
}

async function resume(body: unknown) {
  return api("POST", "/api/risk/resume", { body, idempotencyKey: key("resume") });
}

async function held(agent: string, asset: string): Promise<Decimal> {
  const view = await agentStub(env, agent).riskView();
  return (view?.positions ?? []).filter((p) => p.asset === asset).reduce((sum, p) => sum.plus(p.quantity), new Decimal(0));
}

describe("the risk report", () => {
  it("when anyone signed in asks then every VaR figure, the limits and the history are there", async () => {
    const res = await api("GET", "/api/risk", { role: "viewer" });
    expect(res.status).toBe(200);
    const risk = res.body.risk;
    expect(risk.var).toHaveLength(12);
    expect(new Set(risk.var.map((v: { method: string }) => v.method))).toEqual(new Set(["historical", "parametric", "monte_carlo"]));
    expect(risk.limits.desk.maxOrderNotional).toBe("25000");
    expect(risk.history.bars).toBe(8760);
    expect(risk.correlation.assets).toEqual(["BTC", "ETH", "SOL"]);
    expect(risk.stress.map((s: { scenario: string }) => s.scenario)).toEqual(["btc_crash", "crypto_crash", "venue_outage", "liquidity_crunch", "worst_day"]);
    expect(new Decimal(risk.equity).gt(0)).toBe(true);
  }, 20_000); // the first report draws the return history and runs the first cycle: seconds on a loaded machine

  it("when a VaR figure is asked for then it is the report's, and a bad query is a 400", async () => {
    const res = await api("GET", "/api/risk/var?method=historical&confidence=0.95&horizon=1h", { role: "viewer" });
    expect(res.status).toBe(200);
    expect(res.body.var).toMatchObject({ method: "historical", confidence: 0.95, horizon: "1h" });
    for (const q of ["method=magic", "confidence=0.9", "horizon=1w", "extra=1"]) {
      const bad = await api("GET", `/api/risk/var?${q}`, { role: "viewer" });
      expect(bad.status, q).toBe(400);
      expect(bad.body.error.code).toBe("invalid_request");
    }
  });

  it("when a cycle runs with positions then VaR is positive, ES ≥ VaR, and a snapshot row reaches D1", async () => {
    expect((await order(MARCUS, { quantity: "0.05" })).status).toBe(201);
    const report = await riskStub(env).runCycle();
    for (const v of report.var) {
      expect(new Decimal(v.var).gt(0), `${v.method} ${v.confidence} ${v.horizon}`).toBe(true);
      expect(new Decimal(v.es).gte(v.var)).toBe(true);
    }
    const p99 = report.var.find((v) => v.method === "parametric" && v.confidence === 0.99 && v.horizon === "1d");
    const p95 = report.var.find((v) => v.method === "parametric" && v.confidence === 0.95 && v.horizon === "1d");
    expect(new Decimal(p99?.var ?? "0").gt(p95?.var ?? "0")).toBe(true);
    expect(report.positions.some((p) => p.agent === MARCUS && p.asset === "BTC" && p.stop !== null)).toBe(true);
    expect(report.usage.some((u) => u.scope.kind === "desk" && u.rule === "max_gross_exposure")).toBe(true);
    await riskStub(env).report();
    const rows = await env.DB.prepare(`SELECT as_of_ms, var_99 FROM risk_snapshots WHERE as_of_ms = ?`).bind(report.asOfMs).all();
    expect(rows.results).toHaveLength(1);
  });
});

describe("pre-trade checks", () => {
  it("when an order is over the max order notional then it is resized to fit, rounded down to the lot", async () => {
    const res = await order(SOPHIA, { quantity: "1" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.order.request.quantity).not.toBe("1");
    expect(res.body.risk).toMatchObject({ decision: "resize", rule: "max_order_notional", quantity: res.body.order.request.quantity });
    expect(res.body.risk.reason).toMatch(/exceeds the agent's max order notional 25,000 USD; resized to/);
    const q = new Decimal(res.body.order.request.quantity);
    const price = new Decimal(res.body.order.order.averagePrice);
    expect(q.gt(0)).toBe(true);
    // Resized against the mark: the fill price is within a few basis points of it.
    expect(q.times(price).lte(25_000 * 1.002)).toBe(true);
    expect(q.decimalPlaces()).toBeLessThanOrEqual(5);
  });

  it("when an agent's orders per minute are used up then the next one is refused with the rule", async () => {
    const MAX = "agent:max-maker";
    await setLimits({ agents: { [MAX]: { maxOrdersPerMinute: 2 } } });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await order(MAX, { quantity: "0.001" }));
    await setLimits({ agents: { [MAX]: null } });
    expect(results.map((r) => r.status)).toEqual([201, 201, 422]);
    expect(results[2]?.body.error.code).toBe("risk_rejected");
    expect(results[2]?.body.error.message).toMatch(/minute/);
    // With the override gone, the desk's 120 a minute apply again.
    expect((await order(MAX, { quantity: "0.001" })).status).toBe(201);
  });

  it("when resting buys would add up past a position limit then the next one is resized: open orders count as held", async () => {
    const agent = "agent:paula-pairs";
    await setLimits({ agents: { [agent]: { maxPositionNotional: "30000" } } });
    const mark = new Decimal((await api("GET", "/api/markets/paper-kraken/BTC-USD/ticker", { role: "viewer" })).body.bid);
    // Far below the market, so they rest: each is 20,000 USD at the mark the monitor values it at.
    const price = mark.times("0.5").toDecimalPlaces(2).toFixed();
    const quantity = new Decimal(20_000).div(mark).toDecimalPlaces(5, Decimal.ROUND_DOWN).toFixed();
    const first = await order(agent, { venue: "paper-kraken", type: "limit", price, quantity, timeInForce: "gtc" });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.order.status).toBe("open");
    expect(first.body.risk.decision).toBe("approve");
    const second = await order(agent, { venue: "paper-kraken", type: "limit", price, quantity, timeInForce: "gtc" });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body.risk).toMatchObject({ decision: "resize", rule: "max_position_notional" });
    expect(new Decimal(second.body.order.request.quantity).lt(quantity)).toBe(true);
    for (const o of [first, second]) await api("DELETE", `/api/orders/${o.body.order.clientOrderId}?agent=${agent}`, { role: "trader", idempotencyKey: key("cancel") });
    await setLimits({ agents: { [agent]: null } });
  });

  it("when limits are bad then they are refused with a clear error and nothing changes", async () => {
    const before = (await api("GET", "/api/risk")).body.risk.limits;
    const bad: Array<[unknown, RegExp]> = [
      [{ desk: { maxOrderNotional: "-5" } }, /maxOrderNotional/],
      [{ desk: { maxVar: "NaN" } }, /maxVar/],
      [{ desk: { maxDrawdown: "1.5" } }, /maxDrawdown/],
      [{ desk: { maxOrdersPerMinute: 1.5 } }, /maxOrdersPerMinute/],
      [{ desk: { maxDailyLoss: null } }, /maxDailyLoss/],
      [{ desk: { leverage: "2" } }, /leverage|unknown|not a limit/i],
      [{ agents: { marcus: { maxVar: "1" } } }, /agent/],
      ["not an object", /object|limits/i],
    ];
    for (const [body, message] of bad) {
      const res = await api("PUT", "/api/risk/limits", { body, idempotencyKey: key("bad-limits") });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.error), JSON.stringify(body)).toMatch(message);
    }
    expect((await api("GET", "/api/risk")).body.risk.limits).toEqual(before);
  });
});

describe("risk denials", () => {
  type Notice = { topics: string; value: Record<string, unknown> };
  async function notices(name: string, agent: string): Promise<Notice[]> {
    await hubStub(env).flush();
    const rows = await env.DB.prepare(`SELECT topics, event FROM events WHERE thread = 'risk' AND type = 'CUSTOM' AND event LIKE ? ORDER BY seq`).bind(`%${name}%`).all<{ topics: string; event: string }>();
    return rows.results.map((r) => ({ topics: r.topics, value: (JSON.parse(r.event) as { value: Record<string, unknown> }).value })).filter((n) => n.value.agent === agent);
  }
  async function eventually(name: string, agent: string, quantity: string): Promise<Notice | undefined> {
    for (let i = 0; i < 50; i++) {
      const found = (await notices(name, agent)).find((n) => n.value.quantity === quantity);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    return undefined;
  }

  it("when an order is rejected or resized then the risk thread says so with the rule and reason, to the desk, the agent and its farm; a dry run says nothing", async () => {
    const farm = (await agentStub(env, SOPHIA).riskView())?.farm ?? null;
    expect(farm).toBeTruthy();
    const base = { agent: SOPHIA, farm, venue: "paper-binance", symbol: "BTC-USD", side: "buy" as const, price: null, reduceOnly: false, lotSize: "0.00001", minNotional: "5" };
    const monitor = riskStub(env);
    const resized = await monitor.preTrade({ ...base, quantity: "7.77" });
    expect(resized.decision).toBe("resize");
    expect((await halt({ scope: "agent", id: SOPHIA, reason: "denial events" })).status).toBe(201);
    const dry = await monitor.preTrade({ ...base, quantity: "0.00222" }, undefined, undefined, true);
    expect(dry.decision).toBe("reject");
    const real = await monitor.preTrade({ ...base, quantity: "0.00111" });
    expect(real.decision).toBe("reject");
    if (real.decision !== "reject" || resized.decision !== "resize") return;

    const denied = await eventually("cival.risk.denied", SOPHIA, "0.00111");
    expect(denied?.value).toEqual({ agent: SOPHIA, farm, venue: "paper-binance", symbol: "BTC-USD", side: "buy", quantity: "0.00111", rule: real.rule, reason: real.reason });
    for (const topic of ["desk", "risk", SOPHIA, farm]) expect(denied?.topics).toContain(`,${topic},`);
    const resize = await eventually("cival.risk.resized", SOPHIA, "7.77");
    expect(resize?.value).toMatchObject({ quantity: "7.77", allowed: resized.quantity, rule: resized.rule, reason: resized.reason });
    expect((await notices("cival.risk.denied", SOPHIA)).filter((n) => n.value.quantity === "0.00222")).toEqual([]);
    expect((await resume({ scope: "agent", id: SOPHIA, reason: "denial events over" })).status).toBe(200);
  }, 20_000);
});

describe("halts", () => {
  it("when an admin halts the desk then open orders are cancelled, every order is refused, and resuming lets them through", async () => {
    const resting = await order(MARCUS, { type: "limit", price: "1000", quantity: "0.01", timeInForce: "gtc" });
    expect(resting.status, JSON.stringify(resting.body)).toBe(201);
    expect(resting.body.order.status).toBe("open");
    const id = resting.body.order.clientOrderId;

    expect((await halt({ scope: "desk", reason: "test" }, "trader")).status).toBe(403);
    const h = await halt({ scope: "desk", reason: "operator test of the kill switch" });
    expect(h.status, JSON.stringify(h.body)).toBe(201);
    expect(h.body.halt).toMatchObject({ scope: { kind: "desk" }, rule: "kill_switch", by: "admin@test", reason: "operator test of the kill switch", resumeAtMs: null });

    expect((await agentStub(env, MARCUS).order(id))?.status).toBe("cancelled");
    const refused = await order(SOPHIA, { quantity: "0.001" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("risk_rejected");
    expect(refused.body.error.message).toMatch(/halted/i);
    expect((await api("GET", "/api/risk")).body.risk.halts).toHaveLength(1);

    const r = await resume({ scope: "desk", reason: "test over" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body, JSON.stringify(r.body)).toEqual({ resumed: { kind: "desk" }, by: "admin@test" });
    expect((await resume({ scope: "desk", reason: "again" })).status).toBe(409);
    expect((await order(SOPHIA, { quantity: "0.001" })).status).toBe(201);
    const actions = await env.DB.prepare(`SELECT kind, by, reason FROM risk_actions WHERE kind IN ('halt', 'resume') ORDER BY at_ms`).all();
    expect(actions.results.slice(-2)).toEqual([
      { kind: "halt", by: "admin@test", reason: "operator test of the kill switch" },
      { kind: "resume", by: "admin@test", reason: "test over" },
    ]);
  });

  it("when the kill switch is released then its critical alert is cleared, no longer active (defect 1)", async () => {
    expect((await halt({ scope: "agent", id: SOPHIA, reason: "defect 1 check" })).status).toBe(201);
    type Alert = { key: string; rule: string; level: string; scope: { id?: string }; clearedAtMs: number | null };
    const haltAlert = (alerts: Alert[]) => alerts.find((a) => a.rule === "kill_switch" && a.scope.id === SOPHIA && a.key.startsWith("halt:"));
    const during = (await api("GET", "/api/risk/alerts?level=critical", { role: "viewer" })).body.alerts as Alert[];
    expect(haltAlert(during)).toMatchObject({ level: "critical", clearedAtMs: null });
    expect((await resume({ scope: "agent", id: SOPHIA, reason: "defect 1 over" })).status).toBe(200);
    const after = (await api("GET", "/api/risk/alerts?level=critical", { role: "viewer" })).body.alerts as Alert[];
    expect(haltAlert(after)?.clearedAtMs).toEqual(expect.any(Number));
    const report = await riskStub(env).report();
    expect(report.halts).toHaveLength(0);
    expect(report.alerts.filter((a) => a.rule === "kill_switch" && a.clearedAtMs === null)).toEqual([]);
  });

  it("when a farm is halted then its agents are refused and other farms' agents are not", async () => {
    const marcus = await agentStub(env, MARCUS).riskView();
    const farm = marcus?.farm;
    expect(farm).toBeTruthy();
    expect((await halt({ scope: "farm", id: farm, reason: "farm test" })).status).toBe(201);
    expect((await order(MARCUS, { quantity: "0.001" })).status).toBe(422);
    const other = await order(SOPHIA, { quantity: "0.001" });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    expect((await resume({ scope: "farm", id: farm, reason: "farm test over" })).status).toBe(200);
    expect((await halt({ scope: "agent", id: "agent:nobody", reason: "x" })).status).toBe(404);
    expect((await halt({ scope: "agent", reason: "no id" })).status).toBe(400);
    expect((await halt({ scope: "desk" })).status).toBe(400);
  });

  it("when an agent's daily loss reaches its limit then the next cycle halts it, raises a critical alert, and its orders are refused", async () => {
    const PAULA = "agent:paula-pairs";
    await riskStub(env).runCycle(); // the day's baseline
    await setLimits({ agents: { [PAULA]: { maxDailyLoss: "0.5" } } });
    // Buying pays the spread and a fee: a loss of more than 0.50 USD at the mark.
    const buy = await order(PAULA, { quantity: "0.05" });
    expect(buy.status, JSON.stringify(buy.body)).toBe(201);
    const report = await riskStub(env).runCycle();
    const haltOf = report.halts.find((x) => x.scope.kind === "agent" && x.scope.id === PAULA);
    expect(haltOf).toMatchObject({ rule: "max_daily_loss", by: "monitor" });
    const refused = await order(PAULA, { quantity: "0.001" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/halted/i);
    const alerts = await api("GET", "/api/risk/alerts?level=critical", { role: "viewer" });
    expect(alerts.status).toBe(200);
    expect(alerts.body.alerts.some((a: { rule: string; scope: { id?: string } }) => a.rule === "max_daily_loss" && a.scope.id === PAULA)).toBe(true);
    expect((await api("GET", "/api/risk/alerts?level=loud", { role: "viewer" })).status).toBe(400);
    await setLimits({ agents: { [PAULA]: null } });
    expect((await resume({ scope: "agent", id: PAULA, reason: "loss reviewed" })).status).toBe(200);
  });
});

describe("the venue-error breaker", () => {
  it("when a venue keeps failing for an agent then the next cycle halts that agent, and only it", async () => {
    const agent = "agent:max-maker";
    const monitor = riskStub(env);
    for (let i = 0; i < 4; i++) await monitor.reportVenueError("paper-kraken", agent, "timeout");
    let report = await monitor.runCycle();
    expect(report.halts.some((h) => h.scope.kind === "agent" && h.scope.id === agent)).toBe(false);
    expect(report.alerts.some((a) => a.rule === "venue_errors" && a.level === "warning")).toBe(true);
    await monitor.reportVenueError("paper-kraken", agent, "timeout");
    report = await monitor.runCycle();
    expect(report.halts.find((h) => h.scope.kind === "agent" && h.scope.id === agent)).toMatchObject({ rule: "venue_errors", by: "monitor" });
    expect((await order(agent, { quantity: "0.001" })).status).toBe(422);
    expect((await order(SOPHIA, { quantity: "0.001" })).status).toBe(201);
    expect((await resume({ scope: "agent", id: agent, reason: "kraken is back" })).status).toBe(200);
  });
});

describe("mitigation and stops", () => {
  it("when the desk is over its gross exposure limit then the monitor's reductions bring it back within", async () => {
    const a = await order(MARCUS, { quantity: "0.2" });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    const b = await order(SOPHIA, { symbol: "ETH-USD", quantity: "3" });
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    const before = await riskStub(env).runCycle();
    const gross = new Decimal(before.grossExposure);
    const limit = gross.times("0.6").toDecimalPlaces(0);
    await setLimits({ desk: { maxGrossExposure: limit.toFixed() } });
    await riskStub(env).runCycle();
    const after = await riskStub(env).runCycle();
    expect(new Decimal(after.grossExposure).lte(limit.times("1.002")), `${after.grossExposure} vs ${limit}`).toBe(true);
    const actions = await env.DB.prepare(`SELECT detail FROM risk_actions WHERE kind = 'mitigation'`).all<{ detail: string }>();
    expect(actions.results.length).toBeGreaterThan(0);
    expect(actions.results.every((a) => (JSON.parse(a.detail) as { placed: boolean }).placed)).toBe(true);
    await setLimits({ desk: { maxGrossExposure: "400000" } });
  });

  it("when a position's stop is crossed then the monitor closes it reduce-only, even with the desk halted", async () => {
    const agent = "agent:alex-arbitrage";
    await setLimits({ agents: { [agent]: { stopDistance: "0.00001" } } });
    expect((await order(agent, { venue: "paper-kraken", symbol: "SOL-USD", quantity: "10" })).status).toBe(201);
    expect((await held(agent, "SOL")).toFixed()).toBe("10");
    expect((await halt({ scope: "desk", reason: "stops must still run" })).status).toBe(201);
    // Bought at the ask, marked at the mid two basis points lower: past a stop 0.1 bp below the entry.
    await riskStub(env).runCycle();
    expect((await held(agent, "SOL")).toFixed()).toBe("0");
    const actions = await env.DB.prepare(`SELECT detail FROM risk_actions WHERE kind = 'stop'`).all<{ detail: string }>();
    expect(actions.results.map((a) => JSON.parse(a.detail) as { agent: string; placed: boolean })).toContainEqual(expect.objectContaining({ agent, placed: true }));
    expect((await resume({ scope: "desk", reason: "done" })).status).toBe(200);
    await setLimits({ agents: { [agent]: null } });
  }, 20_000);
});

describe("stress tests", () => {
  it("when a named scenario runs then the loss follows the shock, and a custom one is validated", async () => {
    const report = await riskStub(env).runCycle();
    const btc = report.positions.filter((p) => p.asset === "BTC").reduce((s, p) => s.plus(p.notional), new Decimal(0));
    const res = await api("POST", "/api/risk/stress", { role: "trader", body: { scenario: "btc_crash" }, idempotencyKey: key("stress") });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(new Decimal(res.body.result.loss).minus(btc.times("0.2")).abs().lte("0.05")).toBe(true);
    const custom = await api("POST", "/api/risk/stress", { role: "trader", body: { custom: { id: "sol-halves", name: "SOL halves", description: "", shocks: { SOL: -0.5 } } }, idempotencyKey: key("stress") });
    expect(custom.status, JSON.stringify(custom.body)).toBe(200);
    expect(custom.body.result.scenario).toBe("sol-halves");
    for (const body of [{ scenario: "meteor" }, { custom: { id: "x", name: "x", shocks: { BTC: -2 } } }, {}, { scenario: "btc_crash", custom: {} }]) {
      const bad = await api("POST", "/api/risk/stress", { role: "trader", body, idempotencyKey: key("stress") });
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api("POST", "/api/risk/stress", { role: "viewer", body: { scenario: "btc_crash" }, idempotencyKey: key("stress") })).status).toBe(403);
  });
});

describe("operator notifications", () => {
  it("when the webhook is down then the halt is still in force and the failure is recorded as an alert", async () => {
    const monitor = riskStub(env);
    await runInDurableObject(monitor, (instance) => {
      (instance as unknown as { env: Env }).env.MONITORING_WEBHOOKS = "https://hooks.cival.test/risk";
    });
    const calls: string[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!url.startsWith("https://hooks.cival.test/")) return realFetch(input, init);
      calls.push(url);
      throw new TypeError("connect ECONNREFUSED");
    });
    const h = await halt({ scope: "agent", id: MARCUS, reason: "webhook down test" });
    expect(h.status).toBe(201);
    expect((await order(MARCUS, { quantity: "0.001" })).status).toBe(422);
    let failed = false;
    for (let i = 0; i < 50 && !failed; i++) {
      const alerts = (await api("GET", "/api/risk/alerts?level=info", { role: "viewer" })).body.alerts as Array<{ rule: string; message: string }>;
      failed = alerts.some((a) => a.rule === "notification_failed" && a.message.includes("ECONNREFUSED"));
      if (!failed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(calls).toEqual(["https://hooks.cival.test/risk"]);
    expect(failed).toBe(true);
    expect((await resume({ scope: "agent", id: MARCUS, reason: "done" })).status).toBe(200);
    await runInDurableObject(monitor, (instance) => {
      delete (instance as unknown as { env: Env }).env.MONITORING_WEBHOOKS;
    });
  });
});

describe("the risk thread", () => {
  it("when the monitor has cycled, halted, resumed and stopped then its events are valid AG-UI runs whose deltas rebuild the report", async () => {
    await riskStub(env).runCycle();
    await hubStub(env).flush();
    const rows = await env.DB.prepare(`SELECT seq, thread, event, at_ms FROM events WHERE thread = 'risk' ORDER BY seq`).all<{ seq: number; thread: string; event: string; at_ms: number }>();
    const frames = rows.results.map((r) => ({ seq: r.seq, thread: r.thread, event: JSON.parse(r.event) as BaseEvent, at: r.at_ms }));
    const types = new Set(frames.map((f) => f.event.type));
    for (const t of ["RUN_STARTED", "RUN_FINISHED", "STATE_SNAPSHOT", "STATE_DELTA", "TOOL_CALL_START", "TOOL_CALL_RESULT", "CUSTOM"]) expect(types.has(t as never), t).toBe(true);
    const names = new Set(frames.map((f) => (f.event as { name?: string }).name).filter(Boolean));
    for (const n of ["cival.risk.alert", "cival.risk.halted", "cival.risk.resumed"]) expect(names.has(n), n).toBe(true);
    await assertValidStreams(frames);
    const state = await hubStub(env).threadState("risk");
    expect(state).toMatchObject({ limits: expect.any(Object), var: expect.any(Array) });
  });
});
