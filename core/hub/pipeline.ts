import { type BaseEvent, EventType } from "../events.js";

/**
 * What the hub does to an event on its way to one subscriber: a chain of small steps, each of
 * which passes the event on, changes it, or drops it. Pure: the hub keeps the per-subscriber
 * memory (`SubscriberMemory`) and passes the time in.
 */

export type Role = "viewer" | "trader" | "admin";

export interface SubscriberMemory {
  /** Last time a market tick was delivered, per thread and symbol. */
  readonly lastTickMs: Map<string, number>;
}

export interface Delivery {
  readonly thread: string;
  readonly event: BaseEvent;
}

export type PipelineStep = (d: Delivery, role: Role, memory: SubscriberMemory, nowMs: number) => Delivery | null;

export const MARKET_TICK = "cival.market.tick";
/** At most one market tick per second per subscriber, per venue and symbol. */
export const MARKET_TICK_INTERVAL_MS = 1_000;

export const throttleMarketTicks: PipelineStep = (d, _role, memory, nowMs) => {
  const e = d.event as BaseEvent & { name?: string; value?: { symbol?: string } };
  if (e.type !== EventType.CUSTOM || e.name !== MARKET_TICK) return d;
  const key = `${d.thread}|${e.value?.symbol ?? ""}`;
  const last = memory.lastTickMs.get(key);
  if (last !== undefined && nowMs - last < MARKET_TICK_INTERVAL_MS) return null;
  memory.lastTickMs.set(key, nowMs);
  return d;
};

/** Fields a viewer does not see: free-text memos and who acted. */
export const VIEWER_HIDDEN_FIELDS = ["memo", "actor"] as const;

function withoutHidden(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!(VIEWER_HIDDEN_FIELDS as readonly string[]).includes(k)) out[k] = v;
  return out;
}

export const redactForRole: PipelineStep = (d, role) => {
  if (role !== "viewer") return d;
  const e = d.event as BaseEvent & { delta?: unknown; value?: unknown };
  if (e.type === EventType.TOOL_CALL_ARGS && typeof e.delta === "string") {
    try {
      return { ...d, event: { ...e, delta: JSON.stringify(withoutHidden(JSON.parse(e.delta))) } as BaseEvent };
    } catch {
      return d;
    }
  }
  if (e.type === EventType.CUSTOM && e.value && typeof e.value === "object") {
    return { ...d, event: { ...e, value: withoutHidden(e.value) } as BaseEvent };
  }
  return d;
};

export const DEFAULT_PIPELINE: readonly PipelineStep[] = [throttleMarketTicks, redactForRole];

/** Runs the steps in order; null when a step dropped the event. */
export function runPipeline(steps: readonly PipelineStep[], d: Delivery, role: Role, memory: SubscriberMemory, nowMs: number): Delivery | null {
  let current: Delivery | null = d;
  for (const step of steps) {
    if (!current) return null;
    current = step(current, role, memory, nowMs);
  }
  return current;
}

/** True when an event's delivery depends on who receives it (so a shared frame cannot be reused). */
export function isSubscriberSpecific(event: BaseEvent): boolean {
  const e = event as BaseEvent & { name?: string };
  return e.type === EventType.TOOL_CALL_ARGS || e.type === EventType.CUSTOM;
}
