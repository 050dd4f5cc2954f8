import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { agentStub, farmStub, treasuryStub } from "../durable-objects/stubs.js";
import { api, balanceOf, seed } from "./helpers/api.js";
import { assertInvariants, assertJournalsAgree, clearFault, deskSnapshot, injectFault, settle } from "./helpers/desk.js";

const TOTAL = "1000000";
beforeAll(seed);

describe("replayed RPCs", () => {
  it("when the same send is replayed then money moves once and the first outcome is answered", async () => {
    const treasury = treasuryStub(env);
    const req = { transferId: "replay-send-1", to: "farm:pairs", asset: "USD" as const, amount: "25", forwardTo: null, memo: null };
    const first = await treasury.send(req);
    const second = await treasury.send(req);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.transfer).toEqual(first.transfer);
    expect(await balanceOf("farm:pairs")).toBe("25");
    await assertInvariants(TOTAL);
  });

  it("when a send is replayed with different terms then it is refused", async () => {
    const res = await treasuryStub(env).send({ transferId: "replay-send-1", to: "farm:pairs", asset: "USD", amount: "26", forwardTo: null, memo: null });
    expect(res).toMatchObject({ ok: false, code: "transfer_id_conflict" });
  });

  it("when the same credit is delivered twice then the receiver credits once", async () => {
    const farm = farmStub(env, "farm:pairs");
    const before = await balanceOf("farm:pairs");
    // The treasury's debit for this id, so that the credit below has money behind it.
    await treasuryStub(env).send({ transferId: "replay-receive-1", to: "farm:pairs", asset: "USD", amount: "5", forwardTo: null, memo: null });
    const again = await farm.receive({ transferId: "replay-receive-1", from: "treasury", asset: "USD", amount: "5", forwardTo: null });
    const thrice = await farm.receive({ transferId: "replay-receive-1", from: "treasury", asset: "USD", amount: "5", forwardTo: null });
    expect(again.status).toBe("duplicate");
    expect(thrice.status).toBe("duplicate");
    expect(await balanceOf("farm:pairs")).toBe(String(Number(before) + 5));
    const conflict = await farm.receive({ transferId: "replay-receive-1", from: "treasury", asset: "USD", amount: "6", forwardTo: null });
    expect(conflict).toMatchObject({ status: "rejected", code: "transfer_id_conflict" });
  });

  it("when a stranger sends money then the receiver refuses it and changes nothing", async () => {
    const res = await agentStub(env, "agent:marcus-momentum").receive({ transferId: "stranger-1", from: "farm:pairs", asset: "USD", amount: "5", forwardTo: null });
    expect(res).toMatchObject({ status: "rejected", code: "not_member" });
    expect(await agentStub(env, "agent:marcus-momentum").hasReceived("stranger-1")).toBe(false);
  });
});

describe("failures between the steps of a transfer", () => {
  it.each([
    ["the receiver fails before crediting", "farm:momentum", "receive:before_credit"],
    ["the receiver fails after crediting (reply lost)", "farm:momentum", "receive:after_credit"],
    ["the forward leg's receiver fails after crediting", "agent:marcus-momentum", "receive:after_credit"],
    ["the sender loses the reply", "treasury", "deliver:after_call"],
    ["the sender fails before calling", "treasury", "deliver:before_call"],
  ] as const)("when %s then the transfer is pending, money is conserved, and the alarm completes it once", async (_what, wallet, point) => {
    const marcusBefore = await balanceOf("agent:marcus-momentum");
    // The fault holds until cleared: a retry by the alarm (due 50 ms on) must not settle it before we look.
    await injectFault(wallet, point, Infinity);
    try {
      const res = await api("POST", "/api/wallets/allocations", { body: { to: "agent:marcus-momentum", amount: "100" } });
      expect(res.status).toBe(202);
      expect(res.body.move.state).toBe("pending");
      const during = await assertInvariants(TOTAL);
      expect(during.pending).toBeGreaterThan(0);
    } finally {
      await clearFault(wallet);
    }
    await settle();
    const after = await assertInvariants(TOTAL);
    expect(after.pending).toBe(0);
    expect(after.inTransit).toBe("0");
    expect(await balanceOf("agent:marcus-momentum")).toBe(String(Number(marcusBefore) + 100));
    await assertJournalsAgree();
  });

  it("when the sender crashes right after its debit then the request fails, and the alarm delivers it", async () => {
    const before = await balanceOf("farm:momentum");
    await injectFault("treasury", "send:after_debit");
    const res = await api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "7" }, idempotencyKey: "crash-1" });
    await clearFault("treasury");
    expect(res.status).toBe(500);
    expect((await deskSnapshot()).inTransit).toBe("7");
    await settle();
    expect(await balanceOf("farm:momentum")).toBe(String(Number(before) + 7));
    // The client retries with its key: the command id is the same, so nothing moves again.
    const retry = await api("POST", "/api/wallets/allocations", { body: { to: "farm:momentum", amount: "7" }, idempotencyKey: "crash-1" });
    expect(retry.status).toBe(201);
    expect(await balanceOf("farm:momentum")).toBe(String(Number(before) + 7));
    await assertInvariants(TOTAL);
  });

  it("when the receiver refuses after the debit then the money returns to the sender", async () => {
    // Archive the agent behind the treasury's back: the directory still plans the move, the agent refuses it.
    const marcus = agentStub(env, "agent:marcus-momentum");
    const state = await marcus.state();
    if (!state.record) throw new Error("no record");
    await marcus.init({ ...state.record, status: "archived", updatedAtMs: state.record.updatedAtMs + 1 });
    const farmBefore = await balanceOf("farm:momentum");
    const res = await api("POST", "/api/wallets/allocations", { role: "trader", body: { from: "farm:momentum", to: "agent:marcus-momentum", amount: "1" } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("wallet_archived");
    expect(res.body.error.details.move.legs[0].state).toBe("rejected");
    expect(await balanceOf("farm:momentum")).toBe(farmBefore);
    await marcus.init({ ...state.record, updatedAtMs: state.record.updatedAtMs + 2 });
    await assertInvariants(TOTAL);
  });
});

describe("history in D1", () => {
  it("when everything has settled then D1 holds one row per transfer and per journal entry, in their final states", async () => {
    await settle();
    const pending = await env.DB.prepare("SELECT COUNT(*) AS n FROM transfers WHERE state = 'pending'").first<{ n: number }>();
    expect(pending?.n).toBe(0);
    const dupes = await env.DB.prepare("SELECT wallet_id, ref, kind, COUNT(*) AS n FROM journal_entries GROUP BY wallet_id, ref, kind HAVING n > 1").all();
    expect(dupes.results).toEqual([]);
    const treasury = await env.DB.prepare("SELECT COUNT(*) AS n FROM journal_entries WHERE wallet_id = 'treasury'").first<{ n: number }>();
    const audit = await treasuryStub(env).audit();
    expect(audit.cached).toEqual(audit.journal);
    expect(treasury?.n).toBeGreaterThan(10);
    const cash = await env.DB.prepare("SELECT cash_delta FROM journal_entries WHERE wallet_id = 'treasury'").all<{ cash_delta: string }>();
    const sum = cash.results.reduce((s, r) => s + Number(r.cash_delta), 0);
    expect(sum).toBe(Number(await balanceOf("treasury")));
  });
});
