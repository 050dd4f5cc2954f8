import { Hono } from "hono";
import type { OrderBook } from "../../core/market.js";
import { PAPER_VENUES, paperVenueSpec } from "../../core/paper-venues.js";
import { bestBidAsk, venueBook } from "../../core/routing.js";
import { candleQuerySchema, symbolSchema, venueIdSchema } from "../../core/schemas.js";
import { marketWatchStub, venueStub } from "../../durable-objects/stubs.js";
import type { AppEnv } from "../types.js";
import { ApiError, parse } from "./errors.js";

function venueOr404(id: string) {
  const spec = paperVenueSpec(id);
  if (!spec) throw new ApiError(404, "unknown_venue", `no venue ${id}; GET /api/markets lists them`);
  return spec;
}

export async function booksFor(env: Env, symbol: string) {
  const books = await Promise.all(PAPER_VENUES.map(async (v) => ({ v, book: await venueStub(env, v.id).book(symbol) })));
  return books.filter((b): b is { v: (typeof PAPER_VENUES)[number]; book: OrderBook } => b.book !== null).map((b) => venueBook(venueOr404(b.v.id), b.book));
}

export const marketRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json({ venues: PAPER_VENUES.map((v) => paperVenueSpec(v.id)) }))
  .get("/best/:symbol", async (c) => {
    const symbol = parse(symbolSchema, c.req.param("symbol"), "symbol");
    const books = await booksFor(c.env, symbol);
    if (books.length === 0) throw new ApiError(404, "unknown_symbol", `no venue lists ${symbol}`);
    return c.json(bestBidAsk(books, symbol));
  })
  .get("/:venue/:symbol/:what", async (c) => {
    const venue = parse(venueIdSchema, c.req.param("venue"), "venue");
    const symbol = parse(symbolSchema, c.req.param("symbol"), "symbol");
    venueOr404(venue);
    const stub = venueStub(c.env, venue);
    const what = c.req.param("what");
    const out =
      what === "ticker"
        ? await stub.ticker(symbol)
        : what === "book"
          ? await stub.book(symbol)
          : what === "candles"
            ? await (async () => {
                const q = parse(candleQuerySchema, c.req.query(), "query");
                return stub.candles(symbol, q.interval, q.limit);
              })()
            : undefined;
    if (out === undefined) throw new ApiError(404, "not_found", "ask for ticker, book or candles");
    if (out === null) throw new ApiError(404, "unknown_symbol", `${venue} does not list ${symbol}`);
    return c.json(what === "candles" ? { candles: out } : out);
  });

/** Cross-venue opportunities now; looking keeps the watch scanning (and publishing `cival.arbitrage.found`) for a while. */
export const arbitrageRoutes = new Hono<AppEnv>().get("/", async (c) => c.json(await marketWatchStub(c.env).look()));
