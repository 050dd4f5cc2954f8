/**
 * P&L attribution: what a scope (an agent, a farm, a strategy, the desk) made, realized and
 * unrealized, what it paid in fees and in slippage, and how often its closed trades won. A farm's
 * or the desk's attribution is the sum of its agents' (`combine`), so a roll-up never re-reads fills.
 * Fees and slippage are already inside the P&L (trades are priced at their fills, net of fees):
 * they are shown apart to say where the P&L went, never subtracted again.
 */
import { type Decimal, ZERO, dec, str } from "../money.js";
import { feeInQuote } from "./trades.js";
import type { Attribution, ClosedTrade, OpenTrade, TradeFill } from "./types.js";

/** What the fill cost against the price its order was decided at (positive: a cost); zero without one. */
export function slippageOf(fill: TradeFill): Decimal {
  if (fill.decisionPrice === undefined || fill.decisionPrice === null) return ZERO;
  const diff = dec(fill.price).minus(dec(fill.decisionPrice));
  const signed = fill.side === "buy" ? diff : diff.neg();
  return signed.times(dec(fill.quantity));
}

/** wins / closed, or null before the first close. */
function hitRate(wins: number, closed: number): number | null {
  return closed === 0 ? null : wins / closed;
}

/** One scope's attribution from its fills and the trades `tradesOf` made of them. */
export function attribute(scope: string, fills: readonly TradeFill[], open: readonly OpenTrade[], closed: readonly ClosedTrade[]): Attribution {
  let realized = ZERO;
  let wins = 0;
  for (const t of closed) {
    const pnl = dec(t.realizedPnl);
    realized = realized.plus(pnl);
    if (pnl.gt(ZERO)) wins++;
  }
  let unrealized = ZERO;
  for (const t of open) if (t.unrealizedPnl !== null) unrealized = unrealized.plus(dec(t.unrealizedPnl));
  let fees = ZERO;
  let slippage = ZERO;
  for (const f of fills) {
    fees = fees.plus(feeInQuote(f));
    slippage = slippage.plus(slippageOf(f));
  }
  return {
    scope,
    realizedPnl: str(realized),
    unrealizedPnl: str(unrealized),
    fees: str(fees),
    slippage: str(slippage),
    closedTrades: closed.length,
    wins,
    hitRate: hitRate(wins, closed.length),
  };
}

/** The attribution of a scope made of parts (a farm of agents, a strategy across farms, the desk). */
export function combine(scope: string, parts: readonly Attribution[]): Attribution {
  let realized = ZERO;
  let unrealized = ZERO;
  let fees = ZERO;
  let slippage = ZERO;
  let closedTrades = 0;
  let wins = 0;
  for (const p of parts) {
    realized = realized.plus(dec(p.realizedPnl));
    unrealized = unrealized.plus(dec(p.unrealizedPnl));
    fees = fees.plus(dec(p.fees));
    slippage = slippage.plus(dec(p.slippage));
    closedTrades += p.closedTrades;
    wins += p.wins;
  }
  return {
    scope,
    realizedPnl: str(realized),
    unrealizedPnl: str(unrealized),
    fees: str(fees),
    slippage: str(slippage),
    closedTrades,
    wins,
    hitRate: hitRate(wins, closedTrades),
  };
}

/** Agents' attributions added up per farm, per strategy and for the desk (the agents' own kept as they are). */
export function rollUp(members: ReadonlyArray<{ readonly farm: string; readonly strategy: string; readonly attribution: Attribution }>): { desk: Attribution; farms: Attribution[]; strategies: Attribution[]; agents: Attribution[] } {
  const group = (key: (m: (typeof members)[number]) => string): Attribution[] => {
    const by = new Map<string, Attribution[]>();
    for (const m of members) by.set(key(m), [...(by.get(key(m)) ?? []), m.attribution]);
    return [...by].map(([scope, list]) => combine(scope, list));
  };
  return { desk: combine("desk", members.map((m) => m.attribution)), farms: group((m) => m.farm), strategies: group((m) => m.strategy), agents: members.map((m) => m.attribution) };
}
