import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { mintToken } from "../../scripts/token.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    tokens: { admin: string; trader: string; viewer: string };
  }
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const HEALTH_TIMEOUT_MS = 60_000;
const SEED_ATTEMPTS = 10;
const LOG_LINES_KEPT = 200;

/** A port nobody listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
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

/** Keeps the last lines a process printed, to explain a failure. */
function tail(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - LOG_LINES_KEPT));
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => lines.join("\n");
}

const childEnv = { ...process.env, CI: "1", NO_COLOR: "1", FORCE_COLOR: "0", WRANGLER_SEND_METRICS: "false" };

async function wrangler(args: string[]): Promise<void> {
  const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  const output = tail(child);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`wrangler ${args.join(" ")} exited with ${code}:\n${output()}`);
}

async function waitForHealth(baseUrl: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`wrangler dev exited with ${server.exitCode}:\n${output()}`);
    const res = await fetch(`${baseUrl}/api/health`).catch(() => null);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`GET /api/health did not answer 200 within ${HEALTH_TIMEOUT_MS} ms:\n${output()}`);
}

/** Seeds the demo desk; wrangler may still answer 503 while it settles, and the seed is idempotent. */
async function seed(baseUrl: string, adminToken: string): Promise<void> {
  let last = "";
  for (let attempt = 0; attempt < SEED_ATTEMPTS; attempt++) {
    const res = await fetch(`${baseUrl}/api/desk/seed`, {
      method: "POST",
      headers: { Authorization: `Bearer ${adminToken}`, "Idempotency-Key": `e2e-seed-${attempt}` },
    }).catch(() => null);
    if (res?.ok) return;
    last = res ? `${res.status} ${await res.text()}` : "no answer";
    if (res && res.status < 500) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`POST /api/desk/seed failed: ${last}`);
}

/** Stops the server's whole process group (wrangler and its workerd), then waits for it. */
async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.pid === undefined) return;
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(server.pid as number), name);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts a fresh desk for the browser tests: local D1 migrated into a temporary state
 * directory, `wrangler dev` on a free port with a random JWT secret, the demo desk seeded.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(path.join(ROOT, "web", "dist", "index.html"))) {
    throw new Error("web/dist is missing: run `npm run build:web` before the e2e tests");
  }
  const stateDir = await mkdtemp(path.join(tmpdir(), "cival-e2e-"));
  const secret = randomBytes(32).toString("hex");
  const port = await freePort();
  const inspectorPort = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;

  await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir]);

  const server = spawn(
    process.execPath,
    [
      WRANGLER,
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      stateDir,
      "--var",
      `JWT_SECRET:${secret}`,
      // The agents start paused: the browser tests that place orders by hand own their positions;
      // the Agents test resumes the agents while it runs.
      "--var",
      "CIVAL_AGENTS_START:paused",
      "--show-interactive-dev-session=false",
    ],
    // Its own process group, so teardown can stop workerd along with wrangler.
    { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const output = tail(server);
  const teardown = async () => {
    await stop(server);
    await rm(stateDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(baseUrl, server, output);
    const tokens = {
      admin: await mintToken({ secret, role: "admin", sub: "e2e-admin", ttlSeconds: 3600 }),
      trader: await mintToken({ secret, role: "trader", sub: "e2e-trader", ttlSeconds: 3600 }),
      viewer: await mintToken({ secret, role: "viewer", sub: "e2e-viewer", ttlSeconds: 3600 }),
    };
    await seed(baseUrl, tokens.admin);
    project.provide("baseUrl", baseUrl);
    project.provide("tokens", tokens);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
