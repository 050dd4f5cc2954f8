import { describe, expect, it } from "vitest";
import { Balances, CASH, TRANSIT, peer } from "../../core/ledger.js";
import { dec } from "../../core/money.js";
import {
  INLINE_GRACE_MS,
  type InboxRow,
  type Lookup,
  type ReceiveRequest,
  type SendRequest,
  type TransferEffect,
  type TransferRow,
  admitToAgent,
  admitToFarm,
  admitToTreasury,
  admitTransfer,
  autoForwardTo,
  checkSend,
  decideDelivery,
  decideReceive,
  decideSend,
  forwardTransferId,
  retryDelayMs,
} from "../../core/transfers/index.js";
import type { WalletRecord } from "../../core/wallets.js";

const NOW = 1_000_000;

function wallet(id: string, over: Partial<WalletRecord> = {}): WalletRecord {
  const kind = id === "treasury" ? "treasury" : id.startsWith("farm:") ? "farm" : "agent";
  const parent = kind === "treasury" ? null : kind === "farm" ? "treasury" : "farm:f";
  return { id, kind, name: id, parent, status: "active", strategy: null, role: kind === "agent" ? "trader" : null, createdAtMs: 0, updatedAtMs: 0, ...over };
}

const lookup =
  (known: Record<string, "active" | "archived">): Lookup =>
  (id) => {
    const status = known[id];
    return status ? { status } : null;
  };

const send = (over: Partial<SendRequest> = {}): SendRequest => ({ transferId: "t1", to: "farm:f", asset: "USD", amount: "10", forwardTo: null, memo: null, ...over });
const recv = (over: Partial<ReceiveRequest> = {}): ReceiveRequest => ({ transferId: "t1", from: "treasury", asset: "USD", amount: "10", forwardTo: null, ...over });

function row(over: Partial<TransferRow> = {}): TransferRow {
  return {
    id: "t1",
    to: "farm:f",
    asset: "USD",
    amount: "10",
    forwardTo: null,
    memo: null,
    state: "pending",
    code: null,
    message: null,
    attempts: 0,
    nextAttemptMs: NOW + INLINE_GRACE_MS,
    createdAtMs: NOW,
    updatedAtMs: NOW,
    version: 1,
    ...over,
  };
}

/** The balances a list of effects leaves, from `start` (cash). */
function applied(effects: readonly TransferEffect[], cash = "0"): Balances {
  const b = new Balances();
  b.set(CASH, "USD", dec(cash));
  for (const e of effects) if (e.t === "post") b.apply(e.entry);
  return b;
}

function kinds(effects: readonly TransferEffect[]): string[] {
  return effects.map((e) => {
    if (e.t === "post") return `post:${e.entry.kind}`;
    if (e.t === "emit") return `emit:${e.runId}`;
    if (e.t === "outbox") return `outbox:${e.row.state}`;
    return `inbox:${e.row.transferId}`;
  });
}

describe("forwardTransferId", () => {
  it("when a transfer is forwarded twice then both legs get the same derived id", () => {
    expect(forwardTransferId("t-1")).toBe("t-1>");
    expect(forwardTransferId("t-1")).toBe(forwardTransferId("t-1"));
    expect(forwardTransferId(forwardTransferId("t-1"))).toBe("t-1>>");
  });
});

describe("retryDelayMs", () => {
  it.each([
    [0, 0.999, 249],
    [0, 0.5, 125],
    [1, 0.5, 250],
    [3, 0.5, 1_000],
    [7, 0.999, 31_968],
    [8, 0.999, 59_940],
    [8, 0.5, 30_000],
    [16, 0.5, 30_000],
    [1_000, 0.5, 30_000],
    [0, 0, 50],
    [0, 0.1, 50],
    [10, 0, 50],
  ])("when %i attempts failed and the jitter is %s then the delay is %i ms", (attempts, random, delayMs) => {
    expect(retryDelayMs(attempts, random)).toBe(delayMs);
  });

  it("when the attempts grow then the delay stays within [50 ms, 60 s]", () => {
    for (let attempts = 0; attempts <= 64; attempts++) {
      for (const random of [0, 0.25, 0.5, 0.75, 0.999999]) {
        const d = retryDelayMs(attempts, random);
        expect(d).toBeGreaterThanOrEqual(50);
        expect(d).toBeLessThanOrEqual(60_000);
        expect(Number.isInteger(d)).toBe(true);
      }
    }
  });
});

describe("checkSend", () => {
  const archivedAgent = wallet("agent:a", { status: "archived" });
  it.each<[string, WalletRecord | null, string, Partial<SendRequest>, string]>([
    ["no record", null, "100", {}, "wallet_not_initialised"],
    ["no record and nothing available", null, "0", { amount: "0" }, "wallet_not_initialised"],
    ["archived, to a stranger", archivedAgent, "100", { to: "treasury" }, "wallet_archived"],
    ["archived, to a stranger with nothing", archivedAgent, "0", { to: "treasury", amount: "0" }, "wallet_archived"],
    ["archived, home, all of nothing", archivedAgent, "0", { to: "farm:f", amount: null }, "zero_amount"],
    ["active, zero asked", wallet("farm:f"), "100", { amount: "0" }, "zero_amount"],
    ["active, negative asked", wallet("farm:f"), "100", { amount: "-1" }, "zero_amount"],
    ["active, more than available", wallet("farm:f"), "100", { amount: "100.01" }, "insufficient_funds"],
    ["active, all of nothing", wallet("farm:f"), "0", { amount: null }, "zero_amount"],
  ])("when %s then the send is refused with %s", (_when, record, available, over, code) => {
    const result = checkSend(record, dec(available), send(over));
    expect("code" in result ? result.code : null).toBe(code);
  });

  it.each<[string, WalletRecord, string, string | null, string]>([
    ["all is asked", wallet("farm:f"), "100", null, "100"],
    ["exactly what is available is asked", wallet("farm:f"), "100", "100", "100"],
    ["an archived agent sends all home", wallet("agent:a", { status: "archived" }), "7.5", null, "7.5"],
  ])("when %s then the amount moved is right", (_when, record, available, amount, moved) => {
    const result = checkSend(record, dec(available), send({ amount, to: record.parent ?? "treasury" }));
    expect("amount" in result ? result.amount.toString() : result.code).toBe(moved);
  });
});

describe("admission", () => {
  const farm = wallet("farm:f");
  const archivedFarm = wallet("farm:f", { status: "archived" });
  const members = lookup({ "agent:a": "active", "agent:z": "archived" });
  it.each<[string, () => ReturnType<typeof admitToTreasury>, string | null]>([
    ["the treasury is sent money by a wallet of its directory", () => admitToTreasury(recv({ from: "farm:f" }), lookup({ "farm:f": "active" })), null],
    ["the treasury is sent money by an archived wallet of its directory", () => admitToTreasury(recv({ from: "farm:f" }), lookup({ "farm:f": "archived" })), null],
    ["the treasury is sent money by a stranger", () => admitToTreasury(recv({ from: "farm:x" }), lookup({})), "not_member"],
    ["the treasury is asked to forward", () => admitToTreasury(recv({ from: "farm:f", forwardTo: "agent:a" }), lookup({ "farm:f": "active" })), "invalid_route"],
    ["a farm that does not exist yet is sent money", () => admitToFarm(null, recv(), members), "wallet_not_initialised"],
    ["a farm is funded by the treasury", () => admitToFarm(farm, recv(), members), null],
    ["an archived farm is funded by the treasury", () => admitToFarm(archivedFarm, recv(), members), "wallet_archived"],
    ["a farm is asked to forward to its agent", () => admitToFarm(farm, recv({ forwardTo: "agent:a" }), members), null],
    ["a farm is asked to forward to a stranger", () => admitToFarm(farm, recv({ forwardTo: "agent:x" }), members), "not_member"],
    ["a farm is asked to forward to an archived agent", () => admitToFarm(farm, recv({ forwardTo: "agent:z" }), members), "wallet_archived"],
    ["a farm is sent money by its agent", () => admitToFarm(farm, recv({ from: "agent:a" }), members), null],
    ["an archived farm is sent money by its archived agent", () => admitToFarm(archivedFarm, recv({ from: "agent:z" }), members), null],
    ["a farm is sent money by another farm's agent", () => admitToFarm(farm, recv({ from: "agent:x" }), members), "not_member"],
    ["a farm is sent money by another farm", () => admitToFarm(farm, recv({ from: "farm:g" }), members), "not_member"],
    ["an agent's money is to go on to the treasury", () => admitToFarm(farm, recv({ from: "agent:a", forwardTo: "treasury" }), members), null],
    ["an agent's money is to go on to another agent", () => admitToFarm(farm, recv({ from: "agent:a", forwardTo: "agent:z" }), members), "invalid_route"],
    ["an agent that does not exist yet is sent money", () => admitToAgent(null, recv({ from: "farm:f" })), "wallet_not_initialised"],
    ["an agent is funded by its farm", () => admitToAgent(wallet("agent:a"), recv({ from: "farm:f" })), null],
    ["an overseer is funded", () => admitToAgent(wallet("agent:o", { role: "overseer", parent: "treasury" }), recv({ from: "treasury" })), "overseer_holds_no_capital"],
    ["an archived overseer is funded", () => admitToAgent(wallet("agent:o", { role: "overseer", status: "archived" }), recv({ from: "farm:f" })), "overseer_holds_no_capital"],
    ["an archived agent is funded by its farm", () => admitToAgent(wallet("agent:a", { status: "archived" }), recv({ from: "farm:f" })), "wallet_archived"],
    ["an agent is funded by another farm", () => admitToAgent(wallet("agent:a"), recv({ from: "farm:g" })), "not_member"],
    ["an agent is funded by the treasury directly", () => admitToAgent(wallet("agent:a"), recv({ from: "treasury" })), "not_member"],
    ["an agent is asked to forward", () => admitToAgent(wallet("agent:a"), recv({ from: "farm:f", forwardTo: "agent:b" })), "invalid_route"],
  ])("when %s then the answer is %s", (_when, admit, code) => {
    expect(admit()?.code ?? null).toBe(code);
  });

  it("when admission is asked by kind then it applies that kind's rule", () => {
    const known = lookup({ "farm:f": "active" });
    expect(admitTransfer("treasury", wallet("treasury"), recv({ from: "farm:x" }), known)?.code).toBe("not_member");
    expect(admitTransfer("farm", null, recv(), known)?.code).toBe("wallet_not_initialised");
    expect(admitTransfer("agent", wallet("agent:a"), recv({ from: "farm:f" }), known)).toBeNull();
  });

  it.each<[string, WalletRecord | null, string, string | null]>([
    ["an archived farm is sent money by its agent", wallet("farm:f", { status: "archived" }), "agent:a", "treasury"],
    ["an active farm is sent money by its agent", wallet("farm:f"), "agent:a", null],
    ["an archived farm is sent money by the treasury", wallet("farm:f", { status: "archived" }), "treasury", null],
    ["an archived agent is credited", wallet("agent:a", { status: "archived" }), "farm:f", null],
    ["a wallet not yet initialised is credited", null, "agent:a", null],
  ])("when %s then the money goes on to %s", (_when, me, from, to) => {
    expect(autoForwardTo(me, recv({ from }))).toBe(to);
  });
});

describe("decideSend", () => {
  const treasury = wallet("treasury");
  it("when a fresh send is accepted then cash goes into transit, the row is pending and due after the inline grace", () => {
    const d = decideSend({ record: treasury, available: dec("100"), existing: null }, send({ memo: "m", forwardTo: "agent:a" }), NOW);
    expect(d.ok && d.fresh).toBe(true);
    expect(kinds(d.effects)).toEqual(["post:transfer_out", "outbox:pending", "emit:transfer:t1:debit"]);
    const b = applied(d.effects, "100");
    expect([b.get(CASH, "USD").toString(), b.get(TRANSIT, "USD").toString()]).toEqual(["90", "10"]);
    const out = d.effects.find((e) => e.t === "outbox");
    expect(out?.t === "outbox" && out.row).toMatchObject({ state: "pending", attempts: 0, nextAttemptMs: NOW + INLINE_GRACE_MS, version: 1, forwardTo: "agent:a", memo: "m" });
  });

  it("when all available is asked then the row carries the amount at the moment of the debit", () => {
    const d = decideSend({ record: treasury, available: dec("42.5"), existing: null }, send({ amount: null }), NOW);
    const out = d.effects.find((e) => e.t === "outbox");
    expect(out?.t === "outbox" && out.row.amount).toBe("42.5");
  });

  it.each<[string, Partial<SendRequest>, boolean | string]>([
    ["the same terms", {}, false],
    ["the same terms and all available", { amount: null }, false],
    ["the same amount written differently", { amount: "10.00" }, false],
    ["another amount", { amount: "11" }, "transfer_id_conflict"],
    ["another receiver", { to: "farm:g" }, "transfer_id_conflict"],
    ["another forward", { forwardTo: "agent:a" }, "transfer_id_conflict"],
  ])("when a transfer id is sent again with %s then the answer is %s and nothing moves", (_when, over, expected) => {
    const d = decideSend({ record: treasury, available: dec("0"), existing: row() }, send(over), NOW);
    expect(d.effects).toEqual([]);
    expect(d.ok ? d.fresh : d.refusal.code).toBe(expected);
  });

  it("when a send is refused then nothing is written", () => {
    const d = decideSend({ record: treasury, available: dec("5"), existing: null }, send(), NOW);
    expect(d).toMatchObject({ ok: false, refusal: { code: "insufficient_funds" }, effects: [] });
  });
});

describe("decideDelivery", () => {
  it.each<[string, Parameters<typeof decideDelivery>[2], string[], Partial<TransferRow>, [string, string, string]]>([
    ["the receiver credits it", { t: "answered", result: { status: "credited", forward: null } }, ["post:transfer_delivered", "emit:transfer:t1:completed", "outbox:delivered"], { state: "delivered", nextAttemptMs: null, message: null, version: 2 }, ["90", "0", "10"]],
    ["the receiver had credited it already", { t: "answered", result: { status: "duplicate", forward: null } }, ["post:transfer_delivered", "emit:transfer:t1:completed", "outbox:delivered"], { state: "delivered", version: 2 }, ["90", "0", "10"]],
    ["the receiver refuses it", { t: "answered", result: { status: "rejected", code: "not_member", message: "no" } }, ["post:transfer_returned", "emit:transfer:t1:returned", "outbox:rejected"], { state: "rejected", code: "not_member", message: "no", nextAttemptMs: null, version: 2 }, ["100", "0", "0"]],
    ["the call is lost", { t: "lost", error: "boom", random: 0.5 }, ["outbox:pending"], { state: "pending", attempts: 1, nextAttemptMs: NOW + 250, message: "delivery attempt 1 failed: boom", version: 2 }, ["90", "10", "0"]],
  ])("when %s then the sender writes what it must", (_when, outcome, effects, rowAfter, [cash, transit, peerSum]) => {
    const sent = decideSend({ record: wallet("treasury"), available: dec("100"), existing: null }, send(), NOW);
    const d = decideDelivery("treasury", row(), outcome, NOW);
    expect(kinds(d)).toEqual(effects);
    const out = d.find((e) => e.t === "outbox");
    expect(out?.t === "outbox" && out.row).toMatchObject({ ...rowAfter, updatedAtMs: NOW });
    const b = applied([...sent.effects, ...d], "100");
    expect([b.get(CASH, "USD").toString(), b.get(TRANSIT, "USD").toString(), b.get(peer("farm:f"), "USD").toString()]).toEqual([cash, transit, peerSum]);
  });

  it("when the delivery failed before then the next attempt waits longer", () => {
    const d = decideDelivery("treasury", row({ attempts: 3, version: 4 }), { t: "lost", error: "x".repeat(400), random: 0.5 }, NOW);
    const out = d[0];
    expect(out?.t === "outbox" && out.row).toMatchObject({ attempts: 4, nextAttemptMs: NOW + 2_000, version: 5 });
    expect(out?.t === "outbox" && out.row.message?.length).toBe(300);
  });

  it.each<[string, TransferRow | null]>([
    ["the transfer was delivered meanwhile", row({ state: "delivered" })],
    ["the transfer was returned meanwhile", row({ state: "rejected" })],
    ["the transfer is unknown", null],
  ])("when %s then an outcome changes nothing", (_when, current) => {
    expect(decideDelivery("treasury", current, { t: "answered", result: { status: "credited", forward: null } }, NOW)).toEqual([]);
    expect(decideDelivery("treasury", current, { t: "lost", error: "e", random: 0.5 }, NOW)).toEqual([]);
  });
});

describe("decideReceive", () => {
  const farm = wallet("farm:f");
  const seen = (over: Partial<InboxRow> = {}): InboxRow => ({ transferId: "t1", from: "treasury", asset: "USD", amount: "10", forwardId: null, createdAtMs: 0, ...over });

  it("when a credit is admitted then cash comes in and the inbox remembers it", () => {
    const d = decideReceive({ record: farm, seen: null, admission: null }, recv(), NOW);
    expect(d.status).toBe("credited");
    expect(kinds(d.effects)).toEqual(["post:transfer_in", "emit:transfer:t1:credit", "inbox:t1"]);
    expect(applied(d.effects).get(CASH, "USD").toString()).toBe("10");
  });

  it("when a credit must go on then the forward leg is debited in the same step, with its derived id", () => {
    const d = decideReceive({ record: farm, seen: null, admission: null }, recv({ forwardTo: "agent:a" }), NOW);
    expect(d).toMatchObject({ status: "credited", forwardId: "t1>" });
    expect(kinds(d.effects)).toEqual(["post:transfer_in", "emit:transfer:t1:credit", "post:transfer_out", "outbox:pending", "emit:transfer:t1>:debit", "inbox:t1"]);
    const b = applied(d.effects);
    expect([b.get(CASH, "USD").toString(), b.get(TRANSIT, "USD").toString()]).toEqual(["0", "10"]);
    const out = d.effects.find((e) => e.t === "outbox");
    expect(out?.t === "outbox" && out.row).toMatchObject({ id: "t1>", to: "agent:a", forwardTo: null, memo: "forward of t1" });
  });

  it("when an archived farm is credited by its agent then the money goes on to the treasury", () => {
    const d = decideReceive({ record: wallet("farm:f", { status: "archived" }), seen: null, admission: null }, recv({ from: "agent:a" }), NOW);
    const out = d.effects.find((e) => e.t === "outbox");
    expect(out?.t === "outbox" && out.row.to).toBe("treasury");
  });

  it.each<[string, InboxRow | null, Partial<ReceiveRequest>, string, string | null]>([
    ["a credit is replayed", seen(), {}, "duplicate", null],
    ["a forwarded credit is replayed", seen({ forwardId: "t1>" }), { forwardTo: "agent:a" }, "duplicate", "t1>"],
    ["a replay comes from another sender", seen(), { from: "agent:a" }, "rejected", null],
    ["a replay carries another amount", seen(), { amount: "11" }, "rejected", null],
    ["a replay carries another asset", seen(), { asset: "BTC" }, "rejected", null],
  ])("when %s then the answer is %s and nothing moves", (_when, inbox, over, status, forwardId) => {
    const d = decideReceive({ record: farm, seen: inbox, admission: null }, recv(over), NOW);
    expect(d.effects).toEqual([]);
    expect(d.status).toBe(status);
    if (d.status === "rejected") expect(d.code).toBe("transfer_id_conflict");
    else expect(d.forwardId).toBe(forwardId);
  });

  it("when admission refuses then the refusal is the answer and nothing moves", () => {
    const d = decideReceive({ record: farm, seen: null, admission: { code: "wallet_archived", message: "archived" } }, recv(), NOW);
    expect(d).toEqual({ status: "rejected", code: "wallet_archived", message: "archived", effects: [] });
  });
});

describe("the protocol end to end", () => {
  it("when a transfer is sent, forwarded and delivered on both legs then the desk's money is conserved", () => {
    const treasury = decideSend({ record: wallet("treasury"), available: dec("100"), existing: null }, send({ forwardTo: "agent:a" }), NOW);
    const farm = decideReceive({ record: wallet("farm:f"), seen: null, admission: null }, recv({ forwardTo: "agent:a" }), NOW);
    const agent = decideReceive({ record: wallet("agent:a"), seen: null, admission: null }, recv({ transferId: "t1>", from: "farm:f" }), NOW);
    const farmDelivered = decideDelivery("farm:f", row({ id: "t1>", to: "agent:a" }), { t: "answered", result: { status: "credited", forward: null } }, NOW);
    const treasuryDelivered = decideDelivery("treasury", row({ forwardTo: "agent:a" }), { t: "answered", result: { status: "credited", forward: null } }, NOW);
    const t = applied([...treasury.effects, ...treasuryDelivered], "100");
    const f = applied([...farm.effects, ...farmDelivered]);
    const a = applied(agent.effects);
    const held = (b: Balances) => b.get(CASH, "USD").plus(b.get(TRANSIT, "USD"));
    expect([held(t), held(f), held(a)].map(String)).toEqual(["90", "0", "10"]);
  });
});
