import { describe, expect, it } from "vitest";
import { api, findNode, seed } from "./helpers/api.js";

describe("demo desk", () => {
  it("seeds and serves the tree", async () => {
    await seed();
    const res = await api("GET", "/api/wallets");
    expect(res.status).toBe(200);
    expect(findNode(res.body.tree, "treasury").balances.USD).toBe("400000");
    expect(findNode(res.body.tree, "agent:marcus-momentum").balances.USD).toBe("120000");
    expect(res.body.totals.balance).toBe("1000000");
  });
});
