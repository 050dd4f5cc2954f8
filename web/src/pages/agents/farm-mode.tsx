import { createEffect, createSignal, For, on, Show } from "solid-js";
import type { FarmModeName, FarmSummary } from "../../../../core/farm/types.ts";
import { createCommand } from "../../command.ts";
import { ErrorNote, Field, Panel } from "../../components.tsx";
import { clockTime } from "../../format.ts";
import { agentsApi, type FarmModeBody } from "./agents-api.ts";
import { FARM_MODES, farmModeBody, type FormProblem } from "./config-model.ts";
import { agentSlug, farmSlug } from "./model.ts";

const MODE_HINTS: Readonly<Record<FarmModeName, string>> = {
  independent: "each agent acts alone",
  collaborative: "signals are merged: opposite views net out",
  hierarchical: "the lead agent approves or vetoes the others' orders",
  consensus: "an order needs a quorum of the farm's agents",
  emergency: "no new risk: flatten or hold",
};

/** The mode switch (traders): a mode and the setting it needs; emergency asks for a confirm. */
function ModeSwitch(props: { farm: FarmSummary; onChanged: () => void }) {
  const [mode, setMode] = createSignal<FarmModeName>(props.farm.mode.mode);
  const [lead, setLead] = createSignal(props.farm.mode.lead ?? "");
  const [quorum, setQuorum] = createSignal(String(props.farm.mode.quorum));
  const [emergency, setEmergency] = createSignal<"flatten" | "hold">(props.farm.mode.emergency);
  const [reason, setReason] = createSignal("");
  const [problem, setProblem] = createSignal<FormProblem | null>(null);
  const [confirming, setConfirming] = createSignal(false);
  createEffect(on(() => props.farm.mode.updatedAtMs, () => setMode(props.farm.mode.mode), { defer: true }));
  const apply = createCommand((body: FarmModeBody, key: string) => agentsApi.setFarmMode(farmSlug(props.farm.id), body, key));
  async function submit(e: Event) {
    e.preventDefault();
    const out = farmModeBody(mode(), lead(), quorum(), emergency(), reason());
    setProblem("problem" in out ? out.problem : null);
    if ("problem" in out) return;
    if (mode() === "emergency" && !confirming()) return void setConfirming(true);
    setConfirming(false);
    if (!(await apply.submit(out.body))) return;
    setReason("");
    props.onChanged();
  }
  return (
    <form class="form farm-mode-form" novalidate onSubmit={(e) => void submit(e)}>
      <div class="cfg-row">
        <Field label="Mode" hint={MODE_HINTS[mode()]}>
          <select data-testid="farm-mode-select" value={mode()} onChange={(e) => { setMode(e.currentTarget.value as FarmModeName); setConfirming(false); }}>
            <For each={FARM_MODES}>{(m) => <option value={m}>{m}</option>}</For>
          </select>
        </Field>
        <Show when={mode() === "hierarchical"}>
          <Field label="Lead agent" error={problem()?.field === "lead" ? problem()?.message : null}>
            <select data-testid="farm-mode-lead" value={lead()} onChange={(e) => setLead(e.currentTarget.value)}>
              <option value="">choose…</option>
              <For each={props.farm.agents}>{(a) => <option value={a.id}>{agentSlug(a.id)}</option>}</For>
            </select>
          </Field>
        </Show>
        <Show when={mode() === "consensus"}>
          <Field label="Quorum" hint="share that must agree, (0, 1]" error={problem()?.field === "quorum" ? problem()?.message : null}>
            <input type="text" inputmode="decimal" data-testid="farm-mode-quorum" value={quorum()} onInput={(e) => setQuorum(e.currentTarget.value)} />
          </Field>
        </Show>
        <Show when={mode() === "emergency"}>
          <Field label="Emergency">
            <select data-testid="farm-mode-emergency" value={emergency()} onChange={(e) => setEmergency(e.currentTarget.value as "flatten" | "hold")}>
              <option value="hold">hold (nothing sold)</option>
              <option value="flatten">flatten (sell everything)</option>
            </select>
          </Field>
        </Show>
      </div>
      <Field label="Reason" hint="optional: kept with the mode" error={problem()?.field === "reason" ? problem()?.message : null}>
        <input type="text" data-testid="farm-mode-reason" value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
      <ErrorNote error={apply.error()} testid="farm-mode-error" />
      <div class="button-row">
        <button type="submit" class="small" classList={{ danger: confirming() }} data-testid="farm-mode-apply" disabled={apply.busy()}>
          {confirming() ? `Confirm: ${emergency()} the whole farm` : "Switch mode"}
        </button>
      </div>
    </form>
  );
}

/** The agent's farm: its decision mode, who set it and why; traders switch it. */
export function FarmModePanel(props: { farm: FarmSummary | null; farmId: string | null; canAct: boolean; onChanged: () => void }) {
  return (
    <Panel title="Farm" testid="agent-farm">
      <Show when={props.farm} fallback={<div class="empty-note">{props.farmId ? `Loading ${props.farmId}…` : "This agent belongs to no farm."}</div>}>
        {(f) => (
          <>
            <div class="farm-mode-now">
              <span class="mono">{f().name}</span> runs{" "}
              <span class={`farm-mode-tag mode-${f().mode.mode}`} data-testid="farm-mode" data-mode={f().mode.mode}>
                {f().mode.mode}
              </span>
              <Show when={f().mode.mode === "hierarchical" && f().mode.lead}>{(l) => <span class="faint"> · lead {agentSlug(l())}</span>}</Show>
              <Show when={f().mode.mode === "consensus"}><span class="faint"> · quorum {f().mode.quorum}</span></Show>
              <Show when={f().mode.mode === "emergency"}><span class="faint"> · {f().mode.emergency}</span></Show>
            </div>
            <div class="faint small-note">
              set by {f().mode.setBy} <span data-clock="">at {clockTime(f().mode.updatedAtMs)}</span>
              <Show when={f().mode.reason}>: “{f().mode.reason}”</Show>
            </div>
            <Show when={props.canAct}>
              <ModeSwitch farm={f()} onChanged={props.onChanged} />
            </Show>
          </>
        )}
      </Show>
    </Panel>
  );
}
