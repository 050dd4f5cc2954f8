import { describe, expect, it } from "vitest";
import {
  type MoveRefusal,
  type PlanResult,
  SLUG_PATTERN,
  TREASURY,
  type WalletRecord,
  WALLET_ID_PATTERN,
  agentWalletId,
  archivedRecord,
  decideCreateAgent,
  decideCreateFarm,
  decideRename,
  defaultCollectionTarget,
  farmWalletId,
  planAllocation,
  planCollection,
  slugify,
  walletKind,
} from "../../core/wallets.js";

function record(id: string, parent: string | null, extra: Partial<WalletRecord> = {}): WalletRecord {
  return {
    id,
    kind: walletKind(id),
    name: id,
    parent,
    status: "active",
    strategy: null,
    role: id.startsWith("agent:") ? "trader" : null,
    createdAtMs: 1_000,
    updatedAtMs: 1_000,
    ...extra,
  };
}

/**
 * treasury
 * ├── farm:a (a1, a2, a-gone archived)
 * ├── farm:b (b1)
 * ├── farm:old archived (old1, still active itself)
 * └── agent:overseer (role overseer)
 * agent:orphan's farm is not in the directory.
 */
const DIRECTORY: readonly WalletRecord[] = [
  record(TREASURY, null),
  record("farm:a", TREASURY),
  record("farm:b", TREASURY),
  record("farm:old", TREASURY, { status: "archived" }),
  record("agent:a1", "farm:a"),
  record("agent:a2", "farm:a"),
  record("agent:a-gone", "farm:a", { status: "archived" }),
  record("agent:b1", "farm:b"),
  record("agent:old1", "farm:old"),
  record("agent:overseer", TREASURY, { role: "overseer" }),
  record("agent:orphan", "farm:missing"),
];
const byId = new Map(DIRECTORY.map((r) => [r.id, r]));
const lookup = (id: string): WalletRecord | undefined => byId.get(id);

type Leg = [to: string, forwardTo: string | null, touchesTreasury: boolean];

function planned(result: PlanResult): Leg {
  if (!result.ok) throw new Error(`expected a plan, got ${result.code}: ${result.message}`);
  return [result.plan.first.to, result.plan.first.forwardTo, result.plan.touchesTreasury];
}

function refusal(result: PlanResult): MoveRefusal {
  if (result.ok) throw new Error(`expected a refusal, got a plan to ${result.plan.first.to}`);
  return result.code;
}

describe("planAllocation", () => {
  it.each([
    [TREASURY, "farm:a", ["farm:a", null, true]],
    [TREASURY, "farm:b", ["farm:b", null, true]],
    [TREASURY, "agent:a1", ["farm:a", "agent:a1", true]],
    [TREASURY, "agent:b1", ["farm:b", "agent:b1", true]],
    ["farm:a", "agent:a1", ["agent:a1", null, false]],
    ["farm:a", "agent:a2", ["agent:a2", null, false]],
    ["farm:b", "agent:b1", ["agent:b1", null, false]],
  ] as Array<[string, string, Leg]>)("when %s allocates to %s then the first leg goes to %j", (from, to, leg) => {
    const result = planAllocation(from, to, lookup);
    expect(planned(result)).toEqual(leg);
    if (result.ok) expect(result.plan.first.from).toBe(from);
  });

  it.each([
    ["farm:nope", "farm:a", "unknown_wallet"],
    [TREASURY, "agent:nope", "unknown_wallet"],
    ["farm:nope", "farm:nope", "unknown_wallet"],
    [TREASURY, TREASURY, "same_wallet"],
    ["farm:a", "farm:a", "same_wallet"],
    ["farm:old", "farm:old", "same_wallet"],
    [TREASURY, "farm:old", "wallet_archived"],
    [TREASURY, "agent:a-gone", "wallet_archived"],
    ["farm:a", "agent:a-gone", "wallet_archived"],
    ["farm:old", "agent:old1", "wallet_archived"],
    [TREASURY, "agent:old1", "wallet_archived"],
    ["farm:old", "agent:b1", "wallet_archived"],
    [TREASURY, "agent:overseer", "overseer_holds_no_capital"],
    ["farm:a", "agent:overseer", "overseer_holds_no_capital"],
    ["farm:a", "agent:b1", "not_member"],
    ["farm:b", "agent:a1", "not_member"],
    [TREASURY, "agent:orphan", "invalid_route"],
    ["farm:a", TREASURY, "invalid_route"],
    ["agent:a1", "farm:a", "invalid_route"],
    ["agent:a1", TREASURY, "invalid_route"],
    ["farm:a", "farm:b", "invalid_route"],
    ["agent:a1", "agent:a2", "invalid_route"],
    ["agent:overseer", "farm:a", "invalid_route"],
  ] as Array<[string, string, MoveRefusal]>)("when %s allocates to %s then it is refused with %s", (from, to, code) => {
    expect(refusal(planAllocation(from, to, lookup))).toBe(code);
  });
});

describe("planCollection", () => {
  it.each([
    ["farm:a", TREASURY, [TREASURY, null, true]],
    ["agent:a1", "farm:a", ["farm:a", null, false]],
    ["agent:b1", "farm:b", ["farm:b", null, false]],
    ["agent:a1", TREASURY, ["farm:a", TREASURY, true]],
    ["agent:overseer", TREASURY, [TREASURY, null, true]],
    // Archived wallets may still send their money home.
    ["farm:old", TREASURY, [TREASURY, null, true]],
    ["agent:a-gone", "farm:a", ["farm:a", null, false]],
    ["agent:old1", "farm:old", ["farm:old", null, false]],
    ["agent:old1", TREASURY, ["farm:old", TREASURY, true]],
  ] as Array<[string, string, Leg]>)("when %s collects to %s then the first leg goes to %j", (from, to, leg) => {
    const result = planCollection(from, to, lookup);
    expect(planned(result)).toEqual(leg);
    if (result.ok) expect(result.plan.first.from).toBe(from);
  });

  it.each([
    ["agent:nope", "farm:a", "unknown_wallet"],
    ["agent:a1", "farm:nope", "unknown_wallet"],
    ["farm:a", "farm:a", "same_wallet"],
    ["agent:a1", "agent:a1", "same_wallet"],
    ["agent:a1", "farm:b", "not_member"],
    ["agent:b1", "farm:a", "not_member"],
    ["agent:overseer", "farm:a", "not_member"],
    ["agent:orphan", TREASURY, "invalid_route"],
    [TREASURY, "farm:a", "invalid_route"],
    [TREASURY, "agent:a1", "invalid_route"],
    ["farm:a", "agent:a1", "invalid_route"],
    ["farm:a", "farm:b", "invalid_route"],
    ["agent:a1", "agent:a2", "invalid_route"],
  ] as Array<[string, string, MoveRefusal]>)("when %s collects to %s then it is refused with %s", (from, to, code) => {
    expect(refusal(planCollection(from, to, lookup))).toBe(code);
  });
});

describe("defaultCollectionTarget", () => {
  it.each([
    ["agent:a1", "farm:a"],
    ["farm:a", TREASURY],
    ["agent:overseer", TREASURY],
    [TREASURY, TREASURY],
  ])("when %s collects without a target then it goes to %s", (id, expected) => {
    const r = lookup(id);
    expect(r).toBeDefined();
    if (r) expect(defaultCollectionTarget(r)).toBe(expected);
  });
});

describe("wallet ids", () => {
  it.each([
    [TREASURY, "treasury"],
    [farmWalletId("momentum"), "farm"],
    [agentWalletId("marcus-momentum"), "agent"],
  ])("when the id is %s then its kind is %s", (id, kind) => {
    expect(walletKind(id)).toBe(kind);
  });

  it.each(["", "bank", "Farm:x", "treasury:x"])("when the id is %j then walletKind throws", (id) => {
    expect(() => walletKind(id)).toThrow(/invariant: not a wallet id/);
  });

  it.each([
    ["treasury", true],
    ["farm:a", true],
    ["agent:marcus-momentum", true],
    [`farm:${"a".repeat(48)}`, true],
    [`farm:${"a".repeat(49)}`, false],
    ["farm:", false],
    ["farm:-a", false],
    ["farm:a-", false],
    ["agent:A", false],
    ["agent:a b", false],
    ["treasury ", false],
    ["vault:a", false],
  ])("when the id is %j then WALLET_ID_PATTERN says %s", (id, ok) => {
    expect(WALLET_ID_PATTERN.test(id)).toBe(ok);
  });
});

describe("slugify", () => {
  it.each([
    ["Marcus Momentum", "marcus-momentum"],
    ["Émile Zoë", "emile-zoe"],
    ["Ångström Çava", "angstrom-cava"],
    ["  Hello,   World!  ", "hello-world"],
    ["Mean-Reversion #2", "mean-reversion-2"],
    ["--a--b--", "a-b"],
    ["ﬁnance", "finance"],
    ["R2-D2", "r2-d2"],
    ["!!!", ""],
    ["a".repeat(60), "a".repeat(48)],
    [`${"a".repeat(47)} bcd`, "a".repeat(47)],
    [`${"a".repeat(46)}!!!!bcd`, `${"a".repeat(46)}-b`],
  ])("when the name is %j then the slug is %j", (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it.each(["Marcus Momentum", "Émile Zoë", `${"a".repeat(47)} bcd`, "x".repeat(100), "Ünïcödé — Fàrm №1"])(
    "when the name %j has letters or digits then its slug is a valid slug",
    (name) => {
      expect(slugify(name)).toMatch(SLUG_PATTERN);
    },
  );
});

describe("the directory's decisions", () => {
  const lookup = (id: string) => DIRECTORY.find((r) => r.id === id);
  const NOW = 5_000;
  const outcome = (d: ReturnType<typeof decideCreateFarm>) => (d.t === "refused" ? d.code : d.t);

  it.each<[string, string, string, string, string]>([
    ["a new farm is created", "c", "c", "trend", "create"],
    ["an existing farm is created again with its name and strategy", "a", "farm:a", "s", "existing"],
    ["an existing farm is created with another name", "a", "A", "s", "wallet_exists"],
    ["an archived farm is created again", "old", "farm:old", "s", "wallet_exists"],
  ])("when %s then the answer is %s", (_when, slug, name, strategy, expected) => {
    const dir = (id: string) => {
      const r = lookup(id);
      return r && r.kind === "farm" ? { ...r, strategy: "s" } : r;
    };
    expect(outcome(decideCreateFarm(dir, slug, name, strategy, NOW))).toBe(expected);
  });

  it("when a farm is created then it sits under the treasury, active, stamped now", () => {
    const d = decideCreateFarm(lookup, "c", "C", "trend", NOW);
    expect(d.t === "create" && d.record).toEqual({ id: "farm:c", kind: "farm", name: "C", parent: TREASURY, status: "active", strategy: "trend", role: null, createdAtMs: NOW, updatedAtMs: NOW });
  });

  it.each<[string, string, string, string | null, "trader" | "overseer", string]>([
    ["a new agent joins an active farm", "a9", "agent:a9", "a", "trader", "create"],
    ["an agent joins an unknown farm", "z9", "agent:z9", "zzz", "trader", "unknown_wallet"],
    ["an agent joins an archived farm", "o9", "agent:o9", "old", "trader", "wallet_archived"],
    ["an existing agent is created again alike", "a1", "agent:a1", "a", "trader", "existing"],
    ["an existing agent is created in another farm", "a1", "agent:a1", "b", "trader", "wallet_exists"],
    ["an existing agent is created with another role", "a1", "agent:a1", "a", "overseer", "wallet_exists"],
    ["an archived agent is created again", "a-gone", "agent:a-gone", "a", "trader", "wallet_exists"],
    ["a new overseer is created under the treasury", "watch", "agent:watch", null, "overseer", "create"],
  ])("when %s then the answer is %s", (_when, slug, name, farm, role, expected) => {
    expect(outcome(decideCreateAgent(lookup, slug, name, farm, role, NOW))).toBe(expected);
  });

  it.each<[string, string, string, string]>([
    ["a farm is renamed", "farm:a", "Alpha", "create"],
    ["a wallet is renamed to its own name", "farm:a", "farm:a", "existing"],
    ["an archived wallet is renamed", "farm:old", "Old", "wallet_archived"],
    ["the treasury is renamed", TREASURY, "Bank", "unknown_wallet"],
    ["an unknown wallet is renamed", "farm:zzz", "Z", "unknown_wallet"],
  ])("when %s then the answer is %s", (_when, id, name, expected) => {
    expect(outcome(decideRename(lookup(id), id, name, NOW))).toBe(expected);
  });

  it.each<[string, number, number]>([
    ["the clock is ahead of the record", 5_000, 5_000],
    ["the clock is behind the record", 500, 1_001],
  ])("when a wallet is archived and %s then its time moves strictly forward", (_when, nowMs, updatedAtMs) => {
    const a = archivedRecord(record("farm:x", TREASURY), nowMs);
    expect([a.status, a.updatedAtMs]).toEqual(["archived", updatedAtMs]);
    expect(archivedRecord(a, nowMs + 10)).toBe(a);
  });
});
