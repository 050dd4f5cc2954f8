import type { BaseEvent } from "@ag-ui/core";
import type { Envelope } from "./protocol.ts";

/** One row of the live log: the envelope, plus the run the client filed it under. */
export interface LogEntry {
  /** Local and unique even where seqs repeat (snapshot frames); increasing in arrival order. History entries have negative ids. */
  readonly id: number;
  readonly seq: number;
  readonly thread: string;
  readonly at: number;
  readonly event: BaseEvent;
  readonly runKey: string | null;
}

/** Events kept for the views by default: older ones fall off as new ones arrive. */
export const LOG_CAPACITY = 2_000;

/** The last `capacity` events in arrival order (oldest first), with counters for the views. */
export class EventLog {
  private items: LogEntry[] = [];
  private nextId = 1;
  /** Every entry ever pushed, so a paused view can say how many it has not shown. */
  received = 0;
  /** Entries dropped off the old end, so a view knows when its oldest rows are gone. */
  trimmed = 0;

  constructor(readonly capacity: number = LOG_CAPACITY) {}

  push(envelope: Envelope, runKey: string | null): LogEntry {
    const entry: LogEntry = { id: this.nextId++, seq: envelope.seq, thread: envelope.thread, at: envelope.at, event: envelope.event, runKey };
    this.items.push(entry);
    this.received++;
    const excess = this.items.length - this.capacity;
    if (excess > 0) {
      this.items.splice(0, excess);
      this.trimmed += excess;
    }
    return entry;
  }

  get size(): number {
    return this.items.length;
  }

  /** Oldest first; a copy, detached from later pushes. */
  snapshot(): LogEntry[] {
    return this.items.slice();
  }

  clear(): void {
    this.trimmed += this.items.length;
    this.items = [];
  }
}
