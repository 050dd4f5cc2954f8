import { RunAgentInputSchema } from "@ag-ui/core/schemas";
import { Hono } from "hono";
import { aguiForwardedPropsSchema, eventsHistoryQuerySchema, eventsSocketQuerySchema, threadSchema } from "../../core/schemas.js";
import { hubStub } from "../../durable-objects/stubs.js";
import { listEvents } from "../../adapters/db/events.js";
import { requireSecret, verifyToken } from "../middleware/auth.js";
import type { AppEnv } from "../types.js";
import { ApiError, jsonBody, parse } from "./errors.js";

/** The subprotocol the socket speaks; browsers send the token as a second one: `bearer.<token>`. */
export const SOCKET_PROTOCOL = "cival.v1";
const BEARER_PROTOCOL_PREFIX = "bearer.";

/**
 * GET /api/events/ws: the live feed. The token is checked here, before the upgrade, so a socket
 * receives nothing until it is; then the hub takes the socket (hibernatable).
 */
export const eventSocketRoutes = new Hono<AppEnv>().get("/ws", async (c) => {
  const secret = requireSecret(c.env);
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "connect with a WebSocket");
  const query = parse(eventsSocketQuerySchema, c.req.query(), "query");
  const offered = (c.req.header("Sec-WebSocket-Protocol") ?? "").split(",").map((p) => p.trim()).filter(Boolean);
  const token = offered.find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX))?.slice(BEARER_PROTOCOL_PREFIX.length) ?? query.token;
  if (!token) throw new ApiError(401, "unauthorized", `send the token as the subprotocol "${BEARER_PROTOCOL_PREFIX}<token>" (or ?token=)`);
  const principal = await verifyToken(secret, token);
  if (!principal) throw new ApiError(401, "unauthorized", "the token is invalid or expired");
  const url = new URL("https://hub/connect");
  url.searchParams.set("topics", query.topics.join(","));
  if (query.since !== undefined) url.searchParams.set("since", String(query.since));
  url.searchParams.set("role", principal.role);
  url.searchParams.set("sub", principal.sub);
  if (offered.includes(SOCKET_PROTOCOL)) url.searchParams.set("protocol", SOCKET_PROTOCOL);
  return hubStub(c.env).fetch(new Request(url, { headers: { Upgrade: "websocket" } }));
});

/** GET /api/events: history from D1 for pages that scroll back. */
export const eventHistoryRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const query = parse(eventsHistoryQuerySchema, c.req.query(), "query");
  return c.json(await listEvents(c.env.DB, query.since, query.topics, query.limit));
});

/**
 * POST /api/agui: a standard AG-UI `RunAgentInput` whose threadId names a thread. The answer is
 * one run as server-sent events: the thread's state, then its events until `forwardedProps`'
 * limits (maxEvents, maxDurationMs) or the client leaves.
 */
export const aguiRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const input = parse(RunAgentInputSchema, await jsonBody(c), "RunAgentInput");
  const thread = parse(threadSchema, input.threadId, "threadId");
  const limits = parse(aguiForwardedPropsSchema, input.forwardedProps ?? {}, "forwardedProps");
  const url = new URL("https://hub/sse");
  url.searchParams.set("thread", thread);
  url.searchParams.set("runId", input.runId);
  url.searchParams.set("maxEvents", String(limits.maxEvents));
  url.searchParams.set("maxDurationMs", String(limits.maxDurationMs));
  return hubStub(c.env).fetch(new Request(url));
});
