import { type Envelope, runFinished, runStarted, stateSnapshot } from "../events.js";
import type { ThreadTrack } from "./threads.js";
import { listMatches, topicList } from "./topics.js";

/** A thread as the hub keeps it: its track and the topics its events go to. */
export interface TrackedThread extends ThreadTrack {
  readonly topics: readonly string[];
}

/** A thread's stored events from `fromSeq` on, oldest first (the hub reads them from its storage). */
export type OpenRunReader = (thread: string, fromSeq: number) => Iterable<Envelope>;

/**
 * The frames a socket without a usable `since` gets first: per thread under its topics, a short
 * run with the thread's state, then (for a thread caught mid-run) the open run from its
 * RUN_STARTED. Each snapshot carries the sequence it is as of: the hub's for a thread at rest,
 * the one before its RUN_STARTED for a thread mid-run. Sorted, the burst never goes back in
 * sequence, so resuming from the highest sequence applied is safe.
 */
export function snapshotBurst(tracks: Iterable<TrackedThread>, topics: readonly string[], seq: number, readOpenRun: OpenRunReader, nowMs: number): Envelope[] {
  const burst: Array<{ env: Envelope; snapshot: boolean }> = [];
  for (const track of tracks) {
    if (!listMatches(topicList(track.topics), topics)) continue;
    const asOf = track.openRunSeq !== null ? track.openRunSeq - 1 : seq;
    const runId = `snapshot:${track.thread}:${asOf}`;
    for (const event of [runStarted(track.thread, runId, nowMs), stateSnapshot(track.committed, nowMs), runFinished(track.thread, runId, nowMs)]) {
      burst.push({ env: { seq: asOf, thread: track.thread, event, at: nowMs }, snapshot: true });
    }
    if (track.openRunSeq === null) continue;
    for (const env of readOpenRun(track.thread, track.openRunSeq)) burst.push({ env, snapshot: false });
  }
  // Stable sort: a thread's snapshot run stays in order; at one sequence, real events go before snapshots.
  burst.sort((a, b) => a.env.seq - b.env.seq || Number(a.snapshot) - Number(b.snapshot));
  return burst.map((b) => b.env);
}
