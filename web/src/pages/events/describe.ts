import { type BaseEvent, EventType } from "@ag-ui/core";
import { formatAmount, formatMoney } from "../../format.ts";

/** Families of AG-UI event types, for colour and for the type filter. */
export type Category = "run" | "step" | "tool" | "state" | "custom" | "text" | "reasoning" | "other";

export const CATEGORIES: readonly { readonly id: Category; readonly label: string }[] = [
  { id: "run", label: "Runs" },
  { id: "step", label: "Steps" },
  { id: "tool", label: "Tool calls" },
  { id: "state", label: "State" },
  { id: "custom", label: "Custom" },
  { id: "text", label: "Messages" },
  { id: "reasoning", label: "Reasoning" },
  { id: "other", label: "Other" },
];

export function categoryOf(type: string): Category {
  if (type.startsWith("RUN_")) return "run";
  if (type.startsWith("STEP_")) return "step";
  if (type.startsWith("TOOL_CALL_")) return "tool";
  if (type.startsWith("STATE_") || type === EventType.MESSAGES_SNAPSHOT || type.startsWith("ACTIVITY_")) return "state";
  if (type === EventType.CUSTOM || type === EventType.RAW) return "custom";
  if (type.startsWith("TEXT_MESSAGE_")) return "text";
  if (type.startsWith("REASONING_")) return "reasoning";
  return "other";
}

/** The event's type as a short label: `TOOL_CALL_START` → `tool start`. */
export function shortType(type: string): string {
  return type
    .replace(/^TOOL_CALL_/, "TOOL_")
    .replace(/^TEXT_MESSAGE_/, "TEXT_")
    .replace(/^REASONING_MESSAGE_/, "REASONING_")
    .toLowerCase()
    .replace(/_/g, " ");
}

const MAX_DETAIL = 160;

function clip(text: string, max = MAX_DETAIL): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** JSON on one line, clipped. */
export function compactJson(value: unknown, max = MAX_DETAIL): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return clip(text, max);
}

const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : compactJson(v));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Money-looking strings under a `/…USD`-style path or an `amount` key read better grouped. */
function amountText(value: unknown): string {
  return typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? formatAmount(value) : compactJson(value, 60);
}

function describeOp(op: unknown): string {
  if (!isRecord(op)) return compactJson(op, 60);
  const path = typeof op.path === "string" ? op.path : "?";
  switch (op.op) {
    case "remove":
      return `− ${path}`;
    case "add":
      return `+ ${path} = ${amountText(op.value)}`;
    case "replace":
      return `${path} = ${amountText(op.value)}`;
    default:
      return `${String(op.op)} ${path}`;
  }
}

/** The parts of a transfer a person scans for: who, whom, how much. */
function transferText(value: unknown): string | null {
  if (!isRecord(value)) return null;
  const { from, to, amount, asset } = value;
  if (typeof amount !== "string") return null;
  const route = typeof from === "string" && typeof to === "string" ? `${from} → ${to} ` : "";
  return `${route}${typeof asset === "string" ? `${formatMoney(amount, asset)} ${asset}` : formatAmount(amount)}`.trim();
}

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A one-line account of an event for the log. */
export function describe(event: BaseEvent): string {
  const e = event as BaseEvent & Record<string, unknown>;
  switch (e.type) {
    case EventType.RUN_STARTED:
      return `run ${str(e.runId)}`;
    case EventType.RUN_FINISHED:
      return e.result === undefined ? `run ${str(e.runId)} finished` : `run ${str(e.runId)} finished → ${compactJson(e.result, 80)}`;
    case EventType.RUN_ERROR:
      return e.code ? `${str(e.code)}: ${str(e.message)}` : str(e.message);
    case EventType.STEP_STARTED:
    case EventType.STEP_FINISHED:
      return str(e.stepName);
    case EventType.TOOL_CALL_START:
      return `${str(e.toolCallName)} · ${str(e.toolCallId)}`;
    case EventType.TOOL_CALL_ARGS: {
      const transfer = transferText(parseJson(e.delta));
      return transfer ?? clip(str(e.delta));
    }
    case EventType.TOOL_CALL_END:
      return str(e.toolCallId);
    case EventType.TOOL_CALL_RESULT: {
      const parsed = parseJson(e.content);
      if (isRecord(parsed) && typeof parsed.state === "string") return `${parsed.state}${parsed.transferId ? ` · ${str(parsed.transferId)}` : ""}`;
      return clip(str(e.content));
    }
    case EventType.STATE_SNAPSHOT: {
      const s = e.snapshot;
      if (isRecord(s) && isRecord(s.balances) && typeof s.balances.USD === "string") {
        return `${str(s.name ?? s.id)} · balance ${formatMoney(s.balances.USD, "USD")} USD`;
      }
      return isRecord(s) ? `{ ${Object.keys(s).slice(0, 6).join(", ")}${Object.keys(s).length > 6 ? ", …" : ""} }` : compactJson(s);
    }
    case EventType.STATE_DELTA: {
      const ops = Array.isArray(e.delta) ? e.delta : [];
      const shown = ops.slice(0, 3).map(describeOp).join("  ");
      return ops.length > 3 ? `${shown}  +${ops.length - 3} more` : shown || "no change";
    }
    case EventType.CUSTOM: {
      const transfer = transferText(e.value);
      return transfer ? `${str(e.name)} · ${transfer}` : `${str(e.name)} ${compactJson(e.value, 100)}`;
    }
    case EventType.TEXT_MESSAGE_START:
      return `${str(e.role) || "message"} · ${str(e.messageId)}`;
    case EventType.TEXT_MESSAGE_CONTENT:
    case EventType.REASONING_MESSAGE_CONTENT:
      return clip(str(e.delta));
    default:
      return clip(
        Object.entries(e)
          .filter(([k]) => k !== "type" && k !== "timestamp" && k !== "rawEvent")
          .map(([k, v]) => `${k}=${str(v)}`)
          .join(" "),
      );
  }
}

/** A short name for the row's "what": the custom event's name or the tool's, else the type. */
export function eventName(event: BaseEvent): string | null {
  const e = event as BaseEvent & Record<string, unknown>;
  if (e.type === EventType.CUSTOM && typeof e.name === "string") return e.name;
  if (e.type === EventType.TOOL_CALL_START && typeof e.toolCallName === "string") return e.toolCallName;
  return null;
}

/** Hub time as the log shows it: local HH:MM:SS.mmm. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
