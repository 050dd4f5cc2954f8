import { exports } from "cloudflare:workers";
import type { Envelope } from "../../core/events.js";
import { type Role, token } from "./api.js";

export interface TestSocket {
  readonly ws: WebSocket;
  readonly frames: Envelope[];
  /** Resolves when a frame satisfying `pred` has arrived (or rejects after `timeoutMs`). */
  waitFor(pred: (frames: Envelope[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function openSocket(opts: { topics?: string; since?: number; role?: Role | null; protocol?: boolean } = {}): Promise<{ status: number; socket: TestSocket | null; body: unknown }> {
  const params = new URLSearchParams({ topics: opts.topics ?? "desk" });
  if (opts.since !== undefined) params.set("since", String(opts.since));
  const headers: Record<string, string> = { Upgrade: "websocket" };
  const role = opts.role === undefined ? "admin" : opts.role;
  if (role) {
    const t = await token(role);
    if (opts.protocol === false) params.set("token", t);
    else headers["Sec-WebSocket-Protocol"] = `cival.v1, bearer.${t}`;
  }
  const res = await exports.default.fetch(new Request(`https://cival.test/api/events/ws?${params}`, { headers }));
  if (!res.webSocket) return { status: res.status, socket: null, body: await res.json().catch(() => null) };
  const ws = res.webSocket;
  const frames: Envelope[] = [];
  const waiters: Array<() => void> = [];
  let closed = false;
  ws.accept();
  ws.addEventListener("message", (m) => {
    // A client that closed applies nothing more: what it has is what a resume starts from.
    if (closed) return;
    frames.push(JSON.parse(m.data as string) as Envelope);
    for (const w of [...waiters]) w();
  });
  const socket: TestSocket = {
    ws,
    frames,
    waitFor(pred, timeoutMs = 5_000) {
      if (pred(frames)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting; got ${frames.length} frames`)), timeoutMs);
        const check = () => {
          if (pred(frames)) {
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(check), 1);
            resolve();
          }
        };
        waiters.push(check);
      });
    },
    close() {
      closed = true;
      try {
        ws.close(1000, "done");
      } catch {
        // closed already
      }
    },
  };
  return { status: res.status, socket, body: null };
}

/** Frames of one thread, in order. */
export const onThread = (frames: readonly Envelope[], thread: string) => frames.filter((f) => f.thread === thread);
