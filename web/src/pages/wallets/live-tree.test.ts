import { describe, expect, test } from "vitest";
import { walletState as hubState } from "../../live/test-events.ts";
import type { WalletNode } from "../../types.ts";
import { overlayTree, treeTotals, walletState, walletTopics } from "./live-tree.ts";

function node(id: string, usd: string, children: WalletNode[] = [], parent: string | null = null): WalletNode {
  const kind = id === "treasury" ? "treasury" : id.startsWith("farm:") ? "farm" : "agent";
  return {
    id,
    kind,
    name: id,
    status: "active",
    strategy: null,
    role: null,
    parent,
    balances: { USD: usd },
    available: { USD: usd },
    inTransit: { USD: "0" },
    children,
  };
}

const desk = () =>
  node("treasury", "400000", [
    node("farm:momentum", "100000", [node("agent:marcus", "120000", [], "farm:momentum")], "treasury"),
    node("farm:pairs", "120000", [], "treasury"),
    node("agent:riley", "0", [], "treasury"),
  ]);

describe("live overlay", () => {
  test("when a wallet's thread changed after the REST load then the tree shows the thread's amounts", () => {
    const tree = desk();
    const live = new Map([["treasury", { state: hubState("treasury", "399000", { inTransit: { USD: "1000" } }), atMs: 2_000 }]]);
    const out = overlayTree(tree, (id) => live.get(id), 1_000);
    expect(out.balances.USD).toBe("399000");
    expect(out.inTransit.USD).toBe("1000");
    // Untouched branches are the very same objects.
    expect(out.children[0]).toBe(tree.children[0]);
    expect(treeTotals(out, "USD")).toEqual({ balance: "739000", inTransit: "1000" });
  });

  test("when the REST load began after the thread's last change then the REST values stand", () => {
    const tree = desk();
    const out = overlayTree(tree, () => ({ state: hubState("treasury", "1"), atMs: 500 }), 1_000);
    expect(out).toBe(tree);
  });

  test("when the live state says what REST says then the tree is returned unchanged", () => {
    const tree = desk();
    const out = overlayTree(tree, (id) => (id === "farm:pairs" ? { state: hubState("farm:pairs", "120000"), atMs: 9_000 } : undefined), 1_000);
    expect(out).toBe(tree);
  });

  test("when an agent deep in the tree moves then only its branch is rebuilt", () => {
    const tree = desk();
    const out = overlayTree(tree, (id) => (id === "agent:marcus" ? { state: hubState("agent:marcus", "121000"), atMs: 9_000 } : undefined), 1_000);
    expect(out.children[0]?.children[0]?.balances.USD).toBe("121000");
    expect(out.children[1]).toBe(tree.children[1]);
  });

  test("when a wallet is archived then its status follows the thread", () => {
    const out = overlayTree(desk(), (id) => (id === "farm:pairs" ? { state: hubState("farm:pairs", "0", { status: "archived" }), atMs: 9_000 } : undefined), 1_000);
    expect(out.children[1]?.status).toBe("archived");
  });

  test.each([
    ["null", null],
    ["no balances", { id: "treasury", name: "t", status: "active", parent: null, available: {}, inTransit: {} }],
    ["a number amount", { ...hubState("treasury", "1"), balances: { USD: 1 } }],
    ["an unknown status", { ...hubState("treasury", "1"), status: "frozen" }],
  ])("when the thread state has %s then it is not taken for a wallet", (_why, state) => {
    expect(walletState(state)).toBeNull();
    const tree = desk();
    expect(overlayTree(tree, () => ({ state, atMs: 9_000 }), 1_000)).toBe(tree);
  });

  test("when the page subscribes then it asks for the treasury, each farm and agents under the treasury", () => {
    expect(walletTopics(desk())).toEqual(["treasury", "farm:momentum", "farm:pairs", "agent:riley"]);
  });
});
