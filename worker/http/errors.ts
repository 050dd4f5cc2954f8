import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { RefusalCode } from "../../core/refusals.js";

/** An expected failure with the status and code a client sees: `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * Where each refusal the domain can give lands in HTTP; the one place that decides it. Exhaustive:
 * a code added to `RefusalCode` without a status here does not compile.
 */
export const REFUSAL_STATUS = {
  unknown_wallet: 404,
  invalid_config: 422,
  unconfigured: 409,
  unknown_approval: 404,
  approval_closed: 409,
  no_position: 422,
  wallet_exists: 409,
  transfer_id_conflict: 409,
  idempotency_key_reused: 422,
  insufficient_funds: 422,
  zero_amount: 422,
  wallet_archived: 422,
  overseer_holds_no_capital: 422,
  not_member: 422,
  invalid_route: 422,
  same_wallet: 422,
  wallet_not_initialised: 409,
  unknown_order: 404,
  invalid_symbol: 422,
  invalid_quantity: 422,
  invalid_price: 422,
  invalid_time_in_force: 422,
  duplicate_client_order_id: 409,
  too_many_resting_orders: 422,
  no_liquidity: 422,
  below_min_notional: 422,
  post_only_would_cross: 422,
  unroutable: 422,
  unknown_order_outstanding: 409,
  keys_missing: 409,
  exchange_unreachable: 502,
  invalid_order: 422,
  invalid_request: 422,
  unknown_symbol: 422,
  auth: 502,
  rate_limited: 503,
  unavailable: 503,
  timeout: 504,
  bad_response: 502,
  risk_rejected: 422,
  risk_unavailable: 503,
  unknown_scope: 404,
  not_halted: 409,
  unknown_scenario: 404,
  invalid_limits: 400,
  not_found: 404,
  never_reached_venue: 422,
  venue_rejected: 422,
  unknown_outcome: 502,
  unknown_venue: 404,
  invalid_candles: 422,
  too_many_bars: 422,
  not_enough_bars: 422,
  too_much_work: 422,
  lead_required: 422,
  lead_not_member: 422,
} as const satisfies Record<RefusalCode, ContentfulStatusCode>;

/** An ApiError for a refusal code the domain returned. */
export function refusal(code: RefusalCode, message: string, details?: unknown): ApiError {
  return new ApiError(REFUSAL_STATUS[code], code, message, details);
}

/** Parses input with a zod schema; bad input is a 400 that names every problem. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    throw new ApiError(400, "invalid_request", `invalid ${what}: ${summary}`, { issues });
  }
  return result.data;
}

/** Reads a JSON body; a missing or malformed one is a 400, never a 500. */
export async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("Content-Type") ?? "";
  const text = await c.req.text();
  if (text.trim() === "") return {};
  if (!type.toLowerCase().includes("application/json")) {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "invalid_json", "the body is not valid JSON");
  }
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
