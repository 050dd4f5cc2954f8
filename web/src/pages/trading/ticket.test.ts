import { describe, expect, test } from "vitest";
import type { Halt } from "../../../../core/risk/types.ts";
import type { SymbolSpec, Ticker, VenueSpec } from "../../types.ts";
import { asOrderCheck, checkFailureNote, checkKey, checkNotes, feeBp, type OrderCheck, type TicketInput, ticketBody, ticketEstimate, ticketGate } from "./ticket.ts";

const base: TicketInput = {
  agent: "agent:marcus-momentum",
  venue: "paper-binance",
  symbol: "BTC-USD",
  side: "buy",
  type: "market",
  quantity: "0.01",
  price: "",
  timeInForce: "gtc",
};

const spec: SymbolSpec = { symbol: "BTC-USD", base: "BTC", quote: "USD", tickSize: "0.01", lotSize: "0.00001", minNotional: "10" };
const venue: VenueSpec = { id: "paper-binance", exchange: "binance", paper: true, makerFeeRate: "0.001", takerFeeRate: "0.001", latencyMs: 40, symbols: [spec] };
const ticker: Ticker = { symbol: "BTC-USD", bid: "59990", ask: "60010", last: "60000", timeMs: 0 };

describe("ticketBody", () => {
  test("when a market order is complete then the body carries no price", () => {
    expect(ticketBody({ ...base, price: "61000" })).toEqual({
      ok: true,
      body: { agent: base.agent, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.01", timeInForce: "gtc" },
    });
  });

  test("when a limit price is typed with separators then the body has the plain decimal", () => {
    const out = ticketBody({ ...base, type: "limit", price: "30,000.5", timeInForce: "post_only" });
    expect(out).toMatchObject({ ok: true, body: { type: "limit", price: "30000.5", timeInForce: "post_only" } });
  });

  test.each([
    ["the quantity is empty", { quantity: "" }, { quantity: "quantity is required" }],
    ["the quantity is negative", { quantity: "-1" }, { quantity: expect.stringMatching(/positive decimal/) }],
    ["the quantity is zero", { quantity: "0" }, { quantity: "amount must be greater than zero" }],
    ["a limit order has no price", { type: "limit" as const }, { price: "a limit order needs a price" }],
    ["a market order is post-only", { timeInForce: "post_only" as const }, { timeInForce: "a market order cannot be post-only" }],
  ])("when %s then the field says why", (_name, change, errors) => {
    const out = ticketBody({ ...base, ...change });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.errors).toMatchObject(errors);
  });

  test("when the agent is not an agent wallet then the form says so", () => {
    const out = ticketBody({ ...base, agent: "farm:momentum" });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.errors.form).toMatch(/^agent: /);
  });
});

describe("ticketEstimate", () => {
  const none = () => undefined;

  test("when a market buy is sized then it is valued at the ask and reserves the buffered price plus the fee", () => {
    const e = ticketEstimate(base, venue, spec, ticker, () => "120000");
    // 60010 × 1.05 × 0.01 × 1.001
    expect(e).toEqual({ price: "60010", notional: "600.1", reserve: { asset: "USD", amount: "630.735105" }, warnings: [] });
  });

  test("when a limit sell is sized then it is valued at its limit and reserves the base", () => {
    const e = ticketEstimate({ ...base, side: "sell", type: "limit", price: "65000" }, venue, spec, ticker, () => "0.005");
    expect(e?.notional).toBe("650");
    expect(e?.reserve).toEqual({ asset: "BTC", amount: "0.01" });
    expect(e?.warnings).toEqual(["needs 0.01 BTC; 0.005 available"]);
  });

  test("when the order breaks the venue's rules then each rule is a warning", () => {
    const e = ticketEstimate({ ...base, type: "limit", quantity: "0.000015", price: "60000.005" }, venue, spec, ticker, none);
    expect(e?.warnings).toEqual([
      "quantity is not a multiple of the lot 0.00001; the venue rounds it down",
      "price is off the tick 0.01; the venue rounds it",
      "notional is under the venue's minimum of 10 USD",
    ]);
  });

  test("when there is no quantity, no limit price or no ticker for a market order then there is no estimate", () => {
    expect(ticketEstimate({ ...base, quantity: "" }, venue, spec, ticker, none)).toBeNull();
    expect(ticketEstimate({ ...base, type: "limit", price: "x" }, venue, spec, ticker, none)).toBeNull();
    expect(ticketEstimate(base, venue, spec, null, none)).toBeNull();
  });
});

describe("feeBp", () => {
  test.each([
    ["0.001", "10"],
    ["0.006", "60"],
    ["0.00025", "2.5"],
    ["0", "0"],
  ])("when the rate is %s then it is %s bp", (rate, expected) => {
    expect(feeBp(rate)).toBe(expected);
  });
});

const funds = { asset: "USD", needed: "630.735105", available: "120000", enough: true };
const approve: OrderCheck = { risk: { decision: "approve", mark: "60000", reason: "within every limit" }, funds, passes: true };
const resize: OrderCheck = {
  risk: { decision: "resize", quantity: "0.41", rule: "max_order_notional", mark: "60000", reason: "order notional 60000 exceeds the limit of 25000" },
  funds,
  passes: true,
};
// As the monitor answers a rejection: no quantity, no mark.
const reject: OrderCheck = {
  risk: { decision: "reject", rule: "max_orders_per_minute", reason: "30 orders in the last minute" },
  funds,
  passes: false,
};
const short: OrderCheck = { ...approve, funds: { asset: "USD", needed: "63073.5105", available: "1200.255", enough: false }, passes: false };
const deskHalt: Halt = { scope: { kind: "desk" }, rule: "kill_switch", reason: "drill", by: "e2e-admin", atMs: 0, resumeAtMs: null };

describe("asOrderCheck", () => {
  test.each([
    ["a resize", resize],
    ["a rejection (no mark)", reject],
    ["an approval with no mark", { ...approve, risk: { decision: "approve", quantity: "0.01", mark: null, reason: "within every limit" } }],
  ])("when the reply is %s then it is taken as is", (_what, value) => {
    expect(asOrderCheck(value)).toEqual(value);
  });

  test.each([
    ["null", null],
    ["an error envelope", { error: { code: "not_found", message: "no route" } }],
    ["an unknown decision", { ...approve, risk: { ...approve.risk, decision: "maybe" } }],
    ["no passes", { risk: approve.risk, funds }],
  ])("when the reply is %s then it is no check", (_what, value) => {
    expect(asOrderCheck(value)).toBeNull();
  });
});

describe("checkKey", () => {
  test("when two forms send the same body then they share a check, and a changed quantity does not", () => {
    const a = ticketBody(base);
    const b = ticketBody({ ...base });
    const c = ticketBody({ ...base, quantity: "0.02" });
    if (!a.ok || !b.ok || !c.ok) throw new Error("the bodies should pass");
    expect(checkKey(a.body)).toBe(checkKey(b.body));
    expect(checkKey(a.body)).not.toBe(checkKey(c.body));
  });
});

describe("checkNotes", () => {
  test.each([
    ["the monitor approves", approve, [{ kind: "risk", tone: "ok", text: "within limits: within every limit" }]],
    ["the monitor resizes", resize, [{ kind: "risk", tone: "warn", text: "Order notional: will be resized to 0.41: order notional 60000 exceeds the limit of 25000" }]],
    ["the monitor rejects", reject, [{ kind: "risk", tone: "bad", text: "Orders / min: will be rejected: 30 orders in the last minute" }]],
    ["the funds fall short", short, [
      { kind: "risk", tone: "ok", text: "within limits: within every limit" },
      { kind: "funds", tone: "bad", text: "needs 63,073.51 USD; 1,200.25 available" },
    ]],
  ] as const)("when %s then the ticket says so before submitting", (_when, check, notes) => {
    expect(checkNotes(check)).toEqual(notes);
  });
});

describe("ticketGate", () => {
  test.each([
    ["nothing is checked yet", null, null, { open: true, why: null }],
    ["the order would be approved", null, approve, { open: true, why: null }],
    ["the order would be resized", null, resize, { open: true, why: null }],
    ["risk would reject it", null, reject, { open: false, why: "nothing would pass: risk rejects it (Orders / min): 30 orders in the last minute" }],
    ["the funds fall short", null, short, { open: false, why: "nothing would pass: not enough USD, needs 63,073.51 USD; 1,200.25 available" }],
    ["the checks fail for no stated reason", null, { ...approve, passes: false }, { open: false, why: "nothing would pass: the desk's checks refuse this order" }],
    [
      "the desk is halted, whatever the check says",
      deskHalt,
      approve,
      { open: false, why: "desk halted by e2e-admin (Kill switch): “drill”; all order entry is stopped until it is resumed" },
    ],
  ] as const)("when %s then submit is open or closed with the reason", (_when, halt, check, gate) => {
    expect(ticketGate(halt, check)).toEqual(gate);
  });
});

describe("checkFailureNote", () => {
  test.each([
    [404, "no route", null],
    [405, "method not allowed", null],
    [400, "invalid body: quantity: amount must be greater than zero", "pre-trade check unavailable: invalid body: quantity: amount must be greater than zero"],
    [0, "Cannot reach the Cival API. Is the server running?", "pre-trade check unavailable: Cannot reach the Cival API. Is the server running?"],
  ])("when the check answers %i then the ticket notes %j", (status, message, note) => {
    expect(checkFailureNote({ status, message })).toBe(note);
  });
});
