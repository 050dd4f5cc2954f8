import { exports } from "cloudflare:workers";
import { sign } from "hono/jwt";

export type Role = "viewer" | "trader" | "admin";
export const TEST_SECRET = "test-secret-of-at-least-32-characters!!";

export async function token(role: Role, sub = `${role}@test`): Promise<string> {
  return sign({ sub, role, exp: Math.floor(Date.now() / 1000) + 3600 }, TEST_SECRET, "HS256");
}

export interface CallOptions {
  role?: Role | null;
  body?: unknown;
  rawBody?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

/** Calls the Worker's API as a client would; returns status and parsed JSON. */
export async function api(method: string, path: string, opts: CallOptions = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  const role = opts.role === undefined ? "admin" : opts.role;
  if (role) headers.Authorization = `Bearer ${await token(role)}`;
  if (opts.idempotencyKey) headers["Idempotency-Key"] = opts.idempotencyKey;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !headers["Content-Type"]) headers["Content-Type"] = "application/json";
  const res = await exports.default.fetch(new Request(`https://cival.test${path}`, { method, headers, body }));
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Finds a node in the wallet tree by id. */
export function findNode(tree: any, id: string): any {
  if (tree.id === id) return tree;
  for (const child of tree.children ?? []) {
    const found = findNode(child, id);
    if (found) return found;
  }
  return null;
}

export async function seed(): Promise<void> {
  const res = await api("POST", "/api/desk/seed");
  if (res.status !== 201 && res.status !== 200) throw new Error(`seed failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function balanceOf(id: string): Promise<string> {
  const res = await api("GET", `/api/wallets/${id}`);
  return res.body.wallet.balances.USD;
}

/**
 * Widens the desk's risk limits far past anything a test orders, for files that test order
 * mechanics rather than risk (the risk tests keep the defaults and set their own).
 */
export async function relaxRisk(): Promise<void> {
  const wide = "1000000000";
  const res = await api("PUT", "/api/risk/limits", {
    idempotencyKey: `relax-risk-${crypto.randomUUID()}`,
    body: { desk: { maxOrderNotional: wide, maxPositionNotional: wide, maxGrossExposure: wide, maxVar: wide, maxDailyLoss: wide, maxDrawdown: "1", maxOrdersPerMinute: 6000, maxConcentration: "1", maxDepthMultiple: "1000000" } },
  });
  if (res.status !== 200) throw new Error(`relaxing risk limits failed: ${res.status} ${JSON.stringify(res.body)}`);
}
