import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import type { Halt, RiskScope } from "../../../../core/risk/types.ts";
import { createCommand } from "../../command.ts";
import { ErrorNote, Panel, SuccessNote } from "../../components.tsx";
import { clockTime } from "../../format.ts";
import { type HaltChange, haltOf, REASON_MAX, reasonProblem, scopeBody, type ScopeBody } from "./model.ts";
import { riskApi } from "./risk-api.ts";
import { scopeFromKey, scopeKey, scopeLabel } from "./risk-format.ts";

export const REASON_INPUT_ID = "risk-halt-reason";

type Body = ScopeBody & { reason: string };

/**
 * The kill switch (admins only): halt the desk, a farm or an agent with a reason, after a
 * confirmation; resume a halted one, also with a reason. The page shows the change at once and
 * the report confirms it.
 */
export function KillSwitch(props: {
  scopes: readonly RiskScope[];
  halts: readonly Halt[];
  scopeKey: string;
  onScope: (key: string) => void;
  onChange: (change: HaltChange) => void;
}) {
  const [reason, setReason] = createSignal("");
  const [touched, setTouched] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [done, setDone] = createSignal<string | null>(null);
  const halt = createCommand((body: Body, key: string) => riskApi.halt(body, key));
  const resume = createCommand((body: Body, key: string) => riskApi.resume(body, key));

  const scope = createMemo((): RiskScope => scopeFromKey(props.scopeKey) ?? { kind: "desk" });
  const current = createMemo(() => haltOf(props.halts, scope()));
  const problem = () => (touched() ? reasonProblem(reason()) : null);
  const busy = () => halt.busy() || resume.busy();
  const what = () => (scope().kind === "desk" ? "desk" : scopeLabel(scope()));
  const options = createMemo(() => {
    const keys = props.scopes.map(scopeKey);
    return keys.includes(props.scopeKey) ? keys : [props.scopeKey, ...keys];
  });

  // A new scope is a new question: drop the confirmation and the last outcome.
  createEffect(
    on(
      () => props.scopeKey,
      () => {
        setConfirming(false);
        halt.clearError();
        resume.clearError();
      },
      { defer: true },
    ),
  );

  function askHalt() {
    setTouched(true);
    setDone(null);
    if (reasonProblem(reason())) return;
    setConfirming(true);
  }

  async function confirmHalt() {
    const target = scope();
    const reply = await halt.submit({ ...scopeBody(target), reason: reason().trim() });
    setConfirming(false);
    if (!reply) return;
    props.onChange({ kind: "halted", halt: reply.halt, atMs: Date.now() });
    setDone(`Halted ${scopeLabel(reply.halt.scope)} at ${clockTime(reply.halt.atMs)}.`);
    setReason("");
    setTouched(false);
  }

  async function doResume() {
    setTouched(true);
    setDone(null);
    setConfirming(false);
    if (reasonProblem(reason())) return;
    const reply = await resume.submit({ ...scopeBody(scope()), reason: reason().trim() });
    if (!reply) return;
    props.onChange({ kind: "resumed", scope: reply.resumed, by: reply.by, atMs: Date.now() });
    setDone(`Resumed ${scopeLabel(reply.resumed)}.`);
    setReason("");
    setTouched(false);
  }

  return (
    <Panel title="Kill switch" testid="kill-switch" aside={<span class="role-badge admin">admin</span>}>
      <div class="form kill-form">
        <label class="field-control">
          <span class="field-label">Scope</span>
          <select data-testid="kill-scope" value={props.scopeKey} onChange={(e) => props.onScope(e.currentTarget.value)}>
            <For each={options()}>
              {(key) => (
                <option value={key} selected={key === props.scopeKey}>
                  {key === "desk" ? "Desk (every agent)" : key}
                  {haltOf(props.halts, scopeFromKey(key) ?? { kind: "desk" }) ? " — halted" : ""}
                </option>
              )}
            </For>
          </select>
        </label>
        <div class="field" classList={{ invalid: !!problem() }}>
          <label class="field-control">
            <span class="field-label">Reason (required, logged with the halt)</span>
            <input
              id={REASON_INPUT_ID}
              data-testid="halt-reason"
              type="text"
              maxLength={REASON_MAX + 50}
              placeholder={current() ? "why trading may resume" : "why trading must stop"}
              value={reason()}
              onInput={(e) => {
                setReason(e.currentTarget.value);
                setConfirming(false);
              }}
            />
          </label>
          <Show when={problem()}>
            <span class="field-error" data-testid="halt-reason-error">
              {problem()}
            </span>
          </Show>
        </div>
        <Show when={current()}>
          {(h) => (
            <div class="kill-state" data-testid="kill-state">
              <span class="run-tag bad">halted</span> {h().reason} <span class="faint">· {h().by}</span>
            </div>
          )}
        </Show>
        <Show
          when={confirming()}
          fallback={
            <div class="button-row tight kill-buttons">
              <button type="button" class="danger kill-halt" data-testid="halt-submit" disabled={busy() || !!current()} onClick={askHalt}>
                Halt {what()}
              </button>
              <button type="button" data-testid="resume-submit" disabled={busy() || !current()} onClick={() => void doResume()}>
                {resume.busy() ? "Resuming…" : `Resume ${what()}`}
              </button>
            </div>
          }
        >
          <div class="kill-confirm" role="alertdialog" aria-label={`Confirm halting ${what()}`} data-testid="halt-confirm-box">
            <p>
              {scope().kind === "desk"
                ? "Stop all trading on the desk? Every new order is refused until an admin resumes."
                : `Stop trading for ${what()}? Its new orders are refused until resumed.`}
            </p>
            <div class="button-row tight">
              <button type="button" class="danger kill-halt" data-testid="halt-confirm" disabled={busy()} onClick={() => void confirmHalt()}>
                {halt.busy() ? "Halting…" : `Confirm: halt ${what()}`}
              </button>
              <button type="button" data-testid="halt-cancel" disabled={busy()} onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        </Show>
        <ErrorNote error={halt.error() ?? resume.error()} testid="kill-error" />
        <Show when={done()}>
          <SuccessNote testid="kill-result">{done()}</SuccessNote>
        </Show>
      </div>
    </Panel>
  );
}
