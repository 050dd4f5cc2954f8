/**
 * The operator's controls over an agent, as pure rules: its status in one word, its vote on
 * another agent's proposal (consensus mode), and the order that closes a position.
 */
import { CASH, type Balances } from "../ledger.js";
import { type OrderRequest, splitSymbol } from "../market.js";
import { str } from "../money.js";
import { venueAccount } from "../orders.js";
import { paperVenueSpec } from "../paper-venues.js";
import type { Refused } from "../refusals.js";
import { floorTo, stepsOf } from "../ticks.js";
import type { AgentView, Proposal, Vote } from "../farm/types.js";
import type { WalletRecord } from "../wallets.js";
import type { AgentConfig, AgentStatus, DecisionRecord } from "./types.js";

/** A view older than this no longer speaks for the agent in a vote. */
export const VOTE_VIEW_TTL_MS = 120_000;

/** The agent's status in one word, from its record, configuration, last decision and pending approvals ("halted" is the risk monitor's to say: the route adds it). */
export function agentStatus(record: WalletRecord, config: AgentConfig | null, last: DecisionRecord | null, pendingApprovals: number): AgentStatus {
  if (record.status === "archived") return "archived";
  if (!config) return "unconfigured";
  if (config.paused) return "paused";
  if (pendingApprovals > 0) return "awaiting_approval";
  if (last?.outcome === "warming_up") return "warming_up";
  return "running";
}

/** A vote from the agent's own latest view of the proposal's symbol: same side approves, the other side rejects, no view abstains. */
export function agentVote(agent: string, views: readonly AgentView[], proposal: Proposal, nowMs: number): Vote {
  const mine = views.filter((v) => v.symbol === proposal.view.symbol && nowMs - v.atMs < VOTE_VIEW_TTL_MS).sort((a, b) => b.atMs - a.atMs)[0];
  if (!mine || mine.side === "hold") return { agent, vote: "abstain", confidence: 0, reason: mine ? `no view on ${proposal.view.symbol}: ${mine.reason}` : `no recent view of ${proposal.view.symbol}` };
  const agrees = mine.side === proposal.side;
  return { agent, vote: agrees ? "approve" : "reject", confidence: mine.confidence, reason: `${agrees ? "agrees" : "disagrees"}: ${mine.reason}` };
}

/** The market sell of everything held at a venue (on the lot), or why there is nothing to close. */
export function closeOrder(balances: Balances, record: WalletRecord | null, venue: string, symbol: string, clientOrderId: string): { ok: true; request: OrderRequest } | Refused {
  if (!record) return { ok: false, code: "unknown_wallet", message: "no such agent: it was never created" };
  const spec = paperVenueSpec(venue)?.symbols.find((s) => s.symbol === symbol);
  if (!spec) return { ok: false, code: "invalid_symbol", message: `${venue} does not list ${symbol}` };
  const held = balances.get(venueAccount(venue), splitSymbol(symbol).base as never).neg();
  const free = balances.get(CASH, splitSymbol(symbol).base as never);
  const quantity = floorTo(held.lt(free) ? held : free, stepsOf(spec).lot);
  if (!quantity.gt(0)) return { ok: false, code: "no_position", message: `${record.id} holds no ${symbol} at ${venue} that it could sell` };
  return { ok: true, request: { clientOrderId, symbol, side: "sell", type: "market", quantity: str(quantity), price: null, timeInForce: "ioc" } };
}

/** Ten base-36 characters of SHA-256: a short, stable id part from a long key. */
export async function shortHash(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  let n = 0n;
  for (const b of digest.subarray(0, 8)) n = (n << 8n) | BigInt(b);
  return n.toString(36).slice(0, 10);
}
