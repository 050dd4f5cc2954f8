import type { z } from "zod";
import { Decimal } from "../../../../core/money.ts";
import { reservationFor } from "../../../../core/orders.ts";
import { placeOrderBodySchema } from "../../../../core/schemas.ts";
import type { Side, SymbolSpec, Ticker, TimeInForce, VenueSpec } from "../../types.ts";
import { normalizeAmount } from "../../validate.ts";

/** What the ticket holds, as typed. */
export interface TicketInput {
  readonly agent: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: "market" | "limit";
  readonly quantity: string;
  readonly price: string;
  readonly timeInForce: TimeInForce;
}

export type TicketField = "quantity" | "price" | "timeInForce" | "form";
export type TicketErrors = Partial<Record<TicketField, string>>;
export type OrderBody = z.input<typeof placeOrderBodySchema>;

const FIELDS: ReadonlySet<string> = new Set(["quantity", "price", "timeInForce"]);

/** The request body, checked with the API's own schema; per-field messages when it does not pass. */
export function ticketBody(input: TicketInput): { ok: true; body: OrderBody } | { ok: false; errors: TicketErrors } {
  const quantity = normalizeAmount(input.quantity);
  const price = normalizeAmount(input.price);
  const errors: TicketErrors = {};
  if (quantity === "") errors.quantity = "quantity is required";
  if (input.type === "limit" && price === "") errors.price = "a limit order needs a price";
  const body: OrderBody = {
    agent: input.agent,
    venue: input.venue,
    symbol: input.symbol,
    side: input.side,
    type: input.type,
    quantity,
    ...(input.type === "limit" ? { price } : {}),
    timeInForce: input.timeInForce,
  };
  const parsed = placeOrderBodySchema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const head = issue.path[0];
      const field: TicketField = typeof head === "string" && FIELDS.has(head) ? (head as TicketField) : "form";
      errors[field] ??= field === "form" && typeof head === "string" ? `${head}: ${issue.message}` : issue.message;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, body };
}

export interface TicketEstimate {
  /** The price the order is valued at: its limit, else the touch it would take. */
  readonly price: string;
  readonly notional: string;
  /** What placing it would set aside, as the agent's wallet computes it. */
  readonly reserve: { readonly asset: string; readonly amount: string };
  /** Hints, not verdicts: the venue has the last word. */
  readonly warnings: readonly string[];
}

const isPlainPositive = (v: string) => /^\d+(\.\d+)?$/.test(v) && new Decimal(v).gt(0);

/** Notional, reservation and venue-rule hints for what the ticket holds; null until it has a quantity (and price). */
export function ticketEstimate(
  input: TicketInput,
  venue: VenueSpec,
  spec: SymbolSpec,
  ticker: Ticker | null,
  available: (asset: string) => string | undefined,
): TicketEstimate | null {
  const quantity = normalizeAmount(input.quantity);
  const limit = normalizeAmount(input.price);
  if (!isPlainPositive(quantity)) return null;
  const touch = ticker ? (input.side === "buy" ? ticker.ask : ticker.bid) : null;
  const price = input.type === "limit" ? (isPlainPositive(limit) ? limit : null) : touch;
  if (price === null) return null;
  const qty = new Decimal(quantity);
  const notional = qty.times(price);
  const request = { clientOrderId: "estimate", symbol: spec.symbol, side: input.side, type: input.type, quantity, price: input.type === "limit" ? limit : null, timeInForce: input.timeInForce };
  const reservation = reservationFor(request, spec, new Decimal(touch ?? price), new Decimal(venue.takerFeeRate));
  const reserve = { asset: reservation.asset, amount: reservation.amount.toDecimalPlaces(8, Decimal.ROUND_UP).toFixed() };
  const warnings: string[] = [];
  if (!qty.mod(spec.lotSize).isZero()) warnings.push(`quantity is not a multiple of the lot ${spec.lotSize}; the venue rounds it down`);
  if (input.type === "limit" && !new Decimal(price).mod(spec.tickSize).isZero()) warnings.push(`price is off the tick ${spec.tickSize}; the venue rounds it`);
  if (notional.lt(spec.minNotional)) warnings.push(`notional is under the venue's minimum of ${spec.minNotional} ${spec.quote}`);
  const have = available(reserve.asset);
  if (have !== undefined && reservation.amount.gt(have)) warnings.push(`needs ${reserve.amount} ${reserve.asset}; ${have} available`);
  return { price, notional: notional.toFixed(), reserve, warnings };
}

/** A fee rate in basis points: "0.001" → "10", "0.00025" → "2.5". */
export function feeBp(rate: string): string {
  return new Decimal(rate).times(10_000).toFixed();
}
