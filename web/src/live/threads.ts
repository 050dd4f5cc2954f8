import { EventType } from "@ag-ui/core";
import { applyPatch, type Operation } from "fast-json-patch";
import type { Envelope } from "./protocol.ts";

/**
 * Per-thread state and runs, fed one envelope at a time. AG-UI allows one run at a time per
 * thread, so each thread has at most one open run; a socket that closes during a run leaves
 * it `truncated` until the rest arrives (a resume) or its replay does (a fresh connect).
 */

export type RunStatus = "open" | "finished" | "error" | "truncated";

export interface RunRecord {
  /** Local key: unique for the life of the page, stable when a truncated run is reopened. */
  readonly key: string;
  readonly thread: string;
  /** Null when events arrived with no RUN_STARTED seen for them. */
  readonly runId: string | null;
  readonly status: RunStatus;
  readonly startedSeq: number;
  readonly lastSeq: number;
  /** Hub time of the first and the latest event seen. */
  readonly startedAt: number;
  readonly lastAt: number;
  readonly events: number;
  readonly error: string | null;
  /** The socket closed during this run; what followed came from a resume or a replay. */
  readonly interrupted: boolean;
  /** The run's RUN_STARTED was never seen. */
  readonly partial: boolean;
}

export interface ThreadView {
  readonly thread: string;
  readonly state: unknown;
  /** False until a snapshot of this connection arrives (the state shown may be from an earlier one). */
  readonly fresh: boolean;
  /** Seq of the frame that last changed the state. */
  readonly stateSeq: number;
  /** Client clock when the state last changed. */
  readonly stateAtMs: number;
  readonly runKey: string | null;
}

export type ApplyResult =
  | { readonly ok: true; readonly runKey: string; readonly duplicate: boolean }
  | { readonly ok: false; readonly runKey: string; readonly duplicate: false; readonly code: "bad_delta" | "delta_without_snapshot"; readonly message: string };

interface ThreadSlot {
  state: unknown;
  hasState: boolean;
  fresh: boolean;
  stateSeq: number;
  stateAtMs: number;
  runKey: string | null;
  /** Recently truncated runs by run id, so a replay or resume can reopen them. */
  truncated: Map<string, string>;
}

const TRUNCATED_KEPT_PER_THREAD = 8;
/** Runs remembered for the UI; older finished ones are forgotten first. */
export const RUNS_KEPT = 4_000;

const ENDS: ReadonlySet<string> = new Set([EventType.RUN_FINISHED, EventType.RUN_ERROR]);

export class ThreadBook {
  /** `keyPrefix` keeps run keys of a second book (history) apart from the live one's. */
  constructor(private readonly keyPrefix = "") {}

  private readonly threads = new Map<string, ThreadSlot>();
  private readonly runsByKey = new Map<string, RunRecord>();
  /** Event types each run has seen at its last seq: a snapshot's synthetic frames share one seq. */
  private readonly typesAtLastSeq = new Map<string, Set<string>>();
  private runCounter = 0;
  private readonly dirty = new Set<string>();
  private runsChanged = false;

  /** A connection opened: a fresh one will snapshot every thread again, a resume continues. */
  begin(mode: "fresh" | "resume"): void {
    if (mode === "resume") return;
    for (const slot of this.threads.values()) slot.fresh = false;
  }

  /** The socket closed: every open run is cut short, as far as this client knows. */
  interrupt(): number {
    let count = 0;
    for (const [thread, slot] of this.threads) {
      const run = slot.runKey ? this.runsByKey.get(slot.runKey) : undefined;
      if (run?.status !== "open") continue;
      this.putRun({ ...run, status: "truncated" });
      if (run.runId !== null) rememberTruncated(slot, run.runId, run.key);
      this.dirty.add(thread);
      count++;
    }
    return count;
  }

  /**
   * Applies one envelope: run tracking, then state. State follows the stream's order, never
   * the seq: a fresh connection snapshots a thread as of its last finished run, then replays
   * the open run, whose deltas (older seqs) build on that snapshot. A replayed event the run
   * already holds comes back `duplicate` (the log skips it) but its state change still applies.
   */
  apply(envelope: Envelope, nowMs: number): ApplyResult {
    const slot = this.slot(envelope.thread);
    const { runKey, duplicate } = this.track(slot, envelope);
    const e = envelope.event;
    if (e.type === EventType.STATE_SNAPSHOT) {
      this.setState(envelope.thread, slot, e.snapshot, envelope.seq, nowMs);
      slot.fresh = true;
    } else if (e.type === EventType.STATE_DELTA) {
      if (!slot.hasState || !slot.fresh) {
        this.dropState(envelope.thread, slot);
        return { ok: false, runKey, duplicate: false, code: "delta_without_snapshot", message: `STATE_DELTA at seq ${envelope.seq} for ${envelope.thread}, which has no snapshot on this connection` };
      }
      try {
        const next = applyPatch(slot.state, e.delta as Operation[], true, false).newDocument;
        this.setState(envelope.thread, slot, next, envelope.seq, nowMs);
      } catch (error) {
        this.dropState(envelope.thread, slot);
        const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
        return { ok: false, runKey, duplicate: false, code: "bad_delta", message: `STATE_DELTA at seq ${envelope.seq} for ${envelope.thread} does not apply: ${why}` };
      }
    }
    return { ok: true, runKey, duplicate };
  }

  state(thread: string): unknown {
    return this.threads.get(thread)?.state;
  }

  thread(thread: string): ThreadView | undefined {
    const slot = this.threads.get(thread);
    if (!slot) return undefined;
    return { thread, state: slot.state, fresh: slot.fresh, stateSeq: slot.stateSeq, stateAtMs: slot.stateAtMs, runKey: slot.runKey };
  }

  threadNames(): string[] {
    return [...this.threads.keys()];
  }

  run(key: string): RunRecord | undefined {
    return this.runsByKey.get(key);
  }

  runs(): IterableIterator<RunRecord> {
    return this.runsByKey.values();
  }

  /** Threads whose state or run changed since the last call, and whether any run did. */
  takeChanges(): { threads: string[]; runs: boolean } {
    const out = { threads: [...this.dirty], runs: this.runsChanged };
    this.dirty.clear();
    this.runsChanged = false;
    return out;
  }

  clear(): void {
    for (const thread of this.threads.keys()) this.dirty.add(thread);
    this.threads.clear();
    this.runsByKey.clear();
    this.typesAtLastSeq.clear();
    this.runsChanged = true;
  }

  private slot(thread: string): ThreadSlot {
    let slot = this.threads.get(thread);
    if (!slot) {
      slot = { state: undefined, hasState: false, fresh: false, stateSeq: -1, stateAtMs: 0, runKey: null, truncated: new Map() };
      this.threads.set(thread, slot);
    }
    return slot;
  }

  private setState(thread: string, slot: ThreadSlot, state: unknown, seq: number, nowMs: number): void {
    slot.state = state;
    slot.hasState = true;
    slot.stateSeq = seq;
    slot.stateAtMs = nowMs;
    this.dirty.add(thread);
  }

  private dropState(thread: string, slot: ThreadSlot): void {
    slot.state = undefined;
    slot.hasState = false;
    slot.fresh = false;
    slot.stateSeq = -1;
    this.dirty.add(thread);
  }

  private putRun(run: RunRecord): void {
    this.runsByKey.delete(run.key);
    this.runsByKey.set(run.key, run);
    this.runsChanged = true;
    if (this.runsByKey.size > RUNS_KEPT) {
      for (const [key, r] of this.runsByKey) {
        if (this.runsByKey.size <= RUNS_KEPT) break;
        if (r.status === "open") continue;
        this.runsByKey.delete(key);
        this.typesAtLastSeq.delete(key);
      }
    }
  }

  private newRun(slot: ThreadSlot, env: Envelope, runId: string | null, status: RunStatus, partial: boolean): RunRecord {
    const run: RunRecord = {
      key: `${this.keyPrefix}${env.thread}#${++this.runCounter}`,
      thread: env.thread,
      runId,
      status,
      startedSeq: env.seq,
      lastSeq: env.seq,
      startedAt: env.at,
      lastAt: env.at,
      events: 1,
      error: env.event.type === EventType.RUN_ERROR ? errorText(env.event) : null,
      interrupted: false,
      partial,
    };
    this.putRun(run);
    this.typesAtLastSeq.set(run.key, new Set([env.event.type]));
    slot.runKey = run.key;
    this.dirty.add(env.thread);
    return run;
  }

  /** True when the run already holds this event: its seq is below the run's last, or equal with the same type. */
  private isReplay(run: RunRecord, env: Envelope): boolean {
    if (env.seq < run.lastSeq) return true;
    return env.seq === run.lastSeq && (this.typesAtLastSeq.get(run.key)?.has(env.event.type) ?? false);
  }

  /** Adds an event to a run, unless the run already holds it (a replay). */
  private continueRun(slot: ThreadSlot, run: RunRecord, env: Envelope, status: RunStatus): { runKey: string; duplicate: boolean } {
    const reopened = run.status === "truncated";
    if (reopened && run.runId !== null) slot.truncated.delete(run.runId);
    slot.runKey = run.key;
    this.dirty.add(env.thread);
    if (this.isReplay(run, env)) {
      if (reopened) this.putRun({ ...run, status: "open", interrupted: true });
      return { runKey: run.key, duplicate: true };
    }
    const types = this.typesAtLastSeq.get(run.key);
    if (types && env.seq === run.lastSeq) types.add(env.event.type);
    else this.typesAtLastSeq.set(run.key, new Set([env.event.type]));
    this.putRun({
      ...run,
      status,
      lastSeq: env.seq,
      lastAt: env.at,
      events: run.events + 1,
      error: env.event.type === EventType.RUN_ERROR ? errorText(env.event) : run.error,
      interrupted: run.interrupted || reopened,
    });
    return { runKey: run.key, duplicate: false };
  }

  private track(slot: ThreadSlot, env: Envelope): { runKey: string; duplicate: boolean } {
    const e = env.event;
    const latest = slot.runKey ? this.runsByKey.get(slot.runKey) : undefined;
    const live = latest && (latest.status === "open" || latest.status === "truncated") ? latest : undefined;
    const byId = (runId: string) => {
      if (live?.runId === runId) return live;
      const key = slot.truncated.get(runId);
      const run = key ? this.runsByKey.get(key) : undefined;
      return run?.status === "truncated" ? run : undefined;
    };

    if (e.type === EventType.RUN_STARTED) {
      const runId = String(e.runId);
      const same = byId(runId);
      if (same) return this.continueRun(slot, same, env, "open");
      if (latest?.runId === runId && this.isReplay(latest, env)) return { runKey: latest.key, duplicate: true };
      if (live?.status === "open") {
        // A new run began before this one ended: its end was never seen.
        this.putRun({ ...live, status: "truncated" });
        if (live.runId !== null) rememberTruncated(slot, live.runId, live.key);
      }
      return { runKey: this.newRun(slot, env, runId, "open", false).key, duplicate: false };
    }

    if (ENDS.has(e.type)) {
      const ended: RunStatus = e.type === EventType.RUN_ERROR ? "error" : "finished";
      const runId = typeof e.runId === "string" ? e.runId : null;
      const target = runId === null ? live : byId(runId);
      if (target) return this.continueRun(slot, target, env, ended);
      if (latest && latest.runId === runId && this.isReplay(latest, env)) return { runKey: latest.key, duplicate: true };
      return { runKey: this.newRun(slot, env, runId, ended, true).key, duplicate: false };
    }

    if (live) return this.continueRun(slot, live, env, "open");
    if (latest && env.seq >= latest.startedSeq && this.isReplay(latest, env)) return { runKey: latest.key, duplicate: true };
    return { runKey: this.newRun(slot, env, null, "open", true).key, duplicate: false };
  }
}

function rememberTruncated(slot: ThreadSlot, runId: string, key: string): void {
  slot.truncated.delete(runId);
  slot.truncated.set(runId, key);
  while (slot.truncated.size > TRUNCATED_KEPT_PER_THREAD) {
    const oldest = slot.truncated.keys().next().value;
    if (oldest === undefined) break;
    slot.truncated.delete(oldest);
  }
}

function errorText(e: { readonly [key: string]: unknown }): string {
  const message = typeof e.message === "string" ? e.message : "run failed";
  return typeof e.code === "string" && e.code ? `${e.code}: ${message}` : message;
}
