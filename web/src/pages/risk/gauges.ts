import type { LimitUsage, RiskScope } from "../../../../core/risk/types.ts";
import { scopeKey } from "./risk-format.ts";

/** A gauge turns amber at this share of its limit… */
export const GAUGE_WARN = 0.8;
/** …and red at the limit. */
export const GAUGE_BREACH = 1;

export type GaugeTone = "ok" | "warn" | "breach";

/** The colour of a gauge: ok below 80% of the limit, warn from 80%, breach from 100%. */
export function gaugeTone(ratio: number): GaugeTone {
  if (Number.isNaN(ratio)) return "ok";
  if (ratio >= GAUGE_BREACH) return "breach";
  if (ratio >= GAUGE_WARN) return "warn";
  return "ok";
}

/** How much of the bar is filled, in percent: the ratio clamped to [0, 100]. */
export function gaugeFill(ratio: number): number {
  if (!Number.isFinite(ratio)) return ratio > 0 ? 100 : 0;
  return Math.min(100, Math.max(0, ratio * 100));
}

/** The order gauges are listed in within a scope: the desk-killers first. */
const RULE_ORDER: readonly string[] = [
  "max_daily_loss",
  "max_drawdown",
  "max_var",
  "max_gross_exposure",
  "max_position_notional",
  "max_concentration",
  "max_depth_multiple",
  "max_order_notional",
  "max_orders_per_minute",
  "venue_errors",
];

const KIND_ORDER: Readonly<Record<RiskScope["kind"], number>> = { desk: 0, farm: 1, agent: 2 };

export interface GaugeGroup {
  readonly key: string;
  readonly scope: RiskScope;
  readonly gauges: readonly LimitUsage[];
  /** The worst tone of the group's gauges. */
  readonly tone: GaugeTone;
}

const TONE_RANK: Readonly<Record<GaugeTone, number>> = { ok: 0, warn: 1, breach: 2 };

export function worstTone(tones: Iterable<GaugeTone>): GaugeTone {
  let worst: GaugeTone = "ok";
  for (const t of tones) if (TONE_RANK[t] > TONE_RANK[worst]) worst = t;
  return worst;
}

function ruleRank(rule: string): number {
  const i = RULE_ORDER.indexOf(rule);
  return i === -1 ? RULE_ORDER.length : i;
}

/**
 * Usage grouped by scope (desk, then farms, then agents, each by id) with rules in a fixed
 * order, so gauges keep their place as values move.
 */
export function groupUsage(usage: readonly LimitUsage[]): GaugeGroup[] {
  const groups = new Map<string, { scope: RiskScope; gauges: LimitUsage[] }>();
  for (const u of usage) {
    const key = scopeKey(u.scope);
    let g = groups.get(key);
    if (!g) {
      g = { scope: u.scope, gauges: [] };
      groups.set(key, g);
    }
    g.gauges.push(u);
  }
  return [...groups.entries()]
    .map(([key, g]) => ({
      key,
      scope: g.scope,
      gauges: g.gauges.sort((a, b) => ruleRank(a.rule) - ruleRank(b.rule) || a.rule.localeCompare(b.rule)),
      tone: worstTone(g.gauges.map((u) => gaugeTone(u.ratio))),
    }))
    .sort((a, b) => KIND_ORDER[a.scope.kind] - KIND_ORDER[b.scope.kind] || a.key.localeCompare(b.key));
}

/** How many gauges are amber and how many red: the Limits panel's summary. */
export function toneCounts(usage: readonly LimitUsage[]): { warn: number; breach: number } {
  let warn = 0;
  let breach = 0;
  for (const u of usage) {
    const t = gaugeTone(u.ratio);
    if (t === "warn") warn++;
    else if (t === "breach") breach++;
  }
  return { warn, breach };
}
