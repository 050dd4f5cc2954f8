import { createMemo, createSignal, For, Show } from "solid-js";
import { nameSchema } from "../../../../core/schemas.ts";
import { ApiError } from "../../api.ts";
import { api } from "../../auth.ts";
import { createCommand } from "../../command.ts";
import { Amount, ErrorNote } from "../../components.tsx";
import { isZeroAmount } from "../../format.ts";
import type { Role, WalletNode } from "../../types.ts";
import { issue } from "../../validate.ts";
import { canAct, canArchive, flatten } from "../../wallet-tree.ts";

const KIND_TAG = { treasury: "TSY", farm: "FRM", agent: "AGT" } as const;

/** The desk as a tree grid: treasury, its farms, their agents, with balances per wallet. */
export function TreeTable(props: { tree: WalletNode; asset: string; role: Role; onChanged: () => void }) {
  const [collapsed, setCollapsed] = createSignal<ReadonlySet<string>>(new Set());
  const rows = createMemo(() => {
    const hidden = collapsed();
    return flatten(props.tree).filter(({ node }) => !isUnderCollapsed(node, props.tree, hidden));
  });
  // Rows are keyed by wallet id, so a live balance update re-renders cells, not rows (an open rename stays open).
  const byId = createMemo(() => new Map(rows().map((row) => [row.node.id, row])));
  const ids = createMemo(() => rows().map((row) => row.node.id), undefined, {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  const toggle = (id: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div class="table-wrap">
      <table class="tree" data-testid="wallet-tree">
        <thead>
          <tr>
            <th class="col-name">Wallet</th>
            <th>Status</th>
            <th>Strategy / role</th>
            <th class="num">Balance</th>
            <th class="num">Available</th>
            <th class="num">In transit</th>
            <Show when={canAct(props.role)}>
              <th class="col-actions" />
            </Show>
          </tr>
        </thead>
        <tbody>
          <For each={ids()}>
            {(id) => (
              <Show when={byId().get(id)}>
                {(row) => (
                  <WalletRow
                    node={row().node}
                    depth={row().depth}
                    asset={props.asset}
                    role={props.role}
                    collapsed={collapsed().has(id)}
                    onToggle={() => toggle(id)}
                    onChanged={props.onChanged}
                  />
                )}
              </Show>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

function isUnderCollapsed(node: WalletNode, tree: WalletNode, collapsed: ReadonlySet<string>): boolean {
  if (collapsed.size === 0 || !node.parent) return false;
  const path = pathTo(tree, node.id) ?? [];
  return path.slice(0, -1).some((id) => collapsed.has(id));
}

function pathTo(node: WalletNode, id: string): string[] | null {
  if (node.id === id) return [node.id];
  for (const child of node.children) {
    const rest = pathTo(child, id);
    if (rest) return [node.id, ...rest];
  }
  return null;
}

function WalletRow(props: {
  node: WalletNode;
  depth: number;
  asset: string;
  role: Role;
  collapsed: boolean;
  onToggle: () => void;
  onChanged: () => void;
}) {
  const [mode, setMode] = createSignal<"view" | "rename" | "archive">("view");
  const [name, setName] = createSignal("");
  const rename = createCommand((body: { name: string }, key: string) => api.rename(props.node.id, body.name, { idempotencyKey: key }));
  const archive = createCommand((_body: { id: string }, key: string) => api.archive(props.node.id, { idempotencyKey: key }));
  const n = () => props.node;
  const balance = (field: "balances" | "available" | "inTransit") => n()[field][props.asset] ?? "0";
  const error = () => rename.error() ?? archive.error();

  async function saveName(event: SubmitEvent) {
    event.preventDefault();
    const problem = issue(nameSchema.safeParse(name()));
    if (problem) {
      rename.setError(new ApiError(0, "invalid_name", problem));
      return;
    }
    if (await rename.submit({ name: name().trim() })) {
      setMode("view");
      props.onChanged();
    }
  }

  async function confirmArchive() {
    if (await archive.submit({ id: n().id })) {
      setMode("view");
      props.onChanged();
    }
  }

  return (
    <tr
      class={`kind-${n().kind}`}
      classList={{ archived: n().status === "archived" }}
      data-testid={`wallet-row-${n().id}`}
      data-status={n().status}
    >
      <td class="col-name">
        <div class="name-cell" style={{ "padding-left": `${props.depth * 20}px` }}>
          <Show when={n().children.length > 0} fallback={<span class="caret-spacer" />}>
            <button
              type="button"
              class="caret"
              aria-label={props.collapsed ? `Expand ${n().name}` : `Collapse ${n().name}`}
              aria-expanded={!props.collapsed}
              onClick={() => props.onToggle()}
            >
              {props.collapsed ? "▸" : "▾"}
            </button>
          </Show>
          <span class={`kind-tag ${n().kind}`}>{KIND_TAG[n().kind]}</span>
          <Show
            when={mode() === "rename"}
            fallback={
              <span class="name-block">
                <span class="wallet-name" data-testid={`wallet-name-${n().id}`}>
                  {n().name}
                </span>
                <span class="wallet-id">{n().id}</span>
              </span>
            }
          >
            <form class="inline-form" onSubmit={saveName}>
              <input data-testid={`rename-input-${n().id}`} value={name()} onInput={(e) => setName(e.currentTarget.value)} autofocus />
              <button type="submit" class="small primary" disabled={rename.busy()}>
                Save
              </button>
              <button type="button" class="small" onClick={() => { setMode("view"); rename.clearError(); }}>
                Cancel
              </button>
            </form>
          </Show>
        </div>
        <ErrorNote error={error()} testid={`row-error-${n().id}`} />
      </td>
      <td>
        <span class={`status ${n().status}`} data-testid={`status-${n().id}`}>
          {n().status}
        </span>
      </td>
      <td class="meta">{n().kind === "treasury" ? "master wallet" : (n().strategy ?? n().role ?? "—")}</td>
      <td class="num">
        <Amount value={balance("balances")} asset={props.asset} testid={`balance-${n().id}`} muted={isZeroAmount(balance("balances"))} />
      </td>
      <td class="num">
        <Amount value={balance("available")} asset={props.asset} testid={`available-${n().id}`} muted={isZeroAmount(balance("available"))} />
      </td>
      <td class="num">
        <Amount value={balance("inTransit")} asset={props.asset} testid={`in-transit-${n().id}`} muted={isZeroAmount(balance("inTransit"))} />
      </td>
      <Show when={canAct(props.role)}>
        <td class="col-actions">
          <Show when={n().kind !== "treasury" && n().status === "active" && mode() === "view"}>
            <button
              type="button"
              class="small ghost"
              data-testid={`rename-${n().id}`}
              onClick={() => {
                setName(n().name);
                setMode("rename");
              }}
            >
              Rename
            </button>
          </Show>
          <Show when={canArchive(props.role, n()) && mode() === "view"}>
            <button type="button" class="small ghost danger" data-testid={`archive-${n().id}`} onClick={() => setMode("archive")}>
              Archive
            </button>
          </Show>
          <Show when={mode() === "archive"}>
            <span class="confirm">
              {n().kind === "agent" ? "Funds return to farm." : "Funds return to treasury."}
              <button type="button" class="small danger" data-testid={`archive-confirm-${n().id}`} disabled={archive.busy()} onClick={confirmArchive}>
                Confirm
              </button>
              <button type="button" class="small" onClick={() => { setMode("view"); archive.clearError(); }}>
                Cancel
              </button>
            </span>
          </Show>
        </td>
      </Show>
    </tr>
  );
}
