import { describe, expect, it } from "vitest";
import { averageCosts, entryPrice, fundsFor, heldPositions, openBuys, reduces, riskView, unrealizedPnl } from "../../core/agent/book.js";
import { RECONCILE_AFTER_MS, isCancellable, isDone, reconcileDueMs } from "../../core/agent/lifecycle.js";
import { admitOrder, allowed, checkOrder, referencePrice, submitOptions } from "../../core/agent/place.js";
import { Balances, CASH, peer } from "../../core/ledger.js";
import type { Fill, OrderRequest, SymbolSpec } from "../../core/market.js";
import { dec, str } from "../../core/money.js";
import { RESERVED, venueAccount } from "../../core/orders.js";
import { paperVenueSpec } from "../../core/paper-venues.js";
import type { PreTradeDecision } from "../../core/risk/types.js";
import type { WalletRecord } from "../../core/wallets.js";

const BTC: SymbolSpec = { symbol: "BTC-USD", base: "BTC", quote: "USD", tickSize: "0.01", lotSize: "0.0001", minNotional: "10" };
const RECORD: WalletRecord = { id: "agent:a1", kind: "agent", name: "A1", parent: "farm:f", status: "active", strategy: null, role: "trader", createdAtMs: 0, updatedAtMs: 0 };

function req(patch: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId: "o1", symbol: "BTC-USD", side: "buy", type: "market", quantity: "1", price: null, timeInForce: "ioc", ...patch };
}

function trade(side: "buy" | "sell", quantity: string, price: string): { venue: string; fill: Fill } {
  return { venue: "v", fill: { fillId: `${side}${quantity}${price}`, clientOrderId: "o", symbol: "BTC-USD", side, price, quantity, fee: "0", feeAsset: "USD", liquidity: "taker", timeMs: 0 } };
}

function book(lines: Array<[string, string, string]>): Balances {
  const b = new Balances();
  for (const [account, asset, amount] of lines) b.set(account, asset, dec(amount));
  return b;
}

describe("average cost and P&L", () => {
  it.each([
    ["one buy", [trade("buy", "2", "100")], "2", "100", "0"],
    ["two buys average", [trade("buy", "1", "100"), trade("buy", "1", "200")], "2", "150", "0"],
    ["a partial sale keeps the average", [trade("buy", "2", "100"), trade("sell", "1", "130")], "1", "100", "30"],
    ["a sale at a loss", [trade("buy", "2", "100"), trade("sell", "2", "90")], "0", null, "-20"],
    ["buy again after closing", [trade("buy", "1", "100"), trade("sell", "1", "110"), trade("buy", "1", "120")], "1", "120", "10"],
  ])("when the fills are %s then quantity, entry price and realized P&L follow the average", (_what, fills, qty, entry, realized) => {
    const c = averageCosts(fills).get("v|BTC-USD");
    expect(str(c?.quantity ?? dec("0"))).toBe(qty);
    expect(entryPrice(c)).toBe(entry);
    expect(str(c?.realized ?? dec("0"))).toBe(realized);
  });

  it("when a position is marked then unrealized P&L is mark less average cost, times quantity", () => {
    const c = averageCosts([trade("buy", "1", "100"), trade("buy", "1", "200")]).get("v|BTC-USD");
    if (!c) throw new Error("no position");
    expect(str(unrealizedPnl(c, dec("170")))).toBe("40");
  });
});

describe("positions for the risk monitor", () => {
  const b = book([
    [venueAccount("paper-kraken"), "BTC", "-0.5"],
    [venueAccount("paper-binance"), "ETH", "-2"],
    [venueAccount("paper-binance"), "USD", "100"],
    [CASH, "USD", "900"],
    [RESERVED, "USD", "50"],
    [peer("farm:f"), "USD", "-1000"],
  ]);

  it("when the book holds coins at venues then each is a position, sorted by venue and symbol, cash excluded", () => {
    expect(heldPositions(b, "agent:a1", "farm:f").map((p) => [p.venue, p.symbol, p.quantity])).toEqual([
      ["paper-binance", "ETH-USD", "2"],
      ["paper-kraken", "BTC-USD", "0.5"],
    ]);
  });

  it("when open orders are counted then only the unfilled part of buys adds up, per venue and symbol", () => {
    const open = [
      { venue: "v", request: req({ quantity: "1" }), filledQuantity: "0.25" },
      { venue: "v", request: req({ clientOrderId: "o2", quantity: "2" }), filledQuantity: "0" },
      { venue: "v", request: req({ clientOrderId: "o3", side: "sell" }), filledQuantity: "0" },
      { venue: "v", request: req({ clientOrderId: "o4", quantity: "1" }), filledQuantity: "1" },
    ];
    expect(openBuys(open, "agent:a1", null)).toEqual([{ agent: "agent:a1", farm: null, venue: "v", symbol: "BTC-USD", asset: "BTC", quantity: "2.75" }]);
  });

  it.each([
    ["a sell of part of the position", req({ side: "sell", quantity: "0.4" }), true],
    ["a sell of more than is held", req({ side: "sell", quantity: "0.6" }), false],
    ["a buy while long", req({ quantity: "0.1" }), false],
  ])("when the monitor's order is %s then it reduces only if it takes away from the position", (_what, order, expected) => {
    expect(reduces(b, "paper-kraken", order)).toBe(expected);
  });

  it("when the monitor reads the agent then cash counts what is reserved and capital is what the farm gave", () => {
    const view = riskView(RECORD, b, [{ venue: "paper-kraken", fill: trade("buy", "0.5", "100").fill }], 2);
    expect(view).toMatchObject({ agent: "agent:a1", farm: "farm:f", cash: "950", capital: "1000", openOrders: 2 });
    expect(view.positions.find((p) => p.venue === "paper-kraken")?.entryPrice).toBe("100");
  });
});

describe("the order lifecycle", () => {
  it.each([
    ["pending", false, true],
    ["open", false, true],
    ["partially_filled", false, true],
    ["unknown", false, false],
    ["filled", true, false],
    ["cancelled", true, false],
    ["rejected", true, false],
  ])("when an order is %s then done is %s and cancellable is %s", (status, done, cancellable) => {
    expect([isDone(status), isCancellable(status)]).toEqual([done, cancellable]);
  });

  it("when orders wait for their outcome then the alarm is due the reconcile delay after the oldest", () => {
    expect(reconcileDueMs(null)).toBeNull();
    expect(reconcileDueMs(1000)).toBe(1000 + RECONCILE_AFTER_MS);
  });
});

describe("before the venue", () => {
  const binance = paperVenueSpec("paper-binance");
  it.each<[string, WalletRecord | null, string, string | null]>([
    ["no record", null, "BTC-USD", "unknown_wallet"],
    ["an archived agent", { ...RECORD, status: "archived" }, "BTC-USD", "wallet_archived"],
    ["an overseer", { ...RECORD, role: "overseer" }, "BTC-USD", "overseer_holds_no_capital"],
    ["an unlisted symbol", RECORD, "DOGE-USD", "invalid_symbol"],
    ["a listed symbol", RECORD, "BTC-USD", null],
  ])("when an order comes for %s then it is admitted or refused with its code", (_what, record, symbol, code) => {
    const out = admitOrder(record, "paper-binance", binance, symbol);
    expect(out.ok ? null : out.code).toBe(code);
  });

  it.each([
    ["a market buy with a mark", req(), "100", "100"],
    ["a market buy without a mark", req(), null, null],
    ["a limit buy", req({ type: "limit", price: "90" }), null, "0"],
    ["a sell", req({ side: "sell" }), null, "0"],
  ])("when %s reserves then its reference price is the mark, or the venue must be asked", (_what, order, mark, expected) => {
    const p = referencePrice(order, mark);
    expect(p === null ? null : str(p)).toBe(expected);
  });

  it.each([
    ["a market buy", req(), "105.1"],
    ["a limit buy", req({ type: "limit", price: "90" }), null],
    ["a market sell", req({ side: "sell" }), null],
  ])("when %s is sent then the venue's budget is its reservation only for a market buy", (_what, order, budget) => {
    expect(submitOptions(order, dec("105.1")).quoteBudget).toBe(budget);
  });

  it("when a market buy reserves against a mark then it is mark × (1 + buffer) × quantity plus the taker fee", () => {
    expect(fundsFor(book([[CASH, "USD", "1000"]]), req({ quantity: "2" }), BTC, dec("100"), dec("0.001"))).toEqual({ asset: "USD", needed: "210.21", available: "1000", enough: true });
  });

  it.each<[string, PreTradeDecision, string, boolean, string]>([
    ["approved and affordable", { decision: "approve", quantity: "1", mark: "100", reason: "ok" }, "1000", true, "105.105"],
    ["approved, funds short", { decision: "approve", quantity: "1", mark: "100", reason: "ok" }, "100", false, "105.105"],
    ["resized to what the funds cover", { decision: "resize", quantity: "0.5", rule: "max_order_notional", mark: "100", reason: "too big" }, "100", true, "52.5525"],
    ["rejected", { decision: "reject", rule: "halted", reason: "halted" }, "1000", false, "105.105"],
  ])("when an order is checked %s then passes needs both the risk answer and the funds", (_what, risk, cash, passes, needed) => {
    if (!binance) throw new Error("no paper-binance");
    const check = checkOrder(req(), BTC, binance, risk, dec("100"), book([[CASH, "USD", cash]]));
    expect([check.passes, check.funds.needed]).toEqual([passes, needed]);
    expect(allowed(req(), risk).quantity).toBe(risk.decision === "resize" ? risk.quantity : "1");
  });
});
