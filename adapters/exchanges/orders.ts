import { sha256 } from "@noble/hashes/sha2.js";
import type { ExchangeId, OrderRequest, VenueOrder } from "../../core/market.js";
import { dec, str } from "../../core/money.js";
import { ExchangeError, isExchangeError } from "./errors.js";
import { toHex, utf8 } from "./encoding.js";
import type { Clock } from "./rate-limit.js";

const MAX_CLIENT_ORDER_ID = 128;

/** Refuses an order no exchange would accept, before anything is sent. */
export function validateOrder(exchange: ExchangeId, req: OrderRequest): void {
  const refuse = (why: string): never => {
    throw new ExchangeError(exchange, "invalid_order", `order ${req.clientOrderId}: ${why}`);
  };
  if (req.clientOrderId.length === 0 || req.clientOrderId.length > MAX_CLIENT_ORDER_ID) refuse(`client order id must be 1..${MAX_CLIENT_ORDER_ID} characters`);
  let quantity;
  try {
    quantity = dec(req.quantity);
  } catch {
    return refuse(`quantity ${JSON.stringify(req.quantity)} is not a decimal`);
  }
  if (!quantity.isPositive() || quantity.isZero()) refuse("quantity must be positive");
  if (req.type === "limit") {
    const given = req.price;
    if (given === null) return refuse("a limit order needs a price");
    let price;
    try {
      price = dec(given);
    } catch {
      return refuse(`price ${JSON.stringify(req.price)} is not a decimal`);
    }
    if (!price.isPositive() || price.isZero()) refuse("price must be positive");
  }
  if (req.type === "market" && req.timeInForce === "post_only") refuse("a market order cannot be post-only");
}

/**
 * The exchange's spelling of our client order id. Ids the exchange accepts pass through; others
 * become a digest of the id, so the same order always maps to the same exchange id and a repeat
 * is still caught by the exchange's own duplicate check.
 */
export function venueClientId(id: string, accepts: (id: string) => boolean, format: "uuid" | "hex16" | "alnum32"): string {
  if (accepts(id)) return id;
  const digest = toHex(sha256(utf8(id)));
  switch (format) {
    case "uuid":
      return `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
    case "hex16":
      return `0x${digest.slice(0, 32)}`;
    case "alnum32":
      return digest.slice(0, 32);
  }
}

/** Remembers which of our ids an exchange id stands for, for the orders this client placed (bounded). */
export class ClientIdBook {
  private readonly byVenue = new Map<string, string>();

  constructor(private readonly capacity = 10_000) {}

  remember(venueId: string, ourId: string): void {
    this.byVenue.delete(venueId);
    this.byVenue.set(venueId, ourId);
    if (this.byVenue.size > this.capacity) {
      const oldest = this.byVenue.keys().next().value;
      if (oldest !== undefined) this.byVenue.delete(oldest);
    }
  }

  /** Our id for an exchange id; the exchange id itself when this client did not place the order. */
  ours(venueId: string): string {
    return this.byVenue.get(venueId) ?? venueId;
  }
}

/** A decimal string as exchanges want it: plain digits, no exponent, no trailing zeros. */
export function plain(value: string): string {
  return str(dec(value));
}

/** What we can say about an order whose placement outcome we could not learn. */
export function unknownOrder(req: OrderRequest, nowMs: number): VenueOrder {
  return {
    clientOrderId: req.clientOrderId,
    venueOrderId: null,
    symbol: req.symbol,
    side: req.side,
    type: req.type,
    timeInForce: req.timeInForce,
    price: req.price === null ? null : plain(req.price),
    quantity: plain(req.quantity),
    filledQuantity: "0",
    averagePrice: "0",
    status: "unknown",
    updatedAtMs: nowMs,
  };
}

/** A refusal because the client order id is already in use (Binance "Duplicate order sent."). */
function isDuplicate(error: unknown): boolean {
  return error instanceof ExchangeError && error.code === "invalid_order" && /duplicate/i.test(`${error.info.venueCode ?? ""} ${error.message}`);
}

/**
 * Sends an order once. If the outcome is unknown, looks it up by client order id (a few times,
 * spaced out, since the exchange may still be processing it) and never sends it again. If the
 * exchange refuses the id as a duplicate, the order it already has is the answer.
 */
export async function placeOnce(
  req: OrderRequest,
  opts: { clock: Clock; lookups: number; lookupDelayMs?: number },
  send: () => Promise<VenueOrder>,
  lookup: () => Promise<VenueOrder | null>,
): Promise<VenueOrder> {
  try {
    return await send();
  } catch (error) {
    if (isDuplicate(error)) {
      // The exchange already holds an order with this client id: a repeat answers the first order.
      const first = await lookup();
      if (first !== null) return first;
    }
    if (!isExchangeError(error, "unknown_outcome")) throw error;
  }
  const delayMs = opts.lookupDelayMs ?? 1_000;
  for (let n = 0; n < opts.lookups; n++) {
    if (n > 0) await opts.clock.sleep(delayMs * n);
    try {
      const found = await lookup();
      if (found !== null) return found;
    } catch (error) {
      // Whatever the lookup hit, the order's fate is still unknown: say so rather than guess.
      if (!(error instanceof ExchangeError)) throw error;
    }
  }
  return unknownOrder(req, opts.clock.now());
}
