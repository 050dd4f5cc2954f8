import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, ZERO, dec, str } from "../../core/money.js";
import {
  MAX_PERFORMANCE_WEIGHT,
  type RebalanceMember,
  type RebalanceMode,
  type RebalancePlan,
  type TrackRecord,
  performanceWeight,
  planRebalance,
  rebalanceState,
} from "../../core/rebalance.js";

const FARM = "farm:f";
const ONE_UNIT = dec("0.000000000000000001");

const record = (pnl: string, capital: string): TrackRecord => ({ pnl: dec(pnl), capital: dec(capital) });

/** Members a1, a2, … with the given available amounts and (optionally) track records. */
function members(available: readonly string[], records: ReadonlyArray<TrackRecord | null> = []): RebalanceMember[] {
  return available.map((a, i) => ({ id: `agent:a${i + 1}`, available: dec(a), trackRecord: records[i] ?? null }));
}

const movesOf = (plan: RebalancePlan): string[] => plan.moves.map((m) => `${m.from} -> ${m.to} ${str(m.amount)}`);
const targetsOf = (plan: RebalancePlan): string[] => plan.targets.map((t) => str(t.target));

function sumTargets(plan: RebalancePlan): Decimal {
  return plan.targets.reduce((s, t) => s.plus(t.target), ZERO);
}

/**
 * Applies the plan's moves in order, checking every move is positive and no agent is overdrawn;
 * returns the final amounts. (The farm only gives after it has collected, so its final amount is
 * its lowest: `checkRemainder` covers it.)
 */
function applyMoves(farmAvailable: Decimal, ms: readonly RebalanceMember[], plan: RebalancePlan): Map<string, Decimal> {
  const held = new Map<string, Decimal>([[FARM, farmAvailable], ...ms.map((m): [string, Decimal] => [m.id, m.available])]);
  for (const move of plan.moves) {
    expect(move.amount.isPositive(), `move ${move.from} -> ${move.to} is positive`).toBe(true);
    const from = (held.get(move.from) ?? ZERO).minus(move.amount);
    if (move.from !== FARM) expect(from.isNegative(), `${move.from} would be overdrawn by ${str(from.neg())}`).toBe(false);
    held.set(move.from, from);
    held.set(move.to, (held.get(move.to) ?? ZERO).plus(move.amount));
  }
  return held;
}

describe("planRebalance in equal mode", () => {
  it.each([
    ["farm cash only", "90", ["0", "0", "0"], ["30", "30", "30"], ["farm:f -> agent:a1 30", "farm:f -> agent:a2 30", "farm:f -> agent:a3 30"]],
    ["agents' cash only", "0", ["60", "0", "30"], ["30", "30", "30"], ["agent:a1 -> farm:f 30", "farm:f -> agent:a2 30"]],
    ["farm and agents' cash", "10", ["20", "0"], ["15", "15"], ["agent:a1 -> farm:f 5", "farm:f -> agent:a2 15"]],
    ["the over-target agent listed last", "0", ["0", "0", "60"], ["20", "20", "20"], ["agent:a3 -> farm:f 40", "farm:f -> agent:a1 20", "farm:f -> agent:a2 20"]],
    ["a single agent", "0.1", ["0.2"], ["0.3"], ["farm:f -> agent:a1 0.1"]],
    ["an already balanced farm", "0", ["25", "25", "25", "25"], ["25", "25", "25", "25"], []],
    [
      "an already balanced farm with a remainder too small to split",
      "0.000000000000000002",
      ["33.333333333333333333", "33.333333333333333333", "33.333333333333333333"],
      ["33.333333333333333333", "33.333333333333333333", "33.333333333333333333"],
      [],
    ],
  ] as Array<[string, string, string[], string[], string[]]>)("when a farm has %s then targets and moves are as planned", (_, farm, available, targets, moves) => {
    const plan = planRebalance(FARM, dec(farm), members(available), "equal", "USD");
    expect(targetsOf(plan)).toEqual(targets);
    expect(movesOf(plan)).toEqual(moves);
    expect(plan.targets.every((t) => t.weight === 1)).toBe(true);
  });

  it.each([
    ["100", 3, "33.333333333333333333", "0.000000000000000001"],
    ["200", 3, "66.666666666666666666", "0.000000000000000002"],
    ["1", 7, "0.142857142857142857", "0.000000000000000001"],
    ["0.000000000000000005", 3, "0.000000000000000001", "0.000000000000000002"],
    ["0.000000000000000002", 3, "0", "0.000000000000000002"],
    ["123456789012345678901234567890.123456789012345678", 6, "20576131502057613150205761315.020576131502057613", "0"],
  ] as Array<[string, number, string, string]>)(
    "when %s is spread over %i agents then each target is %s rounded down and %s stays at the farm",
    (total, n, target, remainder) => {
      const plan = planRebalance(FARM, dec(total), members(Array.from({ length: n }, () => "0")), "equal", "USD");
      expect(str(plan.total)).toBe(total);
      expect(targetsOf(plan)).toEqual(Array.from({ length: n }, () => target));
      expect(str(plan.total.minus(sumTargets(plan)))).toBe(remainder);
      expect(str(sumTargets(plan).plus(dec(remainder)))).toBe(total);
    },
  );

  it("when a farm has no members then nothing moves and the total is the farm's cash", () => {
    const plan = planRebalance(FARM, dec("50.5"), [], "equal", "USD");
    expect(str(plan.total)).toBe("50.5");
    expect(plan.targets).toEqual([]);
    expect(plan.moves).toEqual([]);
  });

  it("when track records exist in equal mode then they are ignored", () => {
    const plan = planRebalance(FARM, dec("30"), members(["0", "0"], [record("100", "100"), record("-100", "100")]), "equal", "USD");
    expect(targetsOf(plan)).toEqual(["15", "15"]);
  });
});

describe("performanceWeight", () => {
  it.each([
    ["no track record", null, 1],
    ["no capital", record("10", "0"), 1],
    ["negative capital", record("10", "-5"), 1],
    ["a flat return", record("0", "100"), 1],
    ["a 10% gain", record("10", "100"), 1.1],
    ["a 50% loss", record("-50", "100"), 0.5],
    ["a 100% gain", record("100", "100"), 2],
    ["a 200% gain", record("200", "100"), MAX_PERFORMANCE_WEIGHT],
    ["a 900% gain", record("900", "100"), MAX_PERFORMANCE_WEIGHT],
    ["a 100% loss", record("-100", "100"), 0],
    ["a 250% loss", record("-250", "100"), 0],
  ] as Array<[string, TrackRecord | null, number]>)("when an agent has %s then its weight is %s", (_, r, weight) => {
    expect(performanceWeight(r).toNumber()).toBeCloseTo(weight, 12);
  });
});

describe("planRebalance in performance mode", () => {
  it("when agents have different returns then cash is spread by 1 + return", () => {
    // Weights 2 (doubled), 1 (no record), 0 (lost everything), 1 (flat): 400 over a weight of 4.
    const ms = members(["0", "0", "50", "0"], [record("100", "100"), null, record("-100", "100"), record("0", "100")]);
    const plan = planRebalance(FARM, dec("350"), ms, "performance", "USD");
    expect(plan.targets.map((t) => t.weight)).toEqual([2, 1, 0, 1]);
    expect(targetsOf(plan)).toEqual(["200", "100", "0", "100"]);
    expect(movesOf(plan)).toEqual(["agent:a3 -> farm:f 50", "farm:f -> agent:a1 200", "farm:f -> agent:a2 100", "farm:f -> agent:a4 100"]);
  });

  it("when a return is above the cap then the agent weighs at most 3 times a flat one", () => {
    const plan = planRebalance(FARM, dec("400"), members(["0", "0"], [record("1000", "100"), null]), "performance", "USD");
    expect(plan.targets.map((t) => t.weight)).toEqual([3, 1]);
    expect(targetsOf(plan)).toEqual(["300", "100"]);
  });

  it("when no agent has a track record then performance mode spreads equally", () => {
    const plan = planRebalance(FARM, dec("100"), members(["0", "0", "0"]), "performance", "USD");
    expect(targetsOf(plan)).toEqual(["33.333333333333333333", "33.333333333333333333", "33.333333333333333333"]);
  });

  it("when every weight is zero then it falls back to equal weights", () => {
    const ms = members(["10", "0"], [record("-100", "100"), record("-300", "100")]);
    const plan = planRebalance(FARM, dec("0"), ms, "performance", "USD");
    expect(plan.targets.map((t) => t.weight)).toEqual([1, 1]);
    expect(targetsOf(plan)).toEqual(["5", "5"]);
    expect(movesOf(plan)).toEqual(["agent:a1 -> farm:f 5", "farm:f -> agent:a2 5"]);
  });

  // Weights are decimals and shares round down: the targets never add up to more than exists.
  it("when returns are -90% and -30% then the targets do not exceed the farm's total", () => {
    const ms = members(["0", "0"], [record("-90", "100"), record("-30", "100")]);
    const plan = planRebalance(FARM, dec("1000000"), ms, "performance", "USD");
    expect(sumTargets(plan).lte(plan.total)).toBe(true);
  });
});

const amountArb = fc
  .oneof(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.bigInt({ min: 0n, max: 10n ** 47n }))
  .map((units) => new Decimal(units.toString()).div("1e18"));

const trackRecordArb = fc.option(
  fc.record({
    pnl: fc.integer({ min: -30_000, max: 50_000 }).map((cents) => new Decimal(cents).div(100)),
    capital: fc.integer({ min: -1, max: 20_000 }).map((cents) => new Decimal(cents).div(100)),
  }),
  { nil: null },
);

const farmArb = fc.record({
  farm: amountArb,
  members: fc
    .array(fc.record({ available: amountArb, trackRecord: trackRecordArb }), { maxLength: 8 })
    .map((ms) => ms.map((m, i): RebalanceMember => ({ id: `agent:a${i + 1}`, ...m }))),
});

function checkMovesReachTargets(mode: RebalanceMode): void {
  fc.assert(
    fc.property(farmArb, ({ farm, members: ms }) => {
      const plan = planRebalance(FARM, farm, ms, mode, "USD");
      const total = ms.reduce((s, m) => s.plus(m.available), farm);
      expect(str(plan.total)).toBe(str(total));

      const held = applyMoves(farm, ms, plan);
      for (const t of plan.targets) expect(str(held.get(t.id) ?? ZERO)).toBe(str(t.target));
      const after = [...held.values()].reduce((s, v) => s.plus(v), ZERO);
      expect(str(after)).toBe(str(total));
      expect(str(held.get(FARM) ?? ZERO)).toBe(str(total.minus(sumTargets(plan))));

      const firstAllocation = plan.moves.findIndex((m) => m.from === FARM);
      const lastCollection = plan.moves.map((m) => m.to === FARM).lastIndexOf(true);
      if (firstAllocation >= 0) expect(lastCollection).toBeLessThan(firstAllocation);
      for (const t of plan.targets) expect(t.target.decimalPlaces()).toBeLessThanOrEqual(18);
    }),
    { seed: 20_240_601, numRuns: 300 },
  );
}

/** The farm keeps what rounding down leaves: never negative (the farm is never overdrawn). */
function checkRemainderNotNegative(mode: RebalanceMode): void {
  fc.assert(
    fc.property(farmArb, ({ farm, members: ms }) => {
      const plan = planRebalance(FARM, farm, ms, mode, "USD");
      const left = plan.total.minus(sumTargets(plan));
      expect(left.isNegative(), `remainder ${str(left)} of ${str(plan.total)}`).toBe(false);
    }),
    { seed: 20_240_601, numRuns: 300 },
  );
}

/** Rounding each target down leaves less than one unit per agent at the farm. */
function checkRemainderBelowOneUnitPerAgent(mode: RebalanceMode): void {
  fc.assert(
    fc.property(farmArb, ({ farm, members: ms }) => {
      const plan = planRebalance(FARM, farm, ms, mode, "USD");
      const left = plan.total.minus(sumTargets(plan));
      if (ms.length > 0) expect(left.lt(ONE_UNIT.times(ms.length)), `remainder ${str(left)}`).toBe(true);
    }),
    { seed: 20_240_601, numRuns: 300 },
  );
}

describe("planRebalance properties", () => {
  it("when the equal plan's moves are applied in order then every agent ends at its target and the total is kept", () => {
    checkMovesReachTargets("equal");
  });

  it("when the performance plan's moves are applied in order then every agent ends at its target and the total is kept", () => {
    checkMovesReachTargets("performance");
  });

  it("when an equal plan is made then the farm's remainder is never negative", () => {
    checkRemainderNotNegative("equal");
  });

  it("when an equal plan is made then the farm's remainder is less than one unit per agent", () => {
    checkRemainderBelowOneUnitPerAgent("equal");
  });

  it("when a performance plan is made then the farm's remainder is never negative", () => {
    checkRemainderNotNegative("performance");
  });

  it("when a performance plan is made then the farm's remainder is less than one unit per agent", () => {
    checkRemainderBelowOneUnitPerAgent("performance");
  });
});

describe("rebalanceState", () => {
  const t = (state: "pending" | "delivered" | "rejected") => ({ transfer: { state }, refusal: null });
  const refused = { transfer: null, refusal: { code: "insufficient_funds" } };
  it.each<[string, Parameters<typeof rebalanceState>[0], string]>([
    ["there were no moves", [], "completed"],
    ["every move was delivered", [t("delivered"), t("delivered")], "completed"],
    ["a move is still in flight", [t("delivered"), t("pending")], "pending"],
    ["a move was returned", [t("delivered"), t("rejected"), t("pending")], "partial"],
    ["a move was refused", [t("delivered"), refused], "partial"],
  ])("when %s then the rebalance is %s", (_when, moves, state) => {
    expect(rebalanceState(moves)).toBe(state);
  });
});
