import { createEffect, createMemo, createSignal, For, Show } from "solid-js";
import { rebalanceBodySchema } from "../../../../core/schemas.ts";
import { api } from "../../auth.ts";
import { createCommand } from "../../command.ts";
import { Amount, ErrorNote, Field, Panel, SuccessNote } from "../../components.tsx";
import type { Rebalance, WalletNode } from "../../types.ts";
import { issue } from "../../validate.ts";
import { flatten } from "../../wallet-tree.ts";

type Mode = "equal" | "performance";

/** Rebalance: spread a farm's capital across its agents, equally or by performance. */
export function RebalanceForm(props: { tree: WalletNode; asset: string; onDone: () => void }) {
  const farms = createMemo(() =>
    flatten(props.tree)
      .map((row) => row.node)
      .filter((n) => n.kind === "farm" && n.status === "active"),
  );
  const [farm, setFarm] = createSignal("");
  const [mode, setMode] = createSignal<Mode>("equal");
  const [fieldError, setFieldError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal<Rebalance | null>(null);

  createEffect(() => {
    if (!farms().some((f) => f.id === farm())) setFarm(farms()[0]?.id ?? "");
  });

  const command = createCommand((body: { farm: string; mode: Mode }, key: string) => api.rebalance(body, { idempotencyKey: key }));

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setDone(null);
    command.clearError();
    const body = { farm: farm(), mode: mode() };
    const problem = issue(rebalanceBodySchema.safeParse(body));
    setFieldError(problem);
    if (problem) return;
    const reply = await command.submit(body);
    if (!reply) return;
    setDone(reply.rebalance);
    props.onDone();
  }

  return (
    <Panel title="Rebalance" testid="rebalance-panel">
      <form class="form" onSubmit={submit} data-testid="rebalance-form" novalidate>
        <div class="row2">
          <Field label="Farm" error={fieldError()}
          errorTestid="rebalance-field-error">
            <select data-testid="rebalance-farm" onChange={(e) => setFarm(e.currentTarget.value)}>
              <For each={farms()} fallback={<option value="">no active farm</option>}>
                {(f) => (
                  <option value={f.id} selected={f.id === farm()}>
                    {f.name}
                  </option>
                )}
              </For>
            </select>
          </Field>
          <div class="field">
            <span class="field-label">Mode</span>
            <div class="segmented" role="radiogroup" data-testid="rebalance-mode">
              <For each={["equal", "performance"] as const}>
                {(m) => (
                  <button
                    type="button"
                    role="radio"
                    aria-checked={mode() === m}
                    classList={{ on: mode() === m }}
                    data-testid={`rebalance-mode-${m}`}
                    onClick={() => setMode(m)}
                  >
                    {m}
                  </button>
                )}
              </For>
            </div>
          </div>
        </div>
        <button class="primary" type="submit" data-testid="rebalance-submit" disabled={command.busy() || !farm()}>
          {command.busy() ? "Rebalancing…" : "Rebalance"}
        </button>
        <ErrorNote error={command.error()} testid="rebalance-error" />
        <Show when={done()}>
          {(r) => (
            <SuccessNote testid="rebalance-result">
              <div>
                Rebalance {r().mode} of {r().farm} · {r().state}
                {r().moves.length === 0 ? " · already balanced" : ""}
              </div>
              <For each={r().moves}>
                {(m) => (
                  <div class="move-line">
                    {m.from} → {m.to} <Amount value={m.amount} asset={props.asset} />
                    {m.transfer?.state === "rejected" ? ` · rejected: ${m.transfer.message ?? m.transfer.code ?? ""}` : ""}
                  </div>
                )}
              </For>
            </SuccessNote>
          )}
        </Show>
      </form>
    </Panel>
  );
}
