import type { z } from "zod";
import type {
  allocationBodySchema,
  collectionBodySchema,
  createAgentBodySchema,
  createFarmBodySchema,
  placeOrderBodySchema,
  rebalanceBodySchema,
} from "../../core/schemas.ts";
import type {
  AgentOrder,
  ArbitrageReply,
  BestQuotes,
  Candle,
  CandleInterval,
  Me,
  Move,
  OrderBook,
  OrderFill,
  Rebalance,
  Ticker,
  VenueSpec,
  WalletNode,
  WalletRecordReply,
  WalletsReply,
} from "./types.ts";

/** An error the API answered with (its envelope), or a failure to reach it (status 0). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Worth retrying with the same idempotency key: the request may or may not have landed. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Request bodies as the dashboard sends them: schema defaults are left to the server. */
type Input<S extends z.ZodType> = z.input<S>;

/** A random UUID v4; works outside secure contexts too, where crypto.randomUUID is missing. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.code === "string" && typeof error.message === "string") {
    return new ApiError(res.status, error.code, error.message, error.details);
  }
  return new ApiError(res.status, `http_${res.status}`, `${res.status} ${res.statusText || "error"}`.trim());
}

export interface ClientOptions {
  /** The bearer token to send, read on every call. */
  readonly token: () => string | null;
  /** Called when the API says the token is no longer good (401). */
  readonly onUnauthorized?: () => void;
}

export interface SendOptions {
  /** Reuse a key to make a retried command a repeat rather than a second command. */
  readonly idempotencyKey?: string;
  /** Overrides the client's token (used to check a token before storing it). */
  readonly token?: string;
}

/** The dashboard's API client: relative /api paths, bearer auth, typed errors. */
export function createClient(options: ClientOptions) {
  async function send<T>(method: Method, path: string, body?: unknown, opts: SendOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const token = opts.token ?? options.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["Idempotency-Key"] = opts.idempotencyKey ?? newIdempotencyKey();
    }
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
      });
    } catch {
      throw new ApiError(0, "network_error", "Cannot reach the Cival API. Is the server running?");
    }
    if (!res.ok) {
      const error = await toApiError(res);
      if (res.status === 401 && opts.token === undefined) options.onUnauthorized?.();
      throw error;
    }
    return (await res.json()) as T;
  }

  return {
    send,
    me: (opts?: SendOptions) => send<Me>("GET", "/api/me", undefined, opts),
    wallets: () => send<WalletsReply>("GET", "/api/wallets"),
    allocate: (body: Input<typeof allocationBodySchema>, opts?: SendOptions) =>
      send<{ move: Move }>("POST", "/api/wallets/allocations", body, opts),
    collect: (body: Input<typeof collectionBodySchema>, opts?: SendOptions) =>
      send<{ move: Move }>("POST", "/api/wallets/collections", body, opts),
    rebalance: (body: Input<typeof rebalanceBodySchema>, opts?: SendOptions) =>
      send<{ rebalance: Rebalance }>("POST", "/api/wallets/rebalances", body, opts),
    createFarm: (body: Input<typeof createFarmBodySchema>, opts?: SendOptions) =>
      send<WalletRecordReply>("POST", "/api/farms", body, opts),
    createAgent: (body: Input<typeof createAgentBodySchema>, opts?: SendOptions) =>
      send<WalletRecordReply>("POST", "/api/agents", body, opts),
    rename: (id: string, name: string, opts?: SendOptions) =>
      send<WalletRecordReply>("PATCH", `/api/${collection(id)}/${encodeURIComponent(slug(id))}`, { name }, opts),
    /** History for scroll-back: envelopes with seq > since on the topics, ascending (parsed by the caller). */
    events: (query: { since: number; limit: number; topics: readonly string[] }) =>
      send<unknown>(
        "GET",
        `/api/events?${new URLSearchParams({ since: String(query.since), limit: String(query.limit), topics: query.topics.join(",") }).toString()}`,
      ),
    archive: (id: string, opts?: SendOptions) =>
      send<WalletRecordReply>("POST", `/api/${collection(id)}/${encodeURIComponent(slug(id))}/archive`, {}, opts),
    wallet: (id: string) => send<{ wallet: WalletNode }>("GET", `/api/wallets/${encodeURIComponent(id)}`),
    markets: () => send<{ venues: VenueSpec[] }>("GET", "/api/markets"),
    ticker: (venue: string, symbol: string) => send<Ticker>("GET", `${marketPath(venue, symbol)}/ticker`),
    book: (venue: string, symbol: string) => send<OrderBook>("GET", `${marketPath(venue, symbol)}/book`),
    candles: (venue: string, symbol: string, interval: CandleInterval, limit: number) =>
      send<{ candles: Candle[] }>(
        "GET",
        `${marketPath(venue, symbol)}/candles?${new URLSearchParams({ interval, limit: String(limit) }).toString()}`,
      ),
    best: (symbol: string) => send<BestQuotes>("GET", `/api/markets/best/${encodeURIComponent(symbol)}`),
    arbitrage: () => send<ArbitrageReply>("GET", "/api/arbitrage"),
    placeOrder: (body: Input<typeof placeOrderBodySchema>, opts?: SendOptions) =>
      send<{ order: AgentOrder; risk?: { decision: "approve" | "resize" | "reject"; quantity?: string; rule?: string; reason: string } }>("POST", "/api/orders", body, opts),
    /** The same checks as placing, nothing placed: the monitor's dry run and the funds (parse with the ticket's asOrderCheck). */
    checkOrder: (body: Input<typeof placeOrderBodySchema>) => send<unknown>("POST", "/api/orders/check", body),
    orders: (agent: string, limit = 100) => send<{ orders: AgentOrder[] }>("GET", `/api/orders?${agentQuery(agent, limit)}`),
    fills: (agent: string, limit = 100) => send<{ fills: OrderFill[] }>("GET", `/api/orders/fills?${agentQuery(agent, limit)}`),
    cancelOrder: (agent: string, clientOrderId: string, opts?: SendOptions) =>
      send<{ order: AgentOrder }>(
        "DELETE",
        `/api/orders/${encodeURIComponent(clientOrderId)}?${new URLSearchParams({ agent }).toString()}`,
        undefined,
        opts,
      ),
  };
}

export type Client = ReturnType<typeof createClient>;

function collection(walletId: string): "farms" | "agents" {
  if (walletId.startsWith("farm:")) return "farms";
  if (walletId.startsWith("agent:")) return "agents";
  throw new Error(`not a farm or agent wallet id: ${walletId}`);
}

function marketPath(venue: string, symbol: string): string {
  return `/api/markets/${encodeURIComponent(venue)}/${encodeURIComponent(symbol)}`;
}

function agentQuery(agent: string, limit: number): string {
  return new URLSearchParams({ agent, limit: String(limit) }).toString();
}

function slug(walletId: string): string {
  return walletId.slice(walletId.indexOf(":") + 1);
}
