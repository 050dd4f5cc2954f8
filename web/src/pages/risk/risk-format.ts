import type { AlertLevel, RiskRule, RiskScope, VarMethod } from "../../../../core/risk/types.ts";
import { clockTime, formatMoney } from "../../format.ts";

/**
 * Formatting for the Risk page: fractions as percentages, multiples, limit values in the unit of
 * their rule, scopes and rules as words. Money stays a decimal string (see ../../format.ts).
 */

const DASH = "—";

/** 0.1234 → "12.3%"; not a finite number → "—". */
export function formatPct(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return DASH;
  const value = fraction * 100;
  const text = value.toFixed(digits);
  return `${/^-0(\.0*)?$/.test(text) ? text.slice(1) : text}%`;
}

/** 1.234 → "1.23×". */
export function formatMultiple(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return DASH;
  return `${value.toFixed(digits)}×`;
}

/** A correlation coefficient, two decimals, with a true minus sign: "0.83", "−0.12". */
export function formatCorrelation(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  const text = Math.abs(value).toFixed(2);
  return value < 0 && text !== "0.00" ? `−${text}` : text;
}

/** Days to liquidate: "0.02 d", "3.4 d", "> 99 d". */
export function formatDays(days: number): string {
  if (!Number.isFinite(days)) return DASH;
  if (days > 99) return "> 99 d";
  return `${days < 1 ? days.toFixed(2) : days.toFixed(1)} d`;
}

/** "desk", "farm:momentum", "agent:marcus-momentum": one key per scope. */
export function scopeKey(scope: RiskScope): string {
  return scope.kind === "desk" ? "desk" : scope.id;
}

/** How a scope reads in a sentence: "the desk", "farm:momentum". */
export function scopeLabel(scope: RiskScope): string {
  return scope.kind === "desk" ? "desk" : scope.id;
}

export function sameScope(a: RiskScope, b: RiskScope): boolean {
  return scopeKey(a) === scopeKey(b) && a.kind === b.kind;
}

/** The scope a key names: "desk", "farm:…" or "agent:…"; null for anything else. */
export function scopeFromKey(key: string): RiskScope | null {
  if (key === "desk") return { kind: "desk" };
  if (/^farm:[a-z0-9-]+$/.test(key)) return { kind: "farm", id: key };
  if (/^agent:[a-z0-9-]+$/.test(key)) return { kind: "agent", id: key };
  return null;
}

const RULE_LABELS: Readonly<Record<string, string>> = {
  halted: "Halted",
  max_order_notional: "Order notional",
  max_position_notional: "Position notional",
  max_gross_exposure: "Gross exposure",
  max_var: "VaR 1d 99%",
  max_daily_loss: "Daily loss",
  max_drawdown: "Drawdown",
  max_orders_per_minute: "Orders / min",
  max_concentration: "Concentration",
  max_depth_multiple: "Depth multiple",
  venue_errors: "Venue errors",
  kill_switch: "Kill switch",
  no_price: "No price",
  stop_triggered: "Stop triggered",
  mitigation: "Mitigation",
  resumed: "Resumed",
  notification_failed: "Notification failed",
};

/** "max_daily_loss" → "Daily loss"; an unknown rule reads as itself, underscores as spaces. */
export function ruleLabel(rule: string): string {
  return RULE_LABELS[rule] ?? rule.replace(/_/g, " ");
}

export type LimitUnit = "usd" | "fraction" | "count" | "multiple";

/** The unit a rule's value and limit are measured in. */
export function ruleUnit(rule: RiskRule | string): LimitUnit {
  switch (rule) {
    case "max_drawdown":
    case "max_concentration":
      return "fraction";
    case "max_orders_per_minute":
    case "venue_errors":
      return "count";
    case "max_depth_multiple":
      return "multiple";
    default:
      return "usd";
  }
}

/** A gauge's value or limit in its rule's unit: "12,345.00", "12.5%", "42", "1.50×". */
export function formatLimitValue(rule: RiskRule | string, value: string): string {
  const unit = ruleUnit(rule);
  if (unit === "usd") return formatMoney(value, "USD");
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  if (unit === "fraction") return formatPct(n, 1);
  if (unit === "multiple") return formatMultiple(n, 2);
  return String(Math.round(n));
}

const METHOD_LABELS: Readonly<Record<VarMethod, string>> = {
  historical: "Historical",
  parametric: "Parametric",
  monte_carlo: "Monte Carlo",
};

export function methodLabel(method: VarMethod): string {
  return METHOD_LABELS[method] ?? method;
}

/** 0.95 → "95%". */
export function confidenceLabel(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

/** An alert level's tone, as the page's tags colour it. */
export function levelTone(level: AlertLevel): "bad" | "warn" | "dim" {
  return level === "critical" ? "bad" : level === "warning" ? "warn" : "dim";
}

/** The sign of a decimal string, for colouring P&L: "up", "down" or "" for zero. */
export function signTone(value: string): "up" | "down" | "" {
  const t = value.trim();
  if (/^-?0*(\.0*)?$/.test(t)) return "";
  return t.startsWith("-") ? "down" : "up";
}

const two = (n: number) => String(n).padStart(2, "0");

/** A time on the page: "14:03:27" today, "03-14 14:03" on another day (local clock). */
export function timeLabel(ms: number, nowMs: number): string {
  const d = new Date(ms);
  const now = new Date(nowMs);
  if (d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate()) return clockTime(ms);
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** An ISO timestamp for a title attribute. */
export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "";
}
