import { For, Show } from "solid-js";
import type { DecisionRecord } from "../../../../core/agents/types.ts";
import { Panel, Price } from "../../components.tsx";
import { clockTime } from "../../format.ts";
import { OutcomeTag } from "./bits.tsx";

/** One cycle: when, what became of it, the order it meant, and why in the strategy's words. */
function DecisionRow(props: { d: DecisionRecord }) {
  const d = () => props.d;
  return (
    <li class="decision" data-testid="decision" data-outcome={d().outcome} data-id={d().id}>
      <div class="decision-head">
        <span class="mono faint" data-clock="">
          {clockTime(d().atMs)}
        </span>
        <OutcomeTag outcome={d().outcome} />
        <Show when={d().side !== "hold"}>
          <span class={`side-tag ${d().side}`}>{d().side}</span>
        </Show>
        <Show when={d().quantity}>{(q) => <Price value={q()} />}</Show>
        <Show when={d().symbol}>{(s) => <span class="mono">{s()}</span>}</Show>
        <Show when={d().price}>
          {(p) => (
            <span class="faint">
              @ <Price value={p()} muted />
            </span>
          )}
        </Show>
        <span class="decision-mode faint">{d().mode}</span>
      </div>
      <div class="decision-reason" data-testid="decision-reason">
        {d().reason}
      </div>
    </li>
  );
}

/** The agent's last decisions, newest first; new ones arrive live. */
export function DecisionsPanel(props: { decisions: readonly DecisionRecord[] }) {
  return (
    <Panel title="Decisions" testid="agent-decisions" aside={<span class="faint small-note">live · newest first</span>}>
      <Show when={props.decisions.length > 0} fallback={<div class="empty-note">No decision yet: the agent decides every cycle.</div>}>
        <ol class="decision-list">
          <For each={props.decisions}>{(d) => <DecisionRow d={d} />}</For>
        </ol>
      </Show>
    </Panel>
  );
}
