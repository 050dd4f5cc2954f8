#!/usr/bin/env node
// npm run bench:agents — decision cycles of the demo agents on paper venues, against `wrangler
// dev` on this machine: each cycle reads its venues (one marketView per venue), runs its strategy,
// reports to its farm, asks the desk (netting, approval policy), sizes and places through the risk
// monitor's pre-trade check, and records its decision, signals and equity. Every agent cycles at
// the fastest allowed interval (1 s). Phase 1: one agent alone; phase 2: the whole demo desk.
// Beside it, in the same run, a bare Durable Object RPC round trip timed in the Worker
// (GET /api/desk/probe). Cycle latency is measured inside the AgentWallet (wall clock, ms).
// Bounded: BENCH_SECONDS per phase (default 30), then it stops the server. Writes bench/results/agents.json.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mintToken } from "../scripts/token.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const AGENTS = ["max-maker", "marcus-momentum", "sophia-reversion", "alex-arbitrage", "paula-pairs"];
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function run(args) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env, stdio: "ignore" });
    c.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args[0]} exited ${code}`))));
  });
}

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? null;
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { n: s.length, mean: +mean.toFixed(2), p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? null };
}

async function main() {
  if (!existsSync(path.join(ROOT, "web", "dist", "index.html"))) {
    await new Promise((resolve, reject) => spawn(process.execPath, [path.join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "web", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" }).on("exit", (c) => (c === 0 ? resolve() : reject(new Error("vite build failed")))));
  }
  const state = await mkdtemp(path.join(tmpdir(), "cival-bench-agents-"));
  const secret = randomBytes(24).toString("hex");
  const port = await freePort();
  const inspector = await freePort();
  await run(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  // BENCH_SERVER_LOG=path keeps the server's output (profiling); otherwise it is dropped.
  const serverLog = openSync(process.env.BENCH_SERVER_LOG ?? "/dev/null", "w");
  const server = spawn(
    process.execPath,
    [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", state, "--var", `JWT_SECRET:${secret}`, "--var", "CIVAL_AGENTS_START:paused", "--show-interactive-dev-session=false"],
    { cwd: ROOT, env, stdio: ["ignore", serverLog, serverLog], detached: true },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    while (!(await fetch(`${base}/api/health`).then((r) => r.ok).catch(() => false))) {
      if (Date.now() > deadline) throw new Error("wrangler dev did not start");
      await sleep(250);
    }
    const admin = await mintToken({ secret, role: "admin", sub: "bench" });
    const headers = { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" };
    const call = async (method, route, body) => {
      const res = await fetch(`${base}${route}`, { method, headers: { ...headers, "Idempotency-Key": `bench-${randomBytes(6).toString("hex")}` }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`${base}/api/desk/seed`, { method: "POST", headers }).catch(() => null);
      if (r && r.status < 500) break;
      await sleep(500);
    }
    // The bench cycles far faster than the defaults: the order-rate limit is lifted; every other check stays.
    await call("PUT", "/api/risk/limits", { desk: { maxOrdersPerMinute: 6000 } });
    for (const a of AGENTS) await call("PUT", `/api/agents/${a}/config`, { cycleMs: 1000 });
    // Warm-up, not counted: every agent's first cycle reads a warm-up's worth of history and the runtime compiles the path.
    for (const a of AGENTS) await call("POST", `/api/agents/${a}/resume`);
    await sleep(5_000);
    for (const a of AGENTS) await call("POST", `/api/agents/${a}/pause`);
    await sleep(1_500);
    const probes = [];
    const probe = async () => probes.push((await call("GET", "/api/desk/probe?n=200")).meanMs);
    await probe();
    const phases = [];
    for (const group of [AGENTS.slice(0, 1), AGENTS]) {
      for (const a of group) await call("POST", `/api/agents/${a}/resume`);
      const sinceMs = Date.now();
      const ticker = setInterval(() => void probe().catch(() => undefined), 5_000);
      await sleep(SECONDS * 1000);
      clearInterval(ticker);
      for (const a of group) await call("POST", `/api/agents/${a}/pause`);
      await sleep(1500);
      const latencies = [];
      const outcomes = {};
      let cycles = 0;
      for (const a of group) {
        const { decisions } = await call("GET", `/api/agents/${a}/decisions?limit=500`);
        // Decision times are paper time (the wall clock under wrangler dev); only this phase's count.
        const mine = decisions.filter((d) => d.atMs >= sinceMs);
        cycles += mine.length;
        for (const d of mine) {
          latencies.push(d.latencyMs);
          outcomes[d.outcome] = (outcomes[d.outcome] ?? 0) + 1;
        }
      }
      const phase = { agents: group.length, seconds: SECONDS, cycles, cyclesPerSecond: +(cycles / SECONDS).toFixed(2), latencyMs: stats(latencies), outcomes };
      phases.push(phase);
      console.log(`agents: ${group.length} agent(s) at a 1 s cycle for ${SECONDS} s: ${cycles} cycles (${phase.cyclesPerSecond}/s), cycle latency p50 ${phase.latencyMs.p50} ms, p99 ${phase.latencyMs.p99} ms, max ${phase.latencyMs.max} ms; outcomes ${JSON.stringify(outcomes)}`);
    }
    const rpc = stats(probes);
    console.log(`agents: bare Durable Object RPC round trip (mean of 200 in a row, ${rpc.n} samples): p50 ${rpc.p50} ms, p99 ${rpc.p99} ms`);
    const worst = phases[phases.length - 1].latencyMs.p99;
    const ratio = rpc.p50 > 0 ? +(worst / rpc.p50).toFixed(1) : null;
    console.log(`agents: the whole desk's cycle p99 is ${ratio}× the bare round trip (goal: 10×)`);
    mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
    writeFileSync(
      path.join(ROOT, "bench", "results", "agents.json"),
      JSON.stringify({ benchmark: "agents", when: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`, path: "AgentWallet alarm → Venue.marketView → StrategyFarm.cycle → RiskMonitor.deskReview → (orders: RiskMonitor.preTrade → Venue.submit) → SQLite, D1, EventHub; wrangler dev", phases, rpcMs: rpc, cycleP99OverRpc: ratio }, null, 2),
    );
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
