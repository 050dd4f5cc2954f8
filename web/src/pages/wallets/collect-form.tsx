import { createEffect, createMemo, createSignal, For, Show } from "solid-js";
import { api } from "../../auth.ts";
import { createCommand } from "../../command.ts";
import { Amount, ErrorNote, Field, Panel, SuccessNote } from "../../components.tsx";
import type { Move, Role, WalletNode } from "../../types.ts";
import { amountError, normalizeAmount } from "../../validate.ts";
import { flatten, isAdmin, routes } from "../../wallet-tree.ts";
import { moveSummary, type WalletOption } from "./options.ts";

/** Collect: bring capital up the tree (agent → its farm or the treasury, farm → treasury). */
export function CollectForm(props: { tree: WalletNode; role: Role; asset: string; onDone: () => void }) {
  const nodes = createMemo(() => flatten(props.tree).map((row) => row.node));
  const rules = createMemo(() => routes(props.tree));

  const [from, setFrom] = createSignal("");
  const [to, setTo] = createSignal("");
  const [amount, setAmount] = createSignal("");
  const [fieldError, setFieldError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal<Move | null>(null);

  const parentOf = (id: string) => rules().get(id)?.parent ?? "treasury";

  // Archived wallets may still send their money home; overseers hold none to send.
  const sources = createMemo<WalletOption[]>(() =>
    nodes()
      .filter((n) => n.kind !== "treasury" && n.role !== "overseer")
      .flatMap((n) => {
        const plan = rules().collection(n.id, parentOf(n.id));
        if (!plan.ok) return [];
        const adminOnly = plan.plan.touchesTreasury && !isAdmin(props.role);
        const suffix = n.status === "archived" ? " · archived" : "";
        return [
          {
            id: n.id,
            label: n.kind === "agent" ? `\u00a0\u00a0↳ ${n.name}${suffix}` : `${n.name}${suffix}`,
            disabled: adminOnly,
            note: adminOnly ? "admin" : undefined,
          },
        ];
      }),
  );

  /** "" means the sender's parent, which the API picks when `to` is left out. */
  const targets = createMemo<WalletOption[]>(() => {
    const sender = from();
    if (!sender) return [];
    const parent = parentOf(sender);
    const options: WalletOption[] = [{ id: "", label: `Parent · ${parent}`, disabled: false }];
    if (parent !== "treasury") {
      const plan = rules().collection(sender, "treasury");
      if (plan.ok) options.push({ id: "treasury", label: "Treasury", disabled: !isAdmin(props.role), note: isAdmin(props.role) ? undefined : "admin" });
    }
    return options;
  });

  createEffect(() => {
    const enabled = sources().filter((o) => !o.disabled);
    if (!enabled.some((o) => o.id === from())) setFrom(enabled[0]?.id ?? "");
  });
  createEffect(() => {
    const enabled = targets().filter((o) => !o.disabled);
    if (!enabled.some((o) => o.id === to())) setTo(enabled[0]?.id ?? "");
  });

  const source = () => rules().get(from());
  const command = createCommand((body: { from: string; to?: string; amount?: string }, key: string) =>
    api.collect(body, { idempotencyKey: key }),
  );

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setDone(null);
    command.clearError();
    const value = normalizeAmount(amount());
    const problem = !from() ? "choose a wallet to collect from" : value === "" ? null : amountError(value);
    setFieldError(problem);
    if (problem) return;
    const body = { from: from(), ...(to() ? { to: to() } : {}), ...(value ? { amount: value } : {}) };
    const reply = await command.submit(body);
    if (!reply) return;
    setDone(reply.move);
    setAmount("");
    props.onDone();
  }

  return (
    <Panel title="Collect" testid="collect-panel">
      <form class="form" onSubmit={submit} data-testid="collect-form" novalidate>
        <div class="row2">
          <Field label="From">
            <select data-testid="collect-from" value={from()} onChange={(e) => setFrom(e.currentTarget.value)}>
              <For each={sources()} fallback={<option value="">no wallet</option>}>
                {(o) => (
                  <option value={o.id} disabled={o.disabled}>
                    {o.label}
                    {o.note ? ` (${o.note})` : ""}
                  </option>
                )}
              </For>
            </select>
          </Field>
          <Field label="To">
            <select data-testid="collect-to" value={to()} onChange={(e) => setTo(e.currentTarget.value)}>
              <For each={targets()}>
                {(o) => (
                  <option value={o.id} disabled={o.disabled}>
                    {o.label}
                    {o.note ? ` (${o.note})` : ""}
                  </option>
                )}
              </For>
            </select>
          </Field>
        </div>
        <Field
          label={`Amount (${props.asset}, blank = all)`}
          error={fieldError()}
          hint={
            <Show when={source()}>
              {(s) => (
                <span>
                  avail <Amount value={s().available[props.asset]} />
                </span>
              )}
            </Show>
          }
        >
          <input
            data-testid="collect-amount"
            class="mono"
            inputmode="decimal"
            autocomplete="off"
            placeholder="all available"
            value={amount()}
            onInput={(e) => {
              setAmount(e.currentTarget.value);
              setFieldError(null);
            }}
          />
        </Field>
        <button class="primary" type="submit" data-testid="collect-submit" disabled={command.busy() || !from()}>
          {command.busy() ? "Collecting…" : "Collect"}
        </button>
        <ErrorNote error={command.error()} testid="collect-error" />
        <Show when={done()}>{(d) => <SuccessNote testid="collect-result">{moveSummary(d(), props.asset)}</SuccessNote>}</Show>
      </form>
    </Panel>
  );
}
