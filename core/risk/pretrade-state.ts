import { Decimal, ZERO, dec } from "../money.js";
import { haltFor, scopeKey } from "./breakers.js";
import { DEFAULT_LIMITS, MAX_ORDERS_PER_MINUTE, effectiveLimits } from "./limits.js";
import type { Halt, LimitsConfig, RiskPosition, RiskQuote, RiskScope } from "./types.js";

/** What every pre-trade check reads, held in memory by the monitor: limits, positions, marks, depth, sensitivities, P&L, halts, order rates. */

export const WINDOW_MS = 60_000;

export const ONE = new Decimal(1);

export const TWO = new Decimal(2);

/** Quotients round toward zero, so a capacity floored to a lot can never round up past its limit. */
export const Down = Decimal.clone({ rounding: Decimal.ROUND_DOWN });

export function quotientDown(n: Decimal, d: Decimal): Decimal {
  return new Decimal(new Down(n).div(d));
}

/** A scope's limits parsed once per config: the hot path compares Decimals, never parses strings. */
export interface ParsedLimits {
  readonly orderNotional: Decimal;
  readonly positionNotional: Decimal;
  readonly grossExposure: Decimal;
  readonly var: Decimal;
  readonly dailyLoss: Decimal;
  readonly drawdown: number;
  readonly ordersPerMinute: number;
  readonly concentration: Decimal;
  readonly depthMultiple: Decimal;
}

/** A scope's holdings: signed base quantities and absolute notionals at the marks. */
export interface Exposure {
  /** Net signed quantity per symbol, summed over venues (and agents, for a farm or the desk). */
  readonly bySymbol: Map<string, Decimal>;
  /** Net signed quantity per `venue|symbol`. */
  readonly byVenueSymbol: Map<string, Decimal>;
  /** Sum of absolute position notionals per base asset. */
  readonly grossByAsset: Map<string, Decimal>;
  /** Sum of absolute position notionals: each agent's position at each venue counts on its own. */
  gross: Decimal;
}

export interface Sensitivity {
  /** The scope's current VaR (1-day 99% parametric), USD. */
  readonly var: Decimal;
  /** dVaR/dw per asset: VaR added per USD of signed exposure (long positive). */
  readonly marginal: Map<string, Decimal>;
  /** The largest |marginal|: what an asset the VaR run did not see is assumed to add. */
  readonly maxAbs: Decimal;
}

export interface Pnl {
  readonly dailyPnl: Decimal;
  readonly drawdown: number;
}

export interface Depth {
  readonly bid: Decimal;
  readonly ask: Decimal;
}

/** The timestamps of an agent's recent orders, oldest first, in a ring that grows only up to the largest limit. */
export class RateWindow {
  private times: Float64Array;
  private head = 0;
  private size = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(Math.max(1, capacity));
  }

  /** Orders within the minute ending at nowMs (those at nowMs − 60 s have left it). */
  count(nowMs: number): number {
    const cap = this.times.length;
    while (this.size > 0) {
      const oldest = this.times[(this.head - this.size + cap) % cap] ?? 0;
      if (oldest > nowMs - WINDOW_MS) break;
      this.size--;
    }
    return this.size;
  }

  push(nowMs: number): void {
    const cap = this.times.length;
    if (this.size === cap && cap < MAX_ORDERS_PER_MINUTE) {
      const grown = new Float64Array(Math.min(MAX_ORDERS_PER_MINUTE, cap * 2));
      for (let i = 0; i < this.size; i++) grown[i] = this.times[(this.head - this.size + i + cap) % cap] ?? 0;
      this.times = grown;
      this.head = this.size;
    }
    const len = this.times.length;
    this.times[this.head] = nowMs;
    this.head = (this.head + 1) % len;
    if (this.size < len) this.size++;
  }
}

export function venueSymbolKey(venue: string, symbol: string): string {
  return `${venue}|${symbol}`;
}

export function baseAsset(symbol: string): string {
  const dash = symbol.indexOf("-");
  return dash < 0 ? symbol : symbol.slice(0, dash);
}

export function addTo(map: Map<string, Decimal>, key: string, amount: Decimal): void {
  const prev = map.get(key);
  map.set(key, prev ? prev.plus(amount) : amount);
}

export function parseLimits(config: LimitsConfig, scope: RiskScope, farm: string | null): ParsedLimits {
  const l = effectiveLimits(config, scope, farm);
  return {
    orderNotional: dec(l.maxOrderNotional),
    positionNotional: dec(l.maxPositionNotional),
    grossExposure: dec(l.maxGrossExposure),
    var: dec(l.maxVar),
    dailyLoss: dec(l.maxDailyLoss),
    drawdown: Number(l.maxDrawdown),
    ordersPerMinute: l.maxOrdersPerMinute,
    concentration: dec(l.maxConcentration),
    depthMultiple: dec(l.maxDepthMultiple),
  };
}

/**
 * What the monitor knows, kept current by the monitor and read by `preTrade`: every figure a
 * check needs is already aggregated here, so a check is a handful of map look-ups and Decimal
 * comparisons. The update methods replace their piece (setMarks and setDepth merge by key).
 */
export class PreTradeState {
  config: LimitsConfig;
  halts: readonly Halt[] = [];
  readonly exposures = new Map<string, Exposure>();
  readonly marks = new Map<string, Decimal>();
  readonly sensitivities = new Map<string, Sensitivity>();
  readonly pnl = new Map<string, Pnl>();
  readonly depth = new Map<string, Depth>();
  readonly rates = new Map<string, RateWindow>();
  /** Each agent's farm as last seen (positions, orders): what the agent's limits overlay. */
  readonly agentFarms = new Map<string, string | null>();
  private readonly limitsCache = new Map<string, ParsedLimits>();
  private readonly scopesCache = new Map<string, readonly OrderScope[]>();
  private readonly positionPrices = new Map<string, Decimal>();
  private readonly assets = new Map<string, string>();
  private positions: readonly RiskPosition[] = [];

  constructor(config: LimitsConfig = DEFAULT_LIMITS) {
    this.config = config;
  }

  /** New limits: the parsed limits are recomputed on first use. */
  setConfig(config: LimitsConfig): void {
    this.config = config;
    this.limitsCache.clear();
    this.scopesCache.clear();
  }

  /** Every position the desk holds: the aggregates per agent, farm and desk are rebuilt from them. */
  setPositions(positions: readonly RiskPosition[]): void {
    this.positions = positions.slice();
    this.positionPrices.clear();
    for (const p of this.positions) {
      this.positionPrices.set(p.symbol, dec(p.price));
      this.assets.set(p.symbol, p.asset);
      this.agentFarms.set(p.agent, p.farm);
    }
    this.rebuildExposures();
  }

  /** Mid prices by symbol, merged into what is known; exposures are revalued at them. */
  setMarks(marks: ReadonlyMap<string, string> | Readonly<Record<string, string>>): void {
    const entries = marks instanceof Map ? marks.entries() : Object.entries(marks);
    for (const [symbol, price] of entries) this.marks.set(symbol, dec(price));
    this.rebuildExposures();
  }

  /**
   * The last parametric VaR run, per scope: its VaR and each asset's marginal VaR per USD of signed
   * exposure. A scope without an entry has no VaR check (the monitor has not computed one for it).
   */
  setRiskSensitivities(entries: ReadonlyArray<{ readonly scope: RiskScope; readonly var: string; readonly marginal: Readonly<Record<string, number>> }>): void {
    this.sensitivities.clear();
    for (const e of entries) {
      const marginal = new Map<string, Decimal>();
      let maxAbs = ZERO;
      for (const [asset, m] of Object.entries(e.marginal)) {
        if (!Number.isFinite(m)) continue;
        const d = new Decimal(m);
        marginal.set(asset, d);
        if (d.abs().gt(maxAbs)) maxAbs = d.abs();
      }
      this.sensitivities.set(scopeKey(e.scope), { var: dec(e.var), marginal, maxAbs });
    }
  }

  /** Daily P&L (USD decimal string, a loss negative) and drawdown (fraction of peak) per scope. */
  setPnl(entries: ReadonlyArray<{ readonly scope: RiskScope; readonly dailyPnl: string; readonly drawdown: number }>): void {
    this.pnl.clear();
    for (const e of entries) this.pnl.set(scopeKey(e.scope), { dailyPnl: dec(e.dailyPnl), drawdown: e.drawdown });
  }

  /** Book depth within 1% of mid per venue and symbol, merged into what is known. */
  setDepth(quotes: readonly RiskQuote[]): void {
    for (const q of quotes) this.depth.set(venueSymbolKey(q.venue, q.symbol), { bid: dec(q.depthBid1Pct), ask: dec(q.depthAsk1Pct) });
  }

  setHalts(halts: readonly Halt[]): void {
    this.halts = halts.slice();
  }

  /** True when the desk, the agent's farm or the agent is halted. */
  isHalted(agent: string, farm: string | null): boolean {
    return haltFor(this.halts, agent, farm) !== null;
  }

  /** Counts an order against the agent's rate (preTrade does this for each order it lets through). */
  recordOrder(agent: string, nowMs: number): void {
    let window = this.rates.get(agent);
    if (!window) {
      window = new RateWindow(this.limits({ kind: "agent", id: agent }, this.agentFarms.get(agent) ?? null).ordersPerMinute);
      this.rates.set(agent, window);
    }
    window.push(nowMs);
  }

  /** Orders the agent sent within the minute ending at nowMs. */
  ordersInLastMinute(agent: string, nowMs: number): number {
    return this.rates.get(agent)?.count(nowMs) ?? 0;
  }

  /** The mark of a symbol, else the price its positions were last reported at. */
  markOf(symbol: string): Decimal | undefined {
    return this.marks.get(symbol) ?? this.positionPrices.get(symbol);
  }

  assetOf(symbol: string): string {
    return this.assets.get(symbol) ?? baseAsset(symbol);
  }

  /** The scope's limits, parsed and cached until the config changes. */
  limits(scope: RiskScope, farm: string | null = null): ParsedLimits {
    const key = scope.kind === "agent" ? `${scope.id}|${farm ?? ""}` : scopeKey(scope);
    let parsed = this.limitsCache.get(key);
    if (!parsed) {
      parsed = parseLimits(this.config, scope, farm);
      this.limitsCache.set(key, parsed);
    }
    return parsed;
  }

  /** The agent, its farm and the desk with their limits, narrowest first (cached until the config changes). */
  scopesOf(agent: string, farm: string | null): readonly OrderScope[] {
    const key = `${agent}|${farm ?? ""}`;
    let scopes = this.scopesCache.get(key);
    if (!scopes) {
      scopes = orderScopes(this, agent, farm);
      this.scopesCache.set(key, scopes);
    }
    return scopes;
  }

  private rebuildExposures(): void {
    this.exposures.clear();
    for (const p of this.positions) {
      const q = dec(p.quantity);
      const price = this.markOf(p.symbol) ?? dec(p.price);
      const notional = q.abs().times(price);
      const vs = venueSymbolKey(p.venue, p.symbol);
      this.addExposure(p.agent, p.symbol, vs, p.asset, q, notional);
      if (p.farm !== null) this.addExposure(p.farm, p.symbol, vs, p.asset, q, notional);
      this.addExposure("desk", p.symbol, vs, p.asset, q, notional);
    }
  }

  private addExposure(key: string, symbol: string, vs: string, asset: string, q: Decimal, notional: Decimal): void {
    let e = this.exposures.get(key);
    if (!e) {
      e = { bySymbol: new Map(), byVenueSymbol: new Map(), grossByAsset: new Map(), gross: ZERO };
      this.exposures.set(key, e);
    }
    addTo(e.bySymbol, symbol, q);
    addTo(e.byVenueSymbol, vs, q);
    addTo(e.grossByAsset, asset, notional);
    e.gross = e.gross.plus(notional);
  }
}

/** The three scopes an order answers to, narrowest first; the farm is absent for an agent outside any farm. */
export interface OrderScope {
  readonly key: string;
  readonly scope: RiskScope;
  readonly limits: ParsedLimits;
  /** "agent's", "farm's", "desk's": an order has one of each, so the role names it. */
  readonly role: "agent" | "farm" | "desk";
}

export const DESK: RiskScope = { kind: "desk" };

export function orderScopes(state: PreTradeState, agent: string, farm: string | null): OrderScope[] {
  const agentScope: RiskScope = { kind: "agent", id: agent };
  const scopes: OrderScope[] = [{ key: agent, scope: agentScope, limits: state.limits(agentScope, farm), role: "agent" }];
  if (farm !== null) {
    const farmScope: RiskScope = { kind: "farm", id: farm };
    scopes.push({ key: farm, scope: farmScope, limits: state.limits(farmScope), role: "farm" });
  }
  scopes.push({ key: "desk", scope: DESK, limits: state.limits(DESK), role: "desk" });
  return scopes;
}
