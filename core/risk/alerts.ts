import type { AlertLevel, RiskAlert, RiskScope } from "./types.js";

/** A condition the monitor sees in one cycle; the same key in the next cycle is the same alert. */
export interface AlertCondition {
  readonly key: string;
  readonly level: AlertLevel;
  readonly rule: RiskAlert["rule"];
  readonly scope: RiskScope;
  readonly message: string;
}

const RANK: Readonly<Record<AlertLevel, number>> = { info: 0, warning: 1, critical: 2 };

export interface AlertChanges {
  /** Alerts that began this cycle, or rose to a higher level: these are announced. */
  readonly raised: RiskAlert[];
  /** Alerts that still hold: their last-seen time moves, nothing is announced. */
  readonly continued: RiskAlert[];
  /** Alerts whose condition is gone. */
  readonly cleared: RiskAlert[];
  /** The active set after this cycle, by key. */
  readonly active: Map<string, RiskAlert>;
}

/**
 * Deduplicates alerts while their condition persists: a condition seen again keeps its alert (and
 * its first time); one that rises in level is raised again; one that is no longer seen is cleared.
 * One-off alerts (a stop that fired, a mitigation order) pass `oneOff`: raised and cleared at once.
 */
export function reconcileAlerts(active: ReadonlyMap<string, RiskAlert>, conditions: readonly AlertCondition[], nowMs: number, oneOff: readonly AlertCondition[] = []): AlertChanges {
  const next = new Map<string, RiskAlert>();
  const raised: RiskAlert[] = [];
  const continued: RiskAlert[] = [];
  for (const c of conditions) {
    if (next.has(c.key)) continue;
    const before = active.get(c.key);
    if (before && RANK[c.level] <= RANK[before.level]) {
      const kept: RiskAlert = { ...before, message: c.message, lastAtMs: nowMs };
      next.set(c.key, kept);
      continued.push(kept);
    } else {
      const alert: RiskAlert = { key: c.key, level: c.level, rule: c.rule, scope: c.scope, message: c.message, firstAtMs: before?.firstAtMs ?? nowMs, lastAtMs: nowMs, clearedAtMs: null };
      next.set(c.key, alert);
      raised.push(alert);
    }
  }
  const cleared: RiskAlert[] = [];
  for (const [key, alert] of active) if (!next.has(key)) cleared.push({ ...alert, clearedAtMs: nowMs });
  for (const c of oneOff) {
    const alert: RiskAlert = { key: c.key, level: c.level, rule: c.rule, scope: c.scope, message: c.message, firstAtMs: nowMs, lastAtMs: nowMs, clearedAtMs: nowMs };
    raised.push(alert);
  }
  return { raised, continued, cleared, active: next };
}

/** "desk", "farm:momentum", "agent:marcus-momentum": a scope as one string. */
export function scopeLabel(scope: RiskScope): string {
  return scope.kind === "desk" ? "desk" : scope.id;
}
