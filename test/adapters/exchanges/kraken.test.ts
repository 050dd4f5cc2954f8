import { describe, expect, it } from "vitest";
import type { OrderRequest } from "../../../core/market.js";
import { KrakenClient, signKraken } from "../../../adapters/exchanges/kraken.js";
import { type Seen, fakeClock, fakeFetch, hang, json } from "./fakes.js";

const BASE = "https://api.kraken.test";
// The secret, nonce, body and path of Kraken's "Authentication" example.
const SECRET = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";
const T0 = 1616492376594;

function client(route: Parameters<typeof fakeFetch>[0], extra: Partial<ConstructorParameters<typeof KrakenClient>[0]> = {}) {
  const f = fakeFetch(route);
  const clock = fakeClock(T0);
  const c = new KrakenClient({ baseUrl: BASE, fetch: f.fetch, credentials: { apiKey: "key-1", apiSecret: SECRET }, now: clock.now, sleep: clock.sleep, random: () => 0.5, ...extra });
  return { c, f, clock };
}

const ok = (result: unknown) => json({ error: [], result });
const fail = (...error: string[]) => json({ error });

const order: OrderRequest = { clientOrderId: "cyc-42", symbol: "BTC-USD", side: "buy", type: "limit", quantity: "1.25", price: "37500", timeInForce: "gtc" };

const openOrder = {
  refid: null,
  userref: 0,
  cl_ord_id: "cyc-42",
  status: "open",
  opentm: 1688666559.8974,
  starttm: 0,
  expiretm: 0,
  descr: { pair: "XBTUSD", type: "buy", ordertype: "limit", price: "30010.0", price2: "0", leverage: "none", order: "buy 1.25000000 XBTUSD @ limit 30010.0", close: "" },
  vol: "1.25000000",
  vol_exec: "0.37500000",
  cost: "11253.7",
  fee: "0.00000",
  price: "30010.0",
  stopprice: "0.00000",
  limitprice: "0.00000",
  misc: "",
  oflags: "fciq",
};

async function expectSigned(req: Seen): Promise<void> {
  const nonce = new URLSearchParams(req.body).get("nonce")!;
  expect(req.method).toBe("POST");
  expect(req.headers.get("API-Key")).toBe("key-1");
  expect(req.headers.get("Content-Type")).toMatch(/^application\/x-www-form-urlencoded/);
  expect(req.headers.get("API-Sign")).toBe(await signKraken(SECRET, req.url.pathname, nonce, req.body));
}

describe("Kraken signing", () => {
  it("when signing the documented AddOrder then API-Sign matches Kraken's example", async () => {
    const body = "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25";
    expect(await signKraken(SECRET, "/0/private/AddOrder", "1616492376594", body)).toBe(
      "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==",
    );
  });

  it("when calls follow within one millisecond then nonces still strictly increase", async () => {
    const { c, f } = client(() => ok({ open: {} }));
    await c.openOrders();
    await c.openOrders();
    await c.openOrders();
    const nonces = f.seen.map((s) => Number(new URLSearchParams(s.body).get("nonce")));
    expect(nonces).toEqual([T0, T0 + 1, T0 + 2]);
  });
});

describe("Kraken market data", () => {
  it("when asked for a ticker then it reads the documented Ticker answer keyed by the legacy pair name", async () => {
    const { c, f } = client(() =>
      ok({
        XXBTZUSD: {
          a: ["30300.10000", "1", "1.000"],
          b: ["30300.00000", "1", "1.000"],
          c: ["30303.20000", "0.00067643"],
          v: ["4083.67001100", "4412.73601799"],
          p: ["30706.77771", "30689.13205"],
          t: [34619, 38907],
          l: ["29868.30000", "29868.30000"],
          h: ["31631.00000", "31631.00000"],
          o: "30502.80000",
        },
      }),
    );
    expect(await c.ticker("BTC-USD")).toEqual({ symbol: "BTC-USD", bid: "30300", ask: "30300.1", last: "30303.2", timeMs: T0 });
    expect(`${f.seen[0]!.method} ${f.seen[0]!.url.pathname}${f.seen[0]!.url.search}`).toBe("GET /0/public/Ticker?pair=XBTUSD");
  });

  it("when asked for a book then Depth is called with count", async () => {
    const { c, f } = client(() => ok({ XXBTZUSD: { asks: [["30384.10000", "2.059", 1688671659]], bids: [["30297.00000", "0.115", 1688671656]] } }));
    expect(await c.book("BTC-USD", 10)).toEqual({ symbol: "BTC-USD", bids: [{ price: "30297", size: "0.115" }], asks: [{ price: "30384.1", size: "2.059" }], timeMs: T0 });
    expect(f.seen[0]!.url.search).toBe("?pair=XBTUSD&count=10");
  });

  it("when asked for candles then OHLC gets the interval in minutes and the newest rows are kept", async () => {
    const { c, f } = client(() =>
      ok({
        XXBTZUSD: [
          [1688671200, "30306.1", "30306.2", "30305.7", "30305.7", "30306.1", "3.39243896", 23],
          [1688674800, "30305.7", "30310.0", "30300.0", "30301.5", "30304.2", "1.00000000", 5],
        ],
        last: 1688672160,
      }),
    );
    const candles = await c.candles("BTC-USD", "1h", 1);
    expect(f.seen[0]!.url.search).toBe("?pair=XBTUSD&interval=60");
    expect(candles).toEqual([{ openTimeMs: 1688674800000, open: "30305.7", high: "30310", low: "30300", close: "30301.5", volume: "1" }]);
  });
});

describe("Kraken account", () => {
  it("when reading balances then BalanceEx is signed and holds are locked", async () => {
    const { c, f } = client(() => ok({ ZUSD: { balance: "25435.21", hold_trade: "8249.76" }, XXBT: { balance: "1.2435", hold_trade: "0.8423" } }));
    expect(await c.balances()).toEqual([
      { asset: "USD", free: "17185.45", locked: "8249.76" },
      { asset: "BTC", free: "0.4012", locked: "0.8423" },
    ]);
    expect(f.seen[0]!.url.pathname).toBe("/0/private/BalanceEx");
    expect(f.seen[0]!.body).toBe(`nonce=${T0}`);
    await expectSigned(f.seen[0]!);
  });

  it("when placing a limit order then AddOrder carries the documented fields and cl_ord_id", async () => {
    const { c, f } = client(() => ok({ descr: { order: "buy 1.25000000 XBTUSD @ limit 37500.0" }, txid: ["OU22CG-KLAF2-FWUDD7"] }));
    const placed = await c.placeOrder(order);
    const req = f.seen[0]!;
    expect(req.url.pathname).toBe("/0/private/AddOrder");
    expect(req.body).toBe(`nonce=${T0}&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25&cl_ord_id=cyc-42`);
    await expectSigned(req);
    expect(placed).toMatchObject({ clientOrderId: "cyc-42", venueOrderId: "OU22CG-KLAF2-FWUDD7", status: "pending", price: "37500", quantity: "1.25" });
  });

  it("when placing post-only and IOC then oflags and timeinforce say so", async () => {
    const { c, f } = client(() => ok({ descr: { order: "" }, txid: ["O1"] }));
    await c.placeOrder({ ...order, timeInForce: "post_only" });
    await c.placeOrder({ ...order, clientOrderId: "cyc-43", timeInForce: "ioc" });
    expect(new URLSearchParams(f.seen[0]!.body).get("oflags")).toBe("post");
    expect(new URLSearchParams(f.seen[1]!.body).get("timeinforce")).toBe("IOC");
  });

  it("when our id is longer than Kraken's free-text limit then a UUID derived from it is sent", async () => {
    const { c, f } = client(() => ok({ descr: { order: "" }, txid: ["O1"] }));
    await c.placeOrder({ ...order, clientOrderId: "agent:marcus-momentum:cycle-000123" });
    expect(new URLSearchParams(f.seen[0]!.body).get("cl_ord_id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("when the error array says insufficient funds inside HTTP 200 then it is insufficient_funds", async () => {
    const { c, f } = client(() => fail("EOrder:Insufficient funds"));
    await expect(c.placeOrder(order)).rejects.toMatchObject({ code: "insufficient_funds", info: { status: 200, venueCode: "EOrder:Insufficient funds" } });
    expect(f.seen).toHaveLength(1);
  });

  it("when the error array says invalid arguments then it is invalid_order", async () => {
    const { c } = client(() => fail("EGeneral:Invalid arguments:volume"));
    await expect(c.placeOrder(order)).rejects.toMatchObject({ code: "invalid_order" });
  });

  it("when the key is wrong then it is auth", async () => {
    const { c } = client(() => fail("EAPI:Invalid key"));
    await expect(c.balances()).rejects.toMatchObject({ code: "auth" });
  });

  it("when a read hits EAPI:Rate limit exceeded then it backs off and retries", async () => {
    const { c, f, clock } = client((_req, i) => (i < 2 ? fail("EAPI:Rate limit exceeded") : ok({ open: {} })));
    expect(await c.openOrders()).toEqual([]);
    expect(f.seen).toHaveLength(3);
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(2);
    // Every attempt is signed afresh with a newer nonce.
    const nonces = f.seen.map((s) => Number(new URLSearchParams(s.body).get("nonce")));
    expect(nonces[2]!).toBeGreaterThan(nonces[1]!);
    expect(nonces[1]!).toBeGreaterThan(nonces[0]!);
  });

  it("when AddOrder hits a rate limit then it is rate_limited and not retried", async () => {
    const { c, f } = client(() => fail("EOrder:Rate limit exceeded"));
    await expect(c.placeOrder(order)).rejects.toMatchObject({ code: "rate_limited" });
    expect(f.seen).toHaveLength(1);
  });

  it("when getOrder has no txid then it asks OpenOrders and ClosedOrders by cl_ord_id", async () => {
    const { c, f } = client((req) => (req.url.pathname.endsWith("OpenOrders") ? ok({ open: {} }) : ok({ closed: { "OBCMZD-JIEE7-77TH3F": { ...openOrder, status: "closed", vol_exec: "1.25000000", closetm: 1688665499.1922 } }, count: 1 })));
    const found = await c.getOrder("BTC-USD", "cyc-42");
    expect(f.seen.map((s) => s.url.pathname)).toEqual(["/0/private/OpenOrders", "/0/private/ClosedOrders"]);
    expect(f.seen.every((s) => new URLSearchParams(s.body).get("cl_ord_id") === "cyc-42")).toBe(true);
    expect(found).toEqual({
      clientOrderId: "cyc-42",
      venueOrderId: "OBCMZD-JIEE7-77TH3F",
      symbol: "BTC-USD",
      side: "buy",
      type: "limit",
      timeInForce: "gtc",
      price: "30010",
      quantity: "1.25",
      filledQuantity: "1.25",
      averagePrice: "30010",
      status: "filled",
      updatedAtMs: 1688665499192,
    });
  });

  it("when the order was placed by this client then getOrder uses QueryOrders with its txid", async () => {
    const { c, f } = client((req) => (req.url.pathname.endsWith("AddOrder") ? ok({ descr: { order: "" }, txid: ["OQCLML-BW3P3-BUCMWZ"] }) : ok({ "OQCLML-BW3P3-BUCMWZ": openOrder })));
    await c.placeOrder(order);
    const found = await c.getOrder("BTC-USD", "cyc-42");
    expect(f.seen[1]!.url.pathname).toBe("/0/private/QueryOrders");
    expect(new URLSearchParams(f.seen[1]!.body).get("txid")).toBe("OQCLML-BW3P3-BUCMWZ");
    expect(found).toMatchObject({ status: "partially_filled", filledQuantity: "0.375", averagePrice: "30010" });
  });

  it("when nothing matches then getOrder answers null", async () => {
    const { c } = client((req) => (req.url.pathname.endsWith("OpenOrders") ? ok({ open: {} }) : ok({ closed: {}, count: 0 })));
    expect(await c.getOrder("BTC-USD", "cyc-42")).toBeNull();
  });

  it("when cancelling then CancelOrder names cl_ord_id; an unknown order is not_open", async () => {
    const { c, f } = client((_req, i) => (i === 0 ? ok({ count: 1 }) : fail("EOrder:Unknown order")));
    expect(await c.cancelOrder("BTC-USD", "cyc-42")).toBe("cancelled");
    expect(await c.cancelOrder("BTC-USD", "cyc-42")).toBe("not_open");
    expect(f.seen[0]!.body).toBe(`nonce=${T0}&cl_ord_id=cyc-42`);
    await expectSigned(f.seen[0]!);
  });

  it("when listing open orders then pairs map back and unmapped pairs are left out", async () => {
    const { c } = client(() => ok({ open: { A: openOrder, B: { ...openOrder, descr: { ...openOrder.descr, pair: "FOOBAR" } } } }));
    const orders = await c.openOrders();
    expect(orders.map((o) => [o.venueOrderId, o.symbol])).toEqual([["A", "BTC-USD"]]);
  });
});

describe("Kraken unknown outcomes", () => {
  it("when AddOrder times out then the order is found by cl_ord_id and AddOrder was sent once", async () => {
    const { c, f } = client((req) => (req.url.pathname.endsWith("AddOrder") ? hang(req) : ok({ open: { "OQCLML-BW3P3-BUCMWZ": openOrder } })), { timeoutMs: 20 });
    const placed = await c.placeOrder(order);
    expect(f.calls("/0/private/AddOrder")).toHaveLength(1);
    expect(f.calls("/0/private/OpenOrders")).toHaveLength(1);
    expect(placed).toMatchObject({ clientOrderId: "cyc-42", venueOrderId: "OQCLML-BW3P3-BUCMWZ", status: "partially_filled" });
  });

  it("when AddOrder answers EGeneral:Internal error then the outcome is resolved by lookup, not by resending", async () => {
    const { c, f } = client((req) =>
      req.url.pathname.endsWith("AddOrder") ? fail("EGeneral:Internal error") : req.url.pathname.endsWith("OpenOrders") ? ok({ open: {} }) : ok({ closed: {}, count: 0 }),
    );
    const placed = await c.placeOrder(order);
    expect(placed.status).toBe("unknown");
    expect(f.calls("/0/private/AddOrder")).toHaveLength(1);
  });

  it("when AddOrder answers EService:Unavailable then nothing was placed and the error says unavailable", async () => {
    const { c, f } = client(() => fail("EService:Unavailable"));
    await expect(c.placeOrder(order)).rejects.toMatchObject({ code: "unavailable" });
    expect(f.seen).toHaveLength(1);
  });
});

describe("Kraken call counter", () => {
  it("when a starter key spends its 15 calls then the 16th waits for the counter to decay", async () => {
    const { c, clock } = client(() => ok({ open: {} }));
    for (let i = 0; i < 15; i++) await c.openOrders();
    expect(clock.sleeps).toEqual([]);
    await c.openOrders();
    expect(clock.sleeps).toHaveLength(1);
    // 15 calls at the same instant: one point must decay at 0.33/s, about 3 s.
    expect(clock.sleeps[0]!).toBeGreaterThan(2900);
    expect(clock.sleeps[0]!).toBeLessThan(3100);
  });

  it("when placing orders then the REST counter is not spent (AddOrder has its own limiter)", async () => {
    const { c, clock } = client(() => ok({ descr: { order: "" }, txid: ["O1"] }));
    for (let i = 0; i < 20; i++) await c.placeOrder({ ...order, clientOrderId: `cyc-${i}` });
    expect(clock.sleeps).toEqual([]);
  });
});
