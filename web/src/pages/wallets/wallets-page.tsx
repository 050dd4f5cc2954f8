import { createEffect, createMemo, createSignal, ErrorBoundary, onCleanup, Show } from "solid-js";
import { dec, str } from "../../../../core/money.ts";
import type { ApiError } from "../../api.ts";
import { api } from "../../auth.ts";
import { asApiError } from "../../command.ts";
import { Amount, ErrorNote } from "../../components.tsx";
import { isZeroAmount } from "../../format.ts";
import { liveEntries, liveStatus, liveThread, liveThreadNames, useLiveTopics } from "../../live/live.ts";
import type { Role, WalletsReply } from "../../types.ts";
import { canAct, flatten } from "../../wallet-tree.ts";
import { AllocateForm } from "./allocate-form.tsx";
import { CollectForm } from "./collect-form.tsx";
import { CreateForms } from "./create-forms.tsx";
import { isWalletThread, overlayTree, treeTotals, walletState, walletTopics } from "./live-tree.ts";
import { RebalanceForm } from "./rebalance-form.tsx";
import { TreeTable } from "./tree-table.tsx";

/** While money is in transit and the event socket is down, look again this often. */
const IN_TRANSIT_POLL_MS = 1500;
/** A wallet the live feed knows and the tree does not: reload the tree after this pause. */
const NEW_WALLET_RELOAD_MS = 400;

/**
 * The Wallets page: the desk's hierarchy with balances, and the forms that move money. The tree
 * comes from GET /api/wallets; balances then follow the wallets' event threads live.
 */
export function WalletsPage(props: { role: Role }) {
  const [reply, setReply] = createSignal<WalletsReply | null>(null);
  /** Client time the shown REST reply was requested: live states newer than this win. */
  const [loadedAtMs, setLoadedAtMs] = createSignal(0);
  const [error, setError] = createSignal<ApiError | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [updatedAt, setUpdatedAt] = createSignal<Date | null>(null);
  let poll: ReturnType<typeof setTimeout> | undefined;
  let reloadSoon: ReturnType<typeof setTimeout> | undefined;
  /** Wallets a reload was already asked for, so one the API does not list cannot loop. */
  const reloadedFor = new Set<string>();
  let disposed = false;
  let latest = 0;

  async function load() {
    clearTimeout(poll);
    poll = undefined;
    const attempt = ++latest;
    const startedAtMs = Date.now();
    setLoading(true);
    try {
      const next = await api.wallets();
      // A slower, older answer must not overwrite a newer one.
      if (disposed || attempt !== latest) return;
      setReply(next);
      setLoadedAtMs(startedAtMs);
      setError(null);
      setUpdatedAt(new Date());
    } catch (thrown) {
      if (!disposed && attempt === latest) setError(asApiError(thrown));
    } finally {
      if (attempt === latest) setLoading(false);
    }
  }
  void load();
  onCleanup(() => {
    disposed = true;
    clearTimeout(poll);
    clearTimeout(reloadSoon);
  });

  const refresh = () => void load();

  useLiveTopics(() => {
    const r = reply();
    return r ? walletTopics(r.tree) : [];
  });

  /** The REST tree with live amounts laid over it. */
  const view = createMemo((): WalletsReply | null => {
    const r = reply();
    if (!r) return null;
    const tree = overlayTree(
      r.tree,
      (id) => {
        const thread = liveThread(id);
        return thread && thread.state !== undefined ? { state: thread.state, atMs: thread.stateAtMs } : undefined;
      },
      loadedAtMs(),
    );
    return tree === r.tree ? r : { ...r, tree, totals: treeTotals(tree, r.asset) };
  });

  // Polling is the fallback: only while money is in transit and the socket is not live.
  createEffect(() => {
    const v = view();
    const needed = v !== null && !isZeroAmount(v.totals.inTransit) && liveStatus().kind !== "live" && !loading();
    if (!needed) {
      clearTimeout(poll);
      poll = undefined;
    } else if (poll === undefined) {
      poll = setTimeout(() => {
        poll = undefined;
        void load();
      }, IN_TRANSIT_POLL_MS);
    }
  });

  // A wallet created elsewhere shows up on the feed first: fetch the tree to place it.
  createEffect(() => {
    const r = reply();
    if (!r) return;
    const known = new Set(flatten(r.tree).map((row) => row.node.id));
    const unknown = liveThreadNames().filter(
      (t) => isWalletThread(t) && !known.has(t) && !reloadedFor.has(t) && walletState(liveThread(t)?.state) !== null,
    );
    if (unknown.length > 0 && reloadSoon === undefined) {
      for (const t of unknown) reloadedFor.add(t);
      reloadSoon = setTimeout(() => {
        reloadSoon = undefined;
        void load();
      }, NEW_WALLET_RELOAD_MS);
    }
  });

  // Farms and agents created, renamed or archived anywhere are announced on the treasury's thread.
  let directorySeen = Number.POSITIVE_INFINITY;
  createEffect(() => {
    let newest = 0;
    for (const e of liveEntries()) {
      if (e.thread === "treasury" && (e.event as { name?: string }).name === "cival.directory.changed") newest = Math.max(newest, e.id);
    }
    if (directorySeen === Number.POSITIVE_INFINITY) directorySeen = newest;
    else if (newest > directorySeen && reloadSoon === undefined) {
      directorySeen = newest;
      reloadSoon = setTimeout(() => {
        reloadSoon = undefined;
        void load();
      }, NEW_WALLET_RELOAD_MS);
    }
  });

  return (
    <div class="page" data-testid="wallets-page">
      <header class="page-head">
        <div>
          <h1>Wallets</h1>
          <p class="sub">
            Treasury → farms → agents · {reply()?.asset ?? "USD"}
            <Show when={!canAct(props.role)}>
              <span class="read-only-tag" data-testid="read-only">read only</span>
            </Show>
          </p>
        </div>
        <div class="page-tools">
          <span class="updated" data-testid="wallets-updated">
            {loading() ? "refreshing…" : updatedAt() ? `updated ${updatedAt()?.toLocaleTimeString()}` : ""}
          </span>
          <button type="button" class="small" data-testid="wallets-refresh" onClick={refresh} disabled={loading()}>
            Refresh
          </button>
        </div>
      </header>

      <Show when={error() && !reply()}>
        <div class="panel">
          <div class="panel-body">
            <ErrorNote error={error()} testid="wallets-error" />
            <button type="button" onClick={refresh}>
              Try again
            </button>
          </div>
        </div>
      </Show>

      <Show when={view()} fallback={<Show when={!error()}><div class="loading">Loading wallets…</div></Show>}>
        {(current) => (
          <ErrorBoundary fallback={(err) => <ErrorNote error={asApiError(err)} />}>
            <Show when={error()}>
              <ErrorNote error={error()} testid="wallets-error" />
            </Show>
            <Totals reply={current()} />
            <div class="wallets-layout" classList={{ "read-only": !canAct(props.role) }}>
              <TreeTable tree={current().tree} asset={current().asset} role={props.role} onChanged={refresh} />
              <Show when={canAct(props.role)}>
                <aside class="side" data-testid="wallet-actions">
                  <AllocateForm tree={current().tree} asset={current().asset} role={props.role} onDone={refresh} />
                  <CollectForm tree={current().tree} asset={current().asset} role={props.role} onDone={refresh} />
                  <RebalanceForm tree={current().tree} asset={current().asset} onDone={refresh} />
                  <CreateForms tree={current().tree} onDone={refresh} />
                </aside>
              </Show>
            </div>
          </ErrorBoundary>
        )}
      </Show>
    </div>
  );
}

function Totals(props: { reply: WalletsReply }) {
  const summary = createMemo(() => {
    const asset = props.reply.asset;
    const nodes = flatten(props.reply.tree).map((row) => row.node);
    const deployed = nodes
      .filter((n) => n.kind !== "treasury")
      .reduce((sum, n) => sum.plus(dec(n.balances[asset] ?? "0")), dec("0"));
    const active = (kind: string) => nodes.filter((n) => n.kind === kind && n.status === "active").length;
    return {
      asset,
      deployed: str(deployed),
      treasuryAvailable: props.reply.tree.available[asset] ?? "0",
      farms: active("farm"),
      agents: active("agent"),
    };
  });
  return (
    <div class="totals" data-testid="desk-totals">
      <div class="stat">
        <span class="stat-label">Desk balance</span>
        <Amount value={props.reply.totals.balance} asset={summary().asset} unit testid="total-balance" />
      </div>
      <div class="stat">
        <span class="stat-label">In transit</span>
        <Amount value={props.reply.totals.inTransit} asset={summary().asset} unit testid="total-in-transit" />
      </div>
      <div class="stat">
        <span class="stat-label">Treasury available</span>
        <Amount value={summary().treasuryAvailable} asset={summary().asset} unit testid="treasury-available" />
      </div>
      <div class="stat">
        <span class="stat-label">Deployed to farms & agents</span>
        <Amount value={summary().deployed} asset={summary().asset} unit testid="total-deployed" />
      </div>
      <div class="stat small">
        <span class="stat-label">Active</span>
        <span class="stat-count" data-testid="active-counts">
          {summary().farms} farms · {summary().agents} agents
        </span>
      </div>
    </div>
  );
}
