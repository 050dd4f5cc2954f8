/** Quantiles of a P&L sample and the normal distribution: the conventions every VaR method shares (see var.ts). */

export interface VarEstimate {
  /** The loss not exceeded with probability `confidence` (positive = loss), USD. */
  readonly var: number;
  /** Expected shortfall: the mean loss in the tail at or beyond the VaR, USD. */
  readonly es: number;
}

// ---------------------------------------------------------------------------------------------
// Quantiles

/** k = ⌈N·(1 − c)⌉, at least 1; N·(1 − c) is rounded to 1e-9 first, so 100 × (1 − 0.99) is 1, not 2. */
export function tailCount(outcomes: number, confidence: number): number {
  checkConfidence(confidence);
  const expected = Math.round(outcomes * (1 - confidence) * 1e9) / 1e9;
  return Math.max(1, Math.min(outcomes, Math.ceil(expected)));
}

/**
 * VaR and ES of a P&L sample (gains positive) by the quantile convention of this module: the k
 * worst outcomes, k = `tailCount`. `pnl` is left untouched.
 */
export function tailLoss(pnl: Float64Array, confidence: number): VarEstimate {
  return tailLossInPlace(pnl.slice(), confidence);
}

/**
 * `tailLoss` on a buffer the caller owns: quickselect partitions it in place (expected O(N),
 * measured faster than sorting the typed array, see bench/risk-core.ts) so its k smallest values
 * come first; their largest is the VaR outcome and their mean the ES outcome.
 */
export function tailLossInPlace(pnl: Float64Array, confidence: number): VarEstimate {
  const count = pnl.length;
  if (count === 0) throw new Error("invariant: VaR needs at least one outcome");
  for (let i = 0; i < count; i++) if (!Number.isFinite(pnl[i] ?? Number.NaN)) throw new Error(`invariant: outcome ${i} is not finite`);
  const k = tailCount(count, confidence);
  selectSmallest(pnl, k - 1);
  let worst = -Infinity;
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const p = pnl[i] ?? 0;
    sum += p;
    if (p > worst) worst = p;
  }
  return { var: -worst, es: -sum / k };
}

/**
 * Rearranges `a` so that a[k] holds the value it would hold sorted ascending, with nothing larger
 * before it and nothing smaller after it (Hoare's quickselect, median-of-three pivots, insertion
 * sort on short ranges).
 */
function selectSmallest(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    // Median of three into a[mid], with a[lo] <= a[mid] <= a[hi].
    if ((a[mid] ?? 0) < (a[lo] ?? 0)) swap(a, mid, lo);
    if ((a[hi] ?? 0) < (a[lo] ?? 0)) swap(a, hi, lo);
    if ((a[hi] ?? 0) < (a[mid] ?? 0)) swap(a, hi, mid);
    const pivot = a[mid] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] ?? 0) < pivot) i++;
      while ((a[j] ?? 0) > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[lo..j] <= pivot <= a[i..hi], and anything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
  for (let i = lo + 1; i <= hi; i++) {
    const x = a[i] ?? 0;
    let j = i - 1;
    while (j >= lo && (a[j] ?? 0) > x) {
      a[j + 1] = a[j] ?? 0;
      j--;
    }
    a[j + 1] = x;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] ?? 0;
  a[i] = a[j] ?? 0;
  a[j] = t;
}

// ---------------------------------------------------------------------------------------------
// The normal distribution

/** The standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * Φ⁻¹(p), the standard normal quantile: Wichura's algorithm AS 241 (PPND16), Applied Statistics
 * 37 (1988) 477–484, accurate to about 1e-16 relative, with no refinement step needed (JavaScript
 * has no erf to refine with). Throws outside (0, 1).
 */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`invariant: a normal quantile needs 0 < p < 1, got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(AS241_A, r)) / horner(AS241_B, r);
  }
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const x = r <= 5 ? horner(AS241_C, r - 1.6) / horner(AS241_D, r - 1.6) : horner(AS241_E, r - 5) / horner(AS241_F, r - 5);
  return q < 0 ? -x : x;
}

// AS 241's coefficients, lowest degree first (B, D and F start with their implicit 1).
const AS241_A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
  33430.575583588128105, 2509.0809287301226727,
] as const;
const AS241_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
  5226.495278852854561,
] as const;
const AS241_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
  0.0227238449892691845833, 7.7454501427834140764e-4,
] as const;
const AS241_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966,
  5.475938084995344946e-4, 1.05075007164441684324e-9,
] as const;
const AS241_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
  2.71155556874348757815e-5, 2.01033439929228813265e-7,
] as const;
const AS241_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5,
  1.4215117583164458887e-7, 2.04426310338993978564e-15,
] as const;

/** c[0] + c[1]·x + … + c[m]·x^m, by Horner's rule. */
function horner(c: readonly number[], x: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * x + (c[i] ?? 0);
  return s;
}

/** Throws unless the confidence level is in (0, 1). */
export function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new Error(`invariant: a confidence level is in (0, 1), got ${confidence}`);
}
