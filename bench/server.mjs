// Starts a fresh local desk for a benchmark: the working tree copied to a temporary directory
// (so edits made meanwhile do not reload the Worker), local D1 migrated into a temporary state
// directory, `wrangler dev` on a free 127.0.0.1 port with a random JWT secret (in its own
// process group, so stopping it stops workerd too), the demo desk seeded. Mirrors
// test/e2e/global-setup.ts.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, readFileSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mintToken } from "../scripts/token.mjs";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const VITE = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
const HEALTH_TIMEOUT_MS = 60_000;
const LOG_LINES_KEPT = 200;
const childEnv = { ...process.env, CI: "1", NO_COLOR: "1", FORCE_COLOR: "0", WRANGLER_SEND_METRICS: "false" };

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function tail(child) {
  const lines = [];
  const keep = (chunk) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - LOG_LINES_KEPT));
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => lines.join("\n");
}

function runSync(script, args, what, cwd = ROOT) {
  const r = spawnSync(process.execPath, [script, ...args], { cwd, env: childEnv, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** The dashboard build wrangler dev serves as assets; built once if missing. */
export function ensureWebBuild(log) {
  if (existsSync(path.join(ROOT, "web", "dist", "index.html"))) return false;
  log("web/dist is missing: vite build web");
  runSync(VITE, ["build", "web", "--logLevel", "warn"], "vite build web");
  return true;
}

/** Pids of the process group `pgid` (wrangler, its workerd and anything else it started). */
export function groupPids(pgid) {
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) out.push({ pid: Number(name), comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) });
    } catch {
      // gone
    }
  }
  return out;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100/s on Linux)
  } catch {
    return 0;
  }
}

const BUNDLE_DIR = ".bench-bundle";

/** What wrangler dev needs of the project; everything else stays behind. */
const SNAPSHOT_SKIP = new Set(["node_modules", ".git", ".wrangler", "dist-worker", "test", "test-results", "docs", "bench", ".ci", ".dev.vars"]);

/**
 * Copies the working tree (as it is now) to `dir`, with node_modules linked: wrangler dev
 * reloads the Worker, dropping every socket, when a file it bundled changes, and the project
 * may be edited while a benchmark runs.
 */
export function snapshotProject(from, dir) {
  cpSync(from, dir, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(from, src);
      if (rel === "") return true;
      const top = rel.split(path.sep)[0];
      return !SNAPSHOT_SKIP.has(top) && !rel.startsWith(path.join("web", "node_modules"));
    },
  });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
}

/** `src`: the tree to run (default: this working tree), e.g. a copy with a server change to try. */
export async function startDesk(log = () => {}, { src = ROOT } = {}) {
  const stateDir = await mkdtemp(path.join(tmpdir(), "cival-bench-"));
  const projectDir = await mkdtemp(path.join(tmpdir(), "cival-bench-src-"));
  snapshotProject(src, projectDir);
  const secret = randomBytes(32).toString("hex");
  const port = await freePort();
  const inspectorPort = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  log(`migrating local D1 into ${stateDir}`);
  runSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], "wrangler d1 migrations apply", projectDir);
  // Bundle once and serve the bundle as is: wrangler dev then watches nothing anyone else edits
  // (it would otherwise reload the Worker, dropping every socket, when e.g. node_modules changes).
  log("bundling the Worker (wrangler deploy --dry-run)");
  runSync(WRANGLER, ["deploy", "--dry-run", "--outdir", BUNDLE_DIR], "wrangler deploy --dry-run", projectDir);

  const server = spawn(
    process.execPath,
    [WRANGLER, "dev", path.join(BUNDLE_DIR, "index.js"), "--no-bundle", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--persist-to", stateDir, "--var", `JWT_SECRET:${secret}`, "--show-interactive-dev-session=false"],
    { cwd: projectDir, env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const output = tail(server);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (server.exitCode === null && server.pid !== undefined) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      const signal = (name) => {
        try {
          process.kill(-server.pid, name);
        } catch {
          // already gone
        }
      };
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    // workerd and esbuild may outlive wrangler by a moment: wait until the group is gone.
    if (server.pid !== undefined) {
      for (let i = 0; i < 50 && groupPids(server.pid).length > 0; i++) {
        if (i === 10) {
          try {
            process.kill(-server.pid, "SIGKILL");
          } catch {
            // gone
          }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await rm(stateDir, { recursive: true, force: true });
    await rm(projectDir, { recursive: true, force: true });
  };

  try {
    log(`wrangler dev on ${baseUrl} (code snapshot in ${projectDir})`);
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`wrangler dev exited with ${server.exitCode}:\n${output()}`);
      const res = await fetch(`${baseUrl}/api/health`).catch(() => null);
      if (res?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`GET /api/health did not answer 200 within ${HEALTH_TIMEOUT_MS} ms:\n${output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const tokens = {
      admin: await mintToken({ secret, role: "admin", sub: "bench-admin", ttlSeconds: 3600 }),
      trader: await mintToken({ secret, role: "trader", sub: "bench-trader", ttlSeconds: 3600 }),
      viewer: await mintToken({ secret, role: "viewer", sub: "bench-viewer", ttlSeconds: 3600 }),
    };
    let last = "";
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${baseUrl}/api/desk/seed`, { method: "POST", headers: { Authorization: `Bearer ${tokens.admin}` } }).catch(() => null);
      if (res?.ok) break;
      last = res ? `${res.status} ${await res.text()}` : "no answer";
      if ((res && res.status < 500) || attempt >= 9) throw new Error(`POST /api/desk/seed failed: ${last}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    return { baseUrl, tokens, pgid: server.pid, inspectorPort, output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Listening TCP ports of a process (IPv4). */
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

/**
 * wrangler dev runs two workerd processes: a proxy on the public port (it holds requests while
 * the Worker reloads) and the runtime with the Worker and its Durable Objects on a port of its
 * own. Finds the runtime's entry port (where GET /api/health answers) and its V8 inspector.
 */
export async function findRuntime(pgid, publicPort) {
  for (const { pid, comm } of groupPids(pgid)) {
    if (comm !== "workerd") continue;
    const ports = listeningPorts(pid);
    if (ports.includes(publicPort)) continue;
    let entry = null;
    let inspector = null;
    for (const port of ports) {
      const health = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
      if (health?.status === 200 && (await health.json().catch(() => ({}))).service === "cival") entry = port;
      const targets = await fetch(`http://127.0.0.1:${port}/json`).then((r) => r.json()).catch(() => null);
      const target = Array.isArray(targets) ? targets.find((t) => String(t.id).startsWith("core:user:")) : null;
      if (target) inspector = target.webSocketDebuggerUrl;
    }
    if (entry) return { pid, entryPort: entry, inspectorUrl: inspector };
  }
  return null;
}
