import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, seed } from "./helpers/api.js";

beforeAll(seed);

const MUTATING = [
  { method: "POST", path: "/api/wallets/allocations" },
  { method: "POST", path: "/api/wallets/collections" },
  { method: "POST", path: "/api/wallets/rebalances" },
  { method: "POST", path: "/api/farms" },
  { method: "PATCH", path: "/api/farms/momentum" },
  { method: "POST", path: "/api/agents" },
  { method: "PATCH", path: "/api/agents/marcus-momentum" },
  { method: "POST", path: "/api/risk/stress" },
  { method: "PUT", path: "/api/risk/limits" },
  { method: "POST", path: "/api/risk/halt" },
  { method: "POST", path: "/api/risk/resume" },
  { method: "POST", path: "/api/orders/check" },
  { method: "POST", path: "/api/backtests" },
  { method: "PUT", path: "/api/agents/marcus-momentum/config" },
  { method: "POST", path: "/api/agents/marcus-momentum/positions/close" },
  { method: "POST", path: "/api/approvals/marcus-momentum.t1" },
  { method: "PUT", path: "/api/approvals/policy" },
  { method: "PUT", path: "/api/farms/momentum/mode" },
] as const;

const BAD_BODIES: ReadonlyArray<[string, { rawBody?: string; body?: unknown; headers?: Record<string, string> }]> = [
  ["not JSON", { rawBody: "{not json" }],
  ["a JSON array", { body: [1, 2] }],
  ["JSON null", { rawBody: "null" }],
  ["a number", { rawBody: "42" }],
  ["an empty object", { body: {} }],
  ["unknown fields only", { body: { hello: "world" } }],
  ["the wrong content type", { rawBody: "to=farm:momentum&amount=1", headers: { "Content-Type": "application/x-www-form-urlencoded" } }],
];

const BAD_MOVES: ReadonlyArray<[string, unknown]> = [
  ["a numeric amount", { to: "farm:momentum", amount: 100 }],
  ["a negative amount", { to: "farm:momentum", amount: "-1" }],
  ["a zero amount", { to: "farm:momentum", amount: "0" }],
  ["zero with decimals", { to: "farm:momentum", amount: "0.000" }],
  ["19 decimals", { to: "farm:momentum", amount: "1.0000000000000000001" }],
  ["finer than a cent", { to: "farm:momentum", amount: "12.345" }],
  ["an exponent", { to: "farm:momentum", amount: "1e3" }],
  ["words", { to: "farm:momentum", amount: "ten" }],
  ["NaN", { to: "farm:momentum", amount: "NaN" }],
  ["Infinity", { to: "farm:momentum", amount: "Infinity" }],
  ["an absurd size", { to: "farm:momentum", amount: "1".repeat(40) }],
  ["a bad wallet id", { to: "farm:Momentum!", amount: "1" }],
  ["an unknown asset", { to: "farm:momentum", amount: "1", asset: "DOGE" }],
  ["an extra field", { to: "farm:momentum", amount: "1", force: true }],
  ["an object amount", { to: "farm:momentum", amount: { value: "1" } }],
];

async function snapshot() {
  const wallets = (await api("GET", "/api/wallets")).body;
  const transfers = await env.DB.prepare("SELECT COUNT(*) AS n FROM transfers").first<{ n: number }>();
  return { wallets, transfers: transfers?.n };
}

describe("malformed input", () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  for (const route of MUTATING) {
    for (const [what, opts] of BAD_BODIES) {
      it(`${route.method} ${route.path} with ${what} → 4xx`, async () => {
        const res = await api(route.method, route.path, opts);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.body.error.code).toMatch(/^[a-z_]+$/);
        expect(res.body.error.message.length).toBeGreaterThan(0);
      });
    }
  }

  for (const path of ["/api/wallets/allocations", "/api/wallets/collections"]) {
    for (const [what, body] of BAD_MOVES) {
      it(`POST ${path} with ${what} → 400`, async () => {
        const { to, ...rest } = body as { to: string };
        const payload = path.endsWith("collections") ? { ...rest, from: to === "farm:momentum" ? "agent:marcus-momentum" : "agent:Bad!" } : body;
        const res = await api("POST", path, { body: payload });
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.error.code).toBe("invalid_request");
        expect(res.body.error.details.issues.length).toBeGreaterThan(0);
      });
    }
  }

  it.each([
    ["PATCH", "/api/farms/Not Valid"],
    ["POST", "/api/farms/../archive"],
    ["POST", "/api/agents/UPPER/archive"],
    ["GET", "/api/wallets/agent:/transactions"],
    ["PUT", "/api/agents/UPPER/config"],
    ["POST", "/api/approvals/no-dot"],
    ["GET", "/api/agents/marcus-momentum/decisions?limit=0"],
    ["GET", "/api/equity?scope=nowhere"],
    ["GET", "/api/signals?symbol=btc"],
  ])("%s %s with a bad path parameter → 4xx", async (method, path) => {
    const res = await api(method, path, method === "GET" ? {} : { body: { name: "x" } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it.each(["/api/wallets/allocations", "/api/wallets/collections"])("when %s is asked to move 12.345 USD then it is a 400 naming the field and the scale", async (path) => {
    const body = path.endsWith("allocations") ? { to: "farm:momentum", amount: "12.345" } : { from: "agent:marcus-momentum", amount: "12.345" };
    const res = await api("POST", path, { body });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
    expect(res.body.error.message).toMatch(/amount: amount 12\.345 has 3 decimals; USD amounts carry at most 2/);
    expect(res.body.error.details.issues).toEqual([{ path: "amount", message: expect.stringMatching(/at most 2 \(steps of 0\.01\)/) }]);
  });

  it("when the Idempotency-Key is malformed then it is a 400", async () => {
    const res = await api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "1" }, idempotencyKey: "x".repeat(201) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_idempotency_key");
  });

  it("when the body is huge then it is a 413 before anything is read", async () => {
    const res = await api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "1", memo: "x".repeat(70_000) } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("body_too_large");
  });

  it("when an unknown route is called then it is a JSON 404", async () => {
    const res = await api("GET", "/api/nothing-here");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });

  it("after all of it nothing changed", async () => {
    expect(await snapshot()).toEqual(before);
  });
});
