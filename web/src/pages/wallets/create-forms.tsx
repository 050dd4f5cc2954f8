import { createEffect, createMemo, createSignal, For } from "solid-js";
import { createAgentBodySchema, createFarmBodySchema, STRATEGIES } from "../../../../core/schemas.ts";
import { slugify } from "../../../../core/wallets.ts";
import { api } from "../../auth.ts";
import { createCommand } from "../../command.ts";
import { ErrorNote, Field, Panel, SuccessNote } from "../../components.tsx";
import type { WalletNode } from "../../types.ts";
import { issue } from "../../validate.ts";
import { flatten } from "../../wallet-tree.ts";

type Strategy = (typeof STRATEGIES)[number];

/** New farm and new agent, side by side in one panel. */
export function CreateForms(props: { tree: WalletNode; onDone: () => void }) {
  return (
    <Panel title="Create" testid="create-panel">
      <CreateFarm onDone={props.onDone} />
      <div class="divider" />
      <CreateAgent tree={props.tree} onDone={props.onDone} />
    </Panel>
  );
}

function CreateFarm(props: { onDone: () => void }) {
  const [name, setName] = createSignal("");
  const [id, setId] = createSignal("");
  const [strategy, setStrategy] = createSignal<Strategy>("momentum");
  const [fieldError, setFieldError] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<string | null>(null);
  const command = createCommand((body: { name: string; strategy: Strategy; id?: string }, key: string) =>
    api.createFarm(body, { idempotencyKey: key }),
  );

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setCreated(null);
    command.clearError();
    const body = { name: name().trim(), strategy: strategy(), ...(id().trim() ? { id: id().trim() } : {}) };
    const problem = issue(createFarmBodySchema.safeParse(body));
    setFieldError(problem);
    if (problem) return;
    const reply = await command.submit(body);
    if (!reply) return;
    setCreated(reply.wallet.id);
    setName("");
    setId("");
    props.onDone();
  }

  return (
    <form class="form" onSubmit={submit} data-testid="create-farm-form" novalidate>
      <div class="subhead">Farm</div>
      <div class="row2">
        <Field label="Name" error={fieldError()} errorTestid="create-farm-field-error">
          <input data-testid="create-farm-name" value={name()} placeholder="Trend Desk" onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Strategy">
          <select data-testid="create-farm-strategy" onChange={(e) => setStrategy(e.currentTarget.value as Strategy)}>
            <For each={STRATEGIES}>{(s) => <option value={s} selected={s === strategy()}>
                  {s}
                </option>}</For>
          </select>
        </Field>
      </div>
      <Field label="Id (optional)">
        <input
          data-testid="create-farm-id"
          class="mono"
          value={id()}
          placeholder={slugify(name()) || "trend-desk"}
          onInput={(e) => setId(e.currentTarget.value)}
        />
      </Field>
      <button type="submit" data-testid="create-farm-submit" disabled={command.busy()}>
        Create farm
      </button>
      <ErrorNote error={command.error()} testid="create-farm-error" />
      {created() && <SuccessNote testid="create-farm-result">Created {created()}</SuccessNote>}
    </form>
  );
}

function CreateAgent(props: { tree: WalletNode; onDone: () => void }) {
  const farms = createMemo(() =>
    flatten(props.tree)
      .map((row) => row.node)
      .filter((n) => n.kind === "farm" && n.status === "active"),
  );
  const [name, setName] = createSignal("");
  const [id, setId] = createSignal("");
  const [farm, setFarm] = createSignal("");
  const [fieldError, setFieldError] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<string | null>(null);
  const command = createCommand((body: { name: string; farm: string; id?: string }, key: string) =>
    api.createAgent(body, { idempotencyKey: key }),
  );

  createEffect(() => {
    if (!farms().some((f) => f.id === farm())) setFarm(farms()[0]?.id ?? "");
  });

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setCreated(null);
    command.clearError();
    const body = { name: name().trim(), farm: farm().replace(/^farm:/, ""), ...(id().trim() ? { id: id().trim() } : {}) };
    const problem = farm() ? issue(createAgentBodySchema.safeParse(body)) : "choose a farm";
    setFieldError(problem);
    if (problem) return;
    const reply = await command.submit(body);
    if (!reply) return;
    setCreated(reply.wallet.id);
    setName("");
    setId("");
    props.onDone();
  }

  return (
    <form class="form" onSubmit={submit} data-testid="create-agent-form" novalidate>
      <div class="subhead">Agent</div>
      <div class="row2">
        <Field label="Name" error={fieldError()} errorTestid="create-agent-field-error">
          <input data-testid="create-agent-name" value={name()} placeholder="Tara Trend" onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Farm">
          <select data-testid="create-agent-farm" onChange={(e) => setFarm(e.currentTarget.value)}>
            <For each={farms()} fallback={<option value="">no active farm</option>}>
              {(f) => (
                <option value={f.id} selected={f.id === farm()}>
                  {f.name}
                </option>
              )}
            </For>
          </select>
        </Field>
      </div>
      <Field label="Id (optional)">
        <input
          data-testid="create-agent-id"
          class="mono"
          value={id()}
          placeholder={slugify(name()) || "tara-trend"}
          onInput={(e) => setId(e.currentTarget.value)}
        />
      </Field>
      <button type="submit" data-testid="create-agent-submit" disabled={command.busy() || !farm()}>
        Create agent
      </button>
      <ErrorNote error={command.error()} testid="create-agent-error" />
      {created() && <SuccessNote testid="create-agent-result">Created {created()}</SuccessNote>}
    </form>
  );
}
