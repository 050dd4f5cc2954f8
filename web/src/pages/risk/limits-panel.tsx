import { createMemo, createSignal, For, Index, Show } from "solid-js";
import type { LimitsConfig, LimitUsage } from "../../../../core/risk/types.ts";
import { Panel } from "../../components.tsx";
import { GAUGE_WARN, gaugeFill, type GaugeGroup, gaugeTone, groupUsage, toneCounts } from "./gauges.ts";
import { formatLimitValue, formatPct, ruleLabel, scopeKey } from "./risk-format.ts";

/**
 * Limit gauges from the report's usage: the desk's in full, each farm and agent on one line
 * (its worst gauge) unless it is amber or red or opened.
 */
export function LimitsPanel(props: { usage: readonly LimitUsage[]; limits: LimitsConfig }) {
  const groups = createMemo(() => groupUsage(props.usage));
  const counts = createMemo(() => toneCounts(props.usage));
  const [open, setOpen] = createSignal<ReadonlySet<string>>(new Set(["desk"]));
  const toggle = (key: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return (
    <Panel
      title="Limits"
      testid="limits-panel"
      aside={
        <span class="panel-note" data-testid="limits-summary">
          <Show when={counts().breach > 0}>
            <span class="run-tag bad">{counts().breach} breached</span>{" "}
          </Show>
          <Show when={counts().warn > 0}>
            <span class="run-tag warn">{counts().warn} near</span>{" "}
          </Show>
          <Show when={counts().breach === 0 && counts().warn === 0}>all within {formatPct(GAUGE_WARN, 0)}</Show>
        </span>
      }
    >
      <Show when={groups().length > 0} fallback={<div class="empty-note">No limit usage reported yet.</div>}>
        <div class="gauge-groups">
          <For each={groups().map((g) => g.key)}>
            {(key) => {
              const group = () => groups().find((g) => g.key === key);
              return (
                <Show when={group()}>
                  {(g) => <GaugeGroupView group={g()} open={open().has(key) || g().tone !== "ok"} onToggle={() => toggle(key)} />}
                </Show>
              );
            }}
          </For>
        </div>
      </Show>
      <div class="panel-foot" data-testid="limits-config">
        {props.limits.coolDownMinutes === null ? "breakers stay tripped until an admin resumes" : `breakers resume after ${props.limits.coolDownMinutes} min`} · venue breaker at{" "}
        {props.limits.venueErrorThreshold} errors / 5 min · stop distance {formatPct(Number(props.limits.desk.stopDistance), 1)}
      </div>
    </Panel>
  );
}

function GaugeGroupView(props: { group: GaugeGroup; open: boolean; onToggle: () => void }) {
  const worst = () => props.group.gauges.reduce<LimitUsage | null>((w, u) => (w === null || u.ratio > w.ratio ? u : w), null);
  const isDesk = () => props.group.scope.kind === "desk";
  return (
    <div class={`gauge-group tone-${props.group.tone}`} data-testid={`gauge-group-${props.group.key}`}>
      <button type="button" class="gauge-group-head" aria-expanded={props.open} onClick={() => props.onToggle()}>
        <span class="caret-glyph">{props.open ? "▾" : "▸"}</span>
        <span class={`kind-tag ${isDesk() ? "treasury" : props.group.scope.kind}`}>{props.group.scope.kind.toUpperCase()}</span>
        <span class="gauge-scope mono">{isDesk() ? "desk" : props.group.key}</span>
        <Show when={!props.open && worst()}>
          {(w) => (
            <span class={`gauge-worst tone-${gaugeTone(w().ratio)}`}>
              {ruleLabel(w().rule)} {formatPct(w().ratio, 0)}
            </span>
          )}
        </Show>
      </button>
      <Show when={props.open}>
        <div class="gauges">
          <Index each={props.group.gauges}>{(u) => <Gauge usage={u()} />}</Index>
        </div>
      </Show>
    </div>
  );
}

/** One limit: value against limit, a bar filled to the ratio, amber from 80%, red at 100%. */
export function Gauge(props: { usage: LimitUsage }) {
  const tone = () => gaugeTone(props.usage.ratio);
  const value = () => formatLimitValue(props.usage.rule, props.usage.value);
  const limit = () => formatLimitValue(props.usage.rule, props.usage.limit);
  return (
    <div
      class={`gauge tone-${tone()}`}
      data-testid={`gauge-${scopeKey(props.usage.scope)}-${props.usage.rule}`}
      data-tone={tone()}
      data-ratio={props.usage.ratio}
      role="meter"
      aria-label={`${ruleLabel(props.usage.rule)}: ${value()} of ${limit()}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(gaugeFill(props.usage.ratio))}
      aria-valuetext={formatPct(props.usage.ratio, 1)}
    >
      <div class="gauge-head">
        <span class="gauge-rule">{ruleLabel(props.usage.rule)}</span>
        <span class="gauge-values mono">
          {value()} <span class="faint">/ {limit()}</span>
        </span>
        <span class="gauge-pct mono">{formatPct(props.usage.ratio, 0)}</span>
      </div>
      <div class="gauge-track">
        <div class="gauge-fill" style={{ width: `${gaugeFill(props.usage.ratio)}%` }} />
        <div class="gauge-tick" style={{ left: `${GAUGE_WARN * 100}%` }} />
      </div>
    </div>
  );
}
