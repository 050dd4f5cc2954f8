import { createMemo, createSignal, Index, Show } from "solid-js";
import type { RiskAlert } from "../../../../core/risk/types.ts";
import { Panel } from "../../components.tsx";
import { isActiveAlert } from "./model.ts";
import { isoTime, levelTone, ruleLabel, scopeLabel, timeLabel } from "./risk-format.ts";

/** The monitor's alerts, newest first: level, rule, scope, message, first and last seen, cleared. */
export function AlertsPanel(props: { alerts: readonly RiskAlert[] }) {
  const [scope, setScope] = createSignal<"active" | "all">("all");
  const active = createMemo(() => props.alerts.filter(isActiveAlert));
  const shown = createMemo(() => (scope() === "active" ? active() : props.alerts));
  const now = () => Date.now();
  return (
    <Panel
      title="Alerts"
      testid="alerts-panel"
      aside={
        <div class="segmented compact">
          <button type="button" classList={{ on: scope() === "all" }} data-testid="alerts-scope-all" onClick={() => setScope("all")}>
            All
          </button>
          <button type="button" classList={{ on: scope() === "active" }} data-testid="alerts-scope-active" onClick={() => setScope("active")}>
            Active <span class="count-badge" data-testid="active-alert-count">{active().length}</span>
          </button>
        </div>
      }
    >
      <Show when={shown().length > 0} fallback={<div class="empty-note">{scope() === "active" ? "No active alerts." : "No alerts."}</div>}>
        <ul class="alert-list" data-testid="alert-list">
          <Index each={shown()}>
            {(a) => (
              <li
                class={`alert-item level-${a().level}`}
                classList={{ cleared: !isActiveAlert(a()) }}
                data-testid="alert-row"
                data-key={a().key}
                data-level={a().level}
                data-rule={a().rule}
              >
                <div class="alert-line">
                  <span class={`run-tag ${levelTone(a().level)}`}>{a().level}</span>
                  <span class="alert-rule">{ruleLabel(a().rule)}</span>
                  <span class="alert-scope mono">{scopeLabel(a().scope)}</span>
                  <span class="alert-state">
                    <Show when={a().clearedAtMs} fallback={<span class="run-tag bad">active</span>}>
                      {(at) => (
                        <span class="run-tag ok" data-clock="" title={isoTime(at())}>
                          cleared {timeLabel(at(), now())}
                        </span>
                      )}
                    </Show>
                  </span>
                </div>
                <div class="alert-message">{a().message}</div>
                <div class="alert-times mono" data-clock="">
                  <span title={isoTime(a().firstAtMs)}>first {timeLabel(a().firstAtMs, now())}</span>
                  <Show when={a().lastAtMs !== a().firstAtMs}>
                    <span title={isoTime(a().lastAtMs)}> · last {timeLabel(a().lastAtMs, now())}</span>
                  </Show>
                </div>
              </li>
            )}
          </Index>
        </ul>
      </Show>
    </Panel>
  );
}
