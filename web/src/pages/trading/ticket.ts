import { z } from "zod";
import { Decimal } from "../../../../core/money.ts";
import { reservationFor } from "../../../../core/orders.ts";
import { placeOrderBodySchema } from "../../../../core/schemas.ts";
import type { Halt } from "../../../../core/risk/types.ts";
import { formatMoney } from "../../format.ts";
import { haltedTicketReason } from "../../halts/model.ts";
import type { Side, SymbolSpec, Ticker, TimeInForce, VenueSpec } from "../../types.ts";
import { ruleLabel } from "../risk/risk-format.ts";
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

/** What POST /api/orders/check answers: the monitor's dry run and the agent's funds check; nothing is placed. */
export const orderCheckSchema = z.object({
  risk: z.object({
    decision: z.enum(["approve", "resize", "reject"]),
    quantity: z.string().optional(),
    rule: z.string().optional(),
    /** The price the monitor valued the order at; a rejection (or a monitor with no price) names none. */
    mark: z.string().nullable().optional(),
    reason: z.string(),
  }),
  funds: z.object({ asset: z.string(), needed: z.string(), available: z.string(), enough: z.boolean() }),
  passes: z.boolean(),
});
export type OrderCheck = z.infer<typeof orderCheckSchema>;

/** The reply as an OrderCheck; null when it is not one (an older server, a proxy's page). */
export function asOrderCheck(value: unknown): OrderCheck | null {
  const parsed = orderCheckSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Which form a check answers: the body as sent (a check for another form says nothing about this one). */
export function checkKey(body: OrderBody): string {
  return JSON.stringify(body);
}

export interface CheckNote {
  readonly kind: "risk" | "funds";
  readonly tone: "ok" | "warn" | "bad";
  readonly text: string;
}

/** What the ticket says before submitting: the binding limit and its reason, and the funds when they fall short. */
export function checkNotes(check: OrderCheck): CheckNote[] {
  const { risk, funds } = check;
  const limit = risk.rule ? `${ruleLabel(risk.rule)}: ` : "";
  const notes: CheckNote[] = [];
  if (risk.decision === "approve") notes.push({ kind: "risk", tone: "ok", text: `within limits: ${risk.reason}` });
  if (risk.decision === "resize") notes.push({ kind: "risk", tone: "warn", text: `${limit}will be resized to ${risk.quantity ?? "less"}: ${risk.reason}` });
  if (risk.decision === "reject") notes.push({ kind: "risk", tone: "bad", text: `${limit}will be rejected: ${risk.reason}` });
  if (!funds.enough) notes.push({ kind: "funds", tone: "bad", text: fundsShort(funds) });
  return notes;
}

function fundsShort(funds: OrderCheck["funds"]): string {
  return `needs ${formatMoney(funds.needed, funds.asset)} ${funds.asset}; ${formatMoney(funds.available, funds.asset)} available`;
}

/** Whether Buy/Sell can be pressed, and why not: a halt over the agent, or a check nothing would pass. */
export function ticketGate(halt: Halt | null, check: OrderCheck | null): { readonly open: boolean; readonly why: string | null } {
  if (halt) return { open: false, why: haltedTicketReason(halt) };
  if (!check || check.passes) return { open: true, why: null };
  if (check.risk.decision === "reject") return { open: false, why: `nothing would pass: risk rejects it (${check.risk.rule ? ruleLabel(check.risk.rule) : "no rule named"}): ${check.risk.reason}` };
  if (!check.funds.enough) return { open: false, why: `nothing would pass: not enough ${check.funds.asset}, ${fundsShort(check.funds)}` };
  return { open: false, why: "nothing would pass: the desk's checks refuse this order" };
}

/** What the ticket shows when the check itself fails: nothing when the server has no such route (404/405), else the API's message. */
export function checkFailureNote(error: { readonly status: number; readonly message: string }): string | null {
  if (error.status === 404 || error.status === 405) return null;
  return `pre-trade check unavailable: ${error.message}`;
}
