import type { MiddlewareHandler } from "hono";
import { idempotencyKeySchema } from "../../core/schemas.js";
import { findIdempotentResponse, saveIdempotentResponse } from "../../adapters/db/idempotency.js";
import { ApiError } from "../http/errors.js";
import type { AppEnv } from "../types.js";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Makes a mutating request safe to repeat. With an `Idempotency-Key`, the command id is derived
 * from the key, so the objects behind the route move nothing twice even when two repeats race;
 * the first successful answer is stored and replayed to every repeat. The same key with a
 * different request is refused.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async function idempotency(c, next) {
    const header = c.req.header("Idempotency-Key");
    if (header === undefined) {
      c.set("commandId", `r:${crypto.randomUUID()}`);
      await next();
      return;
    }
    const parsed = idempotencyKeySchema.safeParse(header);
    if (!parsed.success) throw new ApiError(400, "invalid_idempotency_key", parsed.error.issues[0]?.message ?? "invalid Idempotency-Key");
    const key = parsed.data;
    const principal = c.get("principal").sub;
    const requestHash = await sha256Hex(`${c.req.method}\n${c.req.path}\n${await c.req.text()}`);
    const stored = await findIdempotentResponse(c.env.DB, principal, key);
    if (stored) {
      if (stored.requestHash !== requestHash) {
        throw new ApiError(422, "idempotency_key_reused", "this Idempotency-Key was used for a different request");
      }
      return new Response(stored.response, {
        status: stored.status,
        headers: { "Content-Type": "application/json", "Idempotent-Replayed": "true" },
      });
    }
    c.set("commandId", `k:${(await sha256Hex(`${principal}\n${key}`)).slice(0, 32)}`);
    await next();
    if (c.res.status >= 200 && c.res.status < 300) {
      const response = await c.res.clone().text();
      await saveIdempotentResponse(c.env.DB, {
        principal,
        key,
        method: c.req.method,
        path: c.req.path,
        requestHash,
        status: c.res.status,
        response,
        createdAtMs: Date.now(),
      });
    }
  };
}
