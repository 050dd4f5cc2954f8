import { type BaseEvent, EventType } from "@ag-ui/core";
import type { Envelope } from "./protocol.ts";

/** Envelope builders for the unit tests: the frames the desk's EventHub sends. */

export function env(seq: number, thread: string, event: BaseEvent, at = 1_000 + seq): Envelope {
  return { seq, thread, event, at };
}

export const ev = {
  runStarted: (thread: string, runId: string): BaseEvent => ({ type: EventType.RUN_STARTED, threadId: thread, runId }),
  runFinished: (thread: string, runId: string): BaseEvent => ({ type: EventType.RUN_FINISHED, threadId: thread, runId }),
  runError: (message: string, code?: string): BaseEvent => ({ type: EventType.RUN_ERROR, message, ...(code ? { code } : {}) }),
  snapshot: (snapshot: unknown): BaseEvent => ({ type: EventType.STATE_SNAPSHOT, snapshot }),
  delta: (delta: unknown[]): BaseEvent => ({ type: EventType.STATE_DELTA, delta }),
  custom: (name: string, value: unknown): BaseEvent => ({ type: EventType.CUSTOM, name, value }),
  toolStart: (toolCallId: string, toolCallName: string): BaseEvent => ({ type: EventType.TOOL_CALL_START, toolCallId, toolCallName }),
  toolArgs: (toolCallId: string, delta: string): BaseEvent => ({ type: EventType.TOOL_CALL_ARGS, toolCallId, delta }),
  toolEnd: (toolCallId: string): BaseEvent => ({ type: EventType.TOOL_CALL_END, toolCallId }),
  toolResult: (toolCallId: string, content: string): BaseEvent => ({ type: EventType.TOOL_CALL_RESULT, messageId: `m-${toolCallId}`, toolCallId, content, role: "tool" }),
  step: (stepName: string, finished = false): BaseEvent => ({ type: finished ? EventType.STEP_FINISHED : EventType.STEP_STARTED, stepName }),
};

/** A wallet thread's state as the hub snapshots it. */
export function walletState(id: string, usd: string, extra: Record<string, unknown> = {}) {
  const kind = id === "treasury" ? "treasury" : id.startsWith("farm:") ? "farm" : "agent";
  return {
    id,
    kind,
    name: id,
    status: "active",
    parent: kind === "treasury" ? null : "treasury",
    strategy: null,
    role: null,
    balances: { USD: usd },
    available: { USD: usd },
    inTransit: { USD: "0" },
    ...extra,
  };
}

/** The synthetic run a fresh connection starts each thread with; all three frames carry the snapshot's seq. */
export function snapshotRun(seq: number, thread: string, state: unknown): Envelope[] {
  const runId = `snapshot-${seq}`;
  return [env(seq, thread, ev.runStarted(thread, runId)), env(seq, thread, ev.snapshot(state)), env(seq, thread, ev.runFinished(thread, runId))];
}

/** A treasury → farm transfer as the sender's thread tells it, from seq `seq` on. */
export function transferRun(seq: number, thread: string, transferId: string, to: string, amount: string, balanceAfter: string): Envelope[] {
  const runId = `run-${transferId}`;
  const args = JSON.stringify({ transferId, from: thread, to, asset: "USD", amount });
  return [
    env(seq, thread, ev.runStarted(thread, runId)),
    env(seq + 1, thread, ev.toolStart(transferId, "transfer")),
    env(seq + 2, thread, ev.toolArgs(transferId, args)),
    env(seq + 3, thread, ev.toolEnd(transferId)),
    env(seq + 4, thread, ev.toolResult(transferId, JSON.stringify({ transferId, state: "pending" }))),
    env(seq + 5, thread, ev.delta([{ op: "replace", path: "/balances/USD", value: balanceAfter }])),
    env(seq + 6, thread, ev.runFinished(thread, runId)),
  ];
}
