import type { AgentRiskView, HeldPosition } from "../../messages.js";
import { type Decimal, dec, str } from "../../money.js";
import type { RiskPosition, RiskQuote } from "../types.js";

/** Prices every agent's positions at its venue's mid (to 8 places); a position on a venue not read keeps its entry price. */
export function pricePositions(books: readonly AgentRiskView[], quotes: readonly RiskQuote[]): RiskPosition[] {
  const mark = new Map(quotes.map((q) => [`${q.venue}|${q.symbol}`, dec(q.bid).plus(q.ask).div(2)]));
  const positions: RiskPosition[] = [];
  for (const b of books) {
    for (const p of b.positions) {
      const m = mark.get(`${p.venue}|${p.symbol}`);
      positions.push({ agent: b.agent, farm: b.farm, venue: p.venue, symbol: p.symbol, asset: p.asset, quantity: p.quantity, price: m ? str(m.toDecimalPlaces(8)) : (p.entryPrice ?? "0"), entryPrice: p.entryPrice });
    }
  }
  return positions;
}

/** Positions held in the same places and quantities, in the same order. */
function sameHoldings(a: readonly { venue: string; symbol: string; quantity: string }[], b: readonly HeldPosition[]): boolean {
  return a.length === b.length && a.every((p, i) => p.venue === b[i]?.venue && p.symbol === b[i]?.symbol && p.quantity === b[i]?.quantity);
}

/**
 * The desk's positions with one agent's replaced by what it sent with its order (fills since the
 * last cycle count at once), priced at the monitor's marks; null when nothing changed.
 */
export function withAgentHeld(positions: readonly RiskPosition[], agent: string, held: readonly HeldPosition[], markOf: (symbol: string) => Decimal | undefined): RiskPosition[] | null {
  const mine = positions.filter((p) => p.agent === agent);
  if (sameHoldings(mine, held)) return null;
  const priced: RiskPosition[] = held.map((h) => {
    const before = mine.find((p) => p.venue === h.venue && p.symbol === h.symbol);
    const mark = markOf(h.symbol);
    return { ...h, price: mark ? str(mark) : (before?.price ?? "0"), entryPrice: before?.entryPrice ?? null };
  });
  return [...positions.filter((p) => p.agent !== agent), ...priced].sort((a, b) => (a.agent + a.venue + a.symbol < b.agent + b.venue + b.symbol ? -1 : 1));
}

/** An agent's open buys as it sent them: the new map, or null when they did not change. */
export function withOpenBuys(openBuys: ReadonlyMap<string, readonly HeldPosition[]>, agent: string, buys: readonly HeldPosition[]): Map<string, readonly HeldPosition[]> | null {
  if (sameHoldings(openBuys.get(agent) ?? [], buys)) return null;
  const next = new Map(openBuys);
  if (buys.length === 0) next.delete(agent);
  else next.set(agent, buys);
  return next;
}

/**
 * What pre-trade checks count as held: the positions, plus what open buy orders would add if they
 * filled (at the marks), so that resting orders cannot add up past a limit.
 */
export function checkedPositions(positions: readonly RiskPosition[], openBuys: ReadonlyMap<string, readonly HeldPosition[]>, markOf: (symbol: string) => Decimal | undefined): RiskPosition[] {
  const out: RiskPosition[] = [...positions];
  for (const buys of openBuys.values()) {
    for (const b of buys) {
      const mark = markOf(b.symbol);
      if (mark) out.push({ ...b, price: str(mark), entryPrice: null });
    }
  }
  return out;
}

/** The agents' held positions as a risk view lists them (for `withAgentHeld`). */
export function heldOf(view: AgentRiskView): HeldPosition[] {
  return view.positions.map((h) => ({ agent: view.agent, farm: view.farm, venue: h.venue, symbol: h.symbol, asset: h.asset, quantity: h.quantity }));
}
