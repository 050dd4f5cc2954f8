import { createEffect, createMemo, createSignal, Show, untrack } from "solid-js";
import { api } from "../../auth.ts";
import { createCommand } from "../../command.ts";
import { Amount, ErrorNote, Field, Panel, SuccessNote } from "../../components.tsx";
import type { Move, Role, WalletNode } from "../../types.ts";
import { amountError, normalizeAmount } from "../../validate.ts";
import { keepValid, moveOptions, moveSummary } from "./options.ts";
import { WalletSelect } from "./wallet-select.tsx";

/** Allocate: move capital down the tree (treasury → farm or agent, farm → its agent). */
export function AllocateForm(props: { tree: WalletNode; role: Role; asset: string; onDone: () => void }) {
  const options = createMemo(() => moveOptions(props.tree, props.role));
  const [from, setFrom] = createSignal("");
  const [to, setTo] = createSignal("");
  const [amount, setAmount] = createSignal("");
  const [memo, setMemo] = createSignal("");
  const [fieldError, setFieldError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal<Move | null>(null);

  const sources = createMemo(() => options().allocationSources());
  const targets = createMemo(() => options().allocationTargets(from()));
  // Keep the selections valid as the tree and the role change.
  createEffect(() => setFrom(keepValid(sources(), untrack(from))));
  createEffect(() => setTo(keepValid(targets(), untrack(to))));

  const source = () => options().rules.get(from());
  const command = createCommand((body: { from: string; to: string; amount: string; memo?: string }, key: string) =>
    api.allocate(body, { idempotencyKey: key }),
  );

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setDone(null);
    command.clearError();
    const problem = !to() ? "choose a wallet to allocate to" : amountError(amount(), props.asset);
    setFieldError(problem);
    if (problem) return;
    const value = normalizeAmount(amount());
    const body = { from: from(), to: to(), amount: value, ...(memo().trim() ? { memo: memo().trim() } : {}) };
    const reply = await command.submit(body);
    if (!reply) return;
    setDone(reply.move);
    setAmount("");
    setMemo("");
    props.onDone();
  }

  return (
    <Panel title="Allocate" testid="allocate-panel">
      <form class="form" onSubmit={submit} data-testid="allocate-form" novalidate>
        <div class="row2">
          <Field label="From">
            <WalletSelect testid="allocate-from" options={sources()} value={from()} onChange={setFrom} empty="no wallet" />
          </Field>
          <Field label="To">
            <WalletSelect testid="allocate-to" options={targets()} value={to()} onChange={setTo} empty="no eligible wallet" />
          </Field>
        </div>
        <Field
          label={`Amount (${props.asset})`}
          error={fieldError()}
          errorTestid="allocate-field-error"
          hint={
            <Show when={source()}>
              {(s) => (
                <button type="button" class="link" title="Use all available" onClick={() => setAmount(s().available[props.asset] ?? "0")}>
                  avail <Amount value={s().available[props.asset]} asset={props.asset} />
                </button>
              )}
            </Show>
          }
        >
          <input
            data-testid="allocate-amount"
            class="mono"
            inputmode="decimal"
            autocomplete="off"
            placeholder="25000"
            value={amount()}
            onInput={(e) => {
              setAmount(e.currentTarget.value);
              setFieldError(null);
            }}
          />
        </Field>
        <Field label="Memo (optional)">
          <input data-testid="allocate-memo" maxLength={200} value={memo()} onInput={(e) => setMemo(e.currentTarget.value)} />
        </Field>
        <button class="primary" type="submit" data-testid="allocate-submit" disabled={command.busy() || !to()}>
          {command.busy() ? "Allocating…" : "Allocate"}
        </button>
        <ErrorNote error={command.error()} testid="allocate-error" />
        <Show when={done()}>
          {(d) => (
            <SuccessNote testid="allocate-result">
              {moveSummary(d(), props.asset)}
            </SuccessNote>
          )}
        </Show>
      </form>
    </Panel>
  );
}
