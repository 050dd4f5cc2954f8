import { assetScale } from "../../core/money.ts";

/**
 * Amount formatting on the decimal string itself: money never passes through a JS number, so
 * what the dashboard shows is what the ledger holds, cut to the asset's scale and never rounded up.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

export interface AmountParts {
  readonly sign: "" | "-";
  /** Integer digits grouped by thousands: "1,234,567". */
  readonly whole: string;
  /** The first `minDecimals` fraction digits, zero-padded. */
  readonly cents: string;
  /** Further significant fraction digits (trailing zeros dropped), often "". */
  readonly rest: string;
}

/** Splits a decimal string for display; null when it is not a plain decimal. */
export function amountParts(value: string, minDecimals = 2): AmountParts | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const digits = (m[2] ?? "0").replace(/^0+(?=\d)/, "");
  const fraction = (m[3] ?? "").replace(/0+$/, "").padEnd(minDecimals, "0");
  const isZero = /^0*$/.test(digits) && /^0*$/.test(fraction);
  return {
    sign: m[1] === "-" && !isZero ? "-" : "",
    whole: digits.replace(/\B(?=(\d{3})+(?!\d))/g, ","),
    cents: fraction.slice(0, minDecimals),
    rest: fraction.slice(minDecimals),
  };
}

/**
 * Money as the dashboard shows it, split for display: cut (toward zero) to its asset's scale, so a
 * shown balance is never more than the ledger holds and can be typed back into a form; at least
 * two decimals where the scale has them. The one rule every page's amounts go through.
 */
export function moneyParts(value: string, asset: string): AmountParts | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const scale = assetScale(asset);
  const fraction = (m[3] ?? "").slice(0, scale);
  return amountParts(`${m[1] ?? ""}${m[2] ?? "0"}${fraction ? `.${fraction}` : ""}`, Math.min(2, scale));
}

/** "12.345" USD → "12.34", "0.123456789" BTC → "0.12345678": money at its asset's scale (see moneyParts). */
export function formatMoney(value: string, asset: string): string {
  const p = moneyParts(value, asset);
  if (!p) return value;
  const fraction = p.cents + p.rest;
  return `${p.sign}${p.whole}${fraction ? `.${fraction}` : ""}`;
}

/** "1234567.5" → "1,234,567.50"; exact, every significant decimal kept (prices and sizes, shown to their tick or lot). */
export function formatAmount(value: string, minDecimals = 2): string {
  const p = amountParts(value, minDecimals);
  if (!p) return value;
  const fraction = p.cents + p.rest;
  return `${p.sign}${p.whole}${fraction ? `.${fraction}` : ""}`;
}

/** True when the decimal string is zero ("0", "0.00", "-0"). */
export function isZeroAmount(value: string | undefined): boolean {
  return value === undefined || /^-?0*(\.0*)?$/.test(value.trim());
}

/** Fraction digits of a step such as a tick or lot size: "0.01" → 2, "1" → 0. */
export function decimalsOf(step: string): number {
  const fraction = step.trim().split(".")[1] ?? "";
  return fraction.replace(/0+$/, "").length;
}

const two = (n: number) => String(n).padStart(2, "0");

/** Local wall-clock time of a timestamp, "14:03:27". */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
