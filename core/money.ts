import DecimalBase from "decimal.js";

/**
 * Decimal for money and quantities. 60 significant digits hold any 18-decimal amount up to
 * 10^40 exactly, so sums of amounts never round; division is the only place rounding happens
 * and it is always explicit (`toScale`).
 */
export const Decimal = DecimalBase.clone({
  precision: 60,
  rounding: DecimalBase.ROUND_HALF_EVEN,
  toExpNeg: -60,
  toExpPos: 60,
});
export type Decimal = InstanceType<typeof Decimal>;

/** Assets the desk holds, with the number of decimals an amount of each may carry. */
export const ASSETS = {
  USD: { scale: 18 },
  BTC: { scale: 18 },
  ETH: { scale: 18 },
  SOL: { scale: 18 },
} as const satisfies Record<string, { scale: number }>;
export type Asset = keyof typeof ASSETS;

export const MAX_SCALE = 18;
export const ZERO = new Decimal(0);

/** An amount string as it travels at rest and over the wire: plain decimal, no sign, no exponent. */
export const AMOUNT_PATTERN = /^(0|[1-9]\d{0,29})(\.\d{1,18})?$/;

export function isAsset(value: string): value is Asset {
  return Object.prototype.hasOwnProperty.call(ASSETS, value);
}

/** Parses a stored or transmitted amount; throws on anything but a finite decimal string. */
export function dec(value: string | Decimal): Decimal {
  const d = value instanceof Decimal ? value : new Decimal(value);
  if (!d.isFinite()) throw new Error(`invariant: amount is not finite: ${String(value)}`);
  return d;
}

/** Canonical string form at rest: no exponent, no trailing zeros, "-0" folded to "0". */
export function str(value: Decimal): string {
  if (value.isZero()) return "0";
  return value.toFixed();
}

/** Rounds toward zero to the asset's scale (what a division may leave behind stays where it was). */
export function toScale(value: Decimal, asset: Asset): Decimal {
  return value.toDecimalPlaces(ASSETS[asset].scale, Decimal.ROUND_DOWN);
}

/** True when the amount has no more decimals than its asset allows. */
export function fitsScale(value: Decimal, asset: Asset): boolean {
  return value.decimalPlaces() <= ASSETS[asset].scale;
}

/** Adds per-asset maps of amounts (strings at rest) into a fresh map. */
export function addBalances(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...a };
  for (const [asset, amount] of Object.entries(b)) {
    out[asset] = str(dec(out[asset] ?? "0").plus(dec(amount)));
  }
  return out;
}
