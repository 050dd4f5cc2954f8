import { Decimal, ZERO, dec, str } from "../money.js";
import { floorTo } from "../ticks.js";
import { haltFor, parseScopeKey } from "./breakers.js";
import { formatFraction, formatUsd } from "./limits.js";
import type { LimitUsage, PreTradeDecision, PreTradeOrder, RiskRule, RiskScope } from "./types.js";
import { type Exposure, type OrderScope, type ParsedLimits, type Sensitivity, ONE, PreTradeState, TWO, orderScopes, quotientDown, venueSymbolKey } from "./pretrade-state.js";

export { type OrderScope, PreTradeState } from "./pretrade-state.js";

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
