import { describe, expect, it } from "vitest";
import {
  Balances,
  CAPITAL,
  CASH,
  type JournalEntry,
  TRANSIT,
  assertBalanced,
  cashDelta,
  depositEntry,
  peer,
  transferDeliveredEntry,
  transferInEntry,
  transferOutEntry,
  transferReturnedEntry,
} from "../../core/ledger.js";
import { dec, str } from "../../core/money.js";

const SENDER = "farm:a";
const RECEIVER = "agent:a1";

/** An entry's lines as `{ account: amount }`, for comparing against a table. */
function linesOf(e: JournalEntry): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of e.lines) out[`${l.account}|${l.asset}`] = l.amount;
  return out;
}

describe("entry builders", () => {
  const amount = dec("12.345678901234567891");
  const a = "12.345678901234567891";
  it.each([
    ["deposit", depositEntry("d1", "USD", amount), null, { "cash|USD": a, "capital|USD": `-${a}` }, a],
    ["transfer_out", transferOutEntry("t1", RECEIVER, "USD", amount), RECEIVER, { "cash|USD": `-${a}`, "transit|USD": a }, `-${a}`],
    ["transfer_delivered", transferDeliveredEntry("t1", RECEIVER, "USD", amount), RECEIVER, { "transit|USD": `-${a}`, [`peer:${RECEIVER}|USD`]: a }, "0"],
    ["transfer_returned", transferReturnedEntry("t1", RECEIVER, "USD", amount), RECEIVER, { "transit|USD": `-${a}`, "cash|USD": a }, a],
    ["transfer_in", transferInEntry("t1", SENDER, "USD", amount), SENDER, { "cash|USD": a, [`peer:${SENDER}|USD`]: `-${a}` }, a],
  ])("when a %s entry is built then it is balanced and moves exactly its two accounts", (kind, e, counterparty, lines, delta) => {
    expect(e.kind).toBe(kind);
    expect(e.counterparty).toBe(counterparty);
    expect(e.lines).toHaveLength(2);
    expect(linesOf(e)).toEqual(lines);
    expect(() => assertBalanced(e)).not.toThrow();
    expect(str(cashDelta(e, "USD"))).toBe(delta);
  });

  it("when an entry is built then it keeps the transfer id as its ref", () => {
    expect(transferOutEntry("t-42", RECEIVER, "USD", dec("1")).ref).toBe("t-42");
  });

  it("when an amount has trailing zeros then the lines carry its canonical form", () => {
    expect(linesOf(depositEntry("d1", "USD", dec("5.500")))).toEqual({ "cash|USD": "5.5", "capital|USD": "-5.5" });
  });

  it("when peer is asked for a wallet then it names the peer account", () => {
    expect(peer("farm:x")).toBe("peer:farm:x");
  });
});

describe("assertBalanced", () => {
  const entryOf = (lines: Array<[string, string]>): JournalEntry => ({
    kind: "deposit",
    ref: "r1",
    counterparty: null,
    lines: lines.map(([account, amount]) => ({ account, asset: "USD", amount })),
  });

  it.each([
    ["one line", [[CASH, "1"]], "1"],
    ["two lines off by 1e-18", [[CASH, "1"], [CAPITAL, "-0.999999999999999999"]], "0.000000000000000001"],
    ["both lines positive", [[CASH, "1"], [TRANSIT, "1"]], "2"],
    ["three lines short", [[CASH, "-3"], [TRANSIT, "1"], [CAPITAL, "1"]], "-1"],
  ] as Array<[string, Array<[string, string]>, string]>)("when an entry has %s then it throws naming the imbalance", (_, lines, by) => {
    expect(() => assertBalanced(entryOf(lines))).toThrow(`invariant: entry deposit/r1 is unbalanced in USD by ${by}`);
  });

  it.each([
    ["no lines", []],
    ["zero lines", [[CASH, "0"], [CAPITAL, "0"]]],
    ["three lines that cancel", [[CASH, "-0.3"], [TRANSIT, "0.1"], [CAPITAL, "0.2"]]],
  ] as Array<[string, Array<[string, string]>]>)("when an entry has %s then it passes", (_, lines) => {
    expect(() => assertBalanced(entryOf(lines))).not.toThrow();
  });
});

describe("Balances", () => {
  it("when entries are applied then each account holds the exact sum of its lines", () => {
    const b = new Balances();
    b.apply(depositEntry("d1", "USD", dec("0.1")));
    b.apply(depositEntry("d2", "USD", dec("0.2")));
    b.apply(transferOutEntry("t1", RECEIVER, "USD", dec("0.25")));
    expect(str(b.get(CASH, "USD"))).toBe("0.05");
    expect(str(b.get(CAPITAL, "USD"))).toBe("-0.3");
    expect(str(b.get(TRANSIT, "USD"))).toBe("0.25");
    expect(str(b.get(peer(RECEIVER), "USD"))).toBe("0");
  });

  it("when an entry is applied then it returns the keys it touched", () => {
    const b = new Balances();
    expect(b.apply(transferOutEntry("t1", RECEIVER, "USD", dec("1")))).toEqual(["cash|USD", "transit|USD"]);
  });

  it("when an account was set then apply adds to it", () => {
    const b = new Balances();
    b.set(CASH, "USD", dec("10"));
    b.apply(transferReturnedEntry("t1", RECEIVER, "USD", dec("2.5")));
    expect(str(b.get(CASH, "USD"))).toBe("12.5");
  });

  it("when byAsset is asked then it lists only that account, as strings", () => {
    const b = new Balances();
    b.apply(depositEntry("d1", "USD", dec("7")));
    b.set("cashier", "USD", dec("99"));
    expect(b.byAsset(CASH)).toEqual({ USD: "7" });
    expect(b.byAsset(CAPITAL)).toEqual({ USD: "-7" });
    expect(b.byAsset(TRANSIT)).toEqual({});
  });

  it("when every entry is balanced then the wallet's accounts sum to zero", () => {
    const b = new Balances();
    b.apply(depositEntry("d1", "USD", dec("100")));
    b.apply(transferOutEntry("t1", RECEIVER, "USD", dec("30")));
    b.apply(transferDeliveredEntry("t1", RECEIVER, "USD", dec("30")));
    b.apply(transferInEntry("t2", RECEIVER, "USD", dec("4.5")));
    let sum = dec("0");
    for (const [, v] of b.entries()) sum = sum.plus(v);
    expect(str(sum)).toBe("0");
  });
});

type Step = ["out" | "delivered" | "returned" | "in", string, string];

/** Plays a sender's and a receiver's side of transfers; the sender starts with 100 deposited. */
function play(steps: readonly Step[]): { sender: Balances; receiver: Balances } {
  const sender = new Balances();
  const receiver = new Balances();
  sender.apply(depositEntry("seed", "USD", dec("100")));
  for (const [op, ref, amount] of steps) {
    const a = dec(amount);
    if (op === "out") sender.apply(transferOutEntry(ref, RECEIVER, "USD", a));
    if (op === "delivered") sender.apply(transferDeliveredEntry(ref, RECEIVER, "USD", a));
    if (op === "returned") sender.apply(transferReturnedEntry(ref, RECEIVER, "USD", a));
    if (op === "in") receiver.apply(transferInEntry(ref, SENDER, "USD", a));
  }
  return { sender, receiver };
}

describe("transfer sequences", () => {
  it.each([
    ["nothing sent", [], "100", "0", "0"],
    ["sent, in flight", [["out", "t1", "30"]], "70", "30", "0"],
    ["sent, credited, delivered", [["out", "t1", "30"], ["in", "t1", "30"], ["delivered", "t1", "30"]], "70", "0", "30"],
    ["sent, returned", [["out", "t1", "30"], ["returned", "t1", "30"]], "100", "0", "0"],
    ["everything sent and delivered", [["out", "t1", "100"], ["in", "t1", "100"], ["delivered", "t1", "100"]], "0", "0", "100"],
    [
      "two sent, one delivered, one returned",
      [["out", "t1", "0.1"], ["out", "t2", "0.2"], ["in", "t1", "0.1"], ["returned", "t2", "0.2"], ["delivered", "t1", "0.1"]],
      "99.9", "0", "0.1",
    ],
    [
      "three 18-decimal transfers, one still in flight",
      [
        ["out", "t1", "33.333333333333333333"], ["out", "t2", "33.333333333333333333"], ["out", "t3", "33.333333333333333334"],
        ["in", "t1", "33.333333333333333333"], ["delivered", "t1", "33.333333333333333333"],
        ["returned", "t2", "33.333333333333333333"],
      ],
      "33.333333333333333333", "33.333333333333333334", "33.333333333333333333",
    ],
  ] as Array<[string, Step[], string, string, string]>)(
    "when %s then sender cash + transit + receiver cash stays 100",
    (_, steps, senderCash, senderTransit, receiverCash) => {
      const { sender, receiver } = play(steps);
      expect(str(sender.get(CASH, "USD"))).toBe(senderCash);
      expect(str(sender.get(TRANSIT, "USD"))).toBe(senderTransit);
      expect(str(receiver.get(CASH, "USD"))).toBe(receiverCash);
      const held = sender.get(CASH, "USD").plus(sender.get(TRANSIT, "USD")).plus(receiver.get(CASH, "USD"));
      expect(str(held)).toBe("100");
      // What the sender recorded as delivered is exactly what the receiver recorded as received.
      expect(str(sender.get(peer(RECEIVER), "USD").plus(receiver.get(peer(SENDER), "USD")))).toBe("0");
    },
  );

  it("when the receiver has credited but the sender has not heard yet then the amount is counted on both sides", () => {
    // The window the `delivered` acknowledgement closes: totals read in it count the transfer twice.
    const { sender, receiver } = play([["out", "t1", "30"], ["in", "t1", "30"]]);
    const held = sender.get(CASH, "USD").plus(sender.get(TRANSIT, "USD")).plus(receiver.get(CASH, "USD"));
    expect(str(held)).toBe("130");
  });
});
