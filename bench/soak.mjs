// npm run soak: the desk a newcomer starts, left running with the dashboard open, and asked for its
// health every 10 s. It runs `scripts/start.mjs` itself (what `npm start` runs: migrations, the
// dashboard build, wrangler dev, the demo seed) in a snapshot of the working tree with fresh local
// state, opens the dashboard in Debian's Chromium and walks its pages, and records every health
// answer's latency, the authenticated API's latency and the runtime's memory. A poll that fails or
// takes longer than the timeout is a hang: the soak says so and exits 1, as it does when latency
// grows (the last window's p99 several times the first's).
//
//   CIVAL_SOAK_MINUTES   how long (default 30)
//   CIVAL_SOAK_POLL_MS   between polls (default 10,000)
//   CIVAL_SOAK_OUT       where the JSON report goes (default bench/results/soak.json)
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { mintToken } from "../scripts/token.mjs";
import { ROOT, freePort, groupPids, snapshotProject } from "./server.mjs";

const MINUTES = Number(process.env.CIVAL_SOAK_MINUTES ?? 30);
const POLL_MS = Number(process.env.CIVAL_SOAK_POLL_MS ?? 10_000);
const OUT = process.env.CIVAL_SOAK_OUT ?? path.join(ROOT, "bench", "results", "soak.json");
const TIMEOUT_MS = 5_000;
const WINDOW_MS = 5 * 60_000;
const PAGES = ["/wallets", "/trading", "/risk", "/events", "/backtests", "/agents"];
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

const log = (msg) => console.log(`soak: ${msg}`);

/** Milliseconds a GET takes, or null when it fails or passes the timeout. */
async function timedGet(url, headers = {}) {
  const started = performance.now();
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.arrayBuffer();
    return res.ok ? performance.now() - started : null;
  } catch {
    return null;
  }
}

/** Resident memory (MiB) of the desk's workerd processes. */
async function workerdRssMiB(pgid) {
  let kib = 0;
  for (const { pid, comm } of groupPids(pgid)) {
    if (comm !== "workerd") continue;
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    kib += Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  }
  return Math.round(kib / 1024);
}

function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const round = (ms) => (ms === null ? null : Math.round(ms * 10) / 10);

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // gone
  }
}

/** Starts the desk as `npm start` does, in a snapshot with fresh state; answers its URL and an admin token. */
async function startLikeNpmStart() {
  const dir = await mkdtemp(path.join(tmpdir(), "cival-soak-"));
  snapshotProject(ROOT, dir);
  const port = await freePort();
  const bin = path.join(ROOT, "node_modules", ".bin");
  const nodeBin = path.join(ROOT, "node_modules", "node", "bin");
  const env = { ...process.env, PATH: `${nodeBin}:${bin}:${process.env.PATH}`, CI: "1", NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" };
  const child = spawn(process.execPath, ["scripts/start.mjs", "--port", String(port)], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const lines = [];
  const keep = (chunk) => lines.push(...chunk.toString("utf8").split("\n").filter(Boolean).slice(-200));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const baseUrl = `http://localhost:${port}`;
  const deadline = Date.now() + 180_000;
  while (!lines.some((l) => l.includes("seeded the demo desk") || l.includes("demo desk already seeded"))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      killGroup(child.pid, "SIGKILL");
      throw new Error(`npm start did not come up:\n${lines.slice(-40).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const secret = (await readFile(path.join(dir, ".dev.vars"), "utf8")).match(/JWT_SECRET=(\S+)/)?.[1];
  const admin = await mintToken({ secret, role: "admin", sub: "soak", ttlSeconds: 24 * 3600 });
  const stop = async () => {
    killGroup(child.pid, "SIGTERM");
    for (let i = 0; i < 50 && groupPids(child.pid).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    killGroup(child.pid, "SIGKILL");
    await rm(dir, { recursive: true, force: true });
  };
  // The desk must not outlive the soak, however it ends.
  process.once("exit", () => killGroup(child.pid, "SIGKILL"));
  return { baseUrl, admin, pgid: child.pid, stop, output: () => lines.join("\n") };
}

/** Opens the dashboard signed in and walks its pages, one a minute, for as long as the soak runs. */
async function openDashboard(baseUrl, token) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${baseUrl}/wallets`);
  await page.getByTestId("token-input").fill(token);
  await page.getByTestId("sign-in-submit").click();
  let i = 0;
  const timer = setInterval(() => {
    i = (i + 1) % PAGES.length;
    page.goto(`${baseUrl}${PAGES[i]}`).catch((err) => log(`the dashboard could not open ${PAGES[i]}: ${err.message}`));
  }, 60_000);
  return async () => {
    clearInterval(timer);
    await browser.close();
  };
}

function windows(samples, startedMs) {
  const out = [];
  for (const s of samples) {
    const w = Math.floor((s.atMs - startedMs) / WINDOW_MS);
    out[w] ??= { fromMinute: (w * WINDOW_MS) / 60_000, health: [], api: [], failures: 0, rssMiB: 0 };
    if (s.healthMs === null || s.apiMs === null) out[w].failures++;
    if (s.healthMs !== null) out[w].health.push(s.healthMs);
    if (s.apiMs !== null) out[w].api.push(s.apiMs);
    out[w].rssMiB = Math.max(out[w].rssMiB, s.rssMiB);
  }
  return out.filter(Boolean).map((w) => ({
    fromMinute: w.fromMinute,
    polls: w.health.length + w.failures,
    failures: w.failures,
    healthP50Ms: round(quantile(w.health, 0.5)),
    healthP99Ms: round(quantile(w.health, 0.99)),
    healthMaxMs: round(quantile(w.health, 1)),
    walletsP50Ms: round(quantile(w.api, 0.5)),
    walletsP99Ms: round(quantile(w.api, 0.99)),
    workerdRssMiB: w.rssMiB,
  }));
}

const desk = await startLikeNpmStart();
log(`desk up at ${desk.baseUrl}; soaking ${MINUTES} min, a poll every ${POLL_MS / 1000} s`);
let closeDashboard = async () => {};
const samples = [];
const startedMs = Date.now();
let failed = 0;
try {
  closeDashboard = await openDashboard(desk.baseUrl, desk.admin);
  while (Date.now() - startedMs < MINUTES * 60_000) {
    const atMs = Date.now();
    const healthMs = await timedGet(`${desk.baseUrl}/api/health`);
    const apiMs = await timedGet(`${desk.baseUrl}/api/wallets`, { Authorization: `Bearer ${desk.admin}` });
    const rssMiB = await workerdRssMiB(desk.pgid);
    samples.push({ atMs, healthMs, apiMs, rssMiB });
    if (healthMs === null || apiMs === null) {
      failed++;
      log(`minute ${((atMs - startedMs) / 60_000).toFixed(1)}: ${healthMs === null ? "health" : "wallets"} did not answer within ${TIMEOUT_MS} ms`);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, atMs + POLL_MS - Date.now())));
  }
} finally {
  await closeDashboard().catch(() => {});
  await desk.stop();
}

const table = windows(samples, startedMs);
const first = table[0]?.healthP99Ms ?? 0;
const last = table.at(-1)?.healthP99Ms ?? 0;
const growing = table.length > 1 && last > Math.max(4 * first, first + 50);
const report = { date: new Date().toISOString(), minutes: MINUTES, pollMs: POLL_MS, timeoutMs: TIMEOUT_MS, polls: samples.length, failed, growing, windows: table };
await writeFile(OUT, `${JSON.stringify(report, null, 2)}\n`);
console.table(table);
log(`${samples.length} polls, ${failed} failed; health p99 ${first} ms in the first window, ${last} ms in the last${growing ? ": LATENCY GREW" : ""}; report in ${path.relative(ROOT, OUT)}`);
process.exit(failed > 0 || growing ? 1 : 0);
