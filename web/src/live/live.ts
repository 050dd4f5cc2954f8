import { type Accessor, createEffect, createRoot, createSignal, on, onCleanup, type Signal } from "solid-js";
import { ApiError } from "../api.ts";
import { api, token } from "../auth.ts";
import { LiveClient } from "./client.ts";
import type { AuthCheck, Clock, LiveStatus, OpenSocket } from "./connection.ts";
import { type FetchPage, loadOlder, PAGE_LIMIT, parseHistoryPage, type OlderResult } from "./history.ts";
import type { LogEntry } from "./log.ts";
import type { RunRecord, ThreadView } from "./threads.ts";

/**
 * The Solid face of the live feed: signals over the one LiveClient. Changes are batched into
 * one update per FLUSH_MS, so a burst of events costs the views one render, not hundreds.
 */

const FLUSH_MS = 60;

const openBrowserSocket: OpenSocket = (path, protocols, on) => {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url, protocols);
  ws.onopen = () => on.open();
  ws.onmessage = (e) => {
    if (typeof e.data === "string") on.message(e.data);
  };
  ws.onclose = (e) => on.close(e.code, e.reason);
  // Browsers follow an error with a close; not every WebSocket does, so an error counts as one
  // (the connection ignores whatever this socket reports after its first close).
  ws.onerror = () => {
    on.close(1006, "socket error");
    if (ws.readyState !== WebSocket.CLOSED) ws.close();
  };
  return { send: (data) => ws.send(data), close: (code, reason) => ws.close(code, reason) };
};

const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

/** After a socket failure: is the token still good? A 401 here signs the operator out. */
async function checkAuth(): Promise<AuthCheck> {
  try {
    await api.me();
    return "ok";
  } catch (error) {
    return error instanceof ApiError && error.status === 401 ? "unauthorized" : "unknown";
  }
}

const client = new LiveClient({
  openSocket: openBrowserSocket,
  clock: browserClock,
  random: Math.random,
  token,
  checkAuth,
  onProblem: (message) => console.warn(`cival live: ${message}`),
});

const [status, setStatus] = createSignal<LiveStatus>(client.status);
const [entries, setEntries] = createSignal<readonly LogEntry[]>([]);
const [runs, setRuns] = createSignal<ReadonlyMap<string, RunRecord>>(new Map());
const [threadNames, setThreadNames] = createSignal<readonly string[]>([]);
const [received, setReceived] = createSignal(0);
const [trimmed, setTrimmed] = createSignal(0);
const threadVersions = new Map<string, Signal<number>>();

function versionOf(thread: string): Signal<number> {
  let signal = threadVersions.get(thread);
  if (!signal) {
    signal = createSignal(0);
    threadVersions.set(thread, signal);
  }
  return signal;
}

let flushTimer: number | undefined;

function flush(): void {
  flushTimer = undefined;
  const changes = client.book.takeChanges();
  for (const thread of changes.threads) {
    const [, setVersion] = versionOf(thread);
    setVersion((v) => v + 1);
  }
  if (changes.runs) setRuns(new Map([...client.book.runs()].map((r) => [r.key, r])));
  const names = client.book.threadNames();
  if (names.length !== threadNames().length) setThreadNames(names);
  if (client.log.received !== received() || client.log.trimmed !== trimmed()) {
    setEntries(client.log.snapshot());
    setReceived(client.log.received);
    setTrimmed(client.log.trimmed);
  }
}

client.onChange(() => {
  if (flushTimer === undefined) flushTimer = window.setTimeout(flush, FLUSH_MS);
});
client.onStatus(setStatus);

createRoot(() => {
  // A new token is a new identity: start over, fresh.
  createEffect(on(token, () => client.restart(), { defer: true }));
});

window.addEventListener("online", () => client.connection.setOnline(true));
window.addEventListener("offline", () => client.connection.setOnline(false));

/** The socket's state: idle, connecting, live, reconnecting (with when), offline (with why). */
export const liveStatus: Accessor<LiveStatus> = status;

/** The recent log, oldest first (at most LOG_CAPACITY entries). */
export const liveEntries: Accessor<readonly LogEntry[]> = entries;

/** Every envelope ever logged, and those dropped off the old end: counters for paused views. */
export const liveReceived: Accessor<number> = received;
export const liveTrimmed: Accessor<number> = trimmed;

/** Runs by key (the log's entries point at them). */
export const liveRuns: Accessor<ReadonlyMap<string, RunRecord>> = runs;

/** Threads the feed has heard of. */
export const liveThreadNames: Accessor<readonly string[]> = threadNames;

/** One thread's state and run pointer; reactive per thread. */
export function liveThread(thread: string): ThreadView | undefined {
  versionOf(thread)[0]();
  return client.book.thread(thread);
}

/** Highest seq applied (what a resume would ask from). */
export function liveSeq(): number | null {
  status();
  received();
  return client.connection.seq;
}

/** The topics the socket is subscribed to. */
export function liveSubscribed(): readonly string[] {
  status();
  return client.connection.subscribed;
}

/** Skip the wait and reconnect now (the status pill's button). */
export function reconnectNow(): void {
  client.connection.reconnectNow();
}

/** Holds `topics` on the socket for as long as the calling component lives. */
export function useLiveTopics(topics: Accessor<readonly string[]>): void {
  const id = client.hold(topics());
  createEffect(on(topics, (t) => client.update(id, t), { defer: true }));
  onCleanup(() => client.release(id));
}

/** Up to `want` events just below seq `before` on `topics`, from GET /api/events. */
export function loadOlderEvents(before: number, topics: readonly string[], want: number = PAGE_LIMIT): Promise<OlderResult> {
  const fetchPage: FetchPage = async (since, limit) =>
    parseHistoryPage(await api.events({ since, limit, topics }));
  return loadOlder(before, want, fetchPage);
}
