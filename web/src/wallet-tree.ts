import { planAllocation, planCollection, type WalletRecord } from "../../core/wallets.ts";
import type { Role, WalletNode } from "./types.ts";

/** Every wallet of the tree in display order (parent before children), with its depth. */
export function flatten(tree: WalletNode): { node: WalletNode; depth: number }[] {
  const out: { node: WalletNode; depth: number }[] = [];
  const walk = (node: WalletNode, depth: number) => {
    out.push({ node, depth });
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(tree, 0);
  return out;
}

function toRecord(node: WalletNode): WalletRecord {
  return {
    id: node.id,
    kind: node.kind,
    name: node.name,
    parent: node.parent,
    status: node.status,
    strategy: node.strategy,
    role: node.role,
    createdAtMs: 0,
    updatedAtMs: 0,
  };
}

/** The treasury's routing rules (shared with the API), asked of the tree the dashboard shows. */
export function routes(tree: WalletNode) {
  const byId = new Map(flatten(tree).map(({ node }) => [node.id, node]));
  const lookup = (id: string) => {
    const node = byId.get(id);
    return node ? toRecord(node) : undefined;
  };
  return {
    get: (id: string) => byId.get(id),
    allocation: (from: string, to: string) => planAllocation(from, to, lookup),
    collection: (from: string, to: string) => planCollection(from, to, lookup),
  };
}

export type Routes = ReturnType<typeof routes>;

export const canAct = (role: Role | undefined): boolean => role === "trader" || role === "admin";
export const isAdmin = (role: Role | undefined): boolean => role === "admin";

/** Archiving an agent is a trader's call; archiving a farm sends money to the treasury: admin. */
export function canArchive(role: Role | undefined, node: WalletNode): boolean {
  if (node.status === "archived" || node.kind === "treasury") return false;
  return node.kind === "agent" ? canAct(role) && node.role !== "overseer" : isAdmin(role);
}
