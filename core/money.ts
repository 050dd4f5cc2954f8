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

/**
 * Assets the desk holds, with the precision kept at rest and in arithmetic (a division's share of
 * a balance keeps 18 decimals). What an operator may send or see is the asset's scale below.
 */
export const ASSETS = {
  USD: { scale: 18 },
  BTC: { scale: 18 },
  ETH: { scale: 18 },
  SOL: { scale: 18 },
} as const satisfies Record<string, { scale: number }>;
export type Asset = keyof typeof ASSETS;

export const MAX_SCALE = 18;

/**
 * Decimals an amount of each asset carries where it enters the desk (API bodies) and where the
 * dashboard shows it: cents for USD, satoshis for BTC, 8 for ETH as exchanges quote it, lamports
 * for SOL. A venue's lot may be coarser; order quantities are checked against it.
 */
export const ASSET_SCALES: Readonly<Record<string, number>> = { USD: 2, BTC: 8, ETH: 8, SOL: 9 };

/**
 * Scale of an asset the table does not know (a venue's new listing): 8, the precision most
 * exchanges quote crypto amounts in, so nothing a venue reports is refused or hidden for lack of a row.
 */
export const DEFAULT_ASSET_SCALE = 8;

/** The decimals an amount of `asset` carries in requests and on screen (see ASSET_SCALES). */
export function assetScale(asset: string): number {
  return Object.prototype.hasOwnProperty.call(ASSET_SCALES, asset) ? ASSET_SCALES[asset] ?? DEFAULT_ASSET_SCALE : DEFAULT_ASSET_SCALE;
}

/** True when the amount's significant decimals fit the asset's scale ("12.340" fits USD, "12.345" does not). */
export function fitsAssetScale(value: string | Decimal, asset: string): boolean {
  return dec(value).decimalPlaces() <= assetScale(asset);
}

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
