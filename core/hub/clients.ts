/**
 * The hub's bounds on its clients: a socket that falls too far behind its acks is closed as a
 * slow consumer (4008) and resumes with `since`; one that neither pings nor acks for a minute is
 * closed (4009). Pure: the hub passes the time and the signs of life in.
 */

/** Frames a socket may have unacknowledged before it is closed as a slow consumer (4008). */
export const MAX_UNACKED_FRAMES = 5_000;
/** A socket that neither pinged nor acknowledged for this long is closed (4009). */
export const HEARTBEAT_TIMEOUT_MS = 60_000;
export const CLOSE_SLOW_CONSUMER = 4008;
export const CLOSE_HEARTBEAT = 4009;
/** A client frame that is not JSON text. */
export const CLOSE_BAD_FRAME = 4400;
export const SLOW_CONSUMER_REASON = `slow consumer: ${MAX_UNACKED_FRAMES} frames unacknowledged; reconnect with since`;
export const HEARTBEAT_REASON = "no ping or ack for 60 s";
/** Acknowledged entries are dropped from the queue's front once this many pile up (and are most of it). */
const COMPACT_AFTER = 1024;

/** Sequences of frames sent and not yet acknowledged, oldest first from `head` (mutable: the publish path is hot). */
export interface Unacked {
  seqs: number[];
  head: number;
}

export function newUnacked(): Unacked {
  return { seqs: [], head: 0 };
}

/** True when one more frame would pass the bound: the socket is closed instead. */
export function isSlow(u: Unacked): boolean {
  return u.seqs.length - u.head >= MAX_UNACKED_FRAMES;
}

/** Marks everything up to `seq` acknowledged. */
export function acknowledge(u: Unacked, seq: number): void {
  while (u.head < u.seqs.length && (u.seqs[u.head] ?? Infinity) <= seq) u.head++;
  if (u.head > COMPACT_AFTER && u.head * 2 > u.seqs.length) {
    u.seqs = u.seqs.slice(u.head);
    u.head = 0;
  }
}

export type ClientMessage = { readonly kind: "ack"; readonly seq: number } | { readonly kind: "bad" } | { readonly kind: "other" };

/** Reads a client's frame: an ack, something that is not JSON text (the socket is closed), or anything else (ignored). */
export function readClientMessage(message: string | ArrayBuffer): ClientMessage {
  if (typeof message !== "string") return { kind: "bad" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return { kind: "bad" };
  }
  const ack = parsed as { type?: unknown; seq?: unknown } | null;
  if (ack && ack.type === "ack" && typeof ack.seq === "number" && Number.isFinite(ack.seq)) return { kind: "ack", seq: ack.seq };
  return { kind: "other" };
}

/** True when a socket's last sign of life (connect, ping or ack) is older than the heartbeat timeout. */
export function isSilent(nowMs: number, connectedAtMs: number, lastPingMs: number, lastAckMs: number): boolean {
  return nowMs - Math.max(connectedAtMs, lastPingMs, lastAckMs) > HEARTBEAT_TIMEOUT_MS;
}

/** The close code to send back for a client's: 1005 and 1006 mean "no code" and cannot be sent. */
export function echoCloseCode(code: number): number {
  return code === 1005 || code === 1006 ? 1000 : code;
}
