/**
 * The wallet hierarchy: identifiers, the directory the treasury keeps, and which money moves are
 * allowed. Pure: routes and objects ask these functions; none of them touches storage.
 */

export const TREASURY = "treasury";
export type WalletKind = "treasury" | "farm" | "agent";
export type WalletStatus = "active" | "archived";
export type AgentRole = "trader" | "overseer";

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;
export const WALLET_ID_PATTERN = /^(treasury|farm:[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?|agent:[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?)$/;

export const farmWalletId = (slug: string): string => `farm:${slug}`;
export const agentWalletId = (slug: string): string => `agent:${slug}`;

export function walletKind(id: string): WalletKind {
  if (id === TREASURY) return "treasury";
  if (id.startsWith("farm:")) return "farm";
  if (id.startsWith("agent:")) return "agent";
  throw new Error(`invariant: not a wallet id: ${id}`);
}

/** Turns a display name into an id slug: "Marcus Momentum" → "marcus-momentum". */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/g, "");
}

/** One wallet as the treasury's directory records it. */
export interface WalletRecord {
  readonly id: string;
  readonly kind: WalletKind;
  readonly name: string;
  /** treasury: null; farm: "treasury"; agent: its farm's wallet id, or "treasury" for an overseer. */
  readonly parent: string | null;
  readonly status: WalletStatus;
  readonly strategy: string | null;
  readonly role: AgentRole | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export type { MoveRefusal } from "./refusals.js";
import type { DirectoryRefusal, MoveRefusal } from "./refusals.js";

/** One hop of a move: `from` sends to `to`, which forwards to `forwardTo` in the same step. */
export interface MovePlan {
  readonly first: { readonly from: string; readonly to: string; readonly forwardTo: string | null };
  /** The move touches the treasury: only an admin may ask for it. */
  readonly touchesTreasury: boolean;
}

export type PlanResult = { ok: true; plan: MovePlan } | { ok: false; code: MoveRefusal; message: string };

type Lookup = (id: string) => WalletRecord | undefined;

function refuse(code: MoveRefusal, message: string): PlanResult {
  return { ok: false, code, message };
}

/**
 * Allocation moves money down the tree: treasury → farm, treasury → agent (through its farm),
 * or farm → one of its own agents.
 */
export function planAllocation(fromId: string, toId: string, lookup: Lookup): PlanResult {
  const from = lookup(fromId);
  const to = lookup(toId);
  if (!from) return refuse("unknown_wallet", `no wallet ${fromId}`);
  if (!to) return refuse("unknown_wallet", `no wallet ${toId}`);
  if (from.id === to.id) return refuse("same_wallet", "a wallet cannot allocate to itself");
  if (from.status === "archived") return refuse("wallet_archived", `${from.id} is archived`);
  if (to.status === "archived") return refuse("wallet_archived", `${to.id} is archived`);
  if (to.role === "overseer") return refuse("overseer_holds_no_capital", `${to.id} oversees risk and holds no trading capital`);

  if (from.kind === "treasury" && to.kind === "farm") {
    return { ok: true, plan: { first: { from: from.id, to: to.id, forwardTo: null }, touchesTreasury: true } };
  }
  if (from.kind === "treasury" && to.kind === "agent") {
    const farm = to.parent ? lookup(to.parent) : undefined;
    if (!farm || farm.kind !== "farm") return refuse("invalid_route", `${to.id} has no farm`);
    if (farm.status === "archived") return refuse("wallet_archived", `${farm.id} is archived`);
    return { ok: true, plan: { first: { from: from.id, to: farm.id, forwardTo: to.id }, touchesTreasury: true } };
  }
  if (from.kind === "farm" && to.kind === "agent") {
    if (to.parent !== from.id) return refuse("not_member", `${to.id} is not an agent of ${from.id}`);
    return { ok: true, plan: { first: { from: from.id, to: to.id, forwardTo: null }, touchesTreasury: false } };
  }
  return refuse("invalid_route", `allocations go down the tree (treasury → farm → agent), not ${from.kind} → ${to.kind}`);
}

/**
 * Collection moves money up the tree: agent → its farm, agent → treasury (through its farm),
 * or farm → treasury. Archived wallets may still send their money home.
 */
export function planCollection(fromId: string, toId: string, lookup: Lookup): PlanResult {
  const from = lookup(fromId);
  const to = lookup(toId);
  if (!from) return refuse("unknown_wallet", `no wallet ${fromId}`);
  if (!to) return refuse("unknown_wallet", `no wallet ${toId}`);
  if (from.id === to.id) return refuse("same_wallet", "a wallet cannot collect from itself");

  if (from.kind === "farm" && to.kind === "treasury") {
    return { ok: true, plan: { first: { from: from.id, to: to.id, forwardTo: null }, touchesTreasury: true } };
  }
  if (from.kind === "agent" && to.kind === "farm") {
    if (from.parent !== to.id) return refuse("not_member", `${from.id} is not an agent of ${to.id}`);
    return { ok: true, plan: { first: { from: from.id, to: to.id, forwardTo: null }, touchesTreasury: false } };
  }
  if (from.kind === "agent" && to.kind === "treasury") {
    const farm = from.parent ? lookup(from.parent) : undefined;
    if (!farm) return refuse("invalid_route", `${from.id} has no parent`);
    if (farm.kind === "treasury") {
      return { ok: true, plan: { first: { from: from.id, to: TREASURY, forwardTo: null }, touchesTreasury: true } };
    }
    return { ok: true, plan: { first: { from: from.id, to: farm.id, forwardTo: TREASURY }, touchesTreasury: true } };
  }
  return refuse("invalid_route", `collections go up the tree (agent → farm → treasury), not ${from.kind} → ${to.kind}`);
}

/** The wallet a collection goes to when the caller does not say: the sender's parent. */
export function defaultCollectionTarget(from: WalletRecord): string {
  return from.parent ?? TREASURY;
}

/**
 * What the directory does with a create: answer the wallet that exists (a repeat of the same
 * create), refuse, or register a new record.
 */
export type CreateDecision =
  | { readonly t: "existing"; readonly record: WalletRecord }
  | { readonly t: "refused"; readonly code: DirectoryRefusal; readonly message: string }
  | { readonly t: "create"; readonly record: WalletRecord };

/** A farm under the treasury; creating it again with the same name and strategy answers the existing one. */
export function decideCreateFarm(lookup: Lookup, slug: string, name: string, strategy: string, nowMs: number): CreateDecision {
  const id = farmWalletId(slug);
  const existing = lookup(id);
  if (existing) {
    if (existing.status === "active" && existing.name === name && existing.strategy === strategy) return { t: "existing", record: existing };
    return { t: "refused", code: "wallet_exists", message: `${id} exists already` };
  }
  return { t: "create", record: { id, kind: "farm", name, parent: TREASURY, status: "active", strategy, role: null, createdAtMs: nowMs, updatedAtMs: nowMs } };
}

/** An agent in an active farm, or an overseer (no farm) under the treasury; a repeat answers the existing one. */
export function decideCreateAgent(lookup: Lookup, slug: string, name: string, farmSlug: string | null, role: AgentRole, nowMs: number): CreateDecision {
  const id = agentWalletId(slug);
  const parent = farmSlug === null ? TREASURY : farmWalletId(farmSlug);
  if (farmSlug !== null) {
    const farm = lookup(parent);
    if (!farm) return { t: "refused", code: "unknown_wallet", message: `no farm ${parent}` };
    if (farm.status === "archived") return { t: "refused", code: "wallet_archived", message: `${parent} is archived` };
  }
  const existing = lookup(id);
  if (existing) {
    if (existing.status === "active" && existing.name === name && existing.parent === parent && existing.role === role) return { t: "existing", record: existing };
    return { t: "refused", code: "wallet_exists", message: `${id} exists already` };
  }
  return { t: "create", record: { id, kind: "agent", name, parent, status: "active", strategy: null, role, createdAtMs: nowMs, updatedAtMs: nowMs } };
}

/** A rename of a farm or agent: unchanged names answer the record as it is; archived wallets keep theirs. */
export function decideRename(existing: WalletRecord | undefined, id: string, name: string, nowMs: number): CreateDecision {
  if (!existing || existing.kind === "treasury") return { t: "refused", code: "unknown_wallet", message: `no wallet ${id}` };
  if (existing.name === name) return { t: "existing", record: existing };
  if (existing.status === "archived") return { t: "refused", code: "wallet_archived", message: `${id} is archived` };
  return { t: "create", record: { ...existing, name, updatedAtMs: nextUpdateMs(existing, nowMs) } };
}

/** The record archived (as it is, if it already was). */
export function archivedRecord(existing: WalletRecord, nowMs: number): WalletRecord {
  return existing.status === "archived" ? existing : { ...existing, status: "archived", updatedAtMs: nextUpdateMs(existing, nowMs) };
}

/** A change's time, strictly after the record's last: an older record never replaces a newer one. */
function nextUpdateMs(existing: WalletRecord, nowMs: number): number {
  return Math.max(nowMs, existing.updatedAtMs + 1);
}
