import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import type { AgentConfig } from "../../../../core/agents/types.ts";
import { createCommand } from "../../command.ts";
import { ErrorNote, Field, Panel, SuccessNote } from "../../components.tsx";
import { type ParamField, paramFields, type Strategy } from "../backtests/model.ts";
import { agentsApi, type ConfigBody } from "./agents-api.ts";
import { BAR_INTERVALS, type ConfigForm, configBody, type FormProblem, formFromConfig } from "./config-model.ts";

type SetField = <K extends keyof ConfigForm>(key: K, value: ConfigForm[K]) => void;

const problemFor = (p: FormProblem | null, field: string) => (p?.field === field ? p.message : null);

/** One strategy parameter, typed by its JSON Schema (number, whole number, choice, switch). */
function ParamInput(props: { field: ParamField; value: string | boolean | undefined; readOnly: boolean; problem: FormProblem | null; onInput: (v: string | boolean) => void }) {
  const f = () => props.field;
  const bounds = () => [f().min !== undefined ? `≥ ${f().min}` : "", f().max !== undefined ? `≤ ${f().max}` : ""].filter(Boolean).join(", ");
  const value = () => props.value ?? f().defaultValue;
  return (
    <Field label={f().name} hint={`${f().description}${bounds() ? ` (${bounds()})` : ""}`} error={problemFor(props.problem, `param:${f().name}`)}>
      <Show when={f().kind === "boolean"} fallback={
        <Show when={f().kind === "enum"} fallback={<input type="number" data-testid={`cfg-param-${f().name}`} disabled={props.readOnly} min={f().min} max={f().max} step={f().kind === "integer" ? 1 : "any"} value={String(value())} onInput={(e) => props.onInput(e.currentTarget.value)} />}>
          <select data-testid={`cfg-param-${f().name}`} disabled={props.readOnly} value={String(value())} onChange={(e) => props.onInput(e.currentTarget.value)}>
            <For each={f().options ?? []}>{(o) => <option value={o}>{o}</option>}</For>
          </select>
        </Show>
      }>
        <input type="checkbox" data-testid={`cfg-param-${f().name}`} disabled={props.readOnly} checked={Boolean(value())} onChange={(e) => props.onInput(e.currentTarget.checked)} />
      </Show>
    </Field>
  );
}

/** The sizing mode and the fields it uses. */
function SizingInputs(props: { form: ConfigForm; set: SetField; readOnly: boolean; problem: FormProblem | null }) {
  const text = (key: "fraction" | "targetVolatility" | "maxFraction" | "lookbackBars", label: string, hint: string) => (
    <Field label={label} hint={hint} error={problemFor(props.problem, key)}>
      <input type="text" inputmode="decimal" data-testid={`cfg-${key}`} disabled={props.readOnly} value={props.form[key]} onInput={(e) => props.set(key, e.currentTarget.value)} />
    </Field>
  );
  return (
    <div class="cfg-row">
      <Field label="Sizing">
        <select data-testid="cfg-sizing-mode" disabled={props.readOnly} value={props.form.sizingMode} onChange={(e) => props.set("sizingMode", e.currentTarget.value as ConfigForm["sizingMode"])}>
          <option value="volatility_target">volatility target</option>
          <option value="fixed_fraction">fixed fraction</option>
        </select>
      </Field>
      <Show when={props.form.sizingMode === "fixed_fraction"} fallback={<>{text("targetVolatility", "Target vol", "annualized, e.g. 0.2")}{text("maxFraction", "Max fraction", "of equity, cap")}{text("lookbackBars", "Lookback", "bars")}</>}>
        {text("fraction", "Fraction", "of equity per instrument, (0, 1]")}
      </Show>
    </div>
  );
}

/** The agent's parameters: strategy and its schema's fields, instruments, interval, cycle, sizing. Traders save (PUT config). */
export function ConfigPanel(props: { slug: string; config: AgentConfig; strategies: readonly Strategy[]; canAct: boolean; onSaved: (c: AgentConfig) => void }) {
  const [form, setForm] = createSignal<ConfigForm>(formFromConfig(props.config));
  const [problem, setProblem] = createSignal<FormProblem | null>(null);
  const [saved, setSaved] = createSignal(false);
  const [dirty, setDirty] = createSignal(false);
  createEffect(on(() => [props.slug, props.config.version] as const, () => dirty() || setForm(formFromConfig(props.config))));
  const strategy = createMemo(() => props.strategies.find((s) => s.id === form().strategy));
  const fields = createMemo(() => (strategy() ? paramFields(strategy() as Strategy) : []));
  // The agent's own strategy is always an option, even before (or without) GET /api/strategies.
  const strategyOptions = createMemo(() => (strategy() ? props.strategies : [...props.strategies, { id: form().strategy, name: form().strategy }]));
  const save = createCommand((body: ConfigBody, key: string) => agentsApi.configure(props.slug, body, key));
  const set: SetField = (key, value) => {
    // A new strategy starts from its own defaults and instruments (empty: the server's defaults).
    setForm((f) => ({ ...f, [key]: value, ...(key === "strategy" ? { params: {}, symbols: "", venues: "" } : {}) }));
    setDirty(true);
    setSaved(false);
  };
  async function submit(e: Event) {
    e.preventDefault();
    const out = configBody(form(), fields());
    setProblem("problem" in out ? out.problem : null);
    if ("problem" in out) return;
    const reply = await save.submit(out.body);
    if (!reply) return;
    setDirty(false);
    setSaved(true);
    props.onSaved(reply.config);
  }
  const readOnly = () => !props.canAct;
  return (
    <Panel title="Parameters" testid="agent-config" aside={<span class="faint small-note">version {props.config.version}</span>}>
      <form class="form" novalidate onSubmit={(e) => void submit(e)}>
        <Field label="Strategy" hint={strategy()?.description}>
          <select data-testid="cfg-strategy" disabled={readOnly()} value={form().strategy} onChange={(e) => set("strategy", e.currentTarget.value)}>
            <For each={strategyOptions()}>{(s) => <option value={s.id}>{s.name}</option>}</For>
          </select>
        </Field>
        <div class="cfg-params">
          <For each={fields()}>{(f) => <ParamInput field={f} value={form().params[f.name]} readOnly={readOnly()} problem={problem()} onInput={(v) => set("params", { ...form().params, [f.name]: v })} />}</For>
        </div>
        <div class="cfg-row">
          <Field label="Symbols" hint="comma-separated; empty: the strategy's" error={problemFor(problem(), "symbols")}>
            <input type="text" data-testid="cfg-symbols" disabled={readOnly()} value={form().symbols} onInput={(e) => set("symbols", e.currentTarget.value)} />
          </Field>
          <Field label="Venues" hint="comma-separated; empty: the strategy's" error={problemFor(problem(), "venues")}>
            <input type="text" data-testid="cfg-venues" disabled={readOnly()} value={form().venues} onInput={(e) => set("venues", e.currentTarget.value)} />
          </Field>
        </div>
        <div class="cfg-row">
          <Field label="Bar interval">
            <select data-testid="cfg-interval" disabled={readOnly()} value={form().barInterval} onChange={(e) => set("barInterval", e.currentTarget.value as ConfigForm["barInterval"])}>
              <For each={BAR_INTERVALS}>{(i) => <option value={i}>{i}</option>}</For>
            </select>
          </Field>
          <Field label="Cycle (seconds)" error={problemFor(problem(), "cycleSeconds")}>
            <input type="number" data-testid="cfg-cycle" disabled={readOnly()} min={1} step="any" value={form().cycleSeconds} onInput={(e) => set("cycleSeconds", e.currentTarget.value)} />
          </Field>
        </div>
        <SizingInputs form={form()} set={set} readOnly={readOnly()} problem={problem()} />
        <ErrorNote error={save.error()} testid="cfg-error" />
        <Show when={saved()}><SuccessNote testid="cfg-saved">Saved: the next cycle uses it.</SuccessNote></Show>
        <Show when={props.canAct}>
          <div class="button-row">
            <button type="submit" class="primary" data-testid="cfg-save" disabled={save.busy() || !dirty()}>{save.busy() ? "Saving…" : "Save parameters"}</button>
            <button type="button" data-testid="cfg-reset" disabled={!dirty()} onClick={() => { setForm(formFromConfig(props.config)); setDirty(false); setProblem(null); save.clearError(); }}>Reset</button>
          </div>
        </Show>
      </form>
    </Panel>
  );
}
