import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { idempotencyKeys } from "./schema.js";

export interface StoredResponse {
  readonly requestHash: string;
  readonly status: number;
  readonly response: string;
}

export async function findIdempotentResponse(d1: D1Database, principal: string, key: string): Promise<StoredResponse | null> {
  const rows = await drizzle(d1)
    .select({ requestHash: idempotencyKeys.requestHash, status: idempotencyKeys.status, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)))
    .limit(1);
  return rows[0] ?? null;
}

/** Saves the first answer to a key; a concurrent second answer is ignored (the command behind both is idempotent). */
export async function saveIdempotentResponse(
  d1: D1Database,
  row: { principal: string; key: string; method: string; path: string; requestHash: string; status: number; response: string; createdAtMs: number },
): Promise<void> {
  await drizzle(d1).insert(idempotencyKeys).values(row).onConflictDoNothing();
}
