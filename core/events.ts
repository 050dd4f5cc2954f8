import {
  type BaseEvent,
  type CustomEvent,
  EventType,
  type RunErrorEvent,
  type RunFinishedEvent,
  type RunStartedEvent,
  type StateDeltaEvent,
  type StateSnapshotEvent,
  type StepFinishedEvent,
  type StepStartedEvent,
  type TextMessageContentEvent,
  type TextMessageEndEvent,
  type TextMessageStartEvent,
  type ToolCallArgsEvent,
  type ToolCallEndEvent,
  type ToolCallResultEvent,
  type ToolCallStartEvent,
} from "@ag-ui/core";
import jsonPatch, { type Operation } from "fast-json-patch";
import type { JsonPatchOperation } from "@ag-ui/core";

/**
 * AG-UI events, built. Every actor that speaks is a thread (`agent:ID`, `farm:ID`, `treasury`,
 * `risk`, `coordinator`, `venue:ID`) and everything it says is a run on that thread: these
 * builders make runs that start, carry their events, and end. Time is a parameter.
 */

export { EventType };
export type { BaseEvent };

/** Names of CUSTOM events carry the product prefix. */
export const CUSTOM_PREFIX = "cival.";

/** One event on the wire: the hub's sequence, the thread it belongs to, and when the hub published it. */
export interface Envelope {
  readonly seq: number;
  readonly thread: string;
  readonly event: BaseEvent;
  readonly at: number;
}

/** A JSON value, as state and patches carry it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonPatchOp = JsonPatchOperation;

export const THREAD_PATTERN = /^(treasury|risk|coordinator|(agent|farm|venue):[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?)$/;
export const TOPIC_PATTERN = /^(desk|treasury|risk|coordinator|(agent|farm|venue):[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?|market:[a-z0-9-]{1,48}:[A-Z0-9]{1,12}-[A-Z0-9]{1,12})$/;

export function runStarted(threadId: string, runId: string, timestamp: number): RunStartedEvent {
  return { type: EventType.RUN_STARTED, threadId, runId, timestamp };
}

export function runFinished(threadId: string, runId: string, timestamp: number, result?: Json): RunFinishedEvent {
  return result === undefined ? { type: EventType.RUN_FINISHED, threadId, runId, timestamp } : { type: EventType.RUN_FINISHED, threadId, runId, result, timestamp };
}

export function runError(message: string, code: string, timestamp: number): RunErrorEvent {
  return { type: EventType.RUN_ERROR, message, code, timestamp };
}

export function stepStarted(stepName: string, timestamp: number): StepStartedEvent {
  return { type: EventType.STEP_STARTED, stepName, timestamp };
}

export function stepFinished(stepName: string, timestamp: number): StepFinishedEvent {
  return { type: EventType.STEP_FINISHED, stepName, timestamp };
}

/** An action taken: start, the arguments as one JSON delta, end, then its result (a JSON string). */
export function toolCall(toolCallId: string, toolCallName: string, args: Json, result: Json, timestamp: number): BaseEvent[] {
  const start: ToolCallStartEvent = { type: EventType.TOOL_CALL_START, toolCallId, toolCallName, timestamp };
  const argsEvent: ToolCallArgsEvent = { type: EventType.TOOL_CALL_ARGS, toolCallId, delta: JSON.stringify(args), timestamp };
  const end: ToolCallEndEvent = { type: EventType.TOOL_CALL_END, toolCallId, timestamp };
  const res: ToolCallResultEvent = { type: EventType.TOOL_CALL_RESULT, messageId: `${toolCallId}:result`, toolCallId, content: JSON.stringify(result), role: "tool", timestamp };
  return [start, argsEvent, end, res];
}

export function stateSnapshot(snapshot: Json, timestamp: number): StateSnapshotEvent {
  return { type: EventType.STATE_SNAPSHOT, snapshot, timestamp };
}

export function stateDelta(delta: readonly JsonPatchOp[], timestamp: number): StateDeltaEvent {
  return { type: EventType.STATE_DELTA, delta: [...delta], timestamp };
}

export function custom(name: string, value: Json, timestamp: number): CustomEvent {
  if (!name.startsWith(CUSTOM_PREFIX)) throw new Error(`invariant: custom event ${name} lacks the ${CUSTOM_PREFIX} prefix`);
  return { type: EventType.CUSTOM, name, value, timestamp };
}

/** What an agent or moderator says, streamed in chunks. */
export function textMessage(messageId: string, chunks: readonly string[], timestamp: number): BaseEvent[] {
  const start: TextMessageStartEvent = { type: EventType.TEXT_MESSAGE_START, messageId, role: "assistant", timestamp };
  const contents: TextMessageContentEvent[] = chunks.filter((c) => c.length > 0).map((delta) => ({ type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta, timestamp }));
  const end: TextMessageEndEvent = { type: EventType.TEXT_MESSAGE_END, messageId, timestamp };
  return [start, ...contents, end];
}

/** A whole run: RUN_STARTED, the events, RUN_FINISHED. */
export function run(threadId: string, runId: string, timestamp: number, events: readonly BaseEvent[], result?: Json): BaseEvent[] {
  return [runStarted(threadId, runId, timestamp), ...events, runFinished(threadId, runId, timestamp, result)];
}

/** The JSON Patch from one state to the next; keys are escaped as JSON Pointers (`BTC/USD` → `BTC~1USD`). */
export function diffState(before: Json, after: Json): JsonPatchOp[] {
  return jsonPatch.compare(before as object, after as object) as JsonPatchOp[];
}

/** Applies a delta strictly (every op must apply, tests must pass) to a copy of the state. */
export function applyDelta(state: Json, delta: readonly JsonPatchOp[]): Json {
  const copy = structuredClone(state) as object;
  return jsonPatch.applyPatch(copy, delta as Operation[], true, true).newDocument as Json;
}
