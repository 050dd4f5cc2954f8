/**
 * Stress scenarios as data and the one function that runs any of them, named or custom, against
 * the desk's positions. A scenario's loss per position is the sum of:
 *
 * - a price shock: −notional × shock, where an asset's shock is, in order of precedence, its own
 *   entry in `shocks`, its return on the worst historical day (`historicalWorstDay`), the `"*"`
 *   entry, else 0;
 * - a stranding: a position on an outage venue is lost whole, its absolute notional (a long's
 *   coins, or the collateral behind a short, taken to be at least its notional), in place of its
 *   shock;
 * - the cost of closing it in a crunch (`spreadMultiplier`, `depthDivisor`): see `closingCost`.
 *
 * Losses are positive; a scenario that makes money (a crash on a net short book) reports a
 * negative loss and a negative lossPct. Sums are exact Decimals, rounded to the cent once at the end.
 */
import { z } from "zod";
import { Decimal, ZERO, dec } from "../money.js";
import { venueIdSchema } from "../schemas.js";
import { Z_99, portfolioVariance, positionNotional, usd } from "./metrics.js";
import { HORIZON_MS, type ReturnMatrix, type RiskPosition, type RiskQuote, type StressResult, type StressScenario } from "./types.js";

/** The venue the named outage scenario strands; `venueOutageScenario` builds one for any venue. */
export const DEFAULT_OUTAGE_VENUE = "paper-binance";

/** A venue outage as a scenario: everything held at `venue` counts as lost. */
export function venueOutageScenario(venue: string): StressScenario {
  return {
    id: "venue_outage",
    name: `Venue outage: ${venue}`,
    description: `${venue} becomes unreachable and strands its balances: every position held there is counted as lost.`,
    shocks: {},
    venueOutage: [venue],
  };
}

/** The named scenarios the monitor runs on every cycle. */
export const STRESS_SCENARIOS: readonly StressScenario[] = [
  { id: "btc_crash", name: "BTC crash", description: "BTC falls 20%; other assets are unchanged.", shocks: { BTC: -0.2 } },
  {
    id: "crypto_crash",
    name: "Crypto crash",
    description: "Every crypto asset falls 35% at once, and all correlations go to 1 (the stressed VaR in the detail).",
    shocks: { "*": -0.35 },
    correlation: 1,
  },
  venueOutageScenario(DEFAULT_OUTAGE_VENUE),
  {
    id: "liquidity_crunch",
    name: "Liquidity crunch",
    description: "Spreads widen 5× and depth falls to a fifth: the loss is the cost of closing every position.",
    shocks: {},
    spreadMultiplier: 5,
    depthDivisor: 5,
  },
  {
    id: "worst_day",
    name: "Worst historical day",
    description: "The day in the return history that would have cost the current portfolio the most.",
    shocks: {},
    historicalWorstDay: true,
  },
];

export const STRESS_SCENARIO_IDS = ["btc_crash", "crypto_crash", "venue_outage", "liquidity_crunch", "worst_day"] as const;
export type StressScenarioId = (typeof STRESS_SCENARIO_IDS)[number];

/** A named scenario by id. */
export function stressScenario(id: StressScenarioId): StressScenario {
  const s = STRESS_SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(`invariant: stress scenario ${id} is defined`);
  return s;
}

/** How many drivers a result lists. */
export const MAX_DRIVERS = 10;
/** A position larger than the reduced depth walks the book 1% of mid further for each depth's worth. */
const BAND = new Decimal("0.01");
const DAY_MS = HORIZON_MS["1d"];

export interface StressInput {
  readonly positions: readonly RiskPosition[];
  readonly quotes: readonly RiskQuote[];
  /** The return history (for `historicalWorstDay`, and the bar length of `cov`). */
  readonly returns?: ReturnMatrix;
  readonly equity: Decimal;
  /** Per-bar covariance of `returns` (same asset order), for the stressed VaR under `correlation`. */
  readonly cov?: Float64Array;
}

/** Runs a scenario against the desk: its loss, the positions that drive it, and what it assumed. */
export function runStress(scenario: StressScenario, input: StressInput): StressResult {
  const detail: Record<string, string | number> = {};
  const historical = scenario.historicalWorstDay ? worstDayShocks(input, detail) : null;
  const outage = new Set(scenario.venueOutage ?? []);
  const crunch = scenario.spreadMultiplier !== undefined || scenario.depthDivisor !== undefined;
  const quotes = new Map(input.quotes.map((q) => [`${q.venue}\u0000${q.symbol}`, q]));
  let spreadCost = ZERO;
  let impactCost = ZERO;
  let stranded = ZERO;
  let unquoted = 0;

  const losses = input.positions.map((p) => {
    const notional = positionNotional(p);
    if (outage.has(p.venue)) {
      stranded = stranded.plus(notional.abs());
      return { p, loss: notional.abs() };
    }
    const shock = shockOf(scenario, p.asset, historical);
    if (shock !== 0) detail[`shock.${p.asset}`] = shock;
    let loss = notional.times(shock).neg();
    if (crunch) {
      const quote = quotes.get(`${p.venue}\u0000${p.symbol}`);
      if (!quote && !notional.isZero()) unquoted++;
      const cost = closingCost(p, new Decimal(1).plus(shock), quote, scenario.spreadMultiplier ?? 1, scenario.depthDivisor ?? 1);
      spreadCost = spreadCost.plus(cost.spread);
      impactCost = impactCost.plus(cost.impact);
      loss = loss.plus(cost.spread).plus(cost.impact);
    }
    return { p, loss };
  });

  if (outage.size > 0) {
    detail.venues = [...outage].join(",");
    detail.stranded = usd(stranded);
  }
  if (crunch) {
    detail.spreadCost = usd(spreadCost);
    detail.impactCost = usd(impactCost);
    if (unquoted > 0) detail.unquoted = unquoted;
  }
  if (scenario.correlation !== undefined) Object.assign(detail, stressedVar(scenario.correlation, input));

  const total = losses.reduce((sum, x) => sum.plus(x.loss), ZERO);
  const drivers = losses
    .filter((x) => !x.loss.isZero())
    .sort((a, b) => b.loss.cmp(a.loss))
    .slice(0, MAX_DRIVERS)
    .map(({ p, loss }) => ({ agent: p.agent, venue: p.venue, symbol: p.symbol, loss: usd(loss) }));
  return { scenario: scenario.id, name: scenario.name, loss: usd(total), lossPct: lossFraction(total, input.equity), drivers, detail };
}

/**
 * The loss as a fraction of equity. With no equity (≤ 0) there is nothing left to lose a fraction
 * of: any loss reads 1 (everything), a gain or nothing reads 0.
 */
function lossFraction(loss: Decimal, equity: Decimal): number {
  if (equity.lte(0)) return loss.gt(0) ? 1 : 0;
  return loss.div(equity).toNumber();
}

function shockOf(scenario: StressScenario, asset: string, historical: ReadonlyMap<string, number> | null): number {
  if (Object.hasOwn(scenario.shocks, asset)) return scenario.shocks[asset] ?? 0;
  const h = historical?.get(asset);
  if (h !== undefined) return h;
  return scenario.shocks["*"] ?? 0;
}

/**
 * The cost of closing a position in a crunch, at its shocked mark m = price × (1 + shock):
 *
 * - spread: |q| × m × half-spread × multiplier, the half-spread as a fraction of the quote's mid;
 * - impact, walking a linear book: the first D = depth ÷ divisor (base units within 1% of mid on
 *   the closing side) fills at the touch; the excess e = |q| − D walks a book as thin as that band,
 *   the price moving a further 1% of mid per D, so it fills on average e/D × 0.5% away:
 *   m × 1% × e² / (2D).
 *
 * A close can at worst yield nothing, so the cost is capped at |q| × m; a position with no quote
 * (nothing known about its book) or no depth costs that cap.
 */
export function closingCost(p: RiskPosition, shockFactor: Decimal, quote: RiskQuote | undefined, spreadMultiplier: number, depthDivisor: number): { spread: Decimal; impact: Decimal } {
  const size = dec(p.quantity).abs();
  const mark = dec(p.price).times(shockFactor);
  const cap = size.times(mark).abs();
  if (size.isZero()) return { spread: ZERO, impact: ZERO };
  if (!quote) return { spread: ZERO, impact: cap };
  const bid = dec(quote.bid);
  const ask = dec(quote.ask);
  const halfSpread = bid.plus(ask).gt(0) ? Decimal.max(ZERO, ask.minus(bid).div(bid.plus(ask))) : ZERO;
  const spread = Decimal.min(cap, size.times(mark).times(halfSpread).times(spreadMultiplier).abs());
  const depth = dec(dec(p.quantity).isNegative() ? quote.depthAsk1Pct : quote.depthBid1Pct).div(depthDivisor);
  const excess = Decimal.max(ZERO, size.minus(depth));
  const rawImpact = depth.gt(0) ? mark.times(BAND).times(excess.pow(2)).div(depth.times(2)).abs() : excess.gt(0) ? cap : ZERO;
  return { spread, impact: Decimal.min(cap.minus(spread), rawImpact) };
}

export interface WorstDay {
  /** 0 is the oldest whole day used; days are aligned to end at the last bar. */
  readonly day: number;
  readonly daysAgo: number;
  readonly firstBar: number;
  /** Inclusive. */
  readonly lastBar: number;
  readonly barsPerDay: number;
  /** The portfolio's P&L that day at today's exposures (float, USD). */
  readonly pnl: number;
  /** Each asset's compounded return over the day. */
  readonly returns: ReadonlyMap<string, number>;
}

/**
 * The day of the history that would have cost today's portfolio the most. Bars are compounded
 * into days of round(1 day / barMs) bars, aligned to end at the most recent bar (an incomplete
 * oldest day is dropped); a history shorter than a day is one partial day. Exposure is the net
 * notional per asset; ties go to the older day. Null with no bars.
 */
export function worstDay(returns: ReturnMatrix, exposure: ReadonlyMap<string, number>): WorstDay | null {
  const n = returns.assets.length;
  if (returns.data.length !== returns.bars * n) throw new Error(`invariant: a return matrix of ${returns.bars} bars × ${n} assets has ${returns.bars * n} entries, got ${returns.data.length}`);
  if (returns.bars === 0) return null;
  const perDay = Math.min(returns.bars, Math.max(1, Math.round(DAY_MS / returns.barMs)));
  const days = Math.floor(returns.bars / perDay);
  const start = returns.bars - days * perDay;
  let worst: WorstDay | null = null;
  for (let d = 0; d < days; d++) {
    const first = start + d * perDay;
    const dayReturns = new Map<string, number>();
    let pnl = 0;
    returns.assets.forEach((asset, i) => {
      let growth = 1;
      for (let t = first; t < first + perDay; t++) growth *= 1 + (returns.data[t * n + i] ?? 0);
      dayReturns.set(asset, growth - 1);
      pnl += (exposure.get(asset) ?? 0) * (growth - 1);
    });
    if (worst === null || pnl < worst.pnl) {
      worst = { day: d, daysAgo: days - 1 - d, firstBar: first, lastBar: first + perDay - 1, barsPerDay: perDay, pnl, returns: dayReturns };
    }
  }
  return worst;
}

/** The worst day's returns as shocks, writing what was chosen into the detail. */
function worstDayShocks(input: StressInput, detail: Record<string, string | number>): ReadonlyMap<string, number> | null {
  if (!input.returns) {
    detail.note = "no return history: no historical day to replay";
    return null;
  }
  const day = worstDay(input.returns, netByAsset(input.positions));
  if (!day) {
    detail.note = "the return history is empty";
    return null;
  }
  Object.assign(detail, { day: day.day, daysAgo: day.daysAgo, firstBar: day.firstBar, lastBar: day.lastBar, barsPerDay: day.barsPerDay });
  for (const [asset, r] of day.returns) detail[`return.${asset}`] = r;
  const missing = [...new Set(input.positions.map((p) => p.asset))].filter((a) => !day.returns.has(a)).sort();
  if (missing.length > 0) detail.missingHistory = missing.join(",");
  return day.returns;
}

/** Net notional per asset as floats: statistics weights, not money. */
function netByAsset(positions: readonly RiskPosition[]): Map<string, number> {
  const net = new Map<string, Decimal>();
  for (const p of positions) net.set(p.asset, (net.get(p.asset) ?? ZERO).plus(positionNotional(p)));
  return new Map([...net].map(([a, v]) => [a, v.toNumber()]));
}

/**
 * Parametric 99% 1-day VaR of today's net exposures, as measured and with every pairwise
 * correlation set to `rho` (each asset keeps its own volatility from the covariance's diagonal).
 * The per-bar variance is scaled to a day by the bar count (square-root-of-time for σ).
 */
function stressedVar(rho: number, input: StressInput): Record<string, string | number> {
  const { returns, cov } = input;
  if (!returns || !cov) return { correlation: rho, note: "no covariance: stressed VaR not computed" };
  const n = returns.assets.length;
  if (cov.length !== n * n) throw new Error(`invariant: a covariance for ${n} assets has ${n * n} entries, got ${cov.length}`);
  const net = netByAsset(input.positions);
  const w = Float64Array.from(returns.assets, (a) => net.get(a) ?? 0);
  const stressed = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const vi = Math.max(0, cov[i * n + i] ?? 0);
      const vj = Math.max(0, cov[j * n + j] ?? 0);
      stressed[i * n + j] = i === j ? vi : rho * Math.sqrt(vi * vj);
    }
  }
  const barsPerDay = DAY_MS / returns.barMs;
  const var99 = (c: Float64Array): string => usd(new Decimal(Z_99 * Math.sqrt(portfolioVariance(w, c) * barsPerDay)));
  const out: Record<string, string | number> = { correlation: rho, var99_1d: var99(cov), stressedVar99_1d: var99(stressed) };
  const missing = [...net.keys()].filter((a) => !returns.assets.includes(a)).sort();
  if (missing.length > 0) out.missingCovariance = missing.join(",");
  return out;
}

const SHOCK_KEY = /^(\*|[A-Z0-9]{1,12})$/;

/** A custom scenario as `POST /api/risk/stress` accepts it. */
export const stressScenarioSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, "a scenario id is 1-48 lowercase letters, digits, _ and -"),
  name: z.string().trim().min(1, "name must not be empty").max(80, "name is at most 80 characters"),
  description: z.string().max(500, "description is at most 500 characters").default(""),
  shocks: z
    .record(
      z.string(),
      z.number({ error: "a shock is a number" }).min(-1, "a shock is between -1 (−100%) and 10 (+1000%)").max(10, "a shock is between -1 (−100%) and 10 (+1000%)"),
    )
    .superRefine((shocks, ctx) => {
      const keys = Object.keys(shocks);
      if (keys.length > 50) ctx.addIssue({ code: "custom", message: `at most 50 assets may be shocked, got ${keys.length}` });
      // A refinement on the record's keys would surface only as "Invalid key in record": say which key and why.
      for (const key of keys.filter((k) => !SHOCK_KEY.test(k)).slice(0, 5)) {
        ctx.addIssue({ code: "custom", path: [key], message: `shock key "${key.slice(0, 20)}" is not an asset such as BTC, or "*" for every other asset` });
      }
    }),
  correlation: z.number().min(0, "a stressed correlation is between 0 and 1").max(1, "a stressed correlation is between 0 and 1").optional(),
  venueOutage: z.array(venueIdSchema).max(10, "at most 10 venues may be out").optional(),
  spreadMultiplier: z.number().min(1, "spreadMultiplier is between 1 and 100").max(100, "spreadMultiplier is between 1 and 100").optional(),
  depthDivisor: z.number().min(1, "depthDivisor is between 1 and 100").max(100, "depthDivisor is between 1 and 100").optional(),
  historicalWorstDay: z.boolean().optional(),
});

/** `POST /api/risk/stress`: a named scenario by id, or a custom one; exactly one of the two. */
export const stressRequestSchema = z
  .strictObject({
    scenario: z.enum(STRESS_SCENARIO_IDS, { error: `scenario is one of ${STRESS_SCENARIO_IDS.join(", ")}` }).optional(),
    custom: stressScenarioSchema.optional(),
  })
  .transform((body, ctx): StressRequest => {
    if (body.custom && body.scenario === undefined) return { custom: body.custom };
    if (body.scenario !== undefined && !body.custom) return { scenario: body.scenario };
    ctx.addIssue({ code: "custom", message: "give either scenario (a named scenario's id) or custom (a scenario), not both or neither" });
    return z.NEVER;
  });
export type StressRequest = { readonly scenario: StressScenarioId } | { readonly custom: StressScenario };

/** The scenario a validated request names. */
export function scenarioOf(request: StressRequest): StressScenario {
  return "custom" in request ? request.custom : stressScenario(request.scenario);
}
