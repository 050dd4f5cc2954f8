import { type BaseEvent, type Envelope, EventType } from "../events.js";
import { DEFAULT_PIPELINE, MARKET_TICK, type Role, type SubscriberMemory, runPipeline } from "./pipeline.js";

/**
 * One event as one subscriber receives it. Most frames depend only on the role, so the hub
 * builds each once per role and reuses it; a market tick is thinned per subscriber.
 */

/** True when a frame cannot be shared between subscribers of one role (the tick throttle keeps per-socket memory). */
export function isPerSubscriber(event: BaseEvent): boolean {
  return event.type === EventType.CUSTOM && (event as BaseEvent & { name?: string }).name === MARKET_TICK;
}

/** The frame text for one subscriber, or null when its pipeline drops the event. */
export function frameFor(env: Envelope, role: Role, memory: SubscriberMemory, nowMs: number): string | null {
  const d = runPipeline(DEFAULT_PIPELINE, { thread: env.thread, event: env.event }, role, memory, nowMs);
  return d ? JSON.stringify({ seq: env.seq, thread: env.thread, event: d.event, at: env.at }) : null;
}

/** A subscriber's memory, fresh. */
export function newMemory(): SubscriberMemory {
  return { lastTickMs: new Map() };
}
