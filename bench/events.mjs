#!/usr/bin/env node
// Live-feed benchmark: N WebSockets on /api/events/ws?topics=desk against a fresh local desk
// (wrangler dev), a fixed, paced load of money moves, and per frame the publish-to-receive
// latency (receive Date.now() - frame.at), throughput, and whether every socket saw every seq.
//
//   npm run bench:events          # N = 100 and 1000, both client transports, 1 move/s (~2.5 min)
//   node bench/events.mjs --sockets 10,300 --transport raw --rate 0.2 --duration 10
//   node bench/events.mjs --sockets 1000 --transport raw --src /tmp/hub-patch   # try a server change
//
// Results: tables on stdout and bench/results/events.json. Sockets live in forked client
// processes (bench/events-client.mjs); the load generator runs here. See bench/README.md.
import { fork } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { startProfile, topSelf } from "./profile.mjs";
import { ROOT, cpuSeconds, ensureWebBuild, findRuntime, groupPids, startDesk } from "./server.mjs";

const { values: opts } = parseArgs({
  options: {
    sockets: { type: "string", default: "100,1000" },
    rate: { type: "string", default: "1" }, // moves per second, all loops together
    loops: { type: "string", default: "5" }, // concurrent allocation/collection loops (one per farm)
    warmup: { type: "string", default: "4" }, // seconds of load before measuring
    duration: { type: "string", default: "15" }, // seconds measured
    clients: { type: "string", default: "auto" }, // socket-holding processes per run
    "per-client": { type: "string", default: "500" }, // sockets per client process with --clients auto
    out: { type: "string", default: path.join(ROOT, "bench", "results", "events.json") },
    transport: { type: "string", default: "websocket,raw" }, // websocket (Node's global, offers permessage-deflate like browsers) | raw (bench's own, no compression); comma-separated to run both
    direct: { type: "boolean", default: false }, // sockets and moves straight to the runtime workerd, past wrangler's proxy
    profile: { type: "boolean", default: false }, // sample the Worker's isolate during each window (adds overhead)
    src: { type: "string", default: ROOT }, // the project tree to run: a copy with a server change, to measure it before applying it
    "no-write": { type: "boolean", default: false },
  },
});

const SOCKET_COUNTS = opts.sockets.split(",").map(Number);
const TRANSPORTS = opts.transport.split(",");
const RATE = Number(opts.rate);
const LOOPS = Number(opts.loops);
const WARMUP_S = Number(opts.warmup);
const DURATION_S = Number(opts.duration);
const PER_CLIENT = Number(opts["per-client"]);
const GOAL = { sockets: 1000, p99Ms: 25 };
const PAIRS = [
  ["momentum", "marcus-momentum"],
  ["mean-reversion", "sophia-reversion"],
  ["arbitrage", "alex-arbitrage"],
  ["pairs", "paula-pairs"],
  ["market-making", "max-maker"],
];
const FARM_FUNDING = "10000";
const CLIENT = path.join(ROOT, "bench", "events-client.mjs");
const t0 = Date.now();
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (Number(process.versions.node.split(".")[0]) < 22) throw new Error(`Node ${process.version}: the bench needs Node 22 (npm run bench:events, or PATH=node_modules/.bin:$PATH)`);
if (!TRANSPORTS.every((t) => t === "websocket" || t === "raw")) throw new Error("--transport: websocket, raw, or both comma-separated");
if (!SOCKET_COUNTS.every((n) => Number.isInteger(n) && n > 0)) throw new Error("--sockets: positive whole numbers, comma-separated");
if (!(RATE > 0) || !(LOOPS >= 1 && LOOPS <= PAIRS.length)) throw new Error(`--rate > 0, --loops 1..${PAIRS.length}`);

// ---------- statistics ----------

/** Percentile of a histogram given as [bin, count, bin, count, ...] merged into a Map. */
function histPercentile(hist, total, p) {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [bin, count] of [...hist.entries()].sort((a, b) => a[0] - b[0])) {
    seen += count;
    if (seen >= rank) return bin;
  }
  return null;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(values) {
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : null };
}

const round = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

// ---------- server CPU ----------

/** CPU seconds of each process of the group and of its busiest thread. */
function groupCpu(pgid) {
  const out = {};
  for (const { pid, comm } of groupPids(pgid)) {
    const threads = {};
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        threads[tid] = { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), cpu: (Number(f[11]) + Number(f[12])) / 100 };
      }
    } catch {
      // gone
    }
    out[pid] = { comm, cpu: cpuSeconds(pid), threads };
  }
  return out;
}

let runtimePid = 0;

function cpuDelta(before, after, seconds) {
  const rows = [];
  for (const [pid, a] of Object.entries(after)) {
    const b = before[pid];
    if (!b) continue;
    let top = { name: "", pct: 0 };
    for (const [tid, t] of Object.entries(a.threads)) {
      const pct = ((t.cpu - (b.threads[tid]?.cpu ?? 0)) / seconds) * 100;
      if (pct > top.pct) top = { name: `${t.name}/${tid}`, pct };
    }
    rows.push({ pid: Number(pid), comm: a.comm === "workerd" ? (Number(pid) === runtimePid ? "workerd(runtime)" : "workerd(proxy)") : a.comm, pct: round(((a.cpu - b.cpu) / seconds) * 100), busiestThread: top.name, busiestThreadPct: round(top.pct) });
  }
  return rows.filter((r) => r.pct > 0.5).sort((x, y) => y.pct - x.pct);
}

/** Busy, interrupt (loopback networking shows up here, in no process) and total jiffies of the whole machine. */
function machineCpu() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, irq: (f[5] ?? 0) + (f[6] ?? 0), total };
}

/**
 * The box may be shared (other tests, builds): wait up to `maxMs` for the rest of the machine to
 * use less than `maxOtherPct` of a core, measured over 1 s slices while the desk idles.
 */
async function waitForQuiet(pgid, maxMs = 10_000, maxOtherPct = 25) {
  const deadline = Date.now() + maxMs;
  let other = 0;
  for (;;) {
    const m0 = machineCpu();
    const d0 = groupPids(pgid).reduce((a, p) => a + cpuSeconds(p.pid), 0);
    const s0 = process.cpuUsage();
    await sleep(1000);
    const m1 = machineCpu();
    const d1 = groupPids(pgid).reduce((a, p) => a + cpuSeconds(p.pid), 0);
    const self = process.cpuUsage(s0);
    const busyPct = ((m1.busy - m0.busy) / (m1.total - m0.total)) * cpus().length * 100;
    const irqPct = ((m1.irq - m0.irq) / (m1.total - m0.total)) * cpus().length * 100;
    other = Math.max(0, busyPct - irqPct - (d1 - d0) * 100 - ((self.user + self.system) / 1e6) * 100);
    if (other < maxOtherPct || Date.now() > deadline) return round(other);
  }
}

// ---------- load generator ----------

function loadGenerator(baseUrl, token) {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const state = { running: false, sent: 0, ok: 0, failed: 0, statuses: {}, latencies: [], recording: false };
  const loops = [];
  const periodMs = (LOOPS / RATE) * 1000;

  async function move(kind, body) {
    const t = performance.now();
    let status = 0;
    try {
      const res = await fetch(`${baseUrl}/api/wallets/${kind}`, { method: "POST", headers, body: JSON.stringify(body) });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = -1;
    }
    state.sent++;
    state.statuses[status] = (state.statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) state.ok++;
    else state.failed++;
    if (state.recording) state.latencies.push(performance.now() - t);
  }

  async function loop(index) {
    const [farm, agent] = PAIRS[index];
    let next = performance.now() + (periodMs * index) / LOOPS;
    let allocate = true;
    while (state.running) {
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      if (!state.running) break;
      next += periodMs;
      if (allocate) await move("allocations", { from: `farm:${farm}`, to: `agent:${agent}`, amount: "1" });
      else await move("collections", { from: `agent:${agent}`, amount: "1" });
      allocate = !allocate;
      // A loop that fell behind does not burst to catch up: the load stays at most RATE.
      if (next < performance.now()) next = performance.now();
    }
  }

  return {
    state,
    start() {
      state.running = true;
      for (let i = 0; i < LOOPS; i++) loops.push(loop(i));
    },
    async stop() {
      state.running = false;
      await Promise.all(loops);
      loops.length = 0;
    },
  };
}

// ---------- client processes ----------

function startClients(count, sockets, baseUrl, token) {
  const wsUrl = `${baseUrl.replace(/^http/, "ws")}/api/events/ws?topics=desk`;
  const protocols = ["cival.v1", `bearer.${token}`];
  const clients = [];
  for (let c = 0; c < count; c++) {
    const share = Math.floor(sockets / count) + (c < sockets % count ? 1 : 0);
    const child = fork(CLIENT, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const waiters = new Map();
    let dead = null;
    child.on("error", (err) => {
      dead = err;
    });
    child.on("exit", (code, signal) => {
      dead ??= new Error(`client ${c} exited (${code ?? signal})`);
      for (const w of waiters.values()) w(null);
      waiters.clear();
    });
    child.on("message", (msg) => {
      const w = waiters.get(msg.type);
      if (w) {
        waiters.delete(msg.type);
        w(msg);
      }
    });
    const request = (cmd, reply, extra = {}, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        if (dead) return reject(dead);
        const timer = setTimeout(() => reject(new Error(`client ${c}: no "${reply}" within ${timeoutMs} ms`)), timeoutMs);
        waiters.set(reply, (msg) => {
          clearTimeout(timer);
          if (msg === null) reject(dead);
          else resolve(msg);
        });
        child.send({ cmd, ...extra }, (err) => {
          if (err) {
            clearTimeout(timer);
            waiters.delete(reply);
            reject(err);
          }
        });
      });
    const tell = (cmd) => {
      if (!dead && child.connected) child.send({ cmd }, () => {});
    };
    clients.push({ child, share, request, url: wsUrl, protocols, tell });
  }
  return clients;
}

// ---------- one run ----------

async function run(desk, sockets, transport) {
  const clientCount = opts.clients === "auto" ? Math.max(1, Math.ceil(sockets / PER_CLIENT)) : Number(opts.clients);
  const otherBefore = await waitForQuiet(desk.pgid);
  if (otherBefore >= 25) log(`N=${sockets}: the machine is busy with other work (${otherBefore}% of a core); measuring anyway`);
  log(`N=${sockets}: connecting ${sockets} sockets (${transport}) from ${clientCount} client process(es)`);
  const clients = startClients(clientCount, sockets, desk.targetUrl, desk.tokens.trader);
  const result = { sockets, transport, clientProcesses: clientCount };
  try {
    const connected = await Promise.all(clients.map((c) => c.request("connect", "connected", { url: c.url, protocols: c.protocols, count: c.share, transport }, 120_000)));
    const open = connected.reduce((s, m) => s + m.open, 0);
    result.connect = { open, failed: connected.reduce((s, m) => s + m.failed, 0), slowestClientMs: Math.max(...connected.map((m) => m.connectMs)) };
    log(`N=${sockets}: ${open} open (${result.connect.failed} failed) in ${result.connect.slowestClientMs} ms; load ${RATE} moves/s over ${LOOPS} loops, warm-up ${WARMUP_S} s`);

    const load = loadGenerator(desk.targetUrl, desk.tokens.trader);
    load.start();
    await sleep(WARMUP_S * 1000);

    // Measurement window.
    const sentBefore = load.state.sent;
    const okBefore = load.state.ok;
    const failedBefore = load.state.failed;
    load.state.recording = true;
    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    const cpuSelf = process.cpuUsage();
    const cpuClientsBefore = clients.map((c) => cpuSeconds(c.child.pid));
    const serverBefore = groupCpu(desk.pgid);
    const machineBefore = machineCpu();
    const profiler = opts.profile ? await startProfile(`ws://127.0.0.1:${desk.inspectorPort}/ws`).catch((e) => (log(`profile: ${e.message}`), null)) : null;
    const w0 = performance.now();
    for (const c of clients) c.tell("start");
    log(`N=${sockets}: measuring for ${DURATION_S} s`);
    await sleep(DURATION_S * 1000);
    for (const c of clients) c.tell("stop");
    const seconds = (performance.now() - w0) / 1000;
    const serverAfter = groupCpu(desk.pgid);
    const machineAfter = machineCpu();
    const profile = profiler ? await profiler.stop().catch((e) => (log(`profile: ${e.message}`), null)) : null;
    const cpuClientsAfter = clients.map((c) => cpuSeconds(c.child.pid));
    const self = process.cpuUsage(cpuSelf);
    eld.disable();
    load.state.recording = false;
    const sent = load.state.sent - sentBefore;
    const moveLat = summary(load.state.latencies);
    result.load = {
      targetMovesPerSec: RATE,
      loops: LOOPS,
      movesPerSec: round(sent / seconds, 2),
      requestsOk: load.state.ok - okBefore,
      requestsFailed: load.state.failed - failedBefore,
      moveLatencyMs: { p50: round(moveLat.p50), p99: round(moveLat.p99), max: round(moveLat.max) },
      cpuPct: round(((self.user + self.system) / 1000 / 1000 / seconds) * 100),
      eventLoopDelayP99Ms: round(eld.percentile(99) / 1e6),
    };
    await load.stop();
    result.load.statuses = load.state.statuses;

    // Drain: until every socket has the last seq anyone has (or 10 s).
    const reports = await Promise.all(clients.map((c) => c.request("report", "report")));
    let finalSeq = -1;
    const drainDeadline = Date.now() + 10_000;
    let last = reports;
    for (;;) {
      await sleep(500);
      last = await Promise.all(clients.map((c) => c.request("report", "report")));
      finalSeq = Math.max(...last.flatMap((r) => r.perSocket.maxSeq));
      const behind = last.flatMap((r) => r.perSocket.maxSeq.filter((s, i) => r.perSocket.closeCode[i] === 0 && s < finalSeq)).length;
      if (behind === 0 || Date.now() > drainDeadline) break;
    }

    // Merge.
    const hist = new Map();
    let latCount = 0;
    let latMax = 0;
    let negative = 0;
    const perSeq = new Map(); // seq -> [at, first, last, count]
    const integrity = { socketsWithGaps: 0, gaps: 0, missingSeqs: 0, regressions: 0, behindAtEnd: 0, tailMissing: 0, incompleteSockets: 0, closedEarly: 0, closeCodes: {}, errors: 0, parseMismatches: 0, fallbacks: 0 };
    const windowFrames = [];
    for (const r of reports) {
      for (let i = 0; i < r.histPairs.length; i += 2) hist.set(r.histPairs[i], (hist.get(r.histPairs[i]) ?? 0) + r.histPairs[i + 1]);
      latCount += r.latCount;
      latMax = Math.max(latMax, r.latMax);
      negative += r.negative;
      for (let i = 0; i < r.seqs.length; i += 5) {
        const [seq, at, first, lastRecv, count] = r.seqs.slice(i, i + 5);
        const m = perSeq.get(seq);
        if (!m) perSeq.set(seq, [at, first, lastRecv, count]);
        else {
          m[1] = Math.min(m[1], first);
          m[2] = Math.max(m[2], lastRecv);
          m[3] += count;
        }
      }
      windowFrames.push(...r.perSocket.windowFrames);
    }
    for (const r of last) {
      const p = r.perSocket;
      for (let i = 0; i < r.sockets; i++) {
        if (p.gaps[i] > 0) integrity.socketsWithGaps++;
        integrity.gaps += p.gaps[i];
        integrity.missingSeqs += p.missing[i];
        integrity.regressions += p.regressions[i];
        if (p.closeCode[i] === 0 && p.maxSeq[i] < finalSeq) {
          integrity.behindAtEnd++;
          integrity.tailMissing += finalSeq - p.maxSeq[i];
        }
        // Every seq from the connect snapshot's to the last one, exactly once.
        if (p.closeCode[i] === 0 && p.liveFrames[i] !== finalSeq - p.firstSeq[i]) integrity.incompleteSockets++;
        if (p.closeCode[i] !== 0) integrity.closeCodes[p.closeCode[i]] = (integrity.closeCodes[p.closeCode[i]] ?? 0) + 1;
      }
      integrity.closedEarly += r.closedEarly;
      integrity.errors += r.errors;
      integrity.parseMismatches += r.parseMismatches;
      integrity.fallbacks += r.fallbacks;
    }
    integrity.liveFramesPerSocket = summary(last.flatMap((r) => r.perSocket.liveFrames));
    integrity.finalSeq = finalSeq;

    const windowMs = Math.max(...reports.map((r) => r.windowEndMs)) - Math.min(...reports.map((r) => r.windowStartMs));
    const wStart = Math.min(...reports.map((r) => r.windowStartMs));
    const wEnd = Math.max(...reports.map((r) => r.windowEndMs));
    const publishedInWindow = [...perSeq.values()].filter(([at]) => at >= wStart && at < wEnd).length;
    const firstLat = [];
    const lastLat = [];
    const spread = [];
    for (const [at, first, lastRecv] of perSeq.values()) {
      firstLat.push(first - at);
      lastLat.push(lastRecv - at);
      spread.push(lastRecv - first);
    }
    const fl = summary(firstLat);
    const ll = summary(lastLat);
    const sp = summary(spread);
    result.windowSeconds = round(windowMs / 1000, 2);
    result.events = {
      publishedPerSec: round(publishedInWindow / (windowMs / 1000)),
      deliveredPerSec: round(latCount / (windowMs / 1000)),
      expectedDeliveredPerSec: round((publishedInWindow * open) / (windowMs / 1000)),
      framesInWindow: latCount,
      windowFramesPerSocket: summary(windowFrames),
    };
    result.latencyMs = {
      p50: histPercentile(hist, latCount, 50),
      p90: histPercentile(hist, latCount, 90),
      p99: histPercentile(hist, latCount, 99),
      p999: histPercentile(hist, latCount, 99.9),
      max: latMax,
      resolutionMs: 1,
      negativeClampedToZero: negative,
    };
    result.fanout = {
      note: "per seq: first and last socket to receive it, relative to frame.at; spread = last - first",
      firstReceiveMs: { p50: fl.p50, p99: fl.p99, max: fl.max },
      lastReceiveMs: { p50: ll.p50, p99: ll.p99, max: ll.max },
      spreadMs: { p50: sp.p50, p99: sp.p99, max: sp.max },
    };
    result.integrity = integrity;
    result.cpu = {
      server: cpuDelta(serverBefore, serverAfter, seconds),
      clients: clients.map((c, i) => ({ pid: c.child.pid, sockets: c.share, pct: round(((cpuClientsAfter[i] - cpuClientsBefore[i]) / seconds) * 100), eventLoopDelayP99Ms: round(reports[i].eventLoopDelay?.p99Ms), eventLoopDelayMaxMs: round(reports[i].eventLoopDelay?.maxMs) })),
      loadGeneratorPct: result.load.cpuPct,
      machineBusyPct: round(((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * cpus().length * 100),
      interruptsPct: round(((machineAfter.irq - machineBefore.irq) / (machineAfter.total - machineBefore.total)) * cpus().length * 100),
    };
    // What the rest of the machine used meanwhile (other work on a shared box skews the numbers).
    const ours = result.cpu.server.reduce((a, x) => a + x.pct, 0) + result.cpu.clients.reduce((a, x) => a + x.pct, 0) + result.load.cpuPct;
    result.cpu.otherPct = round(Math.max(0, result.cpu.machineBusyPct - result.cpu.interruptsPct - ours));
    result.warnings = [];
    if (desk.runtime && !groupPids(desk.pgid).some((x) => x.pid === desk.runtime.pid)) {
      result.warnings.push("the runtime workerd was restarted during the run (a wrangler reload or a crash): sockets dropped");
      result.serverLogTail = desk.output().split("\n").slice(-20);
    }
    if (result.cpu.otherPct > 20) result.warnings.push(`other processes used ${result.cpu.otherPct}% CPU during the window: the machine was shared`);
    for (const c of result.cpu.clients) if (c.pct > 80) result.warnings.push(`client process ${c.pid} used ${c.pct}% CPU: latency includes the client's own queueing`);
    if (result.load.movesPerSec < RATE * 0.9) result.warnings.push(`the load generator reached ${result.load.movesPerSec} of ${RATE} moves/s (moves took ${result.load.moveLatencyMs.p50} ms p50)`);
    if (profile) {
      const top = topSelf(profile);
      const file = path.join(tmpdir(), `cival-bench-events-${sockets}-${transport}-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      result.profile = { file, ...top };
    }
    log(`N=${sockets}: p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms; ${result.events.deliveredPerSec} frames/s delivered`);
  } finally {
    await Promise.all(
      clients.map((c) =>
        c
          .request("close", "closed", {}, 10_000)
          .catch(() => c.child.kill("SIGKILL"))
          .then(() => new Promise((r) => (c.child.exitCode !== null || c.child.signalCode !== null ? r() : c.child.once("exit", r)))),
      ),
    );
  }
  return result;
}

// ---------- output ----------

function table(rows) {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((v, i) => String(v).padStart(width[i])).join("  ");
  return [line(cols), line(width.map((w) => "-".repeat(w))), ...rows.map((r) => line(cols.map((c) => r[c])))].join("\n");
}

function goalMet(r) {
  return r.latencyMs.p99 !== null && r.latencyMs.p99 < GOAL.p99Ms && r.integrity.closedEarly === 0 && r.integrity.gaps === 0 && r.integrity.behindAtEnd === 0 && r.integrity.incompleteSockets === 0;
}

function printResults(results) {
  console.log("\nLive feed (GET /api/events/ws?topics=desk), wrangler dev on 127.0.0.1");
  console.log(
    table(
      results.map((r) => ({
        sockets: r.sockets,
        transport: r.transport,
        "moves/s": r.load.movesPerSec,
        "published ev/s": r.events.publishedPerSec,
        "delivered frames/s": r.events.deliveredPerSec,
        "expected frames/s": r.events.expectedDeliveredPerSec,
        "p50 ms": r.latencyMs.p50,
        "p99 ms": r.latencyMs.p99,
        "max ms": r.latencyMs.max,
        dropped: r.integrity.closedEarly,
        "seq gaps": r.integrity.gaps,
        "behind at end": r.integrity.behindAtEnd,
        incomplete: r.integrity.incompleteSockets,
      })),
    ),
  );
  console.log("\nWhere the time goes (per seq: first / last socket to receive it, ms after frame.at; CPU % of one core)");
  console.log(
    table(
      results.map((r) => ({
        sockets: r.sockets,
        transport: r.transport,
        "first p50": r.fanout.firstReceiveMs.p50,
        "first p99": r.fanout.firstReceiveMs.p99,
        "last p50": r.fanout.lastReceiveMs.p50,
        "last p99": r.fanout.lastReceiveMs.p99,
        "spread p99": r.fanout.spreadMs.p99,
        "server cpu": r.cpu.server.map((s) => `${s.comm} ${s.pct}% (top thread ${s.busiestThreadPct}%)`).join(", "),
        "clients cpu": r.cpu.clients.map((c) => `${c.pct}%`).join("+"),
        "client loop p99": r.cpu.clients.map((c) => c.eventLoopDelayP99Ms).join("/"),
        "loadgen cpu": `${r.load.cpuPct}%`,
        "irq cpu": `${r.cpu.interruptsPct}%`,
        "other cpu": `${r.cpu.otherPct}%`,
        "move p50/p99": `${r.load.moveLatencyMs.p50}/${r.load.moveLatencyMs.p99}`,
      })),
    ),
  );
  for (const r of results.filter((x) => x.profile)) {
    console.log(`\nWorker isolate profile, N=${r.sockets} ${r.transport} (${r.profile.totalMs} ms sampled; ${r.profile.file}):`);
    for (const t of r.profile.top) console.log(`  ${String(t.pct).padStart(5)}%  ${t.fn}`);
  }
  for (const r of results) for (const w of r.warnings) console.log(`warning (N=${r.sockets} ${r.transport}): ${w}`);
  for (const atGoal of results.filter((r) => r.sockets === GOAL.sockets)) {
    console.log(`\nGoal (p99 < ${GOAL.p99Ms} ms at ${GOAL.sockets} sockets, none dropped, no gaps), ${atGoal.transport}: ${goalMet(atGoal) ? "MET" : "NOT MET"} (p99 ${atGoal.latencyMs.p99} ms)`);
  }
}

// ---------- main ----------

let desk = null;
const stopDesk = async () => {
  if (desk) await desk.stop();
  desk = null;
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    void stopDesk().finally(() => process.exit(130));
  });
}
process.on("uncaughtException", (err) => {
  console.error(err);
  void stopDesk().finally(() => process.exit(1));
});
// A benchmark stops by itself: whatever happens, give up after this long.
const WATCHDOG_MS = 60_000 + SOCKET_COUNTS.length * TRANSPORTS.length * (90_000 + (WARMUP_S + DURATION_S) * 1000);
setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 1000} s; stopping`);
  void stopDesk().finally(() => process.exit(1));
}, WATCHDOG_MS).unref();

try {
  ensureWebBuild(log);
  if (path.resolve(opts.src) !== path.resolve(ROOT)) log(`running the project tree at ${opts.src}`);
  desk = await startDesk(log, { src: path.resolve(opts.src) });
  desk.runtime = await findRuntime(desk.pgid, Number(new URL(desk.baseUrl).port));
  runtimePid = desk.runtime?.pid ?? 0;
  desk.targetUrl = desk.baseUrl;
  if (opts.direct) {
    if (!desk.runtime) throw new Error("--direct: could not find the runtime workerd's entry port");
    desk.targetUrl = `http://127.0.0.1:${desk.runtime.entryPort}`;
    log(`--direct: sockets and moves go to the runtime at ${desk.targetUrl}, not wrangler's proxy at ${desk.baseUrl}`);
  }
  log("desk seeded; funding the farms");
  const headers = { Authorization: `Bearer ${desk.tokens.admin}`, "Content-Type": "application/json" };
  for (const [farm] of PAIRS.slice(0, LOOPS)) {
    const res = await fetch(`${desk.baseUrl}/api/wallets/allocations`, { method: "POST", headers, body: JSON.stringify({ to: `farm:${farm}`, amount: FARM_FUNDING }) });
    if (!res.ok) throw new Error(`funding farm:${farm}: ${res.status} ${await res.text()}`);
  }
  await sleep(1000);
  const results = [];
  for (const transport of TRANSPORTS) for (const n of SOCKET_COUNTS) results.push(await run(desk, n, transport));
  printResults(results);
  const out = {
    benchmark: "events",
    when: new Date().toISOString(),
    command: `node bench/events.mjs ${process.argv.slice(2).join(" ")}`.trim(),
    source: path.resolve(opts.src) === path.resolve(ROOT) ? "working tree" : path.resolve(opts.src),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
    setup: {
      server: "wrangler dev (local workerd), fresh --persist-to state, demo desk seeded",
      feed: "GET /api/events/ws?topics=desk, trader token as subprotocol bearer.<token>; ack every 200 frames or 2 s, ping every 20 s",
      transports: {
        websocket: "Node 22's global WebSocket (undici); it offers permessage-deflate, as browsers do, and the Worker accepts it",
        raw: "the bench's own minimal RFC 6455 client on node:net, no extensions offered: uncompressed frames, far less client CPU",
      },
      target: opts.direct ? "the runtime workerd directly (--direct), past wrangler's proxy" : "wrangler dev's public port (through its proxy workerd)",
      load: `${LOOPS} loops (one per farm/agent pair), alternating allocation farm->agent and collection agent->farm of 1 USD, paced to ${RATE} moves/s in total`,
      warmupSeconds: WARMUP_S,
      durationSeconds: DURATION_S,
      latency: "receive Date.now() - frame.at (the hub's Date.now() when it published), 1 ms bins, live frames only",
    },
    goal: { ...GOAL, met: Object.fromEntries(results.filter((r) => r.sockets === GOAL.sockets).map((r) => [r.transport, goalMet(r)])) },
    results,
  };
  if (!opts["no-write"]) {
    mkdirSync(path.dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, `${JSON.stringify(out, null, 2)}\n`);
    log(`wrote ${path.relative(process.cwd(), opts.out)}`);
  }
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await stopDesk();
  log("stopped wrangler dev");
}
