#!/usr/bin/env node
// npm run bench:venue — orders per second through a paper Venue object with persistence, end to
// end: POST /api/orders → AgentWallet (reserve, journal) → Venue (match, store, deliver fills) →
// AgentWallet (fills, release), against `wrangler dev` on this machine. Bounded: a fixed number
// of orders, then it stops the server. Writes bench/results/venue.json.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mintToken } from "../scripts/token.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const ORDERS = Number(process.env.BENCH_ORDERS ?? 400);
const AGENTS = ["marcus-momentum", "sophia-reversion", "alex-arbitrage", "paula-pairs"];
const env = { ...process.env, CI: "1", NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" };

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(a.port));
    });
    s.on("error", reject);
  });

function run(args) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env, stdio: "ignore" });
    c.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args[0]} exited ${code}`))));
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main() {
  if (!existsSync(path.join(ROOT, "web", "dist", "index.html"))) {
    await new Promise((resolve, reject) => spawn(process.execPath, [path.join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "web", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" }).on("exit", (c) => (c === 0 ? resolve() : reject(new Error("vite build failed")))));
  }
  const state = await mkdtemp(path.join(tmpdir(), "cival-bench-venue-"));
  const secret = randomBytes(24).toString("hex");
  const port = await freePort();
  const inspector = await freePort();
  await run(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  const server = spawn(process.execPath, [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", state, "--var", `JWT_SECRET:${secret}`, "--show-interactive-dev-session=false"], { cwd: ROOT, env, stdio: "ignore", detached: true });
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    while (!(await fetch(`${base}/api/health`).then((r) => r.ok).catch(() => false))) {
      if (Date.now() > deadline) throw new Error("wrangler dev did not start");
      await new Promise((r) => setTimeout(r, 250));
    }
    const admin = await mintToken({ secret, role: "admin", sub: "bench" });
    const headers = { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" };
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`${base}/api/desk/seed`, { method: "POST", headers }).catch(() => null);
      if (r && r.status < 500) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    // The bench sends far more than a decision cycle would: the per-agent order rate limit (120 a
    // minute) is lifted; every other risk check stays in the path, as it is for every order.
    const limits = await fetch(`${base}/api/risk/limits`, { method: "PUT", headers, body: JSON.stringify({ desk: { maxOrdersPerMinute: 6000 } }) });
    if (limits.status !== 200) throw new Error(`raising the order rate limit failed: ${limits.status} ${await limits.text()}`);
    const place = async (agent, i) => {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/orders`, {
        method: "POST",
        headers: { ...headers, "Idempotency-Key": `bench-${agent}-${i}` },
        body: JSON.stringify({ agent: `agent:${agent}`, venue: "paper-binance", symbol: "BTC-USD", side: i % 2 === 0 ? "buy" : "sell", type: "market", quantity: "0.001" }),
      });
      const ms = performance.now() - t0;
      if (res.status !== 201) throw new Error(`order ${i} for ${agent}: ${res.status} ${await res.text()}`);
      return ms;
    };
    // Warm up every agent and the venue.
    for (const a of AGENTS) for (let i = 0; i < 4; i++) await place(a, 1_000_000 + i);
    const results = [];
    for (const concurrency of [1, AGENTS.length]) {
      const latencies = [];
      const started = performance.now();
      await Promise.all(
        AGENTS.slice(0, concurrency).map(async (agent) => {
          for (let i = 0; i < ORDERS / concurrency; i++) latencies.push(await place(agent, concurrency * 10_000 + i));
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const r = { concurrency, orders: latencies.length, ordersPerSecond: Math.round(latencies.length / seconds), latencyMs: { p50: +percentile(latencies, 0.5).toFixed(1), p99: +percentile(latencies, 0.99).toFixed(1) } };
      results.push(r);
      console.log(`venue: ${r.orders} market orders, ${concurrency} agent(s) at once: ${r.ordersPerSecond} orders/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms`);
    }
    mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
    writeFileSync(path.join(ROOT, "bench", "results", "venue.json"), JSON.stringify({ benchmark: "venue", when: new Date().toISOString(), path: "POST /api/orders → AgentWallet → Venue (paper-binance) → fills → AgentWallet, persisted, through wrangler dev", results }, null, 2));
  } finally {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      server.kill("SIGTERM");
    }
    await rm(state, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
