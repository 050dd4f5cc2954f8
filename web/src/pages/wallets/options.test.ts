import { describe, expect, test } from "vitest";
import type { Role, WalletNode } from "../../types.ts";
import { keepValid, moveOptions } from "./options.ts";

function node(id: string, parent: string | null, children: WalletNode[] = [], extra: Partial<WalletNode> = {}): WalletNode {
  const kind = id === "treasury" ? "treasury" : id.startsWith("farm:") ? "farm" : "agent";
  return {
    id,
    kind,
    name: id,
    status: "active",
    strategy: kind === "farm" ? "momentum" : null,
    role: kind === "agent" ? "trader" : null,
    parent,
    balances: { USD: "0" },
    available: { USD: "0" },
    inTransit: { USD: "0" },
    children,
    ...extra,
  };
}

const tree = node("treasury", null, [
  node("agent:riley-risk", "treasury", [], { role: "overseer" }),
  node("farm:momentum", "treasury", [node("agent:marcus", "farm:momentum"), node("agent:old", "farm:momentum", [], { status: "archived" })]),
  node("farm:pairs", "treasury", [node("agent:paula", "farm:pairs")]),
  node("farm:closed", "treasury", [], { status: "archived" }),
]);

const enabled = (options: { id: string; disabled: boolean }[]) => options.filter((o) => !o.disabled).map((o) => o.id);
const all = (options: { id: string }[]) => options.map((o) => o.id);
const forRole = (role: Role) => moveOptions(tree, role);

describe("move options", () => {
  test("when an admin allocates then the treasury and active farms are sources", () => {
    expect(enabled(forRole("admin").allocationSources())).toEqual(["treasury", "farm:momentum", "farm:pairs"]);
  });

  test("when a trader allocates then the treasury is shown but disabled", () => {
    const sources = forRole("trader").allocationSources();
    expect(all(sources)).toContain("treasury");
    expect(enabled(sources)).toEqual(["farm:momentum", "farm:pairs"]);
  });

  test("when allocating from the treasury then active farms and their active trading agents are targets, never the overseer", () => {
    expect(enabled(forRole("admin").allocationTargets("treasury"))).toEqual(["farm:momentum", "agent:marcus", "farm:pairs", "agent:paula"]);
    expect(enabled(forRole("trader").allocationTargets("treasury"))).toEqual([]);
  });

  test("when allocating from a farm then only its own active agents are targets", () => {
    expect(enabled(forRole("trader").allocationTargets("farm:momentum"))).toEqual(["agent:marcus"]);
  });

  test("when collecting then farms need an admin and agents, archived ones included, do not", () => {
    expect(enabled(forRole("trader").collectionSources())).toEqual(["agent:marcus", "agent:old", "agent:paula"]);
    expect(enabled(forRole("admin").collectionSources())).toEqual([
      "farm:momentum",
      "agent:marcus",
      "agent:old",
      "farm:pairs",
      "agent:paula",
      "farm:closed",
    ]);
  });

  test("when an agent sends money home then its farm is the default and the treasury needs an admin", () => {
    expect(all(forRole("trader").collectionTargets("agent:marcus"))).toEqual(["", "treasury"]);
    expect(enabled(forRole("trader").collectionTargets("agent:marcus"))).toEqual([""]);
    expect(enabled(forRole("admin").collectionTargets("agent:marcus"))).toEqual(["", "treasury"]);
  });

  test("when the current choice is disabled or gone then the first enabled one is chosen", () => {
    const options = [
      { id: "treasury", label: "Treasury", disabled: true },
      { id: "farm:a", label: "a", disabled: false },
    ];
    expect(keepValid(options, "treasury")).toBe("farm:a");
    expect(keepValid(options, "farm:a")).toBe("farm:a");
    expect(keepValid([], "farm:a")).toBe("");
  });
});
