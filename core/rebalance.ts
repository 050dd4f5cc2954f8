import { type Asset, type Decimal, ZERO, toScale } from "./money.js";

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
export function performanceWeight(record: TrackRecord | null): number {
  if (!record || record.capital.lte(0)) return 1;
  const r = record.pnl.div(record.capital).toNumber();
  return Math.min(MAX_PERFORMANCE_WEIGHT, Math.max(0, 1 + r));
}

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

  let weights = members.map((m) => (mode === "performance" ? performanceWeight(m.trackRecord) : 1));
  let weightSum = weights.reduce((a, b) => a + b, 0);
  if (weightSum <= 0) {
    weights = members.map(() => 1);
    weightSum = members.length;
  }

  const targets = members.map((m, i) => ({
    id: m.id,
    weight: weights[i] ?? 0,
    target: toScale(total.times(weights[i] ?? 0).div(weightSum), asset),
  }));

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
