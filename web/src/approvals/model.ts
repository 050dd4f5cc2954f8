import type { ApprovalReason, ApprovalRecord, ApprovalState } from "../../../core/agents/types.ts";
import type { LogEntry } from "../live/log.ts";
import { customFacts, isRecord, runInterrupts } from "./events.ts";

/**
 * The approvals tray's model: the orders waiting for the operator, from GET /api/approvals and
 * the live feed (requested, decided, expired), de-duplicated and most urgent first; the countdown
 * to each one's expiry; the reasons in words.
 */

export const APPROVAL_REQUESTED = "cival.approval.requested";
export const APPROVAL_DECIDED = "cival.approval.decided";
const NAMES: ReadonlySet<string> = new Set([APPROVAL_REQUESTED, APPROVAL_DECIDED]);

/** Answered or expired ids remembered, so a replayed request cannot bring a card back. */
export const CLOSED_KEPT = 500;
/** Clock skew allowed between the desk and the browser when judging a request older than a load. */
export const SKEW_MS = 5_000;

export interface TrayState {
  /** Pending approvals, the soonest to expire first. */
  readonly pending: readonly ApprovalRecord[];
  /** Ids answered, expired or dropped, with how they ended. */
  readonly closed: ReadonlyMap<string, ApprovalState>;
  /** When the last GET was sent (browser clock): it is the truth for requests made before then. */
  readonly asOfMs: number | null;
}

export type TrayAction =
  | { readonly type: "loaded"; readonly approvals: readonly ApprovalRecord[]; readonly requestedAtMs: number; readonly nowMs: number }
  | { readonly type: "requested"; readonly approval: ApprovalRecord; readonly nowMs: number }
  | { readonly type: "decided"; readonly approval: ApprovalRecord }
  | { readonly type: "tick"; readonly nowMs: number };

export const EMPTY_TRAY: TrayState = { pending: [], closed: new Map(), asOfMs: null };

function byUrgency(a: ApprovalRecord, b: ApprovalRecord): number {
  return a.expiresAtMs - b.expiresAtMs || a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id);
}

function close(closed: ReadonlyMap<string, ApprovalState>, id: string, state: ApprovalState): ReadonlyMap<string, ApprovalState> {
  if (closed.get(id) === state) return closed;
  const next = new Map(closed);
  next.delete(id);
  next.set(id, state);
  for (const key of next.keys()) {
    if (next.size <= CLOSED_KEPT) break;
    next.delete(key);
  }
  return next;
}

/** Drops the approvals past their expiry, remembering them as expired. */
function expire(state: TrayState, nowMs: number): TrayState {
  const gone = state.pending.filter((a) => a.expiresAtMs <= nowMs);
  if (gone.length === 0) return state;
  let closed = state.closed;
  for (const a of gone) closed = close(closed, a.id, "expired");
  return { ...state, pending: state.pending.filter((a) => a.expiresAtMs > nowMs), closed };
}

function loaded(state: TrayState, approvals: readonly ApprovalRecord[], requestedAtMs: number, nowMs: number): TrayState {
  const byId = new Map<string, ApprovalRecord>();
  for (const a of approvals) if (a.state === "pending" && !state.closed.has(a.id)) byId.set(a.id, a);
  // Requests that reached the tray live after the GET went out may be missing from its answer.
  for (const a of state.pending) if (!byId.has(a.id) && a.createdAtMs >= requestedAtMs - SKEW_MS) byId.set(a.id, a);
  return expire({ ...state, pending: [...byId.values()].sort(byUrgency), asOfMs: requestedAtMs }, nowMs);
}

function requested(state: TrayState, approval: ApprovalRecord, nowMs: number): TrayState {
  if (approval.state !== "pending") return decided(state, approval);
  if (state.closed.has(approval.id) || approval.expiresAtMs <= nowMs) return state;
  const known = state.pending.some((a) => a.id === approval.id);
  // A replayed request from before the last load, which that load did not list, was settled since.
  if (!known && state.asOfMs !== null && approval.createdAtMs < state.asOfMs - SKEW_MS) return state;
  const pending = [...state.pending.filter((a) => a.id !== approval.id), approval].sort(byUrgency);
  return { ...state, pending };
}

function decided(state: TrayState, approval: ApprovalRecord): TrayState {
  const end: ApprovalState = approval.state === "pending" ? "expired" : approval.state;
  return { ...state, pending: state.pending.filter((a) => a.id !== approval.id), closed: close(state.closed, approval.id, end) };
}

/** The tray's reducer: a load, a request, an answer (or an expiry event), or the clock moving on. */
export function trayReducer(state: TrayState, action: TrayAction): TrayState {
  switch (action.type) {
    case "loaded":
      return loaded(state, action.approvals, action.requestedAtMs, action.nowMs);
    case "requested":
      return requested(expire(state, action.nowMs), action.approval, action.nowMs);
    case "decided":
      return decided(state, action.approval);
    case "tick":
      return expire(state, action.nowMs);
  }
}

const STATES: ReadonlySet<string> = new Set(["pending", "approved", "rejected", "expired"]);

/** True when `value` has the fields of an ApprovalRecord the tray reads. */
export function isApproval(value: unknown): value is ApprovalRecord {
  if (!isRecord(value)) return false;
  const v = value;
  if (typeof v.id !== "string" || v.id === "" || typeof v.agent !== "string" || typeof v.state !== "string" || !STATES.has(v.state)) return false;
  if (typeof v.venue !== "string" || typeof v.symbol !== "string" || (v.side !== "buy" && v.side !== "sell")) return false;
  if (typeof v.quantity !== "string" || typeof v.notional !== "string" || !Array.isArray(v.reasons)) return false;
  return typeof v.createdAtMs === "number" && typeof v.expiresAtMs === "number";
}

/** The tray's actions carried by live entries: requests (CUSTOM or a cycle's interrupt) and answers. */
export function approvalActions(entries: readonly LogEntry[], nowMs: number): TrayAction[] {
  const actions: TrayAction[] = [];
  for (const entry of entries) {
    const [fact] = customFacts([entry], NAMES);
    if (fact && isApproval(fact.value)) {
      actions.push(fact.name === APPROVAL_DECIDED ? { type: "decided", approval: fact.value } : { type: "requested", approval: fact.value, nowMs });
      continue;
    }
    for (const interrupt of runInterrupts(entry)) {
      if (isRecord(interrupt) && interrupt.reason === "order_approval" && isApproval(interrupt.metadata)) {
        actions.push({ type: "requested", approval: interrupt.metadata, nowMs });
      }
    }
  }
  return actions;
}

/** Time left before `expiresAtMs`: "4:05", "1:02:03"; "expired" at or past it. `urgent` under 30 s. */
export function countdown(expiresAtMs: number, nowMs: number): { text: string; seconds: number; urgent: boolean } {
  const seconds = Math.max(0, Math.ceil((expiresAtMs - nowMs) / 1000));
  if (seconds === 0) return { text: "expired", seconds, urgent: true };
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  const text = h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
  return { text, seconds, urgent: seconds <= 30 };
}

const REASONS: Readonly<Record<ApprovalReason, string>> = {
  notional_above_threshold: "over the notional threshold",
  first_live_order: "first order on a live venue",
  desk_state: "desk on alert",
};

/** Why an order waits, in words. */
export function reasonLabel(reason: ApprovalReason): string {
  return REASONS[reason] ?? reason;
}

/** "agent:marcus-momentum" or "marcus-momentum" → "marcus-momentum". */
export function agentSlug(id: string): string {
  return id.startsWith("agent:") ? id.slice("agent:".length) : id;
}
