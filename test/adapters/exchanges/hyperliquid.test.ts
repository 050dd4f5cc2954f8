import { describe, expect, it } from "vitest";
import type { OrderRequest } from "../../../core/market.js";
import { HyperliquidClient } from "../../../adapters/exchanges/hyperliquid.js";
import { addressOf, signL1Action } from "../../../adapters/exchanges/hyperliquid-signing.js";
import { type Seen, fakeClock, fakeFetch, hang, json } from "./fakes.js";

const BASE = "https://api.hyperliquid.test";
const KEY = "0x0123456789012345678901234567890123456789012345678901234567890123";
const USER = addressOf(KEY);
const T0 = 1_754_450_974_231;
const MARKETS = {
  "BTC-USD": { coin: "BTC", asset: 0, szDecimals: 5, spot: false },
  "ETH-USD": { coin: "ETH", asset: 1, szDecimals: 4, spot: false },
};

function client(route: Parameters<typeof fakeFetch>[0], extra: Partial<ConstructorParameters<typeof HyperliquidClient>[0]> = {}) {
  const f = fakeFetch(route);
  const clock = fakeClock(T0);
  const c = new HyperliquidClient({ baseUrl: BASE, fetch: f.fetch, credentials: { privateKey: KEY }, now: clock.now, sleep: clock.sleep, random: () => 0.5, markets: MARKETS, ...extra });
  return { c, f, clock };
}

const body = (req: Seen) => JSON.parse(req.body) as Record<string, unknown>;
const infoType = (req: Seen) => (req.url.pathname === "/info" ? String(body(req).type) : "exchange");
const ok = (type: string, statuses: unknown[]) => json({ status: "ok", response: { type, data: { statuses } } });

// The account-derived cloid for "0x" + 32 hex ids passes through unchanged.
const CLOID = "0x00000000000000000000000000000abc";
const buy: OrderRequest = { clientOrderId: CLOID, symbol: "BTC-USD", side: "buy", type: "limit", quantity: "0.001", price: "50000", timeInForce: "gtc" };

const statusOpen = {
  status: "order",
  order: {
    order: { coin: "BTC", side: "B", limitPx: "50000.0", sz: "0.0004", oid: 77738308, timestamp: 1754450900000, origSz: "0.001", tif: "Gtc", orderType: "Limit", cloid: CLOID, reduceOnly: false },
    status: "open",
    statusTimestamp: 1754450950000,
  },
};

describe("Hyperliquid market data", () => {
  it("when asked for a ticker then l2Book and allMids are read from /info", async () => {
    const { c, f } = client((req) =>
      infoType(req) === "l2Book"
        ? json({ coin: "BTC", time: 1754450974231, levels: [[{ px: "113377.0", sz: "7.6699", n: 17 }], [{ px: "113397.0", sz: "0.11543", n: 3 }]] })
        : json({ APE: "4.33245", BTC: "113386.5" }),
    );
    expect(await c.ticker("BTC-USD")).toEqual({ symbol: "BTC-USD", bid: "113377", ask: "113397", last: "113386.5", timeMs: 1754450974231 });
    expect(f.seen.map((s) => [s.method, s.url.pathname, body(s)])).toEqual([
      ["POST", "/info", { type: "l2Book", coin: "BTC" }],
      ["POST", "/info", { type: "allMids" }],
    ]);
    expect(f.seen[0]!.headers.get("Content-Type")).toBe("application/json");
  });

  it("when asked for a book then levels are cut to the depth", async () => {
    const { c } = client(() =>
      json({ coin: "BTC", time: 1, levels: [[{ px: "10.0", sz: "1.0", n: 1 }, { px: "9.5", sz: "2", n: 1 }], [{ px: "10.5", sz: "3", n: 2 }]] }),
    );
    expect(await c.book("BTC-USD", 1)).toEqual({ symbol: "BTC-USD", bids: [{ price: "10", size: "1" }], asks: [{ price: "10.5", size: "3" }], timeMs: 1 });
  });

  it("when asked for candles then candleSnapshot names coin, interval and the time range", async () => {
    const { c, f } = client(() => json([{ T: 1681924499999, c: "29258.0", h: "29309.0", i: "15m", l: "29250.0", n: 189, o: "29295.0", s: "BTC", t: 1681923600000, v: "0.98639" }]));
    expect(await c.candles("BTC-USD", "15m", 4)).toEqual([{ openTimeMs: 1681923600000, open: "29295", high: "29309", low: "29250", close: "29258", volume: "0.98639" }]);
    expect(body(f.seen[0]!)).toEqual({ type: "candleSnapshot", req: { coin: "BTC", interval: "15m", startTime: T0 - 4 * 900_000, endTime: T0 } });
  });

  it("when the symbol is not known then meta and spotMeta are read once and spot pairs get token names", async () => {
    const { c, f } = client(
      (req) => {
        const t = infoType(req);
        if (t === "meta") return json({ universe: [{ name: "BTC", szDecimals: 5, maxLeverage: 40 }, { name: "ETH", szDecimals: 4, maxLeverage: 25 }] });
        if (t === "spotMeta")
          return json({
            universe: [{ name: "PURR/USDC", tokens: [1, 0], index: 0, isCanonical: true }],
            tokens: [{ name: "USDC", szDecimals: 8, weiDecimals: 8, index: 0 }, { name: "PURR", szDecimals: 0, weiDecimals: 5, index: 1 }],
          });
        return json({ coin: "PURR/USDC", time: 5, levels: [[{ px: "0.2", sz: "100", n: 1 }], []] });
      },
      { markets: {} },
    );
    expect((await c.book("PURR-USDC", 5)).bids).toEqual([{ price: "0.2", size: "100" }]);
    await c.book("PURR-USDC", 5);
    expect(f.seen.map(infoType)).toEqual(["meta", "spotMeta", "l2Book", "l2Book"]);
    expect(body(f.seen[2]!)).toEqual({ type: "l2Book", coin: "PURR/USDC" });
    await expect(c.book("DOGE-USD", 5)).rejects.toMatchObject({ code: "unknown_symbol" });
  });
});

describe("Hyperliquid account", () => {
  it("when reading balances then spot tokens and the perp margin account are reported", async () => {
    const { c, f } = client((req) =>
      infoType(req) === "spotClearinghouseState"
        ? json({ balances: [{ coin: "USDC", token: 0, hold: "0.0", total: "14.625485", entryNtl: "0.0" }, { coin: "PURR", token: 1, hold: "500", total: "2000", entryNtl: "1234.56" }] })
        : json({ assetPositions: [], marginSummary: { accountValue: "13109.482328", totalMarginUsed: "4.967826", totalNtlPos: "100.02765", totalRawUsd: "13009.454678" }, time: 1708622398623, withdrawable: "13104.514502" }),
    );
    expect(await c.balances()).toEqual([
      { asset: "USDC", free: "14.625485", locked: "0" },
      { asset: "PURR", free: "1500", locked: "500" },
      { asset: "USD", free: "13104.514502", locked: "4.967826" },
    ]);
    expect(f.seen.map((s) => body(s))).toEqual([
      { type: "spotClearinghouseState", user: USER },
      { type: "clearinghouseState", user: USER },
    ]);
  });

  it("when placing a limit order then /exchange gets the signed order action with the cloid", async () => {
    const { c, f } = client(() => ok("order", [{ resting: { oid: 77738308 } }]));
    const placed = await c.placeOrder(buy);
    const req = f.seen[0]!;
    expect(req.url.pathname).toBe("/exchange");
    const sent = body(req);
    const action = { type: "order", orders: [{ a: 0, b: true, p: "50000", s: "0.001", r: false, t: { limit: { tif: "Gtc" } }, c: CLOID }], grouping: "na" };
    expect(sent).toEqual({ action, nonce: T0, signature: sent.signature, vaultAddress: null, expiresAfter: null });
    expect(sent.signature).toEqual(signL1Action({ privateKey: KEY, action, vaultAddress: null, nonce: T0, mainnet: true }));
    expect(placed).toMatchObject({ clientOrderId: CLOID, venueOrderId: "77738308", status: "open", price: "50000", quantity: "0.001" });
  });

  it("when the network is testnet then the phantom agent's source is b", async () => {
    const { c, f } = client(() => ok("order", [{ resting: { oid: 1 } }]), { network: "testnet" });
    await c.placeOrder(buy);
    const sent = body(f.seen[0]!);
    expect(sent.signature).toEqual(signL1Action({ privateKey: KEY, action: sent.action, vaultAddress: null, nonce: T0, mainnet: false }));
  });

  it("when the order fills at once then the fill size and average price come from the answer", async () => {
    const { c } = client(() => ok("order", [{ filled: { totalSz: "0.001", avgPx: "49990.5", oid: 77747314 } }]));
    expect(await c.placeOrder({ ...buy, timeInForce: "ioc" })).toMatchObject({ status: "filled", filledQuantity: "0.001", averagePrice: "49990.5", venueOrderId: "77747314" });
  });

  it("when a market order is placed then it is an IOC limit at the mid plus slippage", async () => {
    const { c, f } = client((req) => (infoType(req) === "allMids" ? json({ BTC: "113386.5" }) : ok("order", [{ filled: { totalSz: "0.0005", avgPx: "113390", oid: 5 } }])));
    const placed = await c.placeOrder({ ...buy, type: "market", price: null, timeInForce: "ioc" });
    const order = (body(f.seen[1]!).action as { orders: Record<string, unknown>[] }).orders[0]!;
    expect(order).toMatchObject({ p: "119060", t: { limit: { tif: "Ioc" } } });
    // Half filled, the rest cancelled by IOC.
    expect(placed).toMatchObject({ status: "cancelled", filledQuantity: "0.0005", price: null, type: "market" });
  });

  it("when post-only then the time in force is Alo", async () => {
    const { c, f } = client(() => ok("order", [{ resting: { oid: 1 } }]));
    await c.placeOrder({ ...buy, timeInForce: "post_only" });
    expect((body(f.seen[0]!).action as { orders: { t: unknown }[] }).orders[0]!.t).toEqual({ limit: { tif: "Alo" } });
  });

  it("when the price breaks the tick rule or the size the lot then nothing is sent", async () => {
    const { c, f } = client(() => ok("order", []));
    await expect(c.placeOrder({ ...buy, price: "50000.5" })).rejects.toMatchObject({ code: "invalid_order" });
    await expect(c.placeOrder({ ...buy, quantity: "0.000001" })).rejects.toMatchObject({ code: "invalid_order" });
    expect(f.seen).toHaveLength(0);
  });

  it("when the order status is an error then insufficient margin is insufficient_funds", async () => {
    const { c } = client(() => ok("order", [{ error: "Insufficient margin to place order. asset=0" }]));
    await expect(c.placeOrder(buy)).rejects.toMatchObject({ code: "insufficient_funds" });
  });

  it("when the order status is another error then it is invalid_order", async () => {
    const { c } = client(() => ok("order", [{ error: "Order must have minimum value of $10." }]));
    await expect(c.placeOrder(buy)).rejects.toMatchObject({ code: "invalid_order", info: { venueCode: "Order must have minimum value of $10." } });
  });

  it('when the exchange answers status "err" then the message decides the code', async () => {
    const { c, f } = client(() => json({ status: "err", response: `User or API Wallet ${USER} does not exist.` }));
    await expect(c.placeOrder(buy)).rejects.toMatchObject({ code: "auth" });
    expect(f.seen).toHaveLength(1);
  });

  it("when our client order id is not a 16-byte hex then a stable cloid is derived and mapped back", async () => {
    const { c, f } = client((req) => (req.url.pathname === "/exchange" ? ok("order", [{ resting: { oid: 9 } }]) : json({ status: "order", order: { ...statusOpen.order, order: { ...statusOpen.order.order, sz: "0.001", cloid: (body(f.seen[0]!).action as { orders: { c: string }[] }).orders[0]!.c } } })));
    await c.placeOrder({ ...buy, clientOrderId: "agent:marcus/cycle:42" });
    const cloid = (body(f.seen[0]!).action as { orders: { c: string }[] }).orders[0]!.c;
    expect(cloid).toMatch(/^0x[0-9a-f]{32}$/);
    const again = await c.getOrder("BTC-USD", "agent:marcus/cycle:42");
    expect(body(f.seen[1]!)).toEqual({ type: "orderStatus", user: USER, oid: cloid });
    expect(again?.clientOrderId).toBe("agent:marcus/cycle:42");
  });

  it("when getOrder finds a partly filled order then the average price comes from the user's fills", async () => {
    const { c, f } = client((req) =>
      infoType(req) === "orderStatus"
        ? json(statusOpen)
        : json([
            { coin: "BTC", px: "49990", sz: "0.0004", side: "B", time: 1754450940000, oid: 77738308, tid: 1, fee: "0.01", feeToken: "USDC" },
            { coin: "BTC", px: "50000", sz: "0.0002", side: "B", time: 1754450945000, oid: 77738308, tid: 2, fee: "0.01", feeToken: "USDC" },
            { coin: "ETH", px: "3000", sz: "1", side: "B", time: 1754450946000, oid: 1, tid: 3, fee: "0.01", feeToken: "USDC" },
          ]),
    );
    const found = await c.getOrder("BTC-USD", CLOID);
    expect(body(f.seen[0]!)).toEqual({ type: "orderStatus", user: USER, oid: CLOID });
    expect(body(f.seen[1]!)).toEqual({ type: "userFillsByTime", user: USER, startTime: 1754450900000, aggregateByTime: false });
    expect(found).toEqual({
      clientOrderId: CLOID,
      venueOrderId: "77738308",
      symbol: "BTC-USD",
      side: "buy",
      type: "limit",
      timeInForce: "gtc",
      price: "50000",
      quantity: "0.001",
      filledQuantity: "0.0006",
      averagePrice: "49993.333333333333333333",
      status: "partially_filled",
      updatedAtMs: 1754450950000,
    });
  });

  it("when the exchange does not know the cloid then getOrder answers null", async () => {
    const { c } = client(() => json({ status: "unknownOid" }));
    expect(await c.getOrder("BTC-USD", CLOID)).toBeNull();
  });

  it("when cancelling then cancelByCloid names the asset and cloid; a finished order is not_open", async () => {
    const { c, f } = client((_req, i) => (i === 0 ? ok("cancel", ["success"]) : ok("cancel", [{ error: "Order was never placed, already canceled, or filled. asset=0" }])));
    expect(await c.cancelOrder("BTC-USD", CLOID)).toBe("cancelled");
    expect(await c.cancelOrder("BTC-USD", CLOID)).toBe("not_open");
    expect(body(f.seen[0]!).action).toEqual({ type: "cancelByCloid", cancels: [{ asset: 0, cloid: CLOID }] });
  });

  it("when listing open orders then frontendOpenOrders is read and filtered by symbol", async () => {
    const { c, f } = client(() =>
      json([
        { coin: "BTC", isPositionTpsl: false, isTrigger: false, limitPx: "29792.0", oid: 91490942, orderType: "Limit", origSz: "5.0", reduceOnly: false, side: "A", sz: "5.0", tif: "Gtc", cloid: null, timestamp: 1681247412573, triggerCondition: "N/A", triggerPx: "0.0" },
        { coin: "ETH", isPositionTpsl: false, isTrigger: false, limitPx: "3000", oid: 2, orderType: "Limit", origSz: "1", reduceOnly: false, side: "B", sz: "1", tif: "Alo", cloid: null, timestamp: 1681247412573, triggerCondition: "N/A", triggerPx: "0.0" },
      ]),
    );
    const orders = await c.openOrders("BTC-USD");
    expect(body(f.seen[0]!)).toEqual({ type: "frontendOpenOrders", user: USER });
    expect(orders).toEqual([
      { clientOrderId: "91490942", venueOrderId: "91490942", symbol: "BTC-USD", side: "sell", type: "limit", timeInForce: "gtc", price: "29792", quantity: "5", filledQuantity: "0", averagePrice: "0", status: "open", updatedAtMs: 1681247412573 },
    ]);
  });
});

describe("Hyperliquid unknown outcomes and limits", () => {
  it("when /exchange times out on an order then it is looked up by cloid and sent once", async () => {
    const { c, f } = client((req) => (req.url.pathname === "/exchange" ? hang(req) : infoType(req) === "orderStatus" ? json({ ...statusOpen, order: { ...statusOpen.order, order: { ...statusOpen.order.order, sz: "0.001" } } }) : json([])), {
      timeoutMs: 20,
    });
    const placed = await c.placeOrder(buy);
    expect(f.calls("/exchange")).toHaveLength(1);
    expect(placed).toMatchObject({ clientOrderId: CLOID, status: "open", venueOrderId: "77738308" });
  });

  it("when /exchange answers 500 and the order is unknown then the answer is status unknown, sent once", async () => {
    const { c, f } = client((req) => (req.url.pathname === "/exchange" ? new Response("", { status: 500 }) : json({ status: "unknownOid" })));
    expect((await c.placeOrder(buy)).status).toBe("unknown");
    expect(f.calls("/exchange")).toHaveLength(1);
    expect(f.calls("/info").length).toBe(3);
  });

  it("when /info is answered 429 then it is retried; an order answered 429 is not", async () => {
    const { c, f } = client((req, i) => (req.url.pathname === "/exchange" ? new Response("", { status: 429 }) : i === 0 ? new Response("", { status: 429 }) : json({ status: "unknownOid" })));
    expect(await c.getOrder("BTC-USD", CLOID)).toBeNull();
    expect(f.calls("/info")).toHaveLength(2);
    await expect(c.placeOrder(buy)).rejects.toMatchObject({ code: "rate_limited" });
    expect(f.calls("/exchange")).toHaveLength(1);
  });

  it("when 60 weight-20 reads spend the 1200 per minute then the next waits until the oldest leaves the window", async () => {
    const { c, clock } = client(() => json([]));
    for (let i = 0; i < 60; i++) {
      await c.openOrders();
      clock.advance(100);
    }
    expect(clock.sleeps).toEqual([]);
    await c.openOrders();
    expect(clock.sleeps).toEqual([60_000 - 6_000]);
  });
});
