import { describe, expect, it } from "vitest";
import { type AgentCommand, type AgentOrderState, type AgentState, decide } from "../../core/agent/machine.js";
import { Balances, CASH } from "../../core/ledger.js";
import type { Fill, OrderRequest, SymbolSpec, VenueOrder } from "../../core/market.js";
import { dec, str } from "../../core/money.js";
import { RESERVED, venueAccount } from "../../core/orders.js";
import type { PreTradeDecision } from "../../core/risk/types.js";

const AGENT = "agent:a1";
const VENUE = "paper-binance";
const BTC: SymbolSpec = { symbol: "BTC-USD", base: "BTC", quote: "USD", tickSize: "0.01", lotSize: "0.0001", minNotional: "10" };
const APPROVED: PreTradeDecision = { decision: "approve", quantity: "0.1", mark: "100", reason: "within every limit" };
const NOW = 1_000_000;

function request(patch: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId: "o1", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.1", price: null, timeInForce: "ioc", ...patch };
}

function balances(cash: Record<string, string>): Balances {
  const b = new Balances();
  for (const [asset, amount] of Object.entries(cash)) b.set(CASH, asset, dec(amount));
  return b;
}

function state(orders: AgentOrderState[] = [], cash: Record<string, string> = { USD: "1000" }, seen: string[] = []): AgentState {
  return { agent: AGENT, balances: balances(cash), orders: new Map(orders.map((o) => [o.order.clientOrderId, o])), seenFills: new Set(seen) };
}

/** An order placed and reserved, as the machine leaves it before the venue answers. */
function pending(reserved = "10.6", patch: Partial<OrderRequest> = {}): AgentOrderState {
  const req = request(patch);
  return {
    order: { clientOrderId: req.clientOrderId, venue: VENUE, request: req, order: null, status: "pending", reservedAsset: req.side === "buy" ? "USD" : "BTC", reserved, code: null, message: null, createdAtMs: NOW - 10, updatedAtMs: NOW - 10 },
    filledQuantity: "0",
  };
}

function fill(id: string, quantity: string, price = "100", fee = "0.01"): Fill {
  return { fillId: id, clientOrderId: "o1", symbol: "BTC-USD", side: "buy", price, quantity, fee, feeAsset: "USD", liquidity: "taker", timeMs: NOW };
}

function venueOrder(status: VenueOrder["status"], filled: string): VenueOrder {
  return { clientOrderId: "o1", venueOrderId: "1", symbol: "BTC-USD", side: "buy", type: "market", timeInForce: "ioc", price: null, quantity: "0.1", filledQuantity: filled, averagePrice: "100", status, updatedAtMs: NOW };
}

/** Sums the journal's lines by account and asset, so a table can say where money went. */
function moved(s: AgentState, c: AgentCommand): Record<string, string> {
  const d = decide(s, c, NOW);
  if (!d.ok) throw new Error(d.message);
  const out: Record<string, string> = {};
  for (const e of d.effects.journal) for (const l of e.lines) out[`${l.account}|${l.asset}`] = str(dec(out[`${l.account}|${l.asset}`] ?? "0").plus(l.amount));
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== "0"));
}

describe("placing", () => {
  it.each([
    ["enough cash", { USD: "1000" }, "10.6", true],
    ["exactly enough", { USD: "10.6" }, "10.6", true],
    ["a cent short", { USD: "10.59" }, "10.6", false],
    ["no cash of the asset", { BTC: "1" }, "10.6", false],
  ])("when an order is placed with %s then it is reserved only if the funds cover it", (_what, cash, amount, ok) => {
    const d = decide(state([], cash), { kind: "place", venueId: VENUE, request: request(), reservation: { asset: "USD", amount }, origin: "agent", risk: APPROVED }, NOW);
    expect(d.ok).toBe(ok);
    if (!d.ok) {
      expect(d.code).toBe("insufficient_funds");
      return;
    }
    expect(d.effects.orders.map((o) => [o.order.status, o.order.reserved])).toEqual([["pending", amount]]);
    expect(d.effects.history.map((h) => h.t)).toEqual(["order"]);
    expect(d.effects.events.map((e) => e.runId)).toEqual(["order:o1:placed"]);
  });

  it("when a placed order's client order id is placed again then nothing happens", () => {
    const d = decide(state([pending()]), { kind: "place", venueId: VENUE, request: request(), reservation: { asset: "USD", amount: "10.6" }, origin: "agent", risk: APPROVED }, NOW);
    expect(d.ok && d.effects.journal.length + d.effects.orders.length).toBe(0);
  });

  it("when an order is placed then its reservation moves cash to reserved", () => {
    expect(moved(state(), { kind: "place", venueId: VENUE, request: request(), reservation: { asset: "USD", amount: "10.6" }, origin: "agent", risk: APPROVED })).toEqual({ "cash|USD": "-10.6", "reserved|USD": "10.6" });
  });
});

describe("the venue's answer", () => {
  const venueId = VENUE;
  const symbols = [BTC];
  it.each<[string, AgentCommand, string, string, Record<string, string>]>([
    [
      "a full fill in the reply",
      { kind: "venue_answer", clientOrderId: "o1", venueId, symbols, answer: { ok: true, order: venueOrder("filled", "0.1"), fills: [fill("f1", "0.1")] } },
      "filled",
      "0",
      { "reserved|USD": "-10.6", [`${venueAccount(VENUE)}|USD`]: "10", "fees|USD": "0.01", "cash|BTC": "0.1", [`${venueAccount(VENUE)}|BTC`]: "-0.1", "cash|USD": "0.59" },
    ],
    [
      "a partial fill then the rest cancelled (IOC)",
      { kind: "venue_answer", clientOrderId: "o1", venueId, symbols, answer: { ok: true, order: venueOrder("cancelled", "0.05"), fills: [fill("f1", "0.05", "100", "0.005")] } },
      "cancelled",
      "0",
      { "reserved|USD": "-10.6", [`${venueAccount(VENUE)}|USD`]: "5", "fees|USD": "0.005", "cash|BTC": "0.05", [`${venueAccount(VENUE)}|BTC`]: "-0.05", "cash|USD": "5.595" },
    ],
    [
      "a resting order",
      { kind: "venue_answer", clientOrderId: "o1", venueId, symbols, answer: { ok: true, order: venueOrder("open", "0"), fills: [] } },
      "open",
      "10.6",
      {},
    ],
    ["a refusal", { kind: "venue_answer", clientOrderId: "o1", venueId, symbols, answer: { ok: false, code: "no_liquidity", message: "empty book" } }, "rejected", "0", { "reserved|USD": "-10.6", "cash|USD": "10.6" }],
    ["a lost reply", { kind: "lost", clientOrderId: "o1", message: "network" }, "unknown", "10.6", {}],
    ["a look-up that finds nothing", { kind: "not_found", clientOrderId: "o1" }, "rejected", "0", { "reserved|USD": "-10.6", "cash|USD": "10.6" }],
  ])("when the venue answers %s then the order is settled and only what it still needs stays reserved", (_what, command, status, reserved, journal) => {
    const d = decide(state([pending()]), command, NOW);
    if (!d.ok) throw new Error(d.message);
    const order = d.effects.orders.find((o) => o.order.clientOrderId === "o1")?.order;
    expect([order?.status, order?.reserved]).toEqual([status, reserved]);
    expect(moved(state([pending()]), command)).toEqual(journal);
  });

  it("when a reply carries fills the agent already applied then they are not applied again", () => {
    const command: AgentCommand = { kind: "venue_answer", clientOrderId: "o1", venueId, symbols, answer: { ok: true, order: venueOrder("filled", "0.1"), fills: [fill("f1", "0.1")] } };
    const d = decide(state([{ ...pending("0"), order: { ...pending("0").order, status: "filled" }, filledQuantity: "0.1" }], { USD: "989.4" }, ["f1"]), command, NOW);
    if (!d.ok) throw new Error(d.message);
    expect(d.effects.fillsIn).toEqual([]);
    expect(d.effects.journal).toEqual([]);
  });

  it("when the lost reply's message is kept then the code says the outcome is unknown", () => {
    const d = decide(state([pending()]), { kind: "lost", clientOrderId: "o1", message: "socket closed" }, NOW);
    expect(d.ok && d.effects.orders[0]?.order).toMatchObject({ code: "unknown_outcome", message: "the venue's answer was lost: socket closed" });
  });
});

describe("fills delivered by the venue", () => {
  it.each([
    ["one partial fill", [fill("f1", "0.04")], [], "pending", "0.04", 1],
    ["fills up to the quantity", [fill("f1", "0.04"), fill("f2", "0.06")], [], "filled", "0.1", 2],
    ["the same fill twice in one batch", [fill("f1", "0.04"), fill("f1", "0.04")], [], "pending", "0.04", 1],
    ["a fill already in the inbox", [fill("f1", "0.04")], ["f1"], "pending", "0", 0],
  ])("when the venue delivers %s then each is applied once and a filled order is settled", (_what, fills, seen, status, filled, applied) => {
    const d = decide(state([pending()], { USD: "989.4" }, seen), { kind: "fills", venueId: VENUE, symbols: [BTC], fills }, NOW);
    if (!d.ok) throw new Error(d.message);
    expect(d.effects.fillsIn.length).toBe(applied);
    const after = d.effects.orders[0];
    expect([after?.order.status ?? "pending", after?.filledQuantity ?? "0"]).toEqual([status, filled]);
  });

  it("when a fill names an order the agent never placed then it is a bug, not a refusal", () => {
    expect(() => decide(state([]), { kind: "fills", venueId: VENUE, symbols: [BTC], fills: [fill("f1", "0.1")] }, NOW)).toThrow(/never placed/);
  });

  it("when a fill costs more than the reservation left then the reservation stops at zero", () => {
    const d = decide(state([pending("5")]), { kind: "fills", venueId: VENUE, symbols: [BTC], fills: [fill("f1", "0.06")] }, NOW);
    expect(d.ok && d.effects.orders[0]?.order.reserved).toBe("0");
  });
});

describe("accounts touched", () => {
  it("when a sell fills then the position goes to the venue and the proceeds less the fee come back as cash", () => {
    const sell = pending("0.1", { side: "sell" });
    const sold: Fill = { ...fill("f1", "0.1"), side: "sell" };
    expect(moved(state([sell], { BTC: "0" }), { kind: "fills", venueId: VENUE, symbols: [BTC], fills: [sold] })).toEqual({
      [`${RESERVED}|BTC`]: "-0.1",
      [`${venueAccount(VENUE)}|BTC`]: "0.1",
      "cash|USD": "9.99",
      [`${venueAccount(VENUE)}|USD`]: "-10",
      "fees|USD": "0.01",
    });
  });
});
