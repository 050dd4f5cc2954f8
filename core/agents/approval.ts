/**
 * Human approval by policy: which of an agent's orders wait for the operator, the request's life
 * (pending → approved, rejected or expired, once), and how it appears in AG-UI: the cycle's run
 * ends with an interrupt outcome naming the request; the answer is a run that resumes it.
 */
import { z } from "zod";
import { type BaseEvent, EventType, type Json } from "../events.js";
import { Decimal } from "../money.js";
import { amountSchema } from "../schemas.js";
import type { ApprovalPolicy, ApprovalReason, ApprovalRecord } from "./types.js";
import { type CyclePlan, notionalOf } from "./cycle.js";

/** The desk's alert level: the worst active alert. */
export type DeskLevel = "calm" | "warning" | "critical";

/** By default only what no demo agent sizes to waits (a cycle's new risk above 100,000 USD), and first orders on live venues. */
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = { notionalAbove: "100000", firstLiveOrder: true, whenDesk: [], expiresAfterMs: 5 * 60_000 };

export const approvalPolicyPatchSchema = z.strictObject({
  notionalAbove: amountSchema.nullable().optional(),
  firstLiveOrder: z.boolean().optional(),
  whenDesk: z.array(z.enum(["warning", "critical"])).max(2).optional(),
  expiresAfterMs: z.number().int().min(10_000, "requests live at least 10 s").max(86_400_000, "requests live at most a day").optional(),
}).refine((p) => Object.keys(p).length > 0, "say what to change: any of notionalAbove, firstLiveOrder, whenDesk, expiresAfterMs");
export type ApprovalPolicyPatch = z.infer<typeof approvalPolicyPatchSchema>;

export const approvalAnswerSchema = z.strictObject({
  decision: z.enum(["approve", "reject"], { error: 'decision is "approve" or "reject"' }),
  note: z.string().max(500).optional(),
});

/** An approval id: `<agent slug>.<cycle>`, so the route finds the agent from the id alone. */
export const approvalIdSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?\.[a-z0-9.]{1,40}$/, "an approval id is <agent>.<cycle>, such as marcus-momentum.t5ab12c");

/** The agent's slug in an approval id. */
export function agentOfApproval(id: string): string {
  return id.slice(0, id.indexOf("."));
}

export function applyPolicyPatch(policy: ApprovalPolicy, patch: ApprovalPolicyPatch): ApprovalPolicy {
  return {
    notionalAbove: patch.notionalAbove === undefined ? policy.notionalAbove : patch.notionalAbove,
    firstLiveOrder: patch.firstLiveOrder ?? policy.firstLiveOrder,
    whenDesk: patch.whenDesk ? [...new Set(patch.whenDesk)] : policy.whenDesk,
    expiresAfterMs: patch.expiresAfterMs ?? policy.expiresAfterMs,
  };
}

/** Why this order must wait for a person, in codes and words; null when it may go. */
export function approvalNeeded(policy: ApprovalPolicy, facts: { notional: Decimal; firstLiveOrder: boolean; deskLevel: DeskLevel }): { reasons: ApprovalReason[]; message: string } | null {
  const reasons: ApprovalReason[] = [];
  const words: string[] = [];
  if (policy.notionalAbove !== null && facts.notional.gt(policy.notionalAbove)) {
    reasons.push("notional_above_threshold");
    words.push(`notional ${facts.notional.toFixed(2)} USD is above the ${policy.notionalAbove} USD threshold`);
  }
  if (policy.firstLiveOrder && facts.firstLiveOrder) {
    reasons.push("first_live_order");
    words.push("it is this agent's first order on a live venue");
  }
  if (facts.deskLevel !== "calm" && policy.whenDesk.includes(facts.deskLevel)) {
    reasons.push("desk_state");
    words.push(`the desk has an active ${facts.deskLevel} alert`);
  }
  return reasons.length === 0 ? null : { reasons, message: words.join("; ") };
}

/** A new request for a cycle's plan: its first new-risk order (else its first) stands for it. */
export function approvalRecordOf(a: { cycleId: string; agent: string; farm: string | null; plan: CyclePlan; reasons: readonly ApprovalReason[]; message: string; signalReason: string; nowMs: number; ttlMs: number }): ApprovalRecord {
  const main = a.plan.orders.find((o) => !o.reducing) ?? a.plan.orders[0];
  if (!main) throw new Error("invariant: an approval for a plan with no order");
  return {
    id: a.cycleId,
    agent: a.agent,
    farm: a.farm,
    cycleId: a.cycleId,
    venue: main.venue,
    symbol: main.request.symbol,
    side: main.request.side,
    type: main.request.type,
    quantity: main.request.quantity,
    price: main.request.price,
    notional: notionalOf(main).toFixed(2),
    reasons: a.reasons,
    message: a.message,
    signalReason: a.signalReason,
    state: "pending",
    createdAtMs: a.nowMs,
    expiresAtMs: a.nowMs + a.ttlMs,
    decidedAtMs: null,
    decidedBy: null,
    clientOrderId: main.request.clientOrderId,
    result: null,
  };
}

/** A decided request; a request already decided (or expired) answers as it is. */
export function decideApproval(r: ApprovalRecord, decision: "approve" | "reject", by: string, nowMs: number): { record: ApprovalRecord; changed: boolean } {
  if (r.state !== "pending") return { record: r, changed: false };
  if (nowMs >= r.expiresAtMs) return { record: { ...r, state: "expired", decidedAtMs: nowMs, decidedBy: "expiry" }, changed: true };
  return { record: { ...r, state: decision === "approve" ? "approved" : "rejected", decidedAtMs: nowMs, decidedBy: by }, changed: true };
}

/** The request as AG-UI's interrupt: what the run waits for. */
export function interruptOf(r: ApprovalRecord): Json {
  return {
    id: r.id,
    reason: "order_approval",
    message: `${r.side} ${r.quantity} ${r.symbol} on ${r.venue} (${new Decimal(r.notional).toFixed(2)} USD) waits for approval: ${r.message}`,
    toolCallId: `order:${r.clientOrderId ?? r.id}`,
    expiresAt: new Date(r.expiresAtMs).toISOString(),
    metadata: r as unknown as Json,
  };
}

/** The ends of a run when they carry more than the defaults: AG-UI's interrupt outcome, a resume entry. */
export interface RunEnds {
  readonly start?: BaseEvent;
  readonly finish?: BaseEvent;
}

/** A cycle's run ends paused: RUN_FINISHED with the interrupt outcome naming the request. */
export function interruptFinish(threadId: string, runId: string, r: ApprovalRecord, result: Json, nowMs: number): BaseEvent {
  return { type: EventType.RUN_FINISHED, threadId, runId, result, outcome: { type: "interrupt", interrupts: [interruptOf(r)] }, timestamp: nowMs } as unknown as BaseEvent;
}

/** The run that answers a request: RUN_STARTED carries AG-UI's resume entry (resolved when approved, cancelled otherwise). */
export function resumeStart(threadId: string, runId: string, r: ApprovalRecord, nowMs: number): BaseEvent {
  const resume = [{ interruptId: r.id, status: r.state === "approved" ? "resolved" : "cancelled", payload: { decision: r.state, by: r.decidedBy } }];
  return { type: EventType.RUN_STARTED, threadId, runId, parentRunId: r.cycleId, input: { threadId, runId, resume, state: {}, messages: [], tools: [], context: [], forwardedProps: {} }, timestamp: nowMs } as unknown as BaseEvent;
}
