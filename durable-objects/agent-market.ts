import type { AgentConfig } from "../core/agents/types.js";
import type { MarketView } from "../core/paper-venue/history.js";
import { clock } from "./clock.js";
import { instrumentsOf } from "../core/agents/config.js";
import type { CycleInstrument } from "../core/agents/cycle.js";
import { type Balances, CASH } from "../core/ledger.js";
import type { Candle } from "../core/market.js";
import { splitSymbol } from "../core/market.js";
import { Decimal, str } from "../core/money.js";
import { RESERVED, venueAccount } from "../core/orders.js";
import { paperVenueSpec } from "../core/paper-venues.js";
import type { InstrumentSpec } from "../core/strategies/types.js";
import { barMs } from "../core/agents/config.js";
import { venueStub } from "./stubs.js";

/** What the cycle read of the market: per instrument its candles and its place in the book. */
export interface CycleMarket {
  readonly instruments: CycleInstrument[];
  readonly candles: Array<readonly Candle[]>;
  /** Whether any of the venues trades live (an agent's first live order waits for approval). */
  readonly live: ReadonlySet<string>;
  /** Per instrument: half the quoted spread now, bp (what a strategy's fill model assumes). */
  readonly halfSpreadBp: number[];
  /** The venues' clock when they answered. */
  readonly nowMs: number;
}

/** Reads every venue the agent trades on, one call per venue, in parallel. */
export async function readMarket(env: Env, config: AgentConfig, balances: Balances, limit: number): Promise<CycleMarket> {
  const instruments = instrumentsOf(config);
  const byVenue = new Map<string, string[]>();
  for (const i of instruments) byVenue.set(i.venue, [...(byVenue.get(i.venue) ?? []), i.symbol]);
  const views = new Map<string, MarketView>();
  await Promise.all([...byVenue].map(async ([venue, symbols]) => views.set(venue, await venueStub(env, venue).marketView(symbols, config.barInterval, limit))));
  const live = new Set<string>();
  const nowMs = clock.nowMs();
  const out: CycleInstrument[] = [];
  const candles: Array<readonly Candle[]> = [];
  const halfSpreadBp: number[] = [];
  for (const i of instruments) {
    const view = views.get(i.venue);
    const venueSpec = paperVenueSpec(i.venue);
    const spec = venueSpec?.symbols.find((s) => s.symbol === i.symbol);
    const entry = view?.symbols.find((s) => s.symbol === i.symbol);
    if (!view || !venueSpec || !spec || !entry) throw new Error(`${i.venue} answered nothing for ${i.symbol}`);
    if (view.trading === "live") live.add(i.venue);
    const lastClose = entry.candles[entry.candles.length - 1]?.close ?? null;
    const mark = entry.ticker?.last ?? lastClose;
    if (!mark) throw new Error(`${i.venue} has no price for ${i.symbol}`);
    const held = balances.get(venueAccount(i.venue), splitSymbol(i.symbol).base as never).neg();
    out.push({ ...i, spec, venueSpec, mark, position: str(held.gt(0) ? held : held.times(0)) });
    candles.push(entry.candles);
    const bid = Number(entry.ticker?.bid ?? NaN);
    const ask = Number(entry.ticker?.ask ?? NaN);
    halfSpreadBp.push(bid > 0 && ask > bid ? ((ask - bid) / (ask + bid)) * 1e4 : 1);
  }
  return { instruments: out, candles, live, halfSpreadBp, nowMs };
}

/** The instruments as the strategy sees them (fees and ticks as numbers, the spread from the book now). */
export function instrumentSpecs(config: AgentConfig, market: CycleMarket): InstrumentSpec[] {
  return market.instruments.map((i, k) => ({
    venueId: i.venue,
    symbol: i.symbol,
    makerFeeRate: Number(i.venueSpec.makerFeeRate),
    takerFeeRate: Number(i.venueSpec.takerFeeRate),
    halfSpreadBp: market.halfSpreadBp[k] ?? 1,
    tickSize: Number(i.spec.tickSize),
    intervalMs: barMs(config),
  }));
}

/** Cash (reserved included) plus every position at its mark. */
export function equityOf(balances: Balances, market: CycleMarket): Decimal {
  let equity = balances.get(CASH, "USD" as never).plus(balances.get(RESERVED, "USD" as never));
  for (const i of market.instruments) equity = equity.plus(new Decimal(i.position).times(i.mark));
  return equity;
}

