#!/usr/bin/env node
// The floor of the live feed on this machine: how fast can workerd (under wrangler dev) fan
// small frames out to N hibernatable WebSockets when the Durable Object does nothing else?
// Starts bench/floor/worker.js under `wrangler dev` (from a temporary copy, so nothing is
// written next to it), opens N raw RFC 6455 sockets from forked client processes (500 each, as
// bench/events.mjs does), fires publishes at the project bench's pace and measures, per frame,
// receive Date.now() - frame.at. Writes bench/floor/results.json. See bench/floor/README.md.
//
//   node bench/floor/run.mjs                       # every variant (~5 min)
//   node bench/floor/run.mjs --variants a,d --duration 10
import { fork, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const CLIENT = path.join(HERE, "client.mjs");

// name -> sockets, target (proxy: wrangler's public port; direct: the runtime workerd), events
// per publish (cycled), publish interval, batch (one message per socket per publish).
const VARIANTS = {
  a100: { sockets: 100, target: "proxy", events: [8, 7], intervalMs: 500, batch: false, what: "(a) at 100 sockets: 8/7-event publishes, one message per event, via wrangler's proxy" },
  a: { sockets: 1000, target: "proxy", events: [8, 7], intervalMs: 500, batch: false, what: "(a) 8/7-event publishes, one message per event, via wrangler's proxy" },
  b: { sockets: 1000, target: "direct", events: [8, 7], intervalMs: 500, batch: false, what: "(b) as (a), straight to the runtime workerd" },
  c: { sockets: 1000, target: "proxy", events: [1], intervalMs: 500, batch: false, what: "(c) 1-event publishes, 2 per second, via the proxy" },
  cb: { sockets: 1000, target: "direct", events: [1], intervalMs: 500, batch: false, what: "(c'') as (c), straight to the runtime workerd" },
  c15: { sockets: 1000, target: "proxy", events: [1], intervalMs: 1000 / 15, batch: false, what: "(c') 1-event publishes, 15 per second (the project's event rate), via the proxy" },
  d: { sockets: 1000, target: "proxy", events: [8, 7], intervalMs: 500, batch: true, what: "(d) 8/7-event publishes batched into one JSON-array message per socket, via the proxy" },
  d300: { sockets: 300, target: "proxy", events: [8, 7], intervalMs: 500, batch: true, what: "(d) at 300 sockets" },
  d500: { sockets: 500, target: "proxy", events: [8, 7], intervalMs: 500, batch: true, what: "(d) at 500 sockets" },
  c500: { sockets: 500, target: "proxy", events: [1], intervalMs: 500, batch: false, what: "(c) at 500 sockets" },
  db: { sockets: 1000, target: "direct", events: [8, 7], intervalMs: 500, batch: true, what: "(d') as (d), straight to the runtime workerd" },
};

const { values: opts } = parseArgs({
  options: {
    variants: { type: "string", default: "a100,a,b,c,cb,c15,d,db,d300,d500,c500" },
    warmup: { type: "string", default: "4" },
    duration: { type: "string", default: "15" },
    "per-client": { type: "string", default: "500" },
    out: { type: "string", default: path.join(HERE, "results.json") },
    "no-write": { type: "boolean", default: false },
  },
});
const RUNS = opts.variants.split(",").map((v) => {
  if (!VARIANTS[v]) throw new Error(`--variants: one of ${Object.keys(VARIANTS).join(", ")}`);
  return v;
});
const WARMUP_S = Number(opts.warmup);
const DURATION_S = Number(opts.duration);
const PER_CLIENT = Number(opts["per-client"]);
const GOAL = { sockets: 1000, p99Ms: 25 };

const t0 = Date.now();
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

// ---------- statistics ----------

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

function summary(values) {
  const s = Float64Array.from(values).sort();
  const pct = (p) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : null);
  return { count: s.length, p50: pct(50), p90: pct(90), p99: pct(99), max: s.length ? s[s.length - 1] : null };
}

// ---------- processes and CPU ----------

function groupPids(pgid) {
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) === pgid) out.push({ pid: Number(name), comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) });
    } catch {
      // gone
    }
  }
  return out;
}

function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

function machineCpu() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  return { busy: f.reduce((a, b) => a + b, 0) - idle, irq: (f[5] ?? 0) + (f[6] ?? 0), total: f.reduce((a, b) => a + b, 0) };
}

function listeningPorts(pid) {
  const inodes = new Map();
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[3] === "0A") inodes.set(f[9], Number.parseInt(f[1].split(":")[1], 16));
  }
  const ports = [];
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
        if (m && inodes.has(m[1])) ports.push(inodes.get(m[1]));
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    // gone
  }
  return ports;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** As bench/server.mjs findRuntime: the workerd that does not hold the public port, and its port where /health answers. */
async function findRuntime(pgid, publicPort) {
  for (const { pid, comm } of groupPids(pgid)) {
    if (comm !== "workerd") continue;
    const ports = listeningPorts(pid);
    if (ports.includes(publicPort)) continue;
    for (const port of ports) {
      const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
      if (res?.status === 200 && (await res.json().catch(() => ({}))).service === "floor") return { pid, entryPort: port };
    }
  }
  return null;
}

// ---------- wrangler dev ----------

async function startServer() {
  const dir = mkdtempSync(path.join(tmpdir(), "cival-floor-"));
  copyFileSync(path.join(HERE, "worker.js"), path.join(dir, "worker.js"));
  copyFileSync(path.join(HERE, "wrangler.toml"), path.join(dir, "wrangler.toml"));
  const port = await freePort();
  const inspectorPort = await freePort();
  const child = spawn(
    process.execPath,
    [WRANGLER, "dev", "--config", path.join(dir, "wrangler.toml"), "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort), "--persist-to", path.join(dir, "state"), "--show-interactive-dev-session=false"],
    { cwd: dir, env: { ...process.env, CI: "1", NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const lines = [];
  const keep = (c) => lines.push(...c.toString().split("\n").filter(Boolean).slice(-50));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // gone
      }
    }
    for (let i = 0; i < 60 && groupPids(child.pid).length > 0; i++) {
      if (i === 20) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      await sleep(100);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited: ${lines.join("\n")}`);
    const res = await fetch(`${baseUrl}/health`).catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer: ${lines.join("\n")}`);
    }
    await sleep(250);
  }
  const runtime = await findRuntime(child.pid, port);
  return { baseUrl, pgid: child.pid, runtime, stop, output: () => lines.join("\n") };
}

function groupCpu(pgid) {
  const out = {};
  for (const { pid, comm } of groupPids(pgid)) {
    const threads = {};
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        threads[tid] = (Number(f[11]) + Number(f[12])) / 100;
      }
    } catch {
      // gone
    }
    out[pid] = { comm, cpu: cpuSeconds(pid), threads };
  }
  return out;
}

function cpuDelta(before, after, seconds, runtimePid) {
  const rows = [];
  for (const [pid, a] of Object.entries(after)) {
    const b = before[pid];
    if (!b) continue;
    let top = 0;
    for (const [tid, c] of Object.entries(a.threads)) top = Math.max(top, ((c - (b.threads[tid] ?? 0)) / seconds) * 100);
    const comm = a.comm === "workerd" ? (Number(pid) === runtimePid ? "workerd(runtime)" : "workerd(proxy)") : a.comm;
    rows.push({ pid: Number(pid), comm, pct: round(((a.cpu - b.cpu) / seconds) * 100), busiestThreadPct: round(top) });
  }
  return rows.filter((r) => r.pct > 0.5).sort((x, y) => y.pct - x.pct);
}

// ---------- clients ----------

function startClients(count) {
  return Array.from({ length: count }, (_, c) => {
    const child = fork(CLIENT, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const waiters = new Map();
    let dead = null;
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
          msg === null ? reject(dead) : resolve(msg);
        });
        child.send({ cmd, ...extra });
      });
    const tell = (cmd) => {
      if (!dead && child.connected) child.send({ cmd }, () => {});
    };
    return { child, request, tell };
  });
}

// ---------- one run ----------

let seq = 0; // last seq fired (the hub keeps none: the runner numbers the frames)

async function run(server, name) {
  const v = VARIANTS[name];
  const target = v.target === "direct" ? `http://127.0.0.1:${server.runtime.entryPort}` : server.baseUrl;
  const clientCount = Math.max(1, Math.ceil(v.sockets / PER_CLIENT));
  log(`${name}: ${v.what}; ${v.sockets} sockets from ${clientCount} client process(es) to ${target}`);
  const clients = startClients(clientCount);
  const result = { variant: name, what: v.what, sockets: v.sockets, target: v.target, eventsPerPublish: v.events, publishIntervalMs: round(v.intervalMs, 2), batched: v.batch, clientProcesses: clientCount };
  try {
    const baseSeq = seq;
    const connected = await Promise.all(clients.map((c, i) => c.request("connect", "connected", { url: `${target.replace(/^http/, "ws")}/ws`, protocols: [], count: Math.floor(v.sockets / clientCount) + (i < v.sockets % clientCount ? 1 : 0), baseSeq }, 120_000)));
    const open = connected.reduce((s, m) => s + m.open, 0);
    const health = await fetch(`${server.baseUrl}/health`).then((r) => r.json());
    result.connect = { open, failed: connected.reduce((s, m) => s + m.failed, 0), hubSockets: health.sockets, slowestClientMs: Math.max(...connected.map((m) => m.connectMs)) };
    log(`${name}: ${open} open (hub holds ${health.sockets}) in ${result.connect.slowestClientMs} ms`);
    await sleep(1000);

    // Publisher: fires on a fixed schedule and does not wait for the previous publish.
    const fire = { running: true, sent: 0, failed: 0, recording: false, latencies: [], atLag: [], pending: new Set(), bytes: 0 };
    let k = 0;
    const publisher = (async () => {
      let next = performance.now();
      while (fire.running) {
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        if (!fire.running) break;
        next += v.intervalMs;
        const n = v.events[k++ % v.events.length];
        const s0 = seq;
        seq += n;
        const sentAt = Date.now();
        const t = performance.now();
        const p = fetch(`${target}/fire?events=${n}&seq=${s0}${v.batch ? "&batch=1" : ""}`, { method: "POST" })
          .then((r) => r.json())
          .then((body) => {
            fire.sent++;
            fire.bytes = body.bytes;
            if (fire.recording) {
              fire.latencies.push(performance.now() - t);
              fire.atLag.push(body.at - sentAt);
            }
          })
          .catch(() => fire.failed++)
          .finally(() => fire.pending.delete(p));
        fire.pending.add(p);
        if (next < performance.now()) next = performance.now();
      }
    })();
    await sleep(WARMUP_S * 1000);

    fire.recording = true;
    const clientCpu0 = clients.map((c) => cpuSeconds(c.child.pid));
    const server0 = groupCpu(server.pgid);
    const machine0 = machineCpu();
    const self0 = process.cpuUsage();
    const w0 = performance.now();
    for (const c of clients) c.tell("start");
    await sleep(DURATION_S * 1000);
    for (const c of clients) c.tell("stop");
    const seconds = (performance.now() - w0) / 1000;
    const server1 = groupCpu(server.pgid);
    const machine1 = machineCpu();
    const self = process.cpuUsage(self0);
    const clientCpu1 = clients.map((c) => cpuSeconds(c.child.pid));
    fire.recording = false;
    fire.running = false;
    await publisher;
    await Promise.all(fire.pending);

    // Drain: until every socket has the last seq (or 10 s).
    const reports = await Promise.all(clients.map((c) => c.request("report", "report")));
    let last = reports;
    const drainDeadline = Date.now() + 10_000;
    for (;;) {
      const behind = last.flatMap((r) => r.perSocket.maxSeq.filter((s, i) => r.perSocket.closeCode[i] === 0 && s < seq)).length;
      if (behind === 0 || Date.now() > drainDeadline) break;
      await sleep(250);
      last = await Promise.all(clients.map((c) => c.request("report", "report")));
    }

    const hist = new Map();
    let latCount = 0;
    let latMax = 0;
    const perSeq = new Map();
    for (const r of reports) {
      for (let i = 0; i < r.histPairs.length; i += 2) hist.set(r.histPairs[i], (hist.get(r.histPairs[i]) ?? 0) + r.histPairs[i + 1]);
      latCount += r.latCount;
      latMax = Math.max(latMax, r.latMax);
      for (let i = 0; i < r.seqs.length; i += 5) {
        const [s, at, first, lastRecv, count] = r.seqs.slice(i, i + 5);
        const m = perSeq.get(s);
        if (!m) perSeq.set(s, [at, first, lastRecv, count]);
        else {
          m[1] = Math.min(m[1], first);
          m[2] = Math.max(m[2], lastRecv);
          m[3] += count;
        }
      }
    }
    const integrity = { finalSeq: seq, closedEarly: 0, gaps: 0, regressions: 0, behindAtEnd: 0, incompleteSockets: 0, parseMismatches: 0 };
    for (const r of last) {
      const p = r.perSocket;
      for (let i = 0; i < r.sockets; i++) {
        integrity.gaps += p.gaps[i];
        integrity.regressions += p.regressions[i];
        if (p.closeCode[i] === 0 && p.maxSeq[i] < seq) integrity.behindAtEnd++;
        if (p.closeCode[i] === 0 && p.liveFrames[i] !== seq - p.firstSeq[i]) integrity.incompleteSockets++;
      }
      integrity.closedEarly += r.closedEarly;
      integrity.parseMismatches += r.parseMismatches;
    }
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
    const fireLat = summary(fire.latencies);
    const atLag = summary(fire.atLag);
    result.frameBytes = fire.bytes;
    result.windowSeconds = round(seconds, 2);
    result.publish = { perSec: round(fire.latencies.length / seconds, 2), eventsPerSec: round(perSeq.size / seconds, 1), failed: fire.failed, fireRequestMs: { p50: round(fireLat.p50), p99: round(fireLat.p99), max: round(fireLat.max) }, atMinusSendMs: { p50: atLag.p50, max: atLag.max } };
    result.framesPerSec = round(latCount / seconds);
    result.latencyMs = { count: latCount, p50: histPercentile(hist, latCount, 50), p90: histPercentile(hist, latCount, 90), p99: histPercentile(hist, latCount, 99), p999: histPercentile(hist, latCount, 99.9), max: latMax };
    result.perSeq = {
      note: "per seq: first and last socket to receive it, ms after frame.at; spread = last - first",
      firstMs: { p50: fl.p50, p99: fl.p99, max: fl.max },
      lastMs: { p50: ll.p50, p99: ll.p99, max: ll.max },
      spreadMs: { p50: sp.p50, p99: sp.p99, max: sp.max },
    };
    result.integrity = integrity;
    const busy = ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * cpus().length * 100;
    const irq = ((machine1.irq - machine0.irq) / (machine1.total - machine0.total)) * cpus().length * 100;
    result.cpu = {
      note: "% of one core over the window",
      server: cpuDelta(server0, server1, seconds, server.runtime?.pid),
      clients: clients.map((c, i) => ({ pct: round(((clientCpu1[i] - clientCpu0[i]) / seconds) * 100), eventLoopDelayP99Ms: round(reports[i].eventLoopDelay?.p99Ms) })),
      runnerPct: round(((self.user + self.system) / 1e6 / seconds) * 100),
      machineBusyPct: round(busy),
      interruptsPct: round(irq),
    };
    const ours = result.cpu.server.reduce((a, x) => a + x.pct, 0) + result.cpu.clients.reduce((a, x) => a + x.pct, 0) + result.cpu.runnerPct;
    result.cpu.otherPct = round(Math.max(0, busy - irq - ours));
    log(`${name}: p50 ${result.latencyMs.p50} / p90 ${result.latencyMs.p90} / p99 ${result.latencyMs.p99} / max ${result.latencyMs.max} ms; first p50 ${fl.p50} last p50 ${ll.p50} ms; ${result.framesPerSec} frames/s; runtime ${result.cpu.server.find((s) => s.comm === "workerd(runtime)")?.pct}% proxy ${result.cpu.server.find((s) => s.comm === "workerd(proxy)")?.pct ?? "-"}%; other ${result.cpu.otherPct}%`);
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
  // Let the hub see every close before the next run.
  for (let i = 0; i < 40; i++) {
    const h = await fetch(`${server.baseUrl}/health`).then((r) => r.json()).catch(() => null);
    if (h?.sockets === 0) break;
    await sleep(250);
  }
  return result;
}

// ---------- main ----------

function table(rows) {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((x, i) => String(x).padStart(width[i])).join("  ");
  return [line(cols), line(width.map((w) => "-".repeat(w))), ...rows.map((r) => line(cols.map((c) => r[c])))].join("\n");
}

let server = null;
const stopAll = async () => {
  if (server) await server.stop();
  server = null;
};
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void stopAll().finally(() => process.exit(130)));
setTimeout(() => {
  console.error("floor: still running after the watchdog; stopping");
  void stopAll().finally(() => process.exit(1));
}, 90_000 + RUNS.length * (60_000 + (WARMUP_S + DURATION_S) * 1000)).unref();

try {
  server = await startServer();
  if (!server.runtime) throw new Error("could not find the runtime workerd's entry port");
  log(`wrangler dev on ${server.baseUrl}; runtime workerd pid ${server.runtime.pid} on port ${server.runtime.entryPort}`);
  const results = [];
  for (const name of RUNS) results.push(await run(server, name));
  console.log("\nFloor: publish -> receive, ms (receive Date.now() - frame.at), raw client, wrangler dev on 127.0.0.1");
  console.log(
    table(
      results.map((r) => ({
        variant: r.variant,
        sockets: r.sockets,
        target: r.target,
        "ev/publish": r.eventsPerPublish.join("/"),
        "publish/s": r.publish.perSec,
        batched: r.batched ? "yes" : "no",
        "frames/s": r.framesPerSec,
        p50: r.latencyMs.p50,
        p90: r.latencyMs.p90,
        p99: r.latencyMs.p99,
        max: r.latencyMs.max,
        "first p50/p99": `${r.perSeq.firstMs.p50}/${r.perSeq.firstMs.p99}`,
        "last p50/p99": `${r.perSeq.lastMs.p50}/${r.perSeq.lastMs.p99}`,
        "runtime cpu": `${r.cpu.server.find((s) => s.comm === "workerd(runtime)")?.pct ?? 0}%`,
        "proxy cpu": `${r.cpu.server.find((s) => s.comm === "workerd(proxy)")?.pct ?? 0}%`,
        "clients cpu": r.cpu.clients.map((c) => `${c.pct}%`).join("+"),
        "other cpu": `${r.cpu.otherPct}%`,
        "gaps/behind": `${r.integrity.gaps}/${r.integrity.behindAtEnd}`,
      })),
    ),
  );
  const out = {
    benchmark: "floor",
    when: new Date().toISOString(),
    command: `node bench/floor/run.mjs ${process.argv.slice(2).join(" ")}`.trim(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: round(totalmem() / 2 ** 30), node: process.version },
    setup: {
      server: "bench/floor/worker.js under wrangler dev (local workerd): one Durable Object, hibernatable WebSockets, no storage, one precomputed string per event; event-major send loop as EventHub.broadcast",
      client: "bench/floor/client.mjs: bench/events-client.mjs's raw RFC 6455 client (no compression), 500 sockets per process, acks every 200 frames or 2 s",
      latency: "receive Date.now() - frame.at, `at` = the Durable Object's Date.now() when the publish arrived; 1 ms bins; all frames of the window",
      warmupSeconds: WARMUP_S,
      durationSeconds: DURATION_S,
    },
    goal: GOAL,
    results,
  };
  if (!opts["no-write"]) {
    writeFileSync(opts.out, `${JSON.stringify(out, null, 2)}\n`);
    log(`wrote ${path.relative(process.cwd(), opts.out)}`);
  }
} catch (err) {
  console.error(err);
  if (server) console.error(server.output());
  process.exitCode = 1;
} finally {
  await stopAll();
  log("stopped wrangler dev");
}
