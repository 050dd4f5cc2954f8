import { type Accessor, createEffect, createMemo, createSignal, on, onCleanup } from "solid-js";
import type { ApiError } from "../../api.ts";
import { api } from "../../auth.ts";
import { asApiError } from "../../command.ts";
import { liveEntries, liveStatus, liveThread, useLiveTopics } from "../../live/live.ts";
import { usePoll } from "../../poll.ts";
import type { AgentOrder, OrderFill, WalletNode } from "../../types.ts";
import { walletState } from "../wallets/live-tree.ts";
import { lastAccountEventId, positionRows } from "./account.ts";

/** Events tend to come in bursts (order placed, filled, balances): one reload after the burst. */
const EVENT_RELOAD_MS = 150;
/** While the event socket is down, orders and balances are fetched this often instead. */
const FALLBACK_POLL_MS = 5_000;
export const ORDERS_LIMIT = 100;

interface Account {
  readonly agent: string;
  readonly orders: readonly AgentOrder[];
  readonly fills: readonly OrderFill[];
  readonly wallet: WalletNode;
  /** Client time the fetch began: live balances newer than this win. */
  readonly requestedAtMs: number;
}

/**
 * One agent's orders, fills and positions: fetched on selection, then again whenever the agent's
 * event thread reports an order, a fill or a balance change (or every few seconds while the
 * socket is down). Positions follow the thread's live balances in between.
 */
export function createAccountFeed(agent: Accessor<string | null>) {
  const [account, setAccount] = createSignal<Account | null>(null);
  const [error, setError] = createSignal<ApiError | null>(null);
  const [loading, setLoading] = createSignal(false);
  let latest = 0;
  let lastLoadMs = 0;
  let disposed = false;
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => {
    disposed = true;
    clearTimeout(reloadTimer);
  });

  async function load(): Promise<void> {
    const id = agent();
    if (!id) return;
    const attempt = ++latest;
    const requestedAtMs = Date.now();
    lastLoadMs = requestedAtMs;
    setLoading(true);
    try {
      const [orders, fills, wallet] = await Promise.all([api.orders(id, ORDERS_LIMIT), api.fills(id, ORDERS_LIMIT), api.wallet(id)]);
      if (disposed || attempt !== latest) return;
      setAccount({ agent: id, orders: orders.orders, fills: fills.fills, wallet: wallet.wallet, requestedAtMs });
      setError(null);
    } catch (thrown) {
      if (!disposed && attempt === latest) setError(asApiError(thrown));
    } finally {
      if (attempt === latest) setLoading(false);
    }
  }

  createEffect(on(agent, () => void load()));

  useLiveTopics(() => {
    const id = agent();
    return id ? [id] : [];
  });

  // Reload after the agent's thread reports something that moves orders or money.
  let seen = Number.POSITIVE_INFINITY;
  createEffect(
    on(agent, () => {
      seen = Number.POSITIVE_INFINITY;
    }),
  );
  createEffect(() => {
    const id = agent();
    if (!id) return;
    const newest = lastAccountEventId(liveEntries(), id);
    if (seen === Number.POSITIVE_INFINITY) {
      seen = newest;
      return;
    }
    if (newest > seen) {
      seen = newest;
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => void load(), EVENT_RELOAD_MS);
    }
  });

  const fallbackKey = createMemo(() => (liveStatus().kind === "live" ? null : agent()));
  usePoll(fallbackKey, FALLBACK_POLL_MS, async () => {
    if (Date.now() - lastLoadMs >= FALLBACK_POLL_MS / 2) await load();
  });

  const current = createMemo(() => {
    const a = account();
    return a && a.agent === agent() ? a : null;
  });

  /** The agent's balances: the live thread's when it changed after the last fetch began. */
  const positions = createMemo(() => {
    const a = current();
    if (!a) return null;
    const thread = liveThread(a.agent);
    const live = thread && thread.stateAtMs >= a.requestedAtMs ? walletState(thread.state) : null;
    const source = live && live.id === a.agent ? live : a.wallet;
    return positionRows(source.balances, source.available);
  });

  return {
    orders: () => current()?.orders ?? null,
    fills: () => current()?.fills ?? null,
    wallet: () => current()?.wallet ?? null,
    positions,
    error,
    loading,
    reload: () => void load(),
  };
}

export type AccountFeed = ReturnType<typeof createAccountFeed>;
