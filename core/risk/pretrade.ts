import { Decimal, ZERO, dec, str } from "../money.js";
import { floorTo } from "../ticks.js";
import { haltFor, parseScopeKey, scopeKey } from "./breakers.js";
import { DEFAULT_LIMITS, MAX_ORDERS_PER_MINUTE, effectiveLimits, formatFraction, formatUsd } from "./limits.js";
import type { Halt, LimitUsage, LimitsConfig, PreTradeDecision, PreTradeOrder, RiskPosition, RiskQuote, RiskRule, RiskScope } from "./types.js";

const WINDOW_MS = 60_000;
const ONE = new Decimal(1);
const TWO = new Decimal(2);

/** Quotients round toward zero, so a capacity floored to a lot can never round up past its limit. */
const Down = Decimal.clone({ rounding: Decimal.ROUND_DOWN });
function quotientDown(n: Decimal, d: Decimal): Decimal {
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
interface Exposure {
  /** Net signed quantity per symbol, summed over venues (and agents, for a farm or the desk). */
  readonly bySymbol: Map<string, Decimal>;
  /** Net signed quantity per `venue|symbol`. */
  readonly byVenueSymbol: Map<string, Decimal>;
  /** Sum of absolute position notionals per base asset. */
  readonly grossByAsset: Map<string, Decimal>;
  /** Sum of absolute position notionals: each agent's position at each venue counts on its own. */
  gross: Decimal;
}

interface Sensitivity {
  /** The scope's current VaR (1-day 99% parametric), USD. */
  readonly var: Decimal;
  /** dVaR/dw per asset: VaR added per USD of signed exposure (long positive). */
  readonly marginal: Map<string, Decimal>;
  /** The largest |marginal|: what an asset the VaR run did not see is assumed to add. */
  readonly maxAbs: Decimal;
}

interface Pnl {
  readonly dailyPnl: Decimal;
  readonly drawdown: number;
}

interface Depth {
  readonly bid: Decimal;
  readonly ask: Decimal;
}

/** The timestamps of an agent's recent orders, oldest first, in a ring that grows only up to the largest limit. */
class RateWindow {
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

function venueSymbolKey(venue: string, symbol: string): string {
  return `${venue}|${symbol}`;
}

function baseAsset(symbol: string): string {
  const dash = symbol.indexOf("-");
  return dash < 0 ? symbol : symbol.slice(0, dash);
}

function addTo(map: Map<string, Decimal>, key: string, amount: Decimal): void {
  const prev = map.get(key);
  map.set(key, prev ? prev.plus(amount) : amount);
}

function parseLimits(config: LimitsConfig, scope: RiskScope, farm: string | null): ParsedLimits {
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

/** An order's measured figures: what every rule and every reason is computed from. */
interface Figures {
  readonly order: PreTradeOrder;
  readonly quantity: Decimal;
  /** The limit price, else the mark: what the order's own notional is measured at. */
  readonly price: Decimal;
  /** The mark, else the order's price: what positions are valued at. */
  readonly value: Decimal;
  /** +1 buy, −1 sell. */
  readonly buy: boolean;
  /** How much of the order closes the agent's own position at this venue (0 when it adds). */
  readonly reducible: Decimal;
  readonly asset: string;
  readonly vs: string;
  readonly scopes: readonly OrderScope[];
}

/** A capacity found by a rule: the largest quantity the rule lets the order have. */
interface Binding {
  cap: Decimal;
  rule: RiskRule | null;
  scope: OrderScope | null;
}

function bind(b: Binding, cap: Decimal, rule: RiskRule, scope: OrderScope): void {
  if (cap.lt(b.cap)) {
    b.cap = cap;
    b.rule = rule;
    b.scope = scope;
  }
}

/** Exposure rules never cut an order below the part that closes the agent's position. */
function bindExposure(b: Binding, f: Figures, cap: Decimal, rule: RiskRule, scope: OrderScope): void {
  bind(b, cap.lt(f.reducible) ? f.reducible : cap, rule, scope);
}

/** The order's quantity in its own direction: positive is what a buy adds to (or a sell takes from) a signed position. */
function along(f: Figures, signed: Decimal | undefined): Decimal {
  if (!signed) return ZERO;
  return f.buy ? signed : signed.neg();
}

function reject(rule: RiskRule, reason: string): PreTradeDecision {
  return { decision: "reject", rule, reason };
}

/**
 * The pre-trade check. Rules in order, the first that refuses decides:
 *   1. halted: the desk, the agent's farm or the agent is halted;
 *   2. no_price: no mark for the symbol and no limit price (nothing to measure notionals at);
 *   3. max_daily_loss, max_drawdown: a scope (desk, farm, agent: broadest named) that reached its
 *      loss limit takes only the part of an order that reduces the agent's position;
 *   4. max_orders_per_minute: the agent's rolling minute;
 *   5. size rules, which resize to the largest quantity all of them allow (rounded down to the lot):
 *      max_order_notional (the agent's), then for agent, farm and desk max_position_notional and
 *      max_gross_exposure, the desk's max_concentration, max_var (each scope with a VaR), and
 *      max_depth_multiple (agent, farm, desk). Ties go to the earlier rule.
 * Reduce-only orders (the monitor's stops and mitigation) pass halts, the price check and every
 * limit, and do not count toward the agent's rate: a kill switch must never block the stop-loss
 * that cuts the risk it was pulled for. They are only cut to the position they close, never past it.
 * An ordinary order that closes the agent's own position at its venue is never cut below that part
 * by exposure rules (the order notional limit still applies: it guards against fat fingers, not
 * exposure). Approved and resized orders count toward the agent's rate, so the caller must not call
 * preTrade for an order it will not send, except as a dry run (`dryRun`: the same rules, nothing counted),
 * which is how the order ticket shows the binding limit before anything is submitted.
 */
export function preTrade(state: PreTradeState, order: PreTradeOrder, nowMs: number, dryRun = false): PreTradeDecision {
  if (!order.reduceOnly) {
    const halt = haltFor(state.halts, order.agent, order.farm);
    if (halt) return reject("halted", `Trading is halted for ${scopeName(halt.scope)} (${halt.rule}, by ${halt.by}): ${sentence(halt.reason)}`);
  }
  const quantity = dec(order.quantity);
  if (!quantity.gt(ZERO)) throw new Error(`invariant: preTrade needs a positive quantity, got ${order.quantity}`);
  const buy = order.side === "buy";
  const vs = venueSymbolKey(order.venue, order.symbol);
  const held = state.exposures.get(order.agent)?.byVenueSymbol.get(vs);
  const reducible = held && (buy ? held.lt(ZERO) : held.gt(ZERO)) ? held.abs() : ZERO;
  const asset = state.assetOf(order.symbol);
  const mark = state.markOf(order.symbol);
  const markText = mark ? str(mark) : null;
  if (order.reduceOnly) return reduceOnly(order, quantity, reducible, asset, markText);

  const price = order.price !== null ? dec(order.price) : mark;
  if (!price || !price.gt(ZERO)) {
    return reject("no_price", `There is no mark for ${order.symbol} and the order has no limit price, so its notional cannot be measured.`);
  }

  if (state.agentFarms.get(order.agent) !== order.farm) state.agentFarms.set(order.agent, order.farm);
  const f: Figures = { order, quantity, price, value: mark ?? price, buy, reducible, asset, vs, scopes: state.scopesOf(order.agent, order.farm) };
  const b: Binding = { cap: quantity, rule: null, scope: null };

  for (let i = f.scopes.length - 1; i >= 0; i--) {
    const s = f.scopes[i] as OrderScope;
    const loss = lossBreach(state, s);
    if (!loss) continue;
    if (reducible.isZero()) return reject(loss, `${lossReason(state, s, loss)}; only orders that reduce a position are accepted.`);
    bind(b, reducible, loss, s);
    break;
  }

  const agent = f.scopes[0] as OrderScope;
  const sent = state.ordersInLastMinute(order.agent, nowMs);
  if (sent >= agent.limits.ordersPerMinute) {
    return reject("max_orders_per_minute", `The agent has sent ${sent} orders in the last minute, reaching its max of ${agent.limits.ordersPerMinute} per minute.`);
  }

  sizeRules(state, f, b);

  if (b.rule === null || b.scope === null) {
    if (!dryRun) state.recordOrder(order.agent, nowMs);
    return { decision: "approve", quantity: order.quantity, mark: markText, reason: "The order is within every limit." };
  }
  const why = ruleReason(state, f, b.rule, b.scope);
  const lot = dec(order.lotSize);
  const fitted = floorTo(b.cap, lot);
  if (!b.cap.gt(ZERO)) return reject(b.rule, `${why}; no room is left for the order.`);
  if (fitted.lt(lot)) {
    return reject(b.rule, `${why}; the largest quantity that fits, ${str(b.cap.toSignificantDigits(6, Decimal.ROUND_DOWN))} ${asset}, is less than one lot of ${order.lotSize} ${asset}.`);
  }
  const fittedNotional = fitted.times(price);
  if (fittedNotional.lt(dec(order.minNotional))) {
    return reject(b.rule, `${why}; the largest quantity that fits, ${str(fitted)} ${asset}, is worth ${formatUsd(fittedNotional)} USD, below the venue's minimum notional of ${formatUsd(dec(order.minNotional))} USD.`);
  }
  if (!dryRun) state.recordOrder(order.agent, nowMs);
  return { decision: "resize", quantity: str(fitted), rule: b.rule, mark: markText, reason: `${why}; resized to ${str(fitted)} ${asset}.` };
}

/** Reduce-only: passes halts and limits, but may only close what the agent holds at the venue. */
function reduceOnly(order: PreTradeOrder, quantity: Decimal, reducible: Decimal, asset: string, mark: string | null): PreTradeDecision {
  const holding = order.side === "buy" ? "short" : "long";
  if (reducible.isZero()) {
    return reject("max_position_notional", `A reduce-only order may only close a position, and the agent holds no ${holding} ${order.symbol} at ${order.venue}.`);
  }
  if (quantity.lte(reducible)) return { decision: "approve", quantity: order.quantity, mark, reason: "The reduce-only order closes part of a position; halts and limits never block it." };
  const fitted = floorTo(reducible, dec(order.lotSize));
  const why = `A reduce-only order may only close a position, and the agent holds ${str(reducible)} ${asset} ${holding} ${order.symbol} at ${order.venue}`;
  if (fitted.isZero()) return reject("max_position_notional", `${why}, less than one lot of ${order.lotSize} ${asset}.`);
  return { decision: "resize", quantity: str(fitted), rule: "max_position_notional", mark, reason: `${why}; resized to ${str(fitted)} ${asset}.` };
}

const DESK: RiskScope = { kind: "desk" };

function orderScopes(state: PreTradeState, agent: string, farm: string | null): OrderScope[] {
  const agentScope: RiskScope = { kind: "agent", id: agent };
  const scopes: OrderScope[] = [{ key: agent, scope: agentScope, limits: state.limits(agentScope, farm), role: "agent" }];
  if (farm !== null) {
    const farmScope: RiskScope = { kind: "farm", id: farm };
    scopes.push({ key: farm, scope: farmScope, limits: state.limits(farmScope), role: "farm" });
  }
  scopes.push({ key: "desk", scope: DESK, limits: state.limits(DESK), role: "desk" });
  return scopes;
}


/** A loss limit is spent when reached: at the limit no new risk is taken. Broadest scope checked first by the caller's order. */
function lossBreach(state: PreTradeState, s: OrderScope): "max_daily_loss" | "max_drawdown" | null {
  const p = state.pnl.get(s.key);
  if (!p) return null;
  if (p.dailyPnl.neg().gte(s.limits.dailyLoss)) return "max_daily_loss";
  if (p.drawdown >= s.limits.drawdown) return "max_drawdown";
  return null;
}

function sizeRules(state: PreTradeState, f: Figures, b: Binding): void {
  const agent = f.scopes[0] as OrderScope;
  if (f.quantity.times(f.price).gt(agent.limits.orderNotional)) {
    bind(b, quotientDown(agent.limits.orderNotional, f.price), "max_order_notional", agent);
  }
  // An order entirely within the agent's own position only closes it: no exposure can grow.
  if (f.quantity.lte(f.reducible)) return;
  const growth = f.quantity.minus(f.reducible.times(TWO)).times(f.value);

  for (const s of f.scopes) {
    const limit = s.limits.positionNotional;
    const p = along(f, state.exposures.get(s.key)?.bySymbol.get(f.order.symbol));
    if (p.plus(f.quantity).times(f.value).gt(limit)) bindExposure(b, f, quotientDown(limit, f.value).minus(p), "max_position_notional", s);
  }
  for (const s of f.scopes) {
    const limit = s.limits.grossExposure;
    const gross = state.exposures.get(s.key)?.gross ?? ZERO;
    if (gross.plus(growth).gt(limit)) bindExposure(b, f, quotientDown(limit.minus(gross), f.value).plus(f.reducible.times(TWO)), "max_gross_exposure", s);
  }
  const desk = f.scopes[f.scopes.length - 1] as OrderScope;
  const concentration = concentrationCap(state, f, desk, growth);
  if (concentration) bindExposure(b, f, concentration, "max_concentration", desk);
  for (const s of f.scopes) {
    const sens = state.sensitivities.get(s.key);
    if (!sens) continue;
    const perUsd = varPerUsd(f, sens);
    if (!perUsd.gt(ZERO)) continue;
    const added = f.quantity.times(f.value).times(perUsd);
    if (sens.var.plus(added).gt(s.limits.var)) bindExposure(b, f, quotientDown(s.limits.var.minus(sens.var), f.value.times(perUsd)), "max_var", s);
  }
  const depth = state.depth.get(f.vs);
  const side = depth ? (f.buy ? depth.bid : depth.ask) : ZERO;
  for (const s of f.scopes) {
    const room = s.limits.depthMultiple.times(side);
    const p = along(f, state.exposures.get(s.key)?.byVenueSymbol.get(f.vs));
    if (p.plus(f.quantity).gt(room)) bindExposure(b, f, room.minus(p), "max_depth_multiple", s);
  }
}

/** VaR the order adds per USD of its notional: the asset's marginal in the order's direction. */
function varPerUsd(f: Figures, sens: Sensitivity): Decimal {
  const m = sens.marginal.get(f.asset);
  // An asset the VaR run did not see is assumed as risky as the riskiest one it did, in either direction.
  if (m === undefined) return sens.maxAbs;
  return f.buy ? m : m.neg();
}

/**
 * The desk's concentration, measured against the larger of its gross exposure and its gross limit:
 * a desk that has just begun holds one asset at 100% of a tiny book, and a pure share would refuse
 * every first order. Against the limit, one asset may take `maxConcentration` of the room the desk
 * has; once the book is full the measure is the true share. Returns the quantity cap when the order
 * breaks the rule, else null.
 */
function concentrationCap(state: PreTradeState, f: Figures, desk: OrderScope, growth: Decimal): Decimal | null {
  const e = state.exposures.get("desk");
  const assetGross = e?.grossByAsset.get(f.asset) ?? ZERO;
  const gross = e?.gross ?? ZERO;
  const c = desk.limits.concentration;
  const limit = desk.limits.grossExposure;
  const after = gross.plus(growth);
  if (!assetGross.plus(growth).gt(c.times(Decimal.max(after, limit)))) return null;
  // The largest growth g with assetGross + g ≤ c·max(gross + g, limit): the left side grows faster, so one crossing.
  const withinLimit = c.times(limit).minus(assetGross);
  let g: Decimal | null;
  if (withinLimit.lte(limit.minus(gross))) g = withinLimit;
  else if (c.gte(ONE)) g = null;
  else g = quotientDown(c.times(gross).minus(assetGross), ONE.minus(c));
  if (g === null) return null;
  return quotientDown(g, f.value).plus(f.reducible.times(TWO));
}

function possessive(s: OrderScope): string {
  return `the ${s.role}'s`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function scopeName(scope: RiskScope): string {
  return scope.kind === "desk" ? "the desk" : `${scope.kind} ${scope.id}`;
}

function lossReason(state: PreTradeState, s: OrderScope, rule: "max_daily_loss" | "max_drawdown"): string {
  const p = state.pnl.get(s.key);
  const who = s.scope.kind === "desk" ? "The desk" : `The ${s.role} (${s.key})`;
  if (rule === "max_daily_loss") {
    return `${who} has lost ${formatUsd(p ? p.dailyPnl.neg() : ZERO)} USD today, reaching its max daily loss of ${formatUsd(s.limits.dailyLoss)} USD`;
  }
  return `${who} is ${formatFraction(p?.drawdown ?? 0)} below its peak equity, reaching its max drawdown of ${formatFraction(s.limits.drawdown)}`;
}

/** The binding rule's plain reason, with the figures the order would have produced at its full size. */
function ruleReason(state: PreTradeState, f: Figures, rule: RiskRule, s: OrderScope): string {
  const whose = possessive(s);
  const growth = f.quantity.minus(f.reducible.times(TWO)).times(f.value);
  switch (rule) {
    case "max_daily_loss":
    case "max_drawdown":
      return `${lossReason(state, s, rule)}, so only the ${str(f.reducible)} ${f.asset} that closes the agent's position is accepted`;
    case "max_order_notional":
      return `Order notional ${formatUsd(f.quantity.times(f.price))} USD exceeds ${whose} max order notional ${formatUsd(s.limits.orderNotional)} USD`;
    case "max_position_notional": {
      const after = along(f, state.exposures.get(s.key)?.bySymbol.get(f.order.symbol)).plus(f.quantity).times(f.value);
      return `${capitalize(whose)} ${f.order.symbol} position would be ${formatUsd(after)} USD, above its max position notional ${formatUsd(s.limits.positionNotional)} USD`;
    }
    case "max_gross_exposure": {
      const after = (state.exposures.get(s.key)?.gross ?? ZERO).plus(growth);
      return `${capitalize(whose)} gross exposure would be ${formatUsd(after)} USD, above its max gross exposure ${formatUsd(s.limits.grossExposure)} USD`;
    }
    case "max_concentration": {
      const e = state.exposures.get("desk");
      const assetAfter = (e?.grossByAsset.get(f.asset) ?? ZERO).plus(growth);
      const grossAfter = (e?.gross ?? ZERO).plus(growth);
      const byLimit = grossAfter.lt(s.limits.grossExposure);
      const base = byLimit ? s.limits.grossExposure : grossAfter;
      const share = assetAfter.div(base).toNumber();
      return `The desk's ${f.asset} exposure would be ${formatUsd(assetAfter)} USD, ${formatFraction(share)} of its ${byLimit ? "max gross exposure" : "gross exposure"} ${formatUsd(base)} USD, above its max concentration ${formatFraction(s.limits.concentration)}`;
    }
    case "max_var": {
      const sens = state.sensitivities.get(s.key);
      const now = sens?.var ?? ZERO;
      const after = sens ? now.plus(f.quantity.times(f.value).times(varPerUsd(f, sens))) : now;
      return `${capitalize(whose)} VaR would rise from ${formatUsd(now)} USD to about ${formatUsd(after)} USD, above its max VaR ${formatUsd(s.limits.var)} USD`;
    }
    case "max_depth_multiple": {
      const depth = state.depth.get(f.vs);
      const sideName = f.buy ? "bid" : "ask";
      const side = depth ? (f.buy ? depth.bid : depth.ask) : ZERO;
      const after = along(f, state.exposures.get(s.key)?.byVenueSymbol.get(f.vs)).plus(f.quantity);
      if (side.isZero()) {
        return `No book depth within 1% of mid is known on the ${sideName} of ${f.order.symbol} at ${f.order.venue}, so ${whose} position there cannot be shown to be closable and may not grow`;
      }
      const multiple = after.div(side).toSignificantDigits(3).toString();
      return `${capitalize(whose)} ${f.order.symbol} position at ${f.order.venue} would be ${str(after)} ${f.asset}, ${multiple} times the ${str(side)} ${f.asset} on the ${sideName} within 1% of mid that would close it, above its max depth multiple ${str(s.limits.depthMultiple)}`;
    }
    default:
      return `${capitalize(whose)} ${rule} limit binds`;
  }
}

/**
 * How much of each limit each scope uses, for the dashboard's gauges: position notional (the
 * largest symbol), gross exposure, VaR (where computed), daily loss, drawdown, orders per minute
 * (agents), concentration (desk, measured as preTrade measures it) and depth multiple (the largest
 * venue position; positions on a venue side with no known depth are left out, as no multiple exists).
 */
export function limitUsage(state: PreTradeState, nowMs: number): LimitUsage[] {
  const keys = new Set<string>(["desk"]);
  for (const k of state.exposures.keys()) keys.add(k);
  for (const k of state.pnl.keys()) keys.add(k);
  for (const k of state.sensitivities.keys()) keys.add(k);
  for (const k of state.rates.keys()) keys.add(k);
  const ordered = [...keys].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: LimitUsage[] = [];
  for (const key of ordered) {
    const scope = parseScopeKey(key);
    if (!scope) continue;
    const limits = state.limits(scope, scope.kind === "agent" ? (state.agentFarms.get(key) ?? null) : null);
    const push = (rule: RiskRule, value: Decimal, limit: Decimal) =>
      out.push({ scope, rule, value: str(value), limit: str(limit), ratio: limit.isZero() ? 0 : value.div(limit).toNumber() });
    const e = state.exposures.get(key);
    if (e) {
      let largest = ZERO;
      for (const [symbol, q] of e.bySymbol) {
        const n = q.abs().times(state.markOf(symbol) ?? ZERO);
        if (n.gt(largest)) largest = n;
      }
      push("max_position_notional", largest, limits.positionNotional);
      push("max_gross_exposure", e.gross, limits.grossExposure);
    }
    const sens = state.sensitivities.get(key);
    if (sens) push("max_var", sens.var, limits.var);
    const pnl = state.pnl.get(key);
    if (pnl) {
      push("max_daily_loss", pnl.dailyPnl.isNegative() ? pnl.dailyPnl.neg() : ZERO, limits.dailyLoss);
      push("max_drawdown", new Decimal(pnl.drawdown), new Decimal(limits.drawdown));
    }
    if (scope.kind === "agent") push("max_orders_per_minute", new Decimal(state.ordersInLastMinute(key, nowMs)), new Decimal(limits.ordersPerMinute));
    if (scope.kind === "desk" && e && !e.gross.isZero()) {
      let largest = ZERO;
      for (const n of e.grossByAsset.values()) if (n.gt(largest)) largest = n;
      const base = Decimal.max(e.gross, limits.grossExposure);
      push("max_concentration", largest.div(base).toDecimalPlaces(6), limits.concentration);
    }
    if (e) {
      let worst: Decimal | null = null;
      for (const [vs, q] of e.byVenueSymbol) {
        const d = state.depth.get(vs);
        const side = d ? (q.isPositive() ? d.bid : d.ask) : ZERO;
        if (q.isZero() || side.isZero()) continue;
        const m = q.abs().div(side).toDecimalPlaces(6);
        if (!worst || m.gt(worst)) worst = m;
      }
      if (worst) push("max_depth_multiple", worst, limits.depthMultiple);
    }
  }
  return out;
}

function rank(key: string): number {
  return key === "desk" ? 0 : key.startsWith("farm:") ? 1 : 2;
}
