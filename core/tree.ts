import { type Decimal, ZERO, dec, str } from "./money.js";
import type { WalletRecord } from "./wallets.js";

/** A wallet's amounts by asset (strings at rest). */
export interface WalletAmounts {
  readonly balances: Readonly<Record<string, string>>;
  readonly available: Readonly<Record<string, string>>;
  readonly inTransit: Readonly<Record<string, string>>;
}

export interface WalletNode extends WalletAmounts {
  readonly id: string;
  readonly kind: WalletRecord["kind"];
  readonly name: string;
  readonly status: WalletRecord["status"];
  readonly strategy: string | null;
  readonly role: WalletRecord["role"];
  readonly parent: string | null;
  readonly children: WalletNode[];
}

const NO_AMOUNTS: WalletAmounts = { balances: { USD: "0" }, available: { USD: "0" }, inTransit: { USD: "0" } };

/** Assembles the hierarchy below `rootId` from the directory and each wallet's amounts. */
export function buildTree(records: readonly WalletRecord[], amounts: ReadonlyMap<string, WalletAmounts>, rootId: string): WalletNode | null {
  const byParent = new Map<string, WalletRecord[]>();
  let root: WalletRecord | undefined;
  for (const r of records) {
    if (r.id === rootId) root = r;
    if (r.parent) byParent.set(r.parent, [...(byParent.get(r.parent) ?? []), r]);
  }
  const node = (r: WalletRecord): WalletNode => {
    const a = amounts.get(r.id) ?? NO_AMOUNTS;
    return {
      id: r.id,
      kind: r.kind,
      name: r.name,
      status: r.status,
      strategy: r.strategy,
      role: r.role,
      parent: r.parent,
      balances: a.balances,
      available: a.available,
      inTransit: a.inTransit,
      children: (byParent.get(r.id) ?? []).map(node),
    };
  };
  return root ? node(root) : null;
}

/** Desk totals for one asset: everything held plus everything in transit. */
export function deskTotals(amounts: Iterable<WalletAmounts>, asset: string): { balance: string; inTransit: string } {
  let balance: Decimal = ZERO;
  let inTransit: Decimal = ZERO;
  for (const a of amounts) {
    balance = balance.plus(dec(a.balances[asset] ?? "0"));
    inTransit = inTransit.plus(dec(a.inTransit[asset] ?? "0"));
  }
  return { balance: str(balance), inTransit: str(inTransit) };
}
