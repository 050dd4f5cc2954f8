#!/usr/bin/env node
// npm start: a dev secret if there is none, local D1 migrations, the dashboard build, wrangler dev
// at http://localhost:8787 (or --port N / PORT), and the demo desk seeded (idempotently) once the Worker answers.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { portFrom } from "./port.mjs";
import { localSecret, mintToken } from "./token.mjs";

let PORT;
try {
  PORT = portFrom(process.argv.slice(2), process.env);
} catch (err) {
  console.error(`cival: ${err.message}`);
  process.exit(2);
}
const BASE = `http://localhost:${PORT}`;
console.log(`cival: serving the desk on port ${PORT} (${BASE})`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`cival: ${cmd} ${args.join(" ")} failed`);
    process.exit(r.status ?? 1);
  }
}

if (!localSecret()) {
  const line = `JWT_SECRET=${randomBytes(32).toString("hex")}\n`;
  if (existsSync(".dev.vars") && !readFileSync(".dev.vars", "utf8").endsWith("\n")) appendFileSync(".dev.vars", "\n");
  appendFileSync(".dev.vars", line);
  console.log("cival: wrote a random JWT_SECRET to .dev.vars");
}

run("wrangler", ["d1", "migrations", "apply", "DB", "--local"]);
run("vite", ["build", "web", "--logLevel", "warn"]);

const dev = spawn("wrangler", ["dev", "--port", String(PORT), "--show-interactive-dev-session=false"], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

async function waitForHealth(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${BASE}/api/health`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

if (!(await waitForHealth(60_000))) {
  console.error("cival: the Worker did not answer /api/health within 60 s");
} else {
  const secret = localSecret();
  const admin = await mintToken({ secret, role: "admin", sub: "operator@local" });
  // The seed is idempotent: retry it while wrangler is still settling (a reload answers 503).
  let res;
  let body = {};
  for (let attempt = 0; attempt < 10; attempt++) {
    res = await fetch(`${BASE}/api/desk/seed`, { method: "POST", headers: { Authorization: `Bearer ${admin}` } }).catch(() => null);
    body = res ? await res.json().catch(() => ({})) : {};
    if (res && res.status < 500) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const seeded = !res ? "seeding failed (no answer)" : res.status === 201 ? "seeded the demo desk" : res.ok ? "demo desk already seeded" : `seeding failed (${res.status} ${JSON.stringify(body)})`;
  console.log(`\ncival: ${seeded}\n\n  Dashboard  ${BASE}\n  API        ${BASE}/api/wallets\n  Admin token (12 h; npm run token -- --role trader for others):\n  ${admin}\n`);
}
