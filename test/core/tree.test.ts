import { describe, expect, it } from "vitest";
import { type WalletAmounts, type WalletNode, buildTree, deskTotals } from "../../core/tree.js";
import { TREASURY, type WalletRecord, walletKind } from "../../core/wallets.js";

function record(id: string, parent: string | null, extra: Partial<WalletRecord> = {}): WalletRecord {
  return {
    id,
    kind: walletKind(id),
    name: `name of ${id}`,
    parent,
    status: "active",
    strategy: id.startsWith("farm:") ? "momentum" : null,
    role: id.startsWith("agent:") ? "trader" : null,
    createdAtMs: 1_000,
    updatedAtMs: 2_000,
    ...extra,
  };
}

const DIRECTORY: readonly WalletRecord[] = [
  record(TREASURY, null),
  record("farm:a", TREASURY),
  record("agent:a1", "farm:a"),
  record("agent:a2", "farm:a"),
  record("farm:b", TREASURY, { status: "archived" }),
  record("agent:b1", "farm:b", { status: "archived" }),
  record("agent:overseer", TREASURY, { role: "overseer" }),
];

type Shape = { id: string; children: Shape[] };

/** The tree's nesting with children sorted by id, so that directory order does not matter. */
function shape(n: WalletNode): Shape {
  return { id: n.id, children: n.children.map(shape).sort((x, y) => x.id.localeCompare(y.id)) };
}

const EXPECTED: Shape = {
  id: TREASURY,
  children: [
    { id: "agent:overseer", children: [] },
    { id: "farm:a", children: [{ id: "agent:a1", children: [] }, { id: "agent:a2", children: [] }] },
    { id: "farm:b", children: [{ id: "agent:b1", children: [] }] },
  ],
};

const at = (i: number): WalletRecord => {
  const r = DIRECTORY[i];
  if (!r) throw new Error(`no record ${i}`);
  return r;
};

describe("buildTree", () => {
  it.each([
    ["parents first", [0, 1, 2, 3, 4, 5, 6]],
    ["children first", [6, 5, 4, 3, 2, 1, 0]],
    ["agents, then treasury, then farms", [2, 5, 3, 6, 0, 4, 1]],
    ["treasury last", [1, 3, 5, 2, 4, 6, 0]],
  ])("when the directory lists %s then agents nest under farms under the treasury", (_, order) => {
    const tree = buildTree(order.map(at), new Map(), TREASURY);
    expect(tree).not.toBeNull();
    if (tree) expect(shape(tree)).toEqual(EXPECTED);
  });

  it("when the root is a farm then only its subtree is built", () => {
    const tree = buildTree(DIRECTORY, new Map(), "farm:a");
    expect(tree && shape(tree)).toEqual({ id: "farm:a", children: [{ id: "agent:a1", children: [] }, { id: "agent:a2", children: [] }] });
  });

  it("when the root is not in the directory then there is no tree", () => {
    expect(buildTree(DIRECTORY, new Map(), "farm:nope")).toBeNull();
  });

  it("when a wallet's parent is not in the directory then it is left out of the tree", () => {
    const tree = buildTree([...DIRECTORY, record("agent:stray", "farm:missing")], new Map(), TREASURY);
    expect(tree && shape(tree)).toEqual(EXPECTED);
  });

  it("when a wallet has no amounts then its balances, available and in transit are \"0\"", () => {
    const tree = buildTree(DIRECTORY, new Map(), TREASURY);
    const overseer = tree?.children.find((c) => c.id === "agent:overseer");
    expect(overseer).toMatchObject({ balances: { USD: "0" }, available: { USD: "0" }, inTransit: { USD: "0" } });
  });

  it("when a wallet has amounts then its node carries them and its record's fields", () => {
    const amounts: WalletAmounts = { balances: { USD: "12.5" }, available: { USD: "10" }, inTransit: { USD: "2.5" } };
    const tree = buildTree(DIRECTORY, new Map([["agent:b1", amounts]]), TREASURY);
    const b1 = tree?.children.find((c) => c.id === "farm:b")?.children[0];
    expect(b1).toEqual({
      id: "agent:b1",
      kind: "agent",
      name: "name of agent:b1",
      status: "archived",
      strategy: null,
      role: "trader",
      parent: "farm:b",
      balances: { USD: "12.5" },
      available: { USD: "10" },
      inTransit: { USD: "2.5" },
      children: [],
    });
  });
});

const amounts = (balance: string, inTransit: string): WalletAmounts => ({
  balances: { USD: balance },
  available: { USD: balance },
  inTransit: { USD: inTransit },
});

describe("deskTotals", () => {
  it.each([
    ["no wallets", [], "0", "0"],
    ["0.1 and 0.2", [amounts("0.1", "0"), amounts("0.2", "0")], "0.3", "0"],
    ["18-decimal amounts", [amounts("0.000000000000000001", "0.999999999999999999"), amounts("99.999999999999999999", "0.000000000000000001")], "100", "1"],
    [
      "a million plus one unit",
      [amounts("400000", "0"), amounts("599999.999999999999999999", "0.000000000000000001"), amounts("0.000000000000000001", "0")],
      "1000000", "0.000000000000000001",
    ],
    ["a wallet without the asset", [amounts("5", "1"), { balances: {}, available: {}, inTransit: {} }], "5", "1"],
    ["another asset", [amounts("5", "1"), { balances: { EUR: "7" }, available: { EUR: "7" }, inTransit: { EUR: "3" } }], "5", "1"],
  ] as Array<[string, WalletAmounts[], string, string]>)("when the desk holds %s then the totals are exact", (_, list, balance, inTransit) => {
    expect(deskTotals(list, "USD")).toEqual({ balance, inTransit });
  });

  it("when given a map's values then it sums them like an array", () => {
    const m = new Map([["a", amounts("1.5", "0.5")], ["b", amounts("2.5", "0")]]);
    expect(deskTotals(m.values(), "USD")).toEqual({ balance: "4", inTransit: "0.5" });
  });
});
