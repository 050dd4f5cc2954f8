import { type Json, custom, toolCall } from "../../events.js";
import type { RiskRefusal } from "../../refusals.js";
import { scopeLabel } from "../alerts.js";
import { scopeKey } from "../breakers.js";
import { type LimitsPatch, applyLimitsPatch } from "../limits.js";
import type { Halt, LimitsConfig, RiskAlert, RiskScope } from "../types.js";
import { type Draft, type MonitorDecision, type MonitorState, draft, finish, keepRecent, record } from "./state.js";

/** A refusal of one of the monitor's commands. */
export type MonitorRefusal = { ok: false; code: RiskRefusal; message: string };

/** A halt's critical alert: derived from the halt alone, so lifting the halt can clear it. */
export function haltAlert(h: Halt): RiskAlert {
  const key = scopeKey(h.scope);
  return { key: `halt:${key}:${h.atMs}`, level: "critical", rule: h.rule, scope: h.scope, message: `${scopeLabel(h.scope)} halted: ${h.reason}`, firstAtMs: h.atMs, lastAtMs: h.atMs, clearedAtMs: null };
}

/** Puts halts in force (a scope already halted keeps its halt): recorded, announced, alerted. Answers the alerts raised. */
export function putHalts(d: Draft, halts: readonly Halt[], nowMs: number): RiskAlert[] {
  const raised: RiskAlert[] = [];
  for (const h of halts) {
    const key = scopeKey(h.scope);
    if (d.halts.has(key)) continue;
    d.halts.set(key, h);
    d.effects.haltsPut.push(h);
    record(d, "halt", h.scope, h.by, h.reason, { rule: h.rule, resumeAtMs: h.resumeAtMs }, nowMs);
    const alert = haltAlert(h);
    keepRecent(d, alert);
    raised.push(alert);
    const id = `halt:${key}:${nowMs}`;
    d.effects.runs.push({ runId: id, events: [...toolCall(id, "halt_trading", { scope: h.scope as unknown as Json, reason: h.reason, by: h.by }, h as unknown as Json, nowMs), custom("cival.risk.halted", h as unknown as Json, nowMs)] });
  }
  d.effects.notify.push(...raised);
  return raised;
}

/** Ends a halt: recorded with who and why, and its critical alert cleared with it (defect 1: it stayed active). */
export function liftHalt(d: Draft, h: Halt, by: string, reason: string, nowMs: number): void {
  const key = scopeKey(h.scope);
  d.halts.delete(key);
  d.effects.haltsRemoved.push(key);
  record(d, "resume", h.scope, by, reason, { halted: h as unknown as Json }, nowMs);
  const raised = haltAlert(h);
  const stored = d.recent.find((a) => a.key === raised.key) ?? raised;
  keepRecent(d, { ...stored, lastAtMs: Math.max(stored.lastAtMs, nowMs), clearedAtMs: nowMs });
  keepRecent(d, { key: `resume:${key}:${nowMs}`, level: "info", rule: "resumed", scope: h.scope, message: `${scopeLabel(h.scope)} resumed by ${by}: ${reason}`, firstAtMs: nowMs, lastAtMs: nowMs, clearedAtMs: nowMs });
  const id = `resume:${key}:${nowMs}`;
  d.effects.runs.push({ runId: id, events: [...toolCall(id, "resume_trading", { scope: h.scope as unknown as Json, reason, by }, { resumed: true }, nowMs), custom("cival.risk.resumed", { scope: h.scope as unknown as Json, by, reason }, nowMs)] });
}

/** The kill switch (the scope is known to exist): halts it now, or answers the halt already in force. */
export function decideHalt(state: MonitorState, scope: RiskScope, reason: string, by: string, nowMs: number): MonitorDecision & { halt: Halt } {
  const d = draft(state);
  const halt: Halt = { scope, rule: "kill_switch", reason, by, atMs: nowMs, resumeAtMs: null };
  putHalts(d, [halt], nowMs);
  return { ...finish(d), halt: d.halts.get(scopeKey(scope)) ?? halt };
}

/** An admin's resume of a halted scope; refused when it is not halted. */
export function decideResume(state: MonitorState, scope: RiskScope, reason: string, by: string, nowMs: number): MonitorDecision | MonitorRefusal {
  const existing = state.halts.get(scopeKey(scope));
  if (!existing) return { ok: false, code: "not_halted", message: `${scopeLabel(scope)} is not halted` };
  const d = draft(state);
  liftHalt(d, existing, by, reason, nowMs);
  return finish(d);
}

/** New limits from a patch; refused with the reason when the patch is bad. */
export function decideLimits(state: MonitorState, patch: LimitsPatch, by: string, nowMs: number): (MonitorDecision & { limits: LimitsConfig }) | MonitorRefusal {
  let next: LimitsConfig;
  try {
    next = applyLimitsPatch(state.config, patch);
  } catch (err) {
    return { ok: false, code: "invalid_limits", message: err instanceof Error ? err.message : String(err) };
  }
  const d = draft(state);
  d.config = next;
  d.effects.config = { config: next, by };
  if (d.last) d.last = { ...d.last, limits: next };
  record(d, "limits", { kind: "desk" }, by, "limits changed", patch as unknown as Json, nowMs);
  const id = `limits:${nowMs}`;
  d.effects.runs.push({ runId: id, events: toolCall(id, "set_limits", { by, patch: patch as unknown as Json }, { limits: next as unknown as Json }, nowMs) });
  return { ...finish(d), limits: next };
}
