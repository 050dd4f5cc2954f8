import type { ExchangeId } from "../../core/market.js";

export type { ExchangeErrorCode } from "../../core/refusals.js";
import type { ExchangeErrorCode } from "../../core/refusals.js";

/** Codes a later attempt of the same idempotent request may not see again. */
const TRANSIENT: ReadonlySet<ExchangeErrorCode> = new Set(["rate_limited", "unavailable", "timeout"]);

export interface ExchangeErrorInfo {
  /** HTTP status, when there was a response. */
  readonly status?: number;
  /** The exchange's own error code or text (`-2010`, `EOrder:Insufficient funds`). */
  readonly venueCode?: string;
  /** How long the exchange asked us to wait (Retry-After). */
  readonly retryAfterMs?: number;
  /** The request may have reached the matching engine: a timeout, a dropped connection, a 5xx. */
  readonly maybeExecuted?: boolean;
  /** For unknown_outcome: the client order id to reconcile with. */
  readonly clientOrderId?: string;
}

/** An expected failure of an exchange call. Messages never carry credentials or signatures. */
export class ExchangeError extends Error {
  override readonly name = "ExchangeError";

  constructor(
    readonly exchange: ExchangeId,
    readonly code: ExchangeErrorCode,
    message: string,
    readonly info: ExchangeErrorInfo = {},
  ) {
    super(`${exchange}: ${message}`);
  }

  /** True when retrying the same idempotent request later may succeed. */
  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }
}

export function isExchangeError(value: unknown, code?: ExchangeErrorCode): value is ExchangeError {
  return value instanceof ExchangeError && (code === undefined || value.code === code);
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from `nowMs`. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
