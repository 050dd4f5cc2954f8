import { type Asset, Decimal, ZERO, toScale } from "./money.js";

export type RebalanceMode = "equal" | "performance";

/** What an agent has earned on what it was given; absent until it has traded. */
export interface TrackRecord {
  readonly pnl: Decimal;
  readonly capital: Decimal;
}

export interface RebalanceMember {
  readonly id: string;
  readonly available: Decimal;
  readonly trackRecord: TrackRecord | null;
}

export interface RebalanceMove {
  readonly from: string;
  readonly to: string;
  readonly amount: Decimal;
}

export interface RebalancePlan {
  readonly total: Decimal;
  readonly targets: ReadonlyArray<{ readonly id: string; readonly weight: number; readonly target: Decimal }>;
  /** Collections from agents over their target first, then allocations to those under it. */
  readonly moves: readonly RebalanceMove[];
}

/** Bounds on a performance weight: no agent gets more than 3x an average one, none less than 0. */
export const MAX_PERFORMANCE_WEIGHT = 3;

/**
 * Weight of an agent in performance mode: 1 + its return on capital, clamped to
 * [0, MAX_PERFORMANCE_WEIGHT]. An agent with no track record weighs 1, like an average one.
 */
export function performanceWeight(record: TrackRecord | null): Decimal {
  if (!record || record.capital.lte(0)) return ONE;
  return Decimal.min(MAX_PERFORMANCE_WEIGHT, Decimal.max(0, ONE.plus(record.pnl.div(record.capital))));
}

const ONE = new Decimal(1);
/** Shares are computed to 120 digits, far past the 18 decimals a target keeps. */
const DecimalWide = Decimal.clone({ precision: 120, rounding: Decimal.ROUND_HALF_EVEN });

/**
 * Plans a farm's rebalance: the farm's available cash plus its agents' available cash is spread
 * over the agents by weight. Targets are rounded down to the asset's scale; the remainder stays
 * at the farm, so the plan moves exactly what exists.
 */
export function planRebalance(
  farmId: string,
  farmAvailable: Decimal,
  members: readonly RebalanceMember[],
  mode: RebalanceMode,
  asset: Asset,
): RebalancePlan {
  let total = farmAvailable;
  for (const m of members) total = total.plus(m.available);
  if (members.length === 0) return { total, targets: [], moves: [] };

  let weights = members.map((m) => (mode === "performance" ? performanceWeight(m.trackRecord) : ONE));
  let weightSum = weights.reduce((a, b) => a.plus(b), ZERO);
  if (weightSum.lte(0)) {
    weights = members.map(() => ONE);
    weightSum = new Decimal(members.length);
  }

  const wideTotal = new DecimalWide(total.toFixed());
  const wideSum = new DecimalWide(weightSum.toFixed());
  const targets = members.map((m, i) => {
    const weight = weights[i] ?? ZERO;
    const share = wideTotal.times(weight.toFixed()).div(wideSum);
    return { id: m.id, weight: weight.toNumber(), target: toScale(new Decimal(share.toFixed()), asset) };
  });
  // Rounding far below the last decimal could still lift the sum a unit past the total: take it from the largest.
  const excess = targets.reduce((sum, t) => sum.plus(t.target), ZERO).minus(total);
  if (excess.gt(0)) {
    const largest = targets.reduce((a, b) => (b.target.gt(a.target) ? b : a));
    largest.target = largest.target.minus(excess);
  }

  const collections: RebalanceMove[] = [];
  const allocations: RebalanceMove[] = [];
  members.forEach((m, i) => {
    const target = targets[i]?.target ?? ZERO;
    const diff = target.minus(m.available);
    if (diff.lt(0)) collections.push({ from: m.id, to: farmId, amount: diff.neg() });
    else if (diff.gt(0)) allocations.push({ from: farmId, to: m.id, amount: diff });
  });
  return { total, targets, moves: [...collections, ...allocations] };
}

/** A rebalance move as it ended: refused, or a transfer in some state (null: not sent yet). */
export interface MoveOutcome {
  readonly transfer: { readonly state: "pending" | "delivered" | "rejected" } | null;
  readonly refusal: unknown;
}

/** How a rebalance stands: partial if any move was refused, completed when every one was delivered, else pending. */
export function rebalanceState(moves: readonly MoveOutcome[]): "completed" | "pending" | "partial" {
  if (moves.some((m) => m.refusal || m.transfer?.state === "rejected")) return "partial";
  return moves.every((m) => m.transfer?.state === "delivered") ? "completed" : "pending";
}
