import type { Envelope } from "../events.js";
import type { PublishRequest } from "../messages.js";
import { type ThreadTrack, advanceThread, newTrack } from "./threads.js";
import { farmOf, topicsFor } from "./topics.js";

/** What the hub knows when a batch arrives: its sequence, the source's last batch, the thread's track. */
export interface PublishState {
  readonly seq: number;
  readonly lastBatch: number;
  readonly track: ThreadTrack | undefined;
}

export type PublishDecision =
  | { readonly kind: "duplicate" }
  | { readonly kind: "refused"; readonly message: string }
  | { readonly kind: "accepted"; readonly envelopes: Envelope[]; readonly track: ThreadTrack; readonly topics: string[]; readonly standing: string[]; readonly seq: number };

/**
 * Numbers a batch of events on one thread. A batch the source published before is a duplicate
 * and changes nothing; a batch that would break the thread's run discipline (an event outside a
 * run, a delta that does not apply) is refused whole. The topics follow `topicsFor`, with an
 * agent's farm read from its state after the batch. `standing` are the topics the thread itself
 * belongs to, which its state snapshot goes to on connect: a publisher's extras for one run (the
 * agent a risk denial concerns, the markets of an arbitrage) reach that run's events only; an
 * agent's farm is standing.
 */
export function decidePublish(state: PublishState, req: PublishRequest, nowMs: number): PublishDecision {
  if (req.batch <= state.lastBatch) return { kind: "duplicate" };
  let track = state.track ?? newTrack(req.thread);
  const envelopes: Envelope[] = [];
  let seq = state.seq;
  for (const event of req.events) {
    seq++;
    const next = advanceThread(track, event, seq);
    if (!next.ok) return { kind: "refused", message: next.message };
    track = next.track;
    envelopes.push({ seq, thread: req.thread, event, at: nowMs });
  }
  const farm = farmOf(req.thread, track.live);
  const topics = topicsFor(req.thread, req.topics, farm);
  const standing = req.thread.startsWith("agent:") ? topics : topicsFor(req.thread, [], farm);
  return { kind: "accepted", envelopes, track, topics, standing, seq };
}
