import { beforeAll, describe, expect, it } from "vitest";
import { api, balanceOf, findNode, seed } from "./helpers/api.js";

beforeAll(seed);

describe("GET /api/wallets", () => {
  it("when the demo desk is seeded then the tree holds 1,000,000 USD with 60% allocated to the agents", async () => {
    const res = await api("GET", "/api/wallets", { role: "viewer" });
    expect(res.status).toBe(200);
    const tree = res.body.tree;
    expect(tree.id).toBe("treasury");
    expect(tree.balances.USD).toBe("400000");
    expect(tree.children.map((c: any) => c.id).sort()).toEqual([
      "agent:riley-risk",
      "farm:arbitrage",
      "farm:market-making",
      "farm:mean-reversion",
      "farm:momentum",
      "farm:pairs",
    ]);
    for (const agent of ["marcus-momentum", "sophia-reversion", "alex-arbitrage", "paula-pairs", "max-maker"]) {
      expect(findNode(tree, `agent:${agent}`).balances.USD).toBe("120000");
    }
    expect(findNode(tree, "agent:riley-risk")).toMatchObject({ role: "overseer", balances: { USD: "0" } });
    expect(findNode(tree, "farm:momentum").children[0].id).toBe("agent:marcus-momentum");
    expect(res.body.totals).toEqual({ balance: "1000000", inTransit: "0" });
  });

  it("when seeding runs again then nothing moves twice", async () => {
    const res = await api("POST", "/api/desk/seed");
    expect(res.status).toBe(200);
    expect(res.body.seeded).toBe(false);
    expect(await balanceOf("treasury")).toBe("400000");
  });

  it("when one wallet is asked for then it answers with its subtree", async () => {
    const res = await api("GET", "/api/wallets/farm:momentum", { role: "viewer" });
    expect(res.status).toBe(200);
    expect(res.body.wallet.children.map((c: any) => c.id)).toEqual(["agent:marcus-momentum"]);
    expect((await api("GET", "/api/wallets/farm:nope", { role: "viewer" })).status).toBe(404);
    expect((await api("GET", "/api/wallets/not-an-id", { role: "viewer" })).status).toBe(400);
  });
});

describe("allocations", () => {
  it("when the treasury allocates to an agent then the money goes through its farm and lands once", async () => {
    const res = await api("POST", "/api/wallets/allocations", { body: { to: "agent:marcus-momentum", amount: "1000.5" } });
    expect(res.status).toBe(201);
    expect(res.body.move.state).toBe("completed");
    expect(res.body.move.legs.map((l: any) => [l.from, l.to, l.amount, l.state])).toEqual([
      ["treasury", "farm:momentum", "1000.5", "delivered"],
      ["farm:momentum", "agent:marcus-momentum", "1000.5", "delivered"],
    ]);
    expect(await balanceOf("treasury")).toBe("398999.5");
    expect(await balanceOf("farm:momentum")).toBe("0");
    expect(await balanceOf("agent:marcus-momentum")).toBe("121000.5");
  });

  it("when a farm allocates to its own agent then one leg moves", async () => {
    await api("POST", "/api/wallets/allocations", { body: { to: "farm:pairs", amount: "50" } });
    const res = await api("POST", "/api/wallets/allocations", { role: "trader", body: { from: "farm:pairs", to: "agent:paula-pairs", amount: "20" } });
    expect(res.status).toBe(201);
    expect(await balanceOf("farm:pairs")).toBe("30");
    expect(await balanceOf("agent:paula-pairs")).toBe("120020");
  });

  it.each([
    ["an overdraft", { to: "farm:momentum", amount: "400000000" }, 422, "insufficient_funds"],
    ["an unknown wallet", { to: "agent:nobody", amount: "1" }, 404, "unknown_wallet"],
    ["a farm paying an agent of another farm", { from: "farm:pairs", to: "agent:marcus-momentum", amount: "1" }, 422, "not_member"],
    ["the overseer", { to: "agent:riley-risk", amount: "1" }, 422, "overseer_holds_no_capital"],
    ["an upward allocation", { from: "agent:max-maker", to: "farm:market-making", amount: "1" }, 422, "invalid_route"],
    ["a wallet to itself", { from: "farm:pairs", to: "farm:pairs", amount: "1" }, 422, "same_wallet"],
  ])("when asked for %s then it refuses and nothing moves", async (_what, body, status, code) => {
    const before = (await api("GET", "/api/wallets")).body;
    const res = await api("POST", "/api/wallets/allocations", { body });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe("string");
    expect((await api("GET", "/api/wallets")).body).toEqual(before);
  });
});

describe("collections", () => {
  it("when an agent's money is collected to the treasury then it passes through the farm", async () => {
    const res = await api("POST", "/api/wallets/collections", { body: { from: "agent:sophia-reversion", to: "treasury", amount: "5000" } });
    expect(res.status).toBe(201);
    expect(res.body.move.legs.map((l: any) => [l.from, l.to])).toEqual([
      ["agent:sophia-reversion", "farm:mean-reversion"],
      ["farm:mean-reversion", "treasury"],
    ]);
    expect(await balanceOf("agent:sophia-reversion")).toBe("115000");
  });

  it("when no amount is given then everything available is collected to the parent", async () => {
    await api("POST", "/api/wallets/allocations", { body: { to: "farm:arbitrage", amount: "77.25" } });
    const res = await api("POST", "/api/wallets/collections", { body: { from: "farm:arbitrage" } });
    expect(res.status).toBe(201);
    expect(res.body.move.legs[0]).toMatchObject({ to: "treasury", amount: "77.25" });
    expect(await balanceOf("farm:arbitrage")).toBe("0");
    const again = await api("POST", "/api/wallets/collections", { body: { from: "farm:arbitrage" } });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe("zero_amount");
  });

  it("when a collection goes down the tree then it is refused", async () => {
    const res = await api("POST", "/api/wallets/collections", { body: { from: "treasury", to: "farm:pairs", amount: "1" } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("invalid_route");
  });
});

describe("Idempotency-Key", () => {
  it("when a request is repeated with the same key then the first answer is replayed and money moves once", async () => {
    const before = await balanceOf("treasury");
    const first = await api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "10" }, idempotencyKey: "alloc-1" });
    const second = await api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "10" }, idempotencyKey: "alloc-1" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await balanceOf("treasury")).toBe(String(Number(before) - 10));
  });

  it("when repeats race then money still moves once", async () => {
    const before = await balanceOf("farm:momentum");
    const results = await Promise.all(
      Array.from({ length: 5 }, () => api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "3" }, idempotencyKey: "race-1" })),
    );
    for (const r of results) expect(r.status).toBe(201);
    expect(new Set(results.map((r) => r.body.move.id)).size).toBe(1);
    expect(await balanceOf("farm:momentum")).toBe(String(Number(before) + 3));
  });

  it("when a key is reused for a different request then it is refused", async () => {
    await api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "1" }, idempotencyKey: "alloc-2" });
    const res = await api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "2" }, idempotencyKey: "alloc-2" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("idempotency_key_reused");
  });
});

describe("farms and agents", () => {
  it("when a farm and an agent are created then they appear in the tree and can be funded", async () => {
    const farm = await api("POST", "/api/farms", { role: "trader", body: { name: "Breakout Lab", strategy: "momentum" } });
    expect(farm.status).toBe(201);
    expect(farm.body.wallet).toMatchObject({ id: "farm:breakout-lab", kind: "farm", strategy: "momentum", parent: "treasury" });
    const agent = await api("POST", "/api/agents", { role: "trader", body: { name: "Bea Breakout", farm: "breakout-lab" } });
    expect(agent.status).toBe(201);
    expect(agent.body.wallet).toMatchObject({ id: "agent:bea-breakout", parent: "farm:breakout-lab", role: "trader" });
    const again = await api("POST", "/api/agents", { role: "trader", body: { name: "Bea Breakout", farm: "breakout-lab" } });
    expect(again.status).toBe(200);
    const clash = await api("POST", "/api/agents", { role: "trader", body: { id: "bea-breakout", name: "Someone Else", farm: "breakout-lab" } });
    expect(clash.status).toBe(409);
    const alloc = await api("POST", "/api/wallets/allocations", { body: { to: "agent:bea-breakout", amount: "900" } });
    expect(alloc.status).toBe(201);
    expect(await balanceOf("agent:bea-breakout")).toBe("900");
  });

  it("when an agent is renamed then the tree shows the new name", async () => {
    const res = await api("PATCH", "/api/agents/bea-breakout", { role: "trader", body: { name: "Beatrice Breakout" } });
    expect(res.status).toBe(200);
    const node = findNode((await api("GET", "/api/wallets")).body.tree, "agent:bea-breakout");
    expect(node.name).toBe("Beatrice Breakout");
  });

  it("when an agent is archived then its funds return to its farm and it takes no more money", async () => {
    const res = await api("POST", "/api/agents/bea-breakout/archive", { role: "trader" });
    expect(res.status).toBe(200);
    expect(res.body.wallet.status).toBe("archived");
    expect(res.body.returned).toMatchObject({ from: "agent:bea-breakout", to: "farm:breakout-lab", amount: "900", state: "delivered" });
    expect(await balanceOf("agent:bea-breakout")).toBe("0");
    expect(await balanceOf("farm:breakout-lab")).toBe("900");
    const refused = await api("POST", "/api/wallets/allocations", { role: "trader", body: { from: "farm:breakout-lab", to: "agent:bea-breakout", amount: "1" } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("wallet_archived");
  });

  it("when a farm is archived then it and its agents send everything to the treasury", async () => {
    await api("POST", "/api/agents", { role: "trader", body: { name: "Ben Breakout", farm: "breakout-lab" } });
    await api("POST", "/api/wallets/allocations", { body: { to: "agent:ben-breakout", amount: "100" } });
    const treasuryBefore = await balanceOf("treasury");
    const res = await api("POST", "/api/farms/breakout-lab/archive");
    expect(res.status).toBe(200);
    expect(await balanceOf("farm:breakout-lab")).toBe("0");
    expect(await balanceOf("agent:ben-breakout")).toBe("0");
    expect(await balanceOf("treasury")).toBe(String(Number(treasuryBefore) + 1000));
    const refused = await api("POST", "/api/wallets/allocations", { body: { to: "farm:breakout-lab", amount: "1" } });
    expect(refused.body.error.code).toBe("wallet_archived");
    const total = (await api("GET", "/api/wallets")).body.totals;
    expect(total).toEqual({ balance: "1000000", inTransit: "0" });
  });
});

describe("rebalances", () => {
  it("when a farm with uneven agents is rebalanced equally then each agent holds the same", async () => {
    await api("POST", "/api/agents", { role: "trader", body: { name: "Mia Momentum", farm: "momentum" } });
    const res = await api("POST", "/api/wallets/rebalances", { role: "trader", body: { farm: "farm:momentum", mode: "equal" } });
    expect(res.status).toBe(201);
    expect(res.body.rebalance.state).toBe("completed");
    const marcus = await balanceOf("agent:marcus-momentum");
    const mia = await balanceOf("agent:mia-momentum");
    expect(marcus).toBe(mia);
    const farm = await balanceOf("farm:momentum");
    expect(Number(marcus) * 2 + Number(farm)).toBe(Number(res.body.rebalance.total));
  });

  it("when no agent has a track record then performance mode weighs them equally", async () => {
    const res = await api("POST", "/api/wallets/rebalances", { role: "trader", body: { farm: "farm:momentum", mode: "performance" } });
    expect(res.status).toBe(201);
    expect(res.body.rebalance.targets.map((t: any) => t.weight)).toEqual([1, 1]);
    expect(res.body.rebalance.moves).toEqual([]);
  });

  it("when the farm is unknown then it is a 404", async () => {
    const res = await api("POST", "/api/wallets/rebalances", { role: "trader", body: { farm: "farm:ghost" } });
    expect(res.status).toBe(404);
  });
});

describe("transactions", () => {
  it("when a wallet's history is paged then pages are newest first and never overlap", async () => {
    const all: any[] = [];
    let cursor: string | null = null;
    do {
      const res = await api("GET", `/api/wallets/treasury/transactions?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { role: "viewer" });
      expect(res.status).toBe(200);
      all.push(...res.body.transactions);
      cursor = res.body.nextCursor;
    } while (cursor);
    const seqs = all.map((t) => t.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(all[all.length - 1]).toMatchObject({ kind: "deposit", amount: "1000000" });
    const cash = all.reduce((sum, t) => sum + Number(t.amount), 0);
    expect(cash).toBe(Number(await balanceOf("treasury")));
  });

  it("when the query is bad then it is a 400", async () => {
    expect((await api("GET", "/api/wallets/treasury/transactions?limit=0", { role: "viewer" })).status).toBe(400);
    expect((await api("GET", "/api/wallets/treasury/transactions?cursor=abc", { role: "viewer" })).status).toBe(400);
  });
});
