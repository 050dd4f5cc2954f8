import type { ExchangeId } from "../../core/market.js";
import { ExchangeError } from "./errors.js";
import type { Clock } from "./rate-limit.js";

/** Backoff for idempotent requests: full jitter, `random() * min(maxDelayMs, baseDelayMs * 2^attempt)`. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the error goes to the caller. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

export interface Transport {
  readonly exchange: ExchangeId;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly random: () => number;
  readonly retry: RetryPolicy;
}

export interface HttpRequest {
  readonly method: "GET" | "POST" | "DELETE";
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** Builds a transport from client options, with defaults. */
export function transport(
  exchange: ExchangeId,
  options: { fetch?: typeof fetch; timeoutMs?: number; random?: () => number; retry?: Partial<RetryPolicy> },
  clock: Clock,
  defaultTimeoutMs: number,
): Transport {
  return {
    exchange,
    // Bound so a bare `fetch` keeps its receiver in workerd.
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
    clock,
    random: options.random ?? Math.random,
    retry: { ...DEFAULT_RETRY, ...options.retry },
  };
}

/**
 * One HTTP exchange bounded by the transport's timeout. A timeout or a dropped connection becomes
 * an ExchangeError that says the request may have executed: we cannot know whether it arrived.
 */
export async function send(t: Transport, req: HttpRequest): Promise<HttpResponse> {
  let response: Response;
  try {
    response = await t.fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(t.timeoutMs),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      throw new ExchangeError(t.exchange, "timeout", `${req.method} ${pathOf(req.url)} timed out after ${t.timeoutMs} ms`, { maybeExecuted: true });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new ExchangeError(t.exchange, "unavailable", `${req.method} ${pathOf(req.url)} failed: ${reason}`, { maybeExecuted: true });
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new ExchangeError(t.exchange, "timeout", `${req.method} ${pathOf(req.url)}: the response body did not arrive`, {
      status: response.status,
      maybeExecuted: true,
    });
  }
  return { status: response.status, headers: response.headers, text };
}

/**
 * Runs `attempt` (which signs and sends afresh each time) and retries transient failures with
 * backoff, only when the request is idempotent. A non-idempotent request whose failure may have
 * executed becomes `unknown_outcome`: the caller resolves it by lookup, never by sending again.
 */
export async function withRetries<T>(t: Transport, idempotent: boolean, attempt: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ExchangeError)) throw error;
      if (!idempotent) {
        if (error.info.maybeExecuted) {
          throw new ExchangeError(t.exchange, "unknown_outcome", `outcome unknown (${error.message})`, { ...error.info, maybeExecuted: true });
        }
        throw error;
      }
      if (!error.transient || n + 1 >= t.retry.maxAttempts) throw error;
      const retryAfter = error.info.retryAfterMs;
      if (retryAfter !== undefined && retryAfter > t.retry.maxRetryAfterMs) throw error;
      const jittered = t.random() * Math.min(t.retry.maxDelayMs, t.retry.baseDelayMs * 2 ** n);
      await t.clock.sleep(Math.ceil(Math.max(jittered, retryAfter ?? 0)));
    }
  }
}

/** Parses a JSON body; anything else is a bad_response, with a short excerpt (bodies carry no secrets). */
export function parseJson(t: Transport, res: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    throw new ExchangeError(t.exchange, "bad_response", `${what}: not JSON (HTTP ${res.status}): ${res.text.slice(0, 120)}`, { status: res.status });
  }
}

/** Builds `?a=1&b=2` from defined values, in the given order, percent-encoded. */
export function queryString(params: Readonly<Record<string, string | number | boolean | undefined>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.join("&");
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
