import type { AgentView, Netting, Proposal } from "./types.js";

/** +1 for a buy, −1 for a sell, 0 for a hold. */
export function sideSign(side: AgentView["side"]): number {
  return side === "buy" ? 1 : side === "sell" ? -1 : 0;
}

/** A statistic from another object that is not a finite non-negative number counts as nothing. */
function unit(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}

/** A view's signed contribution to the net: sign × strength × confidence × weight (a hold counts 0). */
export function contribution(view: AgentView): number {
  return sideSign(view.side) * unit(view.strength) * unit(view.confidence) * unit(view.weight);
}

/**
 * The views that count for `symbol` at `nowMs`: younger than `ttlMs` and, per agent, only the
 * newest (ties go to the later one in the list). `extra` (the proposer's own view) competes with them.
 */
export function liveViews(views: readonly AgentView[], symbol: string, nowMs: number, ttlMs: number, extra: AgentView | null = null): AgentView[] {
  const newest = new Map<string, AgentView>();
  const consider = (v: AgentView): void => {
    if (v.symbol !== symbol || nowMs - v.atMs >= ttlMs) return;
    const held = newest.get(v.agent);
    if (!held || v.atMs >= held.atMs) newest.set(v.agent, v);
  };
  for (const v of views) consider(v);
  if (extra) consider(extra);
  return [...newest.values()];
}

/**
 * The one netting rule, used inside a farm (collaborative mode) and by the desk across farms:
 * contributions of the live views of the proposal's symbol (one per agent, the newest, the
 * proposer's own included) are summed; what survives on the proposal's side, over its gross,
 * is the share of the order that goes. An exit (a reducing order) and an order of a
 * market-neutral view (a hold: quotes, arbitrage legs) are never scaled.
 */
export function netViews(views: readonly AgentView[], proposal: Proposal, nowMs: number, ttlMs: number): Netting {
  const sign = sideSign(proposal.side);
  let net = 0;
  let gross = 0;
  const against: Array<{ view: AgentView; c: number }> = [];
  for (const view of liveViews(views, proposal.view.symbol, nowMs, ttlMs, proposal.view)) {
    const c = contribution(view);
    net += c;
    if (c * sign > 0) gross += Math.abs(c);
    else if (c * sign < 0) against.push({ view, c: Math.abs(c) });
  }
  against.sort((a, b) => b.c - a.c);
  const onSide = net * sign;
  // An exit, or an order from a market-neutral view (quotes, arbitrage legs: the view holds), takes no side to net.
  const neutral = proposal.reducing || sideSign(proposal.view.side) === 0;
  const scale = neutral ? 1 : onSide <= 0 || gross <= 0 ? 0 : Math.min(1, onSide / gross);
  return { net, gross, scale, against: against.map((a) => a.view) };
}
