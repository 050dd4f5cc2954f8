import type { ExchangeId } from "../../core/market.js";
import { Decimal, dec, str } from "../../core/money.js";
import { ExchangeError } from "./errors.js";

/** Narrowing readers for exchange JSON: a shape we did not expect is a bad_response, never a crash. */
export class Reader {
  constructor(readonly exchange: ExchangeId) {}

  fail(what: string, value: unknown): never {
    const shown = JSON.stringify(value)?.slice(0, 120) ?? String(value);
    throw new ExchangeError(this.exchange, "bad_response", `unexpected ${what}: ${shown}`);
  }

  record(value: unknown, what: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail(what, value);
    return value as Record<string, unknown>;
  }

  array(value: unknown, what: string): unknown[] {
    if (!Array.isArray(value)) this.fail(what, value);
    return value;
  }

  string(value: unknown, what: string): string {
    if (typeof value !== "string") this.fail(what, value);
    return value;
  }

  /** An integer the exchange sends as a number or a numeric string (ids, times). */
  integer(value: unknown, what: string): number {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isSafeInteger(n)) this.fail(what, value);
    return n;
  }

  /** A finite number (times in seconds with a fraction). */
  number(value: unknown, what: string): number {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n)) this.fail(what, value);
    return n;
  }

  /** A decimal sent as a string, in canonical form ("0.10000000" reads "0.1"). Never through a float. */
  amount(value: unknown, what: string): string {
    return str(this.decimal(value, what));
  }

  decimal(value: unknown, what: string): Decimal {
    if (typeof value !== "string") this.fail(what, value);
    try {
      return dec(value);
    } catch {
      return this.fail(what, value);
    }
  }

  optionalString(value: unknown): string | null {
    return typeof value === "string" && value !== "" ? value : null;
  }
}

/** Quote amount over quantity, to 18 decimals (half-even): "0" before the first fill. */
export function averagePrice(quoteTotal: Decimal, quantity: Decimal): string {
  if (quantity.isZero()) return "0";
  return str(quoteTotal.div(quantity).toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN));
}
