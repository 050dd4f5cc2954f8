import type { SymbolSpec } from "./market.js";
import { Decimal } from "./money.js";

/** The largest multiple of `step` at or below `value` (step > 0). */
export function floorTo(value: Decimal, step: Decimal): Decimal {
  const places = decimalStep(step);
  return places === null ? value.toNearest(step, Decimal.ROUND_FLOOR) : value.toDecimalPlaces(places, Decimal.ROUND_FLOOR);
}

/** The smallest multiple of `step` at or above `value` (step > 0). */
export function ceilTo(value: Decimal, step: Decimal): Decimal {
  const places = decimalStep(step);
  return places === null ? value.toNearest(step, Decimal.ROUND_CEIL) : value.toDecimalPlaces(places, Decimal.ROUND_CEIL);
}

const stepPlaces = new WeakMap<Decimal, number | null>();

/**
 * n when step is 10^-n (0.001 → 3, 1 → 0), else null. Most ticks and lots are such steps, and
 * rounding to decimal places is much cheaper than the division `toNearest` does (hot path).
 */
function decimalStep(step: Decimal): number | null {
  let places = stepPlaces.get(step);
  if (places === undefined) {
    const n = step.decimalPlaces();
    places = step.eq(new Decimal(10).pow(-n)) ? n : null;
    stepPlaces.set(step, places);
  }
  return places;
}

/** The nearest multiple of `step`, halves to even. */
export function nearestTo(value: Decimal, step: Decimal): Decimal {
  return value.toNearest(step, Decimal.ROUND_HALF_EVEN);
}

/**
 * The smallest step that is a multiple of both (a quantity two venues both accept):
 * lcm(0.001, 0.0004) = 0.002.
 */
export function commonStep(a: Decimal, b: Decimal): Decimal {
  const places = Math.max(a.decimalPlaces(), b.decimalPlaces());
  const scale = new Decimal(10).pow(places);
  let x = a.times(scale);
  let y = b.times(scale);
  const product = x.times(y);
  while (!y.isZero()) [x, y] = [y, x.mod(y)];
  return product.div(x).div(scale);
}

/**
 * A float from the simulation as an exact decimal on a step grid, e.g. 60123.456789 on 0.01 →
 * "60123.45" (floor). Works in whole steps so no float noise reaches the string.
 */
export function gridFromFloat(value: number, step: Decimal, stepFloat: number, mode: "floor" | "ceil" | "nearest"): Decimal {
  const steps = value / stepFloat;
  const whole = mode === "floor" ? Math.floor(steps) : mode === "ceil" ? Math.ceil(steps) : Math.round(steps);
  return step.times(whole);
}

const specSteps = new WeakMap<SymbolSpec, { readonly tick: Decimal; readonly lot: Decimal }>();

/** A symbol's tick and lot as Decimals, parsed once per spec object (rounding caches per Decimal instance, so reuse matters on hot paths). */
export function stepsOf(spec: SymbolSpec): { readonly tick: Decimal; readonly lot: Decimal } {
  let s = specSteps.get(spec);
  if (!s) specSteps.set(spec, (s = { tick: new Decimal(spec.tickSize), lot: new Decimal(spec.lotSize) }));
  return s;
}
