import { describe, expect, it } from "vitest";
import type { OrderRequest, VenueOrder } from "../../../core/market.js";
import { ExchangeError } from "../../../adapters/exchanges/errors.js";
import { BASE_URLS, createVenueClient } from "../../../adapters/exchanges/index.js";
import { ClientIdBook, placeOnce, unknownOrder, validateOrder, venueClientId } from "../../../adapters/exchanges/orders.js";
import { SymbolMap } from "../../../adapters/exchanges/symbols.js";
import { fakeClock } from "./fakes.js";

const req: OrderRequest = { clientOrderId: "c-1", symbol: "BTC-USD", side: "buy", type: "limit", quantity: "0.5", price: "100", timeInForce: "gtc" };

describe("validateOrder", () => {
  it.each([
    [{ quantity: "0" }, "quantity must be positive"],
    [{ quantity: "-1" }, "quantity must be positive"],
    [{ quantity: "abc" }, "is not a decimal"],
    [{ price: null }, "needs a price"],
    [{ price: "0" }, "price must be positive"],
    [{ type: "market", price: null, timeInForce: "post_only" }, "cannot be post-only"],
    [{ clientOrderId: "" }, "client order id"],
  ] as const)("when the order has %j then it is refused: %s", (change, why) => {
    expect(() => validateOrder("binance", { ...req, ...change })).toThrow(why);
  });

  it("when the order is sound then it passes", () => {
    expect(() => validateOrder("binance", req)).not.toThrow();
    expect(() => validateOrder("binance", { ...req, type: "market", price: null, timeInForce: "ioc" })).not.toThrow();
  });
});

describe("venueClientId", () => {
  it("when the exchange accepts the id then it passes through", () => {
    expect(venueClientId("c-1", () => true, "uuid")).toBe("c-1");
  });

  it("when it does not then the same id always maps to the same exchange id, in the exchange's format", () => {
    const id = "agent:marcus-momentum/cycle:2026-11-24T10:00Z";
    expect(venueClientId(id, () => false, "uuid")).toBe(venueClientId(id, () => false, "uuid"));
    expect(venueClientId(id, () => false, "uuid")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(venueClientId(id, () => false, "hex16")).toMatch(/^0x[0-9a-f]{32}$/);
    expect(venueClientId(id, () => false, "alnum32")).toMatch(/^[0-9a-f]{32}$/);
    expect(venueClientId(`${id}x`, () => false, "hex16")).not.toBe(venueClientId(id, () => false, "hex16"));
  });

  it("when the book is full then the oldest mapping is forgotten", () => {
    const book = new ClientIdBook(2);
    book.remember("a", "A");
    book.remember("b", "B");
    book.remember("c", "C");
    expect([book.ours("a"), book.ours("b"), book.ours("c")]).toEqual(["a", "B", "C"]);
  });
});

describe("placeOnce", () => {
  const found: VenueOrder = { ...unknownOrder(req, 0), venueOrderId: "9", status: "open" };
  const unknown = () => Promise.reject(new ExchangeError("binance", "unknown_outcome", "timeout", { maybeExecuted: true }));

  it("when the send succeeds then nothing is looked up", async () => {
    let lookups = 0;
    const result = await placeOnce(req, { clock: fakeClock(0), lookups: 3 }, async () => found, async () => {
      lookups++;
      return null;
    });
    expect(result).toBe(found);
    expect(lookups).toBe(0);
  });

  it("when the outcome is unknown then it looks up, spaced out, until the exchange knows the order", async () => {
    const clock = fakeClock(0);
    let lookups = 0;
    const result = await placeOnce(req, { clock, lookups: 3, lookupDelayMs: 500 }, unknown, async () => (++lookups < 3 ? null : found));
    expect(result).toBe(found);
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it("when the lookups fail or find nothing then the order is reported unknown, never re-sent", async () => {
    let sends = 0;
    const result = await placeOnce(
      req,
      { clock: fakeClock(42), lookups: 2 },
      () => {
        sends++;
        return unknown();
      },
      () => Promise.reject(new ExchangeError("binance", "unavailable", "down")),
    );
    expect(sends).toBe(1);
    expect(result).toMatchObject({ clientOrderId: "c-1", status: "unknown", venueOrderId: null, quantity: "0.5", price: "100" });
  });

  it("when the send is refused outright then the refusal goes to the caller", async () => {
    await expect(
      placeOnce(req, { clock: fakeClock(0), lookups: 3 }, () => Promise.reject(new ExchangeError("binance", "insufficient_funds", "no")), async () => null),
    ).rejects.toMatchObject({ code: "insufficient_funds" });
  });
});

describe("SymbolMap", () => {
  const map = new SymbolMap("kraken", { "BTC-USD": { venue: "XBTUSD", aliases: ["XXBTZUSD"] } });

  it("when mapping both ways then aliases read back to our symbol", () => {
    expect(map.toVenue("BTC-USD")).toBe("XBTUSD");
    expect([map.fromVenue("XBTUSD"), map.fromVenue("xxbtzusd"), map.fromVenue("ETHUSD")]).toEqual(["BTC-USD", "BTC-USD", null]);
  });

  it("when a symbol is not mapped then it is unknown_symbol", () => {
    expect(() => map.toVenue("ETH-USD")).toThrow(ExchangeError);
  });

  it("when a table key is not BASE-QUOTE then it is a programming error", () => {
    expect(() => new SymbolMap("binance", { BTCUSDT: "BTCUSDT" })).toThrow(/invariant/);
  });
});

describe("createVenueClient", () => {
  it("when asked for each exchange then it builds that exchange's client", () => {
    for (const exchange of ["binance", "coinbase", "kraken", "hyperliquid"] as const) {
      expect(createVenueClient({ exchange, options: { baseUrl: BASE_URLS[exchange] } }).exchange).toBe(exchange);
    }
  });
});
