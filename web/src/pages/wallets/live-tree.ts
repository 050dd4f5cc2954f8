import { dec, str, ZERO } from "../../../../core/money.ts";
import type { WalletNode, WalletStatus } from "../../types.ts";
import { flatten } from "../../wallet-tree.ts";

/** A wallet thread's state as the event hub streams it (treasury, farm:*, agent:*). */
export interface WalletThreadState {
  readonly id: string;
  readonly name: string;
  readonly status: WalletStatus;
  readonly parent: string | null;
  readonly balances: Readonly<Record<string, string>>;
  readonly available: Readonly<Record<string, string>>;
  readonly inTransit: Readonly<Record<string, string>>;
}

/** A thread's state and when (client clock) it last changed. */
export interface LiveWallet {
  readonly state: unknown;
  readonly atMs: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAmounts(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === "string");
}

/** The state, when it has the shape of a wallet's; null otherwise (a thread of another kind, or a broken state). */
export function walletState(value: unknown): WalletThreadState | null {
  if (!isRecord(value)) return null;
  const { id, name, status, parent, balances, available, inTransit } = value;
  if (typeof id !== "string" || typeof name !== "string" || (status !== "active" && status !== "archived")) return null;
  if (parent !== null && typeof parent !== "string") return null;
  if (!isAmounts(balances) || !isAmounts(available) || !isAmounts(inTransit)) return null;
  return { id, name, status, parent, balances, available, inTransit };
}

export function isWalletThread(thread: string): boolean {
  return thread === "treasury" || thread.startsWith("farm:") || thread.startsWith("agent:");
}

const sameAmounts = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
};

/**
 * The tree with each wallet's name, status and amounts taken from its live thread, where that
 * changed after the REST load began (`loadedAtMs`); otherwise the REST values stand. Unchanged
 * nodes are returned as they were, so the views re-render only what moved.
 */
export function overlayTree(tree: WalletNode, live: (id: string) => LiveWallet | undefined, loadedAtMs: number): WalletNode {
  const children = tree.children.map((child) => overlayTree(child, live, loadedAtMs));
  const childrenChanged = children.some((c, i) => c !== tree.children[i]);
  const entry = live(tree.id);
  const state = entry && entry.atMs >= loadedAtMs ? walletState(entry.state) : null;
  const fresh =
    state && state.id === tree.id
      ? {
          name: state.name,
          status: state.status,
          balances: sameAmounts(state.balances, tree.balances) ? tree.balances : state.balances,
          available: sameAmounts(state.available, tree.available) ? tree.available : state.available,
          inTransit: sameAmounts(state.inTransit, tree.inTransit) ? tree.inTransit : state.inTransit,
        }
      : null;
  const selfChanged =
    fresh !== null &&
    (fresh.name !== tree.name || fresh.status !== tree.status || fresh.balances !== tree.balances || fresh.available !== tree.available || fresh.inTransit !== tree.inTransit);
  if (!selfChanged && !childrenChanged) return tree;
  return { ...tree, ...(selfChanged ? fresh : {}), children };
}

/** Desk totals for one asset over the tree (what the API computes over the directory). */
export function treeTotals(tree: WalletNode, asset: string): { balance: string; inTransit: string } {
  let balance = ZERO;
  let inTransit = ZERO;
  for (const { node } of flatten(tree)) {
    balance = balance.plus(dec(node.balances[asset] ?? "0"));
    inTransit = inTransit.plus(dec(node.inTransit[asset] ?? "0"));
  }
  return { balance: str(balance), inTransit: str(inTransit) };
}

/**
 * The socket topics the Wallets page needs: the treasury, every farm (a farm's topic carries
 * its agents' threads too) and agents directly under the treasury.
 */
export function walletTopics(tree: WalletNode): string[] {
  const topics = ["treasury"];
  for (const child of tree.children) topics.push(child.id);
  return topics;
}
