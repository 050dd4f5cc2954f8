// The yardstick of bench/core-indicators.ts, as the issue defines it: a hand-written streaming
// loop on Float64Array. Each indicator is a step function called once per candle, whose state
// persists between calls in a Float64Array (and a Float64Array ring), no allocation per candle,
// the plainest arithmetic (rolling sums and sums of squares, no drift control, no edge cases
// beyond warm-up). Same conventions as core/indicators (TA-Lib seeds), so the values agree, and
// the same arithmetic tricks (RSI's branch-free gain and loss).
// (bench/core-indicators-hand.ts has the same as plain batch loops with state in locals.)

/** A step's state: scalars in `s`, the window in `ring` (the first slot of `s` counts updates). */
export interface Stream {
  readonly s: Float64Array;
  readonly ring: Float64Array;
  readonly ring2: Float64Array;
  readonly n: number;
}

/** Fresh state for a window of n (rings of n, 16 scalars, constants precomputed in the last three). */
export function stream(n: number): Stream {
  const s = new Float64Array(16);
  s[13] = 2 / (n + 1);
  s[14] = 1 / n;
  s[15] = (n - 1) / n;
  return { s, ring: new Float64Array(Math.max(n, 1)), ring2: new Float64Array(Math.max(n, 1)), n };
}

// s[0] = updates so far, s[1] = ring position, s[13] = 2 / (n + 1), s[14] = 1 / n, s[15] = (n − 1) / n; the rest per indicator.

export function smaStep(t: Stream, x: number): number {
  const s = t.s;
  const p = s[1] as number;
  s[2] = (s[2] as number) + x - (t.ring[p] as number);
  t.ring[p] = x;
  s[1] = p + 1 === t.n ? 0 : p + 1;
  return ++s[0]! >= t.n ? (s[2] as number) * (s[14] as number) : NaN;
}

export function emaStep(t: Stream, x: number): number {
  const s = t.s;
  const i = s[0] as number;
  s[0] = i + 1;
  if (i >= t.n) return (s[2] = (s[2] as number) * (1 - (s[13] as number)) + (s[13] as number) * x);
  s[2] = (s[2] as number) + x;
  return i === t.n - 1 ? (s[2] = (s[2] as number) / t.n) : NaN;
}

export function rsiStep(t: Stream, x: number): number {
  const s = t.s;
  const n = t.n;
  const i = s[0] as number;
  s[0] = i + 1;
  const d = x - (s[1] as number);
  s[1] = x;
  if (i === 0) return NaN;
  const a = Math.abs(d);
  const up = (d + a) * 0.5;
  const down = (a - d) * 0.5;
  if (i > n) {
    s[2] = (s[2] as number) * (s[15] as number) + up * (s[14] as number);
    s[3] = (s[3] as number) * (s[15] as number) + down * (s[14] as number);
  } else {
    s[2] = (s[2] as number) + up;
    s[3] = (s[3] as number) + down;
    if (i < n) return NaN;
    s[2] = (s[2] as number) / n;
    s[3] = (s[3] as number) / n;
  }
  const g = s[2] as number;
  const tot = g + (s[3] as number);
  return tot > 0 ? (100 * g) / tot : 50;
}

/** Rolling sum and sum of squares of x; returns false while warming up. */
function rollSquares(t: Stream, x: number): boolean {
  const s = t.s;
  const p = s[1] as number;
  const o = t.ring[p] as number;
  s[2] = (s[2] as number) + x - o;
  s[3] = (s[3] as number) + x * x - o * o;
  t.ring[p] = x;
  s[1] = p + 1 === t.n ? 0 : p + 1;
  return ++s[0]! >= t.n;
}

/** Returns the middle band; s[4], s[5] hold upper and lower. */
export function bollingerStep(t: Stream, x: number, k: number): number {
  const s = t.s;
  if (!rollSquares(t, x)) return (s[4] = s[5] = NaN);
  const m = (s[2] as number) * (s[14] as number);
  const v = (s[3] as number) * (s[14] as number) - m * m;
  const sd = v > 0 ? Math.sqrt(v) : 0;
  s[4] = m + k * sd;
  s[5] = m - k * sd;
  return m;
}

export function zScoreStep(t: Stream, x: number): number {
  const s = t.s;
  if (!rollSquares(t, x)) return NaN;
  const m = (s[2] as number) * (s[14] as number);
  const v = (s[3] as number) * (s[14] as number) - m * m;
  return v > 0 ? (x - m) / Math.sqrt(v) : 0;
}

/** s[8] holds the previous close. */
export function volatilityStep(t: Stream, close: number): number {
  const s = t.s;
  const prev = s[8] as number;
  s[8] = close;
  if (prev === 0) return NaN;
  if (!rollSquares(t, Math.log(close / prev))) return NaN;
  const n = t.n;
  const v = ((s[3] as number) - (s[2] as number) * (s[2] as number) * (s[14] as number)) / (n - 1);
  return Math.sqrt(v > 0 ? v : 0);
}

/** Returns the MACD line; s[5], s[6] hold signal and histogram. Periods fast, slow, signal in s[9..11], their alphas in s[7], s[8], s[12]. */
export function macdStream(fast: number, slow: number, signal: number): Stream {
  const t = stream(slow);
  t.s.set([fast, slow, signal], 9);
  t.s[7] = 2 / (fast + 1);
  t.s[8] = 2 / (slow + 1);
  t.s[12] = 2 / (signal + 1);
  return t;
}

export function macdStep(t: Stream, x: number): number {
  const s = t.s;
  const fast = s[9] as number;
  const slow = s[10] as number;
  const sig = s[11] as number;
  const i = s[0] as number;
  s[0] = i + 1;
  if (i >= slow) {
    s[2] = (s[2] as number) * (1 - (s[7] as number)) + (s[7] as number) * x;
    s[3] = (s[3] as number) * (1 - (s[8] as number)) + (s[8] as number) * x;
  } else {
    s[3] = (s[3] as number) + x;
    if (i >= slow - fast) s[2] = (s[2] as number) + x;
    if (i < slow - 1) return (s[5] = s[6] = NaN);
    s[2] = (s[2] as number) / fast;
    s[3] = (s[3] as number) / slow;
  }
  const m = (s[2] as number) - (s[3] as number);
  const last = slow + sig - 2;
  if (i > last) s[4] = (s[4] as number) * (1 - (s[12] as number)) + (s[12] as number) * m;
  else {
    s[4] = (s[4] as number) + m;
    if (i < last) return m;
    s[4] = (s[4] as number) / sig;
  }
  s[5] = s[4] as number;
  s[6] = m - (s[4] as number);
  return m;
}

export function atrStep(t: Stream, h: number, l: number, c: number): number {
  const s = t.s;
  const n = t.n;
  const i = s[0] as number;
  s[0] = i + 1;
  const pc = s[1] as number;
  s[1] = c;
  if (i === 0) return NaN;
  const tr = Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
  if (i > n) return (s[2] = (s[2] as number) * (s[15] as number) + tr * (s[14] as number));
  s[2] = (s[2] as number) + tr;
  return i === n ? (s[2] = (s[2] as number) / n) : NaN;
}

/** Rolling sums of x, y, x², y², xy in s[2..6]; false while warming up. */
function rollPairs(t: Stream, x: number, y: number): boolean {
  const s = t.s;
  const p = s[1] as number;
  const ox = t.ring[p] as number;
  const oy = t.ring2[p] as number;
  s[2] = (s[2] as number) + x - ox;
  s[3] = (s[3] as number) + y - oy;
  s[4] = (s[4] as number) + x * x - ox * ox;
  s[5] = (s[5] as number) + y * y - oy * oy;
  s[6] = (s[6] as number) + x * y - ox * oy;
  t.ring[p] = x;
  t.ring2[p] = y;
  s[1] = p + 1 === t.n ? 0 : p + 1;
  return ++s[0]! >= t.n;
}

export function correlationStep(t: Stream, x: number, y: number): number {
  const s = t.s;
  if (!rollPairs(t, x, y)) return NaN;
  const inv = s[14] as number;
  const sx = s[2] as number;
  const sy = s[3] as number;
  const d = ((s[4] as number) - sx * sx * inv) * ((s[5] as number) - sy * sy * inv);
  return d > 0 ? ((s[6] as number) - sx * sy * inv) / Math.sqrt(d) : 0;
}

/** Returns beta; s[7] holds alpha. */
export function olsStep(t: Stream, y: number, x: number): number {
  const s = t.s;
  if (!rollPairs(t, x, y)) return (s[7] = NaN);
  const inv = s[14] as number;
  const sx = s[2] as number;
  const sy = s[3] as number;
  const vx = (s[4] as number) - sx * sx * inv;
  const b = vx > 0 ? ((s[6] as number) - sx * sy * inv) / vx : 0;
  s[7] = (sy - b * sx) * inv;
  return b;
}

/** n = 0: cumulative. */
export function vwapStep(t: Stream, h: number, l: number, c: number, v: number): number {
  const s = t.s;
  const pv = ((h + l + c) / 3) * v;
  s[2] = (s[2] as number) + pv;
  s[3] = (s[3] as number) + v;
  if (t.n > 0) {
    const p = s[1] as number;
    s[2] = (s[2] as number) - (t.ring[p] as number);
    s[3] = (s[3] as number) - (t.ring2[p] as number);
    t.ring[p] = pv;
    t.ring2[p] = v;
    s[1] = p + 1 === t.n ? 0 : p + 1;
  }
  return ++s[0]! >= t.n ? (s[2] as number) / (s[3] as number) : NaN;
}
