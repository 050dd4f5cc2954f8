import { describe, expect, test } from "vitest";
import type { SymbolSpec, Ticker, VenueSpec } from "../../types.ts";
import { feeBp, type TicketInput, ticketBody, ticketEstimate } from "./ticket.ts";

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
