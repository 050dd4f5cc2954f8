import type { MiddlewareHandler } from "hono";
import { verify } from "hono/jwt";
import { z } from "zod";
import { ApiError } from "../http/errors.js";
import type { AppEnv, Principal, Role } from "../types.js";

const RANK: Record<Role, number> = { viewer: 0, trader: 1, admin: 2 };

const claimsSchema = z.object({
  sub: z.string().min(1).max(200),
  role: z.enum(["viewer", "trader", "admin"]),
  exp: z.number().int(),
});

/** Verifies a token: the principal it names, or null when it is invalid, expired or lacks a claim. */
export async function verifyToken(secret: string, token: string): Promise<Principal | null> {
  let payload: unknown;
  try {
    payload = await verify(token, secret, "HS256");
  } catch {
    return null;
  }
  const claims = claimsSchema.safeParse(payload);
  return claims.success ? { sub: claims.data.sub, role: claims.data.role } : null;
}

export function requireSecret(env: Env): string {
  if (!env.JWT_SECRET) {
    throw new ApiError(503, "auth_not_configured", "JWT_SECRET is not set: the API stays closed until it is (wrangler secret put JWT_SECRET)");
  }
  return env.JWT_SECRET;
}

/** Verifies the bearer JWT (HS256) and sets the principal. With no secret configured the API stays closed. */
export function auth(): MiddlewareHandler<AppEnv> {
  return async function auth(c, next) {
    const secret = requireSecret(c.env);
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+([A-Za-z0-9_\-.]+)$/.exec(header);
    if (!match?.[1]) throw new ApiError(401, "unauthorized", "send Authorization: Bearer <token> (npm run token -- --role admin)");
    const principal = await verifyToken(secret, match[1]);
    if (!principal) throw new ApiError(401, "unauthorized", "the token is invalid or expired");
    c.set("principal", principal);
    await next();
  };
}

/** True when the principal's role is at least `role`. */
export function hasRole(actual: Role, role: Role): boolean {
  return RANK[actual] >= RANK[role];
}

/** Refuses the request with 403 unless the principal holds at least `role`. */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return async function requireRole(c, next) {
    assertRole(c.get("principal").role, role);
    await next();
  };
}

export function assertRole(actual: Role, role: Role, what = "this action"): void {
  if (!hasRole(actual, role)) throw new ApiError(403, "forbidden", `${what} needs the ${role} role; the token has ${actual}`);
}
