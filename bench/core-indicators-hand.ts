// The yardstick for bench/core-indicators.ts: each indicator as a hand-written streaming loop over
// Float64Array, state in locals and typed-array rings, no allocation per candle, the plainest
// rolling sums (sum and sum of squares, no drift control), writing the same outputs as the
// batch functions of core/indicators. Same conventions (TA-Lib seeds), so the values agree, and
// the same arithmetic tricks where ours has them (RSI's branch-free gain and loss), so the
// comparison is of the structure, not of a trick.

/** Σ of a ring after a wrap is not recomputed here: these loops are the speed of light, not the reference. */
export function handSma(x: Float64Array, n: number, out: Float64Array): void {
  const ring = new Float64Array(n);
  const inv = 1 / n;
  let sum = 0;
  let p = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    sum += v - (ring[p] as number);
    ring[p] = v;
    if (++p === n) p = 0;
    out[i] = i >= n - 1 ? sum * inv : NaN;
  }
}

export function handEma(x: Float64Array, n: number, out: Float64Array): void {
  const a = 2 / (n + 1);
  const keep = 1 - a;
  let e = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (i >= n) out[i] = e = e * keep + a * v;
    else {
      e += v;
      out[i] = i === n - 1 ? (e /= n) : NaN;
    }
  }
}

export function handRsi(x: Float64Array, n: number, out: Float64Array): void {
  const keep = (n - 1) / n;
  const inv = 1 / n;
  let gain = 0;
  let loss = 0;
  out[0] = NaN;
  for (let i = 1; i < x.length; i++) {
    const d = (x[i] as number) - (x[i - 1] as number);
    const a = Math.abs(d);
    const up = (d + a) * 0.5;
    const down = (a - d) * 0.5;
    if (i > n) {
      gain = gain * keep + up * inv;
      loss = loss * keep + down * inv;
    } else {
      gain += up;
      loss += down;
      if (i < n) {
        out[i] = NaN;
        continue;
      }
      gain /= n;
      loss /= n;
    }
    const t = gain + loss;
    out[i] = t > 0 ? (100 * gain) / t : 50;
  }
}

export function handBollinger(x: Float64Array, n: number, k: number, mid: Float64Array, up: Float64Array, lo: Float64Array): void {
  const inv = 1 / n;
  const ring = new Float64Array(n);
  let s = 0;
  let s2 = 0;
  let p = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    const o = ring[p] as number;
    s += v - o;
    s2 += v * v - o * o;
    ring[p] = v;
    if (++p === n) p = 0;
    if (i < n - 1) {
      mid[i] = up[i] = lo[i] = NaN;
      continue;
    }
    const m = s * inv;
    const varc = s2 * inv - m * m;
    const sd = varc > 0 ? Math.sqrt(varc) : 0;
    mid[i] = m;
    up[i] = m + k * sd;
    lo[i] = m - k * sd;
  }
}

export function handMacd(x: Float64Array, fast: number, slow: number, signal: number, macd: Float64Array, sig: Float64Array, hist: Float64Array): void {
  const kf = 2 / (fast + 1);
  const ks = 2 / (slow + 1);
  const kg = 2 / (signal + 1);
  const [qf, qs, qg] = [1 - kf, 1 - ks, 1 - kg];
  const last = slow + signal - 2;
  let f = 0;
  let s = 0;
  let g = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (i >= slow) {
      f = f * qf + kf * v;
      s = s * qs + ks * v;
    } else {
      s += v;
      if (i >= slow - fast) f += v;
      if (i < slow - 1) {
        macd[i] = sig[i] = hist[i] = NaN;
        continue;
      }
      f /= fast;
      s /= slow;
    }
    const m = f - s;
    macd[i] = m;
    if (i > last) g = g * qg + kg * m;
    else {
      g += m;
      if (i < last) {
        sig[i] = hist[i] = NaN;
        continue;
      }
      g /= signal;
    }
    sig[i] = g;
    hist[i] = m - g;
  }
}

export function handAtr(h: Float64Array, l: Float64Array, c: Float64Array, n: number, out: Float64Array): void {
  const keep = (n - 1) / n;
  const inv = 1 / n;
  let atr = 0;
  out[0] = NaN;
  for (let i = 1; i < c.length; i++) {
    const pc = c[i - 1] as number;
    const hi = h[i] as number;
    const lw = l[i] as number;
    const tr = Math.max(hi - lw, Math.abs(hi - pc), Math.abs(lw - pc));
    if (i > n) out[i] = atr = atr * keep + tr * inv;
    else {
      atr += tr;
      out[i] = i === n ? (atr /= n) : NaN;
    }
  }
}

export function handVolatility(c: Float64Array, n: number, out: Float64Array): void {
  const inv = 1 / n;
  const inv1 = 1 / (n - 1);
  const ring = new Float64Array(n);
  let s = 0;
  let s2 = 0;
  let p = 0;
  out[0] = NaN;
  for (let i = 1; i < c.length; i++) {
    const r = Math.log((c[i] as number) / (c[i - 1] as number));
    const o = ring[p] as number;
    s += r - o;
    s2 += r * r - o * o;
    ring[p] = r;
    if (++p === n) p = 0;
    const v = (s2 - s * s * inv) * inv1;
    out[i] = i >= n ? Math.sqrt(v > 0 ? v : 0) : NaN;
  }
}

export function handZScore(x: Float64Array, n: number, out: Float64Array): void {
  const inv = 1 / n;
  const ring = new Float64Array(n);
  let s = 0;
  let s2 = 0;
  let p = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    const o = ring[p] as number;
    s += v - o;
    s2 += v * v - o * o;
    ring[p] = v;
    if (++p === n) p = 0;
    const m = s * inv;
    const varc = s2 * inv - m * m;
    out[i] = i < n - 1 ? NaN : varc > 0 ? (v - m) / Math.sqrt(varc) : 0;
  }
}

/** Pearson's r from rolling sums of x, y, x², y², xy. */
export function handCorrelation(x: Float64Array, y: Float64Array, n: number, out: Float64Array): void {
  const inv = 1 / n;
  const rx = new Float64Array(n);
  const ry = new Float64Array(n);
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let p = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    const oa = rx[p] as number;
    const ob = ry[p] as number;
    sx += a - oa;
    sy += b - ob;
    sxx += a * a - oa * oa;
    syy += b * b - ob * ob;
    sxy += a * b - oa * ob;
    rx[p] = a;
    ry[p] = b;
    if (++p === n) p = 0;
    const d = (sxx - sx * sx * inv) * (syy - sy * sy * inv);
    out[i] = i < n - 1 ? NaN : d > 0 ? (sxy - sx * sy * inv) / Math.sqrt(d) : 0;
  }
}

/** OLS of y on x from rolling sums of x, y, x², xy. */
export function handOls(y: Float64Array, x: Float64Array, n: number, alpha: Float64Array, beta: Float64Array): void {
  const inv = 1 / n;
  const rx = new Float64Array(n);
  const ry = new Float64Array(n);
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let p = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    const oa = rx[p] as number;
    const ob = ry[p] as number;
    sx += a - oa;
    sy += b - ob;
    sxx += a * a - oa * oa;
    sxy += a * b - oa * ob;
    rx[p] = a;
    ry[p] = b;
    if (++p === n) p = 0;
    if (i < n - 1) {
      alpha[i] = beta[i] = NaN;
      continue;
    }
    const vx = sxx - sx * sx * inv;
    const bt = vx > 0 ? (sxy - sx * sy * inv) / vx : 0;
    beta[i] = bt;
    alpha[i] = (sy - bt * sx) * inv;
  }
}

export function handVwap(h: Float64Array, l: Float64Array, c: Float64Array, v: Float64Array, n: number, out: Float64Array): void {
  const rpv = new Float64Array(Math.max(n, 1));
  const rv = new Float64Array(Math.max(n, 1));
  let spv = 0;
  let sv = 0;
  let p = 0;
  for (let i = 0; i < c.length; i++) {
    const vol = v[i] as number;
    const pv = (((h[i] as number) + (l[i] as number) + (c[i] as number)) / 3) * vol;
    spv += pv;
    sv += vol;
    if (n > 0) {
      spv -= rpv[p] as number;
      sv -= rv[p] as number;
      rpv[p] = pv;
      rv[p] = vol;
      if (++p === n) p = 0;
    }
    out[i] = i >= n - 1 ? spv / sv : NaN;
  }
}
