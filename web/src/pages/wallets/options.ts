import { formatMoney } from "../../format.ts";
import type { Move, Role, WalletNode } from "../../types.ts";
import { flatten, isAdmin, routes, type Routes } from "../../wallet-tree.ts";

/** One choice of a wallet select; disabled choices are shown so the operator sees why. */
export interface WalletOption {
  readonly id: string;
  readonly label: string;
  readonly disabled: boolean;
  readonly note?: string | undefined;
}

const ADMIN_NOTE = "admin";

function option(node: WalletNode, adminOnly: boolean, suffix = ""): WalletOption {
  const label = node.kind === "treasury" ? "Treasury" : node.kind === "agent" ? `\u00a0\u00a0↳ ${node.name}` : node.name;
  return { id: node.id, label: `${label}${suffix}`, disabled: adminOnly, note: adminOnly ? ADMIN_NOTE : undefined };
}

/** The choices of the move forms for one tree and one role, by the API's own routing rules. */
export function moveOptions(tree: WalletNode, role: Role) {
  const nodes = flatten(tree).map((row) => row.node);
  const rules: Routes = routes(tree);
  const admin = isAdmin(role);
  const parentOf = (id: string) => rules.get(id)?.parent ?? "treasury";

  return {
    rules,

    /** Allocations come from the treasury (admin) or an active farm. */
    allocationSources: (): WalletOption[] =>
      nodes
        .filter((n) => (n.kind === "treasury" || n.kind === "farm") && n.status === "active")
        .map((n) => option(n, n.kind === "treasury" && !admin)),

    /** Wallets `from` may allocate to; treasury-touching ones are admin-only. */
    allocationTargets: (from: string): WalletOption[] =>
      nodes.flatMap((n) => {
        const plan = rules.allocation(from, n.id);
        return plan.ok ? [option(n, plan.plan.touchesTreasury && !admin)] : [];
      }),

    /** Farms and agents that can send money home; archived ones may, overseers hold none. */
    collectionSources: (): WalletOption[] =>
      nodes
        .filter((n) => n.kind !== "treasury" && n.role !== "overseer")
        .flatMap((n) => {
          const plan = rules.collection(n.id, parentOf(n.id));
          const suffix = n.status === "archived" ? " · archived" : "";
          return plan.ok ? [option(n, plan.plan.touchesTreasury && !admin, suffix)] : [];
        }),

    /** "" is the sender's parent (the API's default when `to` is left out); an agent may also send to the treasury. */
    collectionTargets: (from: string): WalletOption[] => {
      if (!from) return [];
      const parent = parentOf(from);
      const parentPlan = rules.collection(from, parent);
      const options: WalletOption[] = [
        { id: "", label: `Parent · ${parent}`, disabled: parentPlan.ok && parentPlan.plan.touchesTreasury && !admin, note: undefined },
      ];
      if (parent !== "treasury" && rules.collection(from, "treasury").ok) {
        options.push({ id: "treasury", label: "Treasury", disabled: !admin, note: admin ? undefined : ADMIN_NOTE });
      }
      return options;
    },
  };
}

/** The first enabled choice, unless `current` is one already. */
export function keepValid(options: readonly WalletOption[], current: string): string {
  const enabled = options.filter((o) => !o.disabled);
  return enabled.some((o) => o.id === current) ? current : (enabled[0]?.id ?? "");
}

/** One line saying what a move did, leg by leg when a leg did not go through. */
export function moveSummary(move: Move, asset: string): string {
  const first = move.legs[0];
  const last = move.legs[move.legs.length - 1];
  const amount = first ? formatMoney(first.amount, asset) : "";
  const route = first && last ? `${first.from} → ${last.to}` : "";
  const rejected = move.legs.find((leg) => leg.state === "rejected");
  const verb = move.kind === "allocation" ? "Allocated" : "Collected";
  if (rejected) return `${verb} ${amount} ${asset} ${route}: rejected at ${rejected.to} (${rejected.message ?? rejected.code ?? "no reason"})`;
  return `${verb} ${amount} ${asset} ${route} · ${move.state}`;
}
