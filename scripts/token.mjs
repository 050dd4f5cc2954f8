#!/usr/bin/env node
// Mints an API token (HS256 JWT) for local use: npm run token -- --role admin [--sub name] [--ttl seconds]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sign } from "hono/jwt";

export const ROLES = ["viewer", "trader", "admin"];

/** Signs a token for `role`, valid for `ttlSeconds`. */
export async function mintToken({ secret, role, sub = `${role}@local`, ttlSeconds = 12 * 3600 }) {
  if (!ROLES.includes(role)) throw new Error(`role must be one of ${ROLES.join(", ")}`);
  if (!secret) throw new Error("no JWT secret");
  return sign({ sub, role, exp: Math.floor(Date.now() / 1000) + ttlSeconds }, secret, "HS256");
}

/** The secret `wrangler dev` uses: JWT_SECRET from the environment, else from .dev.vars. */
export function localSecret(devVarsPath = ".dev.vars") {
  if (process.env.JWT_SECRET) return process.env.JWT_SECRET;
  try {
    const line = readFileSync(devVarsPath, "utf8").split("\n").find((l) => l.startsWith("JWT_SECRET="));
    return line ? line.slice("JWT_SECRET=".length).trim().replace(/^"|"$/g, "") : null;
  } catch {
    return null;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { role: { type: "string", default: "admin" }, sub: { type: "string" }, ttl: { type: "string", default: String(12 * 3600) } } });
  const secret = localSecret();
  if (!secret) {
    console.error("No JWT_SECRET in the environment or .dev.vars: run `npm start` once, or set JWT_SECRET.");
    process.exit(1);
  }
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) {
    console.error("--ttl is a whole number of seconds");
    process.exit(1);
  }
  try {
    console.log(await mintToken({ secret, role: values.role, sub: values.sub, ttlSeconds: ttl }));
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
