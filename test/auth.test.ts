import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../worker/app.js";
import { type Role, TEST_SECRET, api, seed } from "./helpers/api.js";

beforeAll(seed);

type Need = "viewer" | "trader" | "admin";
interface Route {
  readonly name: string;
  readonly need: Need;
  /** Builds a valid request; `tag` keeps each role's request distinct (fresh names and keys). */
  readonly request: (tag: string) => { method: string; path: string; body?: unknown };
}

const ROUTES: readonly Route[] = [
  { name: "GET /api/me", need: "viewer", request: () => ({ method: "GET", path: "/api/me" }) },
  { name: "GET /api/wallets", need: "viewer", request: () => ({ method: "GET", path: "/api/wallets" }) },
  { name: "GET /api/wallets/:id", need: "viewer", request: () => ({ method: "GET", path: "/api/wallets/farm:momentum" }) },
  { name: "GET /api/wallets/:id/transactions", need: "viewer", request: () => ({ method: "GET", path: "/api/wallets/treasury/transactions" }) },
  { name: "POST /api/wallets/allocations (treasury)", need: "admin", request: () => ({ method: "POST", path: "/api/wallets/allocations", body: { to: "farm:pairs", amount: "10" } }) },
  { name: "POST /api/wallets/allocations (farm → agent)", need: "trader", request: () => ({ method: "POST", path: "/api/wallets/allocations", body: { from: "farm:pairs", to: "agent:paula-pairs", amount: "1" } }) },
  { name: "POST /api/wallets/collections (agent → farm)", need: "trader", request: () => ({ method: "POST", path: "/api/wallets/collections", body: { from: "agent:max-maker", amount: "1" } }) },
  { name: "POST /api/wallets/collections (→ treasury)", need: "admin", request: () => ({ method: "POST", path: "/api/wallets/collections", body: { from: "agent:max-maker", to: "treasury", amount: "1" } }) },
  { name: "POST /api/wallets/rebalances", need: "trader", request: () => ({ method: "POST", path: "/api/wallets/rebalances", body: { farm: "farm:arbitrage" } }) },
  { name: "POST /api/farms", need: "trader", request: (tag) => ({ method: "POST", path: "/api/farms", body: { name: `Farm ${tag}`, strategy: "pairs" } }) },
  { name: "PATCH /api/farms/:id", need: "trader", request: (tag) => ({ method: "PATCH", path: "/api/farms/pairs", body: { name: `Pairs ${tag}` } }) },
  { name: "POST /api/farms/:id/archive", need: "admin", request: (tag) => ({ method: "POST", path: `/api/farms/farm-${tag}-archivable/archive` }) },
  { name: "POST /api/agents", need: "trader", request: (tag) => ({ method: "POST", path: "/api/agents", body: { name: `Agent ${tag}`, farm: "pairs" } }) },
  { name: "PATCH /api/agents/:id", need: "trader", request: (tag) => ({ method: "PATCH", path: "/api/agents/paula-pairs", body: { name: `Paula ${tag}` } }) },
  { name: "POST /api/agents/:id/archive", need: "trader", request: (tag) => ({ method: "POST", path: `/api/agents/agent-${tag}-archivable/archive` }) },
  { name: "GET /api/agents", need: "viewer", request: () => ({ method: "GET", path: "/api/agents" }) },
  { name: "GET /api/agents/:id", need: "viewer", request: () => ({ method: "GET", path: "/api/agents/paula-pairs" }) },
  { name: "GET /api/agents/:id/decisions", need: "viewer", request: () => ({ method: "GET", path: "/api/agents/paula-pairs/decisions" }) },
  { name: "GET /api/agents/:id/trades", need: "viewer", request: () => ({ method: "GET", path: "/api/agents/paula-pairs/trades" }) },
  { name: "GET /api/agents/:id/trades.csv", need: "viewer", request: () => ({ method: "GET", path: "/api/agents/paula-pairs/trades.csv" }) },
  { name: "GET /api/agents/:id/fills.csv", need: "viewer", request: () => ({ method: "GET", path: "/api/agents/paula-pairs/fills.csv" }) },
  { name: "GET /api/agents/:id/equity", need: "viewer", request: () => ({ method: "GET", path: "/api/agents/paula-pairs/equity" }) },
  { name: "PUT /api/agents/:id/config", need: "trader", request: () => ({ method: "PUT", path: "/api/agents/paula-pairs/config", body: { cycleMs: 15000 } }) },
  // Each role that may pauses and resumes the same agent, so the matrix leaves it as it was.
  { name: "POST /api/agents/:id/pause", need: "trader", request: () => ({ method: "POST", path: "/api/agents/paula-pairs/pause" }) },
  { name: "POST /api/agents/:id/resume", need: "trader", request: () => ({ method: "POST", path: "/api/agents/paula-pairs/resume" }) },
  { name: "GET /api/signals", need: "viewer", request: () => ({ method: "GET", path: "/api/signals?limit=5" }) },
  { name: "GET /api/approvals", need: "viewer", request: () => ({ method: "GET", path: "/api/approvals?state=pending" }) },
  { name: "GET /api/approvals/policy", need: "viewer", request: () => ({ method: "GET", path: "/api/approvals/policy" }) },
  { name: "PUT /api/approvals/policy", need: "admin", request: () => ({ method: "PUT", path: "/api/approvals/policy", body: { expiresAfterMs: 300000 } }) },
  { name: "GET /api/farms", need: "viewer", request: () => ({ method: "GET", path: "/api/farms" }) },
  { name: "GET /api/farms/:id", need: "viewer", request: () => ({ method: "GET", path: "/api/farms/pairs" }) },
  { name: "PUT /api/farms/:id/mode", need: "trader", request: () => ({ method: "PUT", path: "/api/farms/pairs/mode", body: { mode: "independent", reason: "matrix" } }) },
  { name: "GET /api/equity", need: "viewer", request: () => ({ method: "GET", path: "/api/equity?scope=desk" }) },
  { name: "GET /api/desk/probe", need: "viewer", request: () => ({ method: "GET", path: "/api/desk/probe?n=3" }) },
  { name: "GET /api/attribution", need: "viewer", request: () => ({ method: "GET", path: "/api/attribution" }) },
  { name: "POST /api/orders/check", need: "trader", request: () => ({ method: "POST", path: "/api/orders/check", body: { agent: "agent:paula-pairs", venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.001" } }) },
  { name: "POST /api/desk/seed", need: "admin", request: () => ({ method: "POST", path: "/api/desk/seed" }) },
  { name: "GET /api/risk", need: "viewer", request: () => ({ method: "GET", path: "/api/risk" }) },
  { name: "GET /api/risk/var", need: "viewer", request: () => ({ method: "GET", path: "/api/risk/var?method=monte_carlo&confidence=0.99&horizon=1d" }) },
  { name: "GET /api/risk/alerts", need: "viewer", request: () => ({ method: "GET", path: "/api/risk/alerts?limit=5" }) },
  { name: "POST /api/risk/stress", need: "trader", request: () => ({ method: "POST", path: "/api/risk/stress", body: { scenario: "crypto_crash" } }) },
  { name: "PUT /api/risk/limits", need: "admin", request: () => ({ method: "PUT", path: "/api/risk/limits", body: { desk: { maxVar: "40000" } } }) },
  // Each role halts and resumes its own agent, so the matrix leaves nothing halted.
  { name: "POST /api/risk/halt", need: "admin", request: (tag) => ({ method: "POST", path: "/api/risk/halt", body: { scope: "agent", id: `agent:agent-${tag}-archivable`, reason: `matrix ${tag}` } }) },
  { name: "POST /api/risk/resume", need: "admin", request: (tag) => ({ method: "POST", path: "/api/risk/resume", body: { scope: "agent", id: `agent:agent-${tag}-archivable`, reason: `matrix ${tag} over` } }) },
];

const RANK: Record<Role, number> = { viewer: 0, trader: 1, admin: 2 };

describe("auth matrix", () => {
  beforeAll(async () => {
    // Wallets the archive routes can archive, one per role.
    for (const role of ["viewer", "trader", "admin"] as const) {
      await api("POST", "/api/farms", { body: { id: `farm-${role}-archivable`, name: `Archivable ${role}`, strategy: "pairs" } });
      await api("POST", "/api/agents", { body: { id: `agent-${role}-archivable`, name: `Archivable ${role}`, farm: "pairs" } });
    }
  });

  for (const route of ROUTES) {
    for (const role of ["viewer", "trader", "admin"] as const) {
      const allowed = RANK[role] >= RANK[route.need];
      it(`${route.name} as ${role} → ${allowed ? "allowed" : "403"}`, async () => {
        const { method, path, body } = route.request(role);
        const res = await api(method, path, { role, body });
        if (allowed) expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
        else {
          expect(res.status).toBe(403);
          expect(res.body.error.code).toBe("forbidden");
        }
      });
    }
    it(`${route.name} without a token → 401`, async () => {
      const { method, path, body } = route.request("anon");
      const res = await api(method, path, { role: null, body });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    });
  }

  it("when a refused request would have moved money then nothing moved", async () => {
    const before = (await api("GET", "/api/wallets")).body.totals;
    const treasury = (await api("GET", "/api/wallets/treasury")).body.wallet.balances.USD;
    await api("POST", "/api/wallets/allocations", { role: "trader", body: { to: "farm:pairs", amount: "1000" } });
    expect((await api("GET", "/api/wallets/treasury")).body.wallet.balances.USD).toBe(treasury);
    expect((await api("GET", "/api/wallets")).body.totals).toEqual(before);
  });
});

describe("tokens", () => {
  const call = (authorization: string) => api("GET", "/api/wallets", { role: null, headers: { Authorization: authorization } });

  it.each([
    ["a malformed header", "Token abc"],
    ["a garbage token", "Bearer not.a.jwt"],
  ])("when the request carries %s then it is a 401", async (_what, header) => {
    expect((await call(header)).status).toBe(401);
  });

  it("when the token is signed with another secret then it is a 401", async () => {
    const forged = await sign({ sub: "x", role: "admin", exp: Math.floor(Date.now() / 1000) + 60 }, "another-secret-another-secret-1234", "HS256");
    expect((await call(`Bearer ${forged}`)).status).toBe(401);
  });

  it("when the token has expired then it is a 401", async () => {
    const expired = await sign({ sub: "x", role: "admin", exp: Math.floor(Date.now() / 1000) - 10 }, TEST_SECRET, "HS256");
    expect((await call(`Bearer ${expired}`)).status).toBe(401);
  });

  it("when the token claims an unknown role then it is a 401", async () => {
    const odd = await sign({ sub: "x", role: "root", exp: Math.floor(Date.now() / 1000) + 60 }, TEST_SECRET, "HS256");
    expect((await call(`Bearer ${odd}`)).status).toBe(401);
  });

  it("when the Worker has no secret then the API is closed with a 503 and health still answers", async () => {
    const closed = { ...env, JWT_SECRET: undefined };
    const res = await app.request("/api/wallets", { headers: { Authorization: "Bearer x.y.z" } }, closed);
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.code).toBe("auth_not_configured");
    const health = await app.request("/api/health", {}, closed);
    expect(health.status).toBe(200);
  });
});
