import { createEffect, createMemo, createSignal, Show, untrack } from "solid-js";
import { api } from "../../auth.ts";
import { createCommand } from "../../command.ts";
import { Amount, ErrorNote, Field, Panel, SuccessNote } from "../../components.tsx";
import type { Move, Role, WalletNode } from "../../types.ts";
import { amountError, normalizeAmount } from "../../validate.ts";
import { keepValid, moveOptions, moveSummary } from "./options.ts";
import { WalletSelect } from "./wallet-select.tsx";

/** Collect: bring capital up the tree (agent → its farm or the treasury, farm → treasury). */
export function CollectForm(props: { tree: WalletNode; role: Role; asset: string; onDone: () => void }) {
  const options = createMemo(() => moveOptions(props.tree, props.role));
  const [from, setFrom] = createSignal("");
  const [to, setTo] = createSignal("");
  const [amount, setAmount] = createSignal("");
  const [fieldError, setFieldError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal<Move | null>(null);

  const sources = createMemo(() => options().collectionSources());
  const targets = createMemo(() => options().collectionTargets(from()));
  createEffect(() => setFrom(keepValid(sources(), untrack(from))));
  createEffect(() => setTo(keepValid(targets(), untrack(to))));

  const source = () => options().rules.get(from());
  const command = createCommand((body: { from: string; to?: string; amount?: string }, key: string) =>
    api.collect(body, { idempotencyKey: key }),
  );

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setDone(null);
    command.clearError();
    const value = normalizeAmount(amount());
    const problem = !from() ? "choose a wallet to collect from" : value === "" ? null : amountError(value, props.asset);
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
            <WalletSelect testid="collect-from" options={sources()} value={from()} onChange={setFrom} empty="no wallet" />
          </Field>
          <Field label="To">
            <WalletSelect testid="collect-to" options={targets()} value={to()} onChange={setTo} empty="no wallet" />
          </Field>
        </div>
        <Field
          label={`Amount (${props.asset}, blank = all)`}
          error={fieldError()}
          errorTestid="collect-field-error"
          hint={
            <Show when={source()}>
              {(s) => (
                <span>
                  avail <Amount value={s().available[props.asset]} asset={props.asset} />
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
