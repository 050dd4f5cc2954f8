import { liveViews, netViews } from "./netting.js";
import type { AgentView, FarmMode, FarmVerdict, Proposal, Vote } from "./types.js";

/** What the farm knows when it decides a proposal. */
export interface VerdictContext {
  /** The farm's stored views (the latest per member per symbol), the proposer's included or not. */
  readonly views: readonly AgentView[];
  readonly proposal: Proposal;
  /** Consensus: the other members' votes (a member missing here abstained). */
  readonly votes: readonly Vote[];
  /** The farm's active members' wallet ids, the proposer included. */
  readonly members: readonly string[];
  readonly nowMs: number;
}

/** An agent as a trader reads it: "agent:sophia-reversion" → "sophia-reversion". */
export function agentName(id: string): string {
  return id.startsWith("agent:") ? id.slice("agent:".length) : id;
}

/** A statistic shown in a reason: at most two decimals, no trailing zeros. */
function figure(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** "sophia-reversion's buy BTC-USD" */
function what(p: Proposal): string {
  return `${agentName(p.agent)}'s ${p.reducing ? "exit " : ""}${p.side} ${p.view.symbol}`;
}

function verdict(mode: FarmMode, action: FarmVerdict["action"], scale: number, reason: string, rest: Partial<Pick<FarmVerdict, "netting" | "votes">> = {}): FarmVerdict {
  return { mode: mode.mode, action, scale, reason, netting: rest.netting ?? null, votes: rest.votes ?? [] };
}

/**
 * The farm's answer to a proposal in its mode. Exits (reducing orders) are never netted or
 * vetoed, except that emergency flatten sells everything anyway.
 */
export function decideVerdict(mode: FarmMode, ctx: VerdictContext): FarmVerdict {
  const p = ctx.proposal;
  switch (mode.mode) {
    case "independent":
      return verdict(mode, "go", 1, `independent: ${what(p)} goes as its strategy sized it`);
    case "collaborative":
      return collaborative(mode, ctx);
    case "hierarchical":
      return hierarchical(mode, ctx);
    case "consensus":
      return consensus(mode, ctx);
    case "emergency":
      if (mode.emergency === "flatten") return flattenVerdict(mode);
      return p.reducing
        ? verdict(mode, "go", 1, `emergency hold: ${what(p)} reduces risk, so it goes`)
        : verdict(mode, "veto", 0, `emergency hold: no new risk, ${what(p)} is vetoed (${mode.reason})`);
  }
}

/** Emergency flatten: the answer to every report, proposal or not: sell everything. */
export function flattenVerdict(mode: FarmMode): FarmVerdict {
  return verdict(mode, "flatten", 1, `emergency flatten: sell every position (${mode.reason})`);
}

function collaborative(mode: FarmMode, ctx: VerdictContext): FarmVerdict {
  const p = ctx.proposal;
  const netting = netViews(ctx.views, p, ctx.nowMs, mode.viewTtlMs);
  if (p.reducing) return verdict(mode, "go", 1, `collaborative: ${what(p)} is an exit, never netted`, { netting });
  if (netting.against.length === 0) {
    if (netting.scale <= 0) return verdict(mode, "veto", 0, `collaborative: ${what(p)} carries no weight (strength × confidence × weight is 0)`, { netting });
    return verdict(mode, "go", netting.scale, `collaborative: nothing pulls against ${what(p)}`, { netting });
  }
  const others = netting.against.map((v) => `${agentName(v.agent)}'s ${v.side} ${figure(Math.abs(v.strength * v.confidence * v.weight))}`).join(" and ");
  const verb = netting.against.length === 1 ? "nets" : "net";
  if (netting.scale <= 0) return verdict(mode, "veto", 0, `collaborative: ${others} ${verb} ${what(p)} out (net ${figure(netting.net)})`, { netting });
  return verdict(mode, "go", netting.scale, `collaborative: ${others} ${verb} ${what(p)} to ${pct(netting.scale)}`, { netting });
}

function hierarchical(mode: FarmMode, ctx: VerdictContext): FarmVerdict {
  const p = ctx.proposal;
  const lead = mode.lead;
  if (lead === null) return verdict(mode, "veto", 0, `hierarchical: the farm has no lead to approve ${what(p)}`);
  if (p.agent === lead) return verdict(mode, "go", 1, `hierarchical: ${what(p)} is the lead's own order`);
  if (p.reducing) return verdict(mode, "go", 1, `hierarchical: ${what(p)} is an exit, never vetoed`);
  const leadView = liveViews(ctx.views, p.view.symbol, ctx.nowMs, mode.viewTtlMs).find((v) => v.agent === lead);
  const leadName = agentName(lead);
  if (!leadView) {
    return verdict(mode, "veto", 0, `hierarchical: ${leadName} (lead) has no view of ${p.view.symbol} in the last ${Math.round(mode.viewTtlMs / 1000)} s, so ${what(p)} is vetoed`);
  }
  if (leadView.side === p.side) return verdict(mode, "go", 1, `hierarchical: ${leadName} (lead) also says ${leadView.side}: ${what(p)} goes`);
  const says = leadView.side === "hold" ? "holds" : `says ${leadView.side}`;
  return verdict(mode, "veto", 0, `hierarchical: ${leadName} (lead) ${says} (${leadView.reason}), so ${what(p)} is vetoed`);
}

/** How many approvals a quorum needs: ceil(quorum × members), at least one (a float's dust never adds a vote). */
export function quorumNeeded(quorum: number, members: number): number {
  return Math.max(1, Math.ceil(quorum * members - 1e-9));
}

function consensus(mode: FarmMode, ctx: VerdictContext): FarmVerdict {
  const p = ctx.proposal;
  const members = new Set(ctx.members);
  members.add(p.agent);
  // One vote per other member; the proposer approves its own proposal; anything else abstains.
  const counted = new Map<string, Vote>();
  for (const v of ctx.votes) if (members.has(v.agent) && v.agent !== p.agent && !counted.has(v.agent)) counted.set(v.agent, v);
  const votes = [...counted.values()];
  if (p.reducing) return verdict(mode, "go", 1, `consensus: ${what(p)} is an exit, it needs no vote`, { votes });
  const approvals = 1 + votes.filter((v) => v.vote === "approve").length;
  const needed = quorumNeeded(mode.quorum, members.size);
  const tally = `${approvals} of ${members.size} agree, ${needed} needed`;
  if (approvals >= needed) return verdict(mode, "go", 1, `consensus: ${tally}: ${what(p)} goes`, { votes });
  const dissent = [...members]
    .filter((id) => id !== p.agent && counted.get(id)?.vote !== "approve")
    .map((id) => {
      const v = counted.get(id);
      return v ? `${agentName(id)} ${v.vote === "reject" ? "rejects" : "abstains"} (${v.reason})` : `${agentName(id)} abstains (no vote)`;
    });
  return verdict(mode, "veto", 0, `consensus: ${tally}: ${what(p)} is vetoed; ${dissent.join("; ")}`, { votes });
}
