import { type BaseEvent, EventType } from "@ag-ui/core";

/** The subprotocol the desk's event socket speaks; the token rides along as a second one. */
export const SUBPROTOCOL = "cival.v1";
/** The server refuses sockets asking for more topics than this. */
export const MAX_TOPICS = 10;
/** The topic that covers every thread of the desk. */
export const DESK_TOPIC = "desk";

/** Close codes the server sends, and what the client does about each. */
export const CLOSE = {
  /** Server restart or deploy: reconnect and resume. */
  goingAway: 1001,
  /** The token expired: stop and check the session. */
  authExpired: 4001,
  /** The request was malformed (topics, since): retrying the same request cannot help. */
  badRequest: 4400,
  /** The client fell too far behind its acks: reconnect and resume. */
  slowConsumer: 4008,
} as const;

/** True when the server closed for a reason a new connection cannot fix. */
export function isFinalClose(code: number): boolean {
  return code === CLOSE.authExpired || code === CLOSE.badRequest;
}

/** One server frame: an AG-UI event on a thread, numbered by the desk's sequence. */
export interface Envelope {
  readonly seq: number;
  readonly thread: string;
  readonly event: BaseEvent;
  /** The hub's clock (ms) when it numbered the event. */
  readonly at: number;
}

const EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(EventType));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isText = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** The fields this client relies on, per event type; other types need only a known `type`. */
function eventProblem(e: Record<string, unknown>): string | null {
  switch (e.type) {
    case EventType.RUN_STARTED:
    case EventType.RUN_FINISHED:
      return isText(e.threadId) && isText(e.runId) ? null : "a run event needs threadId and runId";
    case EventType.RUN_ERROR:
      return typeof e.message === "string" ? null : "RUN_ERROR needs a message";
    case EventType.STATE_SNAPSHOT:
      return "snapshot" in e ? null : "STATE_SNAPSHOT needs a snapshot";
    case EventType.STATE_DELTA:
      return Array.isArray(e.delta) && e.delta.every(isRecord) ? null : "STATE_DELTA needs a delta array of operations";
    case EventType.CUSTOM:
      return typeof e.name === "string" ? null : "CUSTOM needs a name";
    case EventType.TOOL_CALL_START:
      return isText(e.toolCallId) && typeof e.toolCallName === "string" ? null : "TOOL_CALL_START needs toolCallId and toolCallName";
    default:
      return null;
  }
}

export type ParsedFrame =
  | { readonly kind: "envelope"; readonly envelope: Envelope }
  | { readonly kind: "pong" }
  | { readonly kind: "invalid"; readonly reason: string };

/** Reads one text frame: an envelope, the server's `pong`, or something this client refuses. */
export function parseFrame(data: string): ParsedFrame {
  if (data === "pong") return { kind: "pong" };
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { kind: "invalid", reason: "not JSON" };
  }
  return parseEnvelope(value);
}

/** Checks an envelope's shape (from the socket or the history API). */
export function parseEnvelope(value: unknown): ParsedFrame {
  if (!isRecord(value)) return { kind: "invalid", reason: "not an object" };
  const { seq, thread, event, at } = value;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return { kind: "invalid", reason: "seq is not a non-negative integer" };
  if (!isText(thread)) return { kind: "invalid", reason: "thread is missing" };
  if (typeof at !== "number" || !Number.isFinite(at)) return { kind: "invalid", reason: "at is not a number" };
  if (!isRecord(event) || typeof event.type !== "string" || !EVENT_TYPES.has(event.type)) {
    return { kind: "invalid", reason: "event has no known AG-UI type" };
  }
  const problem = eventProblem(event);
  if (problem) return { kind: "invalid", reason: problem };
  return { kind: "envelope", envelope: { seq, thread, event: event as BaseEvent, at } };
}

/** The client's ack frame: everything up to `seq` has been applied. */
export function ackFrame(seq: number): string {
  return JSON.stringify({ type: "ack", seq });
}

/**
 * The topics one socket asks for, from the union of what the app's views need: sorted,
 * deduplicated, and collapsed to `desk` when desk is wanted or the set would exceed the cap.
 */
export function socketTopics(wanted: Iterable<string>): readonly string[] {
  const set = new Set<string>();
  for (const t of wanted) if (t.trim()) set.add(t.trim());
  if (set.has(DESK_TOPIC) || set.size > MAX_TOPICS) return [DESK_TOPIC];
  return [...set].sort();
}

/** True when a socket subscribed to `have` already delivers everything `need` asks for. */
export function covers(have: readonly string[], need: readonly string[]): boolean {
  if (have.includes(DESK_TOPIC)) return true;
  return need.every((t) => have.includes(t));
}

/** The socket's path and query (relative to the site): topics, and `since` when resuming. */
export function socketPath(topics: readonly string[], since: number | null): string {
  const query = new URLSearchParams({ topics: topics.join(",") });
  if (since !== null) query.set("since", String(since));
  return `/api/events/ws?${query.toString()}`;
}

/** The subprotocols a browser offers: the version, then the bearer token. */
export function socketProtocols(token: string): string[] {
  return [SUBPROTOCOL, `bearer.${token}`];
}
