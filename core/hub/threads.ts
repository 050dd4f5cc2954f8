import { type BaseEvent, EventType, type Json, type JsonPatchOp, applyDelta } from "../events.js";

/**
 * A thread as the hub tracks it: its state at the end of its last run (`committed`), its state
 * now (`live`, including the open run's deltas), and the run it is in. A client that joins
 * mid-run gets `committed` and then the open run from its RUN_STARTED.
 */
export interface ThreadTrack {
  readonly thread: string;
  readonly committed: Json;
  readonly live: Json;
  readonly openRunId: string | null;
  /** The hub sequence of the open run's RUN_STARTED. */
  readonly openRunSeq: number | null;
}

export type Advance = { ok: true; track: ThreadTrack } | { ok: false; message: string };

export function newTrack(thread: string): ThreadTrack {
  return { thread, committed: null, live: null, openRunId: null, openRunSeq: null };
}

/** Advances a thread by one event, enforcing AG-UI's run discipline; refuses what would make the stream invalid. */
export function advanceThread(track: ThreadTrack, event: BaseEvent, seq: number): Advance {
  const e = event as BaseEvent & { runId?: string; snapshot?: Json; delta?: JsonPatchOp[] };
  if (e.type === EventType.RUN_STARTED) {
    if (track.openRunId !== null) return { ok: false, message: `${track.thread}: RUN_STARTED ${e.runId} while run ${track.openRunId} is open` };
    if (!e.runId) return { ok: false, message: `${track.thread}: RUN_STARTED without runId` };
    return { ok: true, track: { ...track, openRunId: e.runId, openRunSeq: seq } };
  }
  if (track.openRunId === null) return { ok: false, message: `${track.thread}: ${e.type} outside a run` };
  switch (e.type) {
    case EventType.STATE_SNAPSHOT:
      return { ok: true, track: { ...track, live: e.snapshot ?? null } };
    case EventType.STATE_DELTA:
      try {
        return { ok: true, track: { ...track, live: applyDelta(track.live, e.delta ?? []) } };
      } catch (err) {
        return { ok: false, message: `${track.thread}: STATE_DELTA does not apply: ${err instanceof Error ? err.message : String(err)}` };
      }
    case EventType.RUN_FINISHED:
      if (e.runId !== track.openRunId) return { ok: false, message: `${track.thread}: RUN_FINISHED ${e.runId} does not close ${track.openRunId}` };
      return { ok: true, track: { ...track, committed: track.live, openRunId: null, openRunSeq: null } };
    case EventType.RUN_ERROR:
      return { ok: true, track: { ...track, committed: track.live, openRunId: null, openRunSeq: null } };
    default:
      return { ok: true, track };
  }
}
