#!/usr/bin/env node
// Bundles the Worker as `wrangler deploy` would (no network, no login) and reports its size,
// so that a bundle Cloudflare would refuse fails CI. Free plan limit: 3 MiB gzipped; paid: 10 MiB.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const OUT = "dist-worker";
const LIMIT_GZIP_BYTES = 3 * 1024 * 1024;

rmSync(OUT, { recursive: true, force: true });
const r = spawnSync("wrangler", ["deploy", "--dry-run", "--outdir", OUT], { stdio: "inherit" });
if (r.status !== 0) {
  console.error("cival: wrangler deploy --dry-run failed");
  process.exit(r.status ?? 1);
}
// The AG-UI client and encoder are for tests and the dashboard; the Worker must not carry them.
const FORBIDDEN = [
  ["@ag-ui/client", "[ag-ui][legacy]"],
  ["@ag-ui/encoder", "EventEncoder"],
];
let raw = 0;
let gzip = 0;
for (const name of readdirSync(OUT)) {
  const file = join(OUT, name);
  if (!statSync(file).isFile() || name.endsWith(".map")) continue;
  const bytes = readFileSync(file);
  raw += bytes.length;
  const text = bytes.toString("utf8");
  for (const [pkg, marker] of FORBIDDEN) {
    if (text.includes(marker)) {
      console.error(`cival: the Worker bundle includes ${pkg} (found "${marker}" in ${name})`);
      process.exit(1);
    }
  }
  gzip += gzipSync(bytes, { level: 9 }).length;
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`cival: Worker bundle ${kib(raw)}, ${kib(gzip)} gzipped (limit ${kib(LIMIT_GZIP_BYTES)})`);
if (gzip > LIMIT_GZIP_BYTES) {
  console.error("cival: the bundle is over Cloudflare's free-plan size limit");
  process.exit(1);
}
