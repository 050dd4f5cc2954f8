/** Fakes for exchange tests: a fetch that records what it was sent, and a clock that sleeps instantly. */

export interface Seen {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: string;
  readonly signal: AbortSignal | null;
}

export type Route = (req: Seen, index: number) => Response | Promise<Response>;

export interface FakeFetch {
  readonly fetch: typeof fetch;
  readonly seen: Seen[];
  /** Requests whose path (and method, when given) match. */
  calls(path: string, method?: string): Seen[];
}

export function fakeFetch(route: Route): FakeFetch {
  const seen: Seen[] = [];
  const impl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const req: Seen = {
      method: init?.method ?? "GET",
      url,
      headers: new Headers(init?.headers as HeadersInit | undefined),
      body: typeof init?.body === "string" ? init.body : "",
      signal: init?.signal ?? null,
    };
    seen.push(req);
    return route(req, seen.length - 1);
  };
  return {
    fetch: impl as typeof fetch,
    seen,
    calls: (path, method) => seen.filter((s) => s.url.pathname === path && (method === undefined || s.method === method)),
  };
}

export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { "Content-Type": "application/json", ...init.headers },
  });
}

/** Never answers: rejects when the client's timeout aborts the request. */
export function hang(req: Seen): Promise<Response> {
  return new Promise((_, reject) => {
    const signal = req.signal;
    if (signal === null) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason));
  });
}

export interface FakeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Every sleep asked for, in order. */
  readonly sleeps: number[];
  advance(ms: number): void;
}

/** Time that moves only when someone sleeps (or the test advances it). */
export function fakeClock(startMs: number): FakeClock {
  let t = startMs;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    advance: (ms) => {
      t += ms;
    },
  };
}

export function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function hmacHex(hash: "SHA-256" | "SHA-512", key: Uint8Array, data: string): Promise<string> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash }, false, ["sign"]);
  return hex(new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(data))));
}
