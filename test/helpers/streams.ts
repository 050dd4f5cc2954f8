import { verifyEvents } from "@ag-ui/client";
import { EventSchema } from "@ag-ui/core/schemas";
import { lastValueFrom, from as rxFrom, toArray } from "rxjs";
import { expect } from "vitest";
import { type BaseEvent, type Envelope, EventType, type Json, applyDelta } from "../../core/events.js";

/** Asserts what AG-UI demands of each thread's stream: valid events, runs that start and end, deltas that apply. */
export async function assertValidStreams(frames: readonly Envelope[]): Promise<void> {
  for (const f of frames) expect(() => EventSchema.parse(f.event), JSON.stringify(f.event)).not.toThrow();
  const threads = new Set(frames.map((f) => f.thread));
  for (const thread of threads) {
    const events = frames.filter((f) => f.thread === thread).map((f) => f.event);
    await lastValueFrom(rxFrom(events as never[]).pipe(verifyEvents(false), toArray()));
    let state: Json = null;
    let open: { runId: string } | null = null;
    for (const e of events as Array<BaseEvent & { runId?: string; threadId?: string; snapshot?: Json; delta?: never[] }>) {
      if (e.type === EventType.RUN_STARTED) {
        expect(open).toBeNull();
        expect(e.threadId).toBe(thread);
        open = { runId: e.runId ?? "" };
      } else if (e.type === EventType.RUN_FINISHED) {
        expect(e.runId).toBe(open?.runId);
        expect(e.threadId).toBe(thread);
        open = null;
      } else {
        expect(open, `${thread}: ${e.type} outside a run`).not.toBeNull();
        if (e.type === EventType.STATE_SNAPSHOT) state = e.snapshot ?? null;
        if (e.type === EventType.STATE_DELTA) state = applyDelta(state, e.delta ?? []);
      }
      expect(Number.isInteger(e.timestamp)).toBe(true);
    }
  }
}

