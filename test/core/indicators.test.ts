import { describe, expect, it } from "vitest";
import {
  annualize,
  Atr,
  atrSeries,
  Bollinger,
  bollingerSeries,
  correlationSeries,
  Ema,
  emaSeries,
  type Indicator,
  Macd,
  macdSeries,
  MAX_PERIOD,
  olsSeries,
  RollingCorrelation,
  RollingOls,
  RollingVolatility,
  Rsi,
  rsiSeries,
  Sma,
  smaSeries,
  volatilitySeries,
  Vwap,
  vwapSeries,
  ZScore,
  zScoreSeries,
} from "../../core/indicators/index.js";
import { nextNormal, nextUniform, seedRng } from "../../core/rng.js";

/** Synthetic bars: a random walk in log price around 30,000 with high ≥ close ≥ low, volumes, and a second series correlated with the first. */
interface Bars {
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly other: Float64Array;
}

function bars(n: number, seed: string): Bars {
  const rng = seedRng(seed);
  const b = { high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n), other: new Float64Array(n) };
  let lp = Math.log(30_000);
  let lq = Math.log(2_000);
  for (let i = 0; i < n; i++) {
    const common = 0.004 * nextNormal(rng);
    lp += common + 0.002 * nextNormal(rng);
    lq += 0.8 * common + 0.003 * nextNormal(rng);
    const c = Math.exp(lp);
    b.close[i] = c;
    b.high[i] = c * (1 + 0.003 * nextUniform(rng));
    b.low[i] = c * (1 - 0.003 * nextUniform(rng));
    b.volume[i] = 10 * nextUniform(rng);
    b.other[i] = Math.exp(lq);
  }
  return b;
}

/**
 * Every indicator the same way: a fresh instance, how it eats bar i (returning what update
 * returns plus its other outputs), its batch function, and its first ready index.
 */
interface Spec {
  readonly name: string;
  readonly lookback: number;
  make(): Indicator;
  /** update() with bar i; returns [returned value, other outputs...]. */
  feed(ind: Indicator, b: Bars, i: number): number[];
  /** The batch function's outputs, in the order `feed` returns them. */
  batch(b: Bars): Float64Array[];
}

const SPECS: readonly Spec[] = [
  { name: "Sma(20)", lookback: 19, make: () => new Sma(20), feed: (s, b, i) => [(s as Sma).update(b.close[i] as number)], batch: (b) => [smaSeries(b.close, 20)] },
  { name: "Ema(20)", lookback: 19, make: () => new Ema(20), feed: (s, b, i) => [(s as Ema).update(b.close[i] as number)], batch: (b) => [emaSeries(b.close, 20)] },
  { name: "Rsi(14)", lookback: 14, make: () => new Rsi(14), feed: (s, b, i) => [(s as Rsi).update(b.close[i] as number)], batch: (b) => [rsiSeries(b.close, 14)] },
  {
    name: "Bollinger(20, 2)",
    lookback: 19,
    make: () => new Bollinger(20, 2),
    feed: (s, b, i) => {
      const x = s as Bollinger;
      return [x.update(b.close[i] as number), x.upper, x.lower];
    },
    batch: (b) => {
      const r = bollingerSeries(b.close, 20, 2);
      return [r.middle, r.upper, r.lower];
    },
  },
  {
    name: "Macd(12, 26, 9)",
    lookback: 33,
    make: () => new Macd(12, 26, 9),
    feed: (s, b, i) => {
      const x = s as Macd;
      const m = x.update(b.close[i] as number);
      return [i < 33 ? NaN : m, x.signal, x.histogram];
    },
    batch: (b) => {
      const r = macdSeries(b.close, 12, 26, 9);
      return [r.macd.map((m, i) => (i < 33 ? NaN : m)), r.signal, r.histogram];
    },
  },
  { name: "Atr(14)", lookback: 14, make: () => new Atr(14), feed: (s, b, i) => [(s as Atr).update(b.high[i] as number, b.low[i] as number, b.close[i] as number)], batch: (b) => [atrSeries(b.high, b.low, b.close, 14)] },
  { name: "RollingVolatility(20)", lookback: 20, make: () => new RollingVolatility(20), feed: (s, b, i) => [(s as RollingVolatility).update(b.close[i] as number)], batch: (b) => [volatilitySeries(b.close, 20)] },
  { name: "ZScore(20)", lookback: 19, make: () => new ZScore(20), feed: (s, b, i) => [(s as ZScore).update(b.close[i] as number)], batch: (b) => [zScoreSeries(b.close, 20)] },
  { name: "RollingCorrelation(30)", lookback: 29, make: () => new RollingCorrelation(30), feed: (s, b, i) => [(s as RollingCorrelation).update(b.close[i] as number, b.other[i] as number)], batch: (b) => [correlationSeries(b.close, b.other, 30)] },
  {
    name: "RollingOls(30)",
    lookback: 29,
    make: () => new RollingOls(30),
    feed: (s, b, i) => {
      const x = s as RollingOls;
      return [x.update(b.other[i] as number, b.close[i] as number), x.alpha];
    },
    batch: (b) => {
      const r = olsSeries(b.other, b.close, 30);
      return [r.beta, r.alpha];
    },
  },
  { name: "Vwap(24)", lookback: 23, make: () => new Vwap(24), feed: (s, b, i) => [(s as Vwap).update(b.high[i] as number, b.low[i] as number, b.close[i] as number, b.volume[i] as number)], batch: (b) => [vwapSeries(b.high, b.low, b.close, b.volume, 24)] },
  { name: "Vwap(0), cumulative", lookback: 0, make: () => new Vwap(0), feed: (s, b, i) => [(s as Vwap).update(b.high[i] as number, b.low[i] as number, b.close[i] as number, b.volume[i] as number)], batch: (b) => [vwapSeries(b.high, b.low, b.close, b.volume, 0)] },
];

const B = bars(3_000, "indicators");

/** Streams bars [0, to) into a fresh (or given) instance; the outputs per bar. */
function stream(spec: Spec, b: Bars, ind = spec.make(), to = b.close.length): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < to; i++) out.push(spec.feed(ind, b, i));
  return out;
}

describe("indicators: warm-up, streaming and batch", () => {
  for (const spec of SPECS) {
    it(`when ${spec.name} is fed bar by bar then it is NaN and not ready before index ${spec.lookback}, then ready and finite every bar after`, () => {
      const ind = spec.make();
      expect(ind.lookback).toBe(spec.lookback);
      for (let i = 0; i < B.close.length; i++) {
        const outs = spec.feed(ind, B, i);
        if (i < spec.lookback) {
          expect(ind.ready, `${spec.name} bar ${i}`).toBe(false);
          for (const v of outs) expect(v).toBeNaN();
        } else {
          expect(ind.ready, `${spec.name} bar ${i}`).toBe(true);
          for (const v of outs) expect(Number.isFinite(v), `${spec.name} bar ${i}: ${v}`).toBe(true);
          expect(ind.value).toBe(outs[0] as number);
        }
      }
    });

    it(`when ${spec.name} runs as a batch then every output equals the streaming one exactly`, () => {
      const streamed = stream(spec, B);
      spec.batch(B).forEach((series, k) => {
        expect(series.length).toBe(B.close.length);
        series.forEach((v, i) => expect(Object.is(v, streamed[i]?.[k]), `${spec.name} output ${k} bar ${i}: ${v} vs ${streamed[i]?.[k]}`).toBe(true));
      });
    });

    it(`when ${spec.name} is reset after some bars then it gives what a fresh instance gives`, () => {
      const ind = spec.make();
      stream(spec, bars(500, "before the reset"), ind);
      ind.reset();
      expect(ind.ready).toBe(spec.lookback === 0 && false);
      expect(ind.value).toBeNaN();
      expect(stream(spec, B, ind)).toEqual(stream(spec, B));
    });
  }
});

describe("indicators: constant and degenerate input", () => {
  const flat = (n: number, c: number): Bars => {
    const a = new Float64Array(n).fill(c);
    return { high: a, low: a, close: a, volume: new Float64Array(n).fill(2), other: new Float64Array(n).fill(7) };
  };
  const F = flat(400, 123.45);
  const last = (spec: Spec, b: Bars): number[] => stream(spec, b).at(-1) as number[];
  const spec = (name: string): Spec => SPECS.find((s) => s.name.startsWith(name)) as Spec;

  it("when the series is constant then the averages and bands are that value and the oscillators are neutral", () => {
    // Averages are sums divided: the value to rounding (Bollinger's middle is exact, from its run length).
    for (const name of ["Sma", "Ema", "Vwap(24)", "Vwap(0)"]) expect(last(spec(name), F)[0]).toBeCloseTo(123.45, 10);
    expect(last(spec("Bollinger"), F)).toEqual([123.45, 123.45, 123.45]);
    for (const v of last(spec("Macd"), F)) expect(Math.abs(v)).toBeLessThan(1e-9);
    expect(last(spec("Rsi"), F)).toEqual([50]);
    expect(last(spec("Atr"), F)).toEqual([0]);
    expect(last(spec("RollingVolatility"), F)).toEqual([0]);
  });

  it("when the window turns constant after a volatile stretch then the std is exactly 0 and the z-score 0, not rounding noise", () => {
    const b = bars(600, "then flat");
    for (let i = 300; i < 600; i++) b.close[i] = 31_234.5;
    const z = new ZScore(20);
    const bb = new Bollinger(20, 2);
    for (let i = 0; i < 600; i++) {
      z.update(b.close[i] as number);
      bb.update(b.close[i] as number);
      if (i >= 319) {
        expect(z.value, `bar ${i}`).toBe(0);
        expect(bb.stdDev, `bar ${i}`).toBe(0);
        expect(bb.upper).toBe(31_234.5);
      }
    }
  });

  it("when one series of a pair is constant then the correlation is 0 and OLS gives beta 0 and alpha the mean of y", () => {
    const b = bars(200, "pair");
    const c = new RollingCorrelation(30);
    const o = new RollingOls(30);
    const flatX = new Float64Array(200).fill(50);
    for (let i = 0; i < 200; i++) {
      c.update(flatX[i] as number, b.other[i] as number);
      o.update(b.other[i] as number, flatX[i] as number);
    }
    let mean = 0;
    for (let i = 170; i < 200; i++) mean += (b.other[i] as number) / 30;
    expect(c.value).toBe(0);
    expect(o.beta).toBe(0);
    expect(o.alpha).toBeCloseTo(mean, 9);
    expect(correlationSeries(b.other, b.other, 30).at(-1)).toBe(1);
    const flatY = new RollingOls(30);
    for (let i = 0; i < 200; i++) flatY.update(7, b.close[i] as number);
    expect([flatY.beta, flatY.alpha, flatY.residual]).toEqual([0, 7, 0]);
  });

  it("when a VWAP window has no volume then it is the mean typical price, not NaN", () => {
    const v = new Vwap(3);
    for (const [h, l, c] of [[12, 9, 10], [13, 10, 11], [14, 11, 12]] as const) v.update(h, l, c, 0);
    expect(v.value).toBeCloseTo((31 + 34 + 37) / 9, 12);
    expect(v.update(20, 20, 20, 1)).toBe(20);
  });

  it("when RSI sees only rises then it is 100, and only falls then 0", () => {
    const up = rsiSeries(Float64Array.from({ length: 30 }, (_, i) => 100 + i), 14);
    const down = rsiSeries(Float64Array.from({ length: 30 }, (_, i) => 100 - i), 14);
    expect(up.at(-1)).toBe(100);
    expect(down.at(-1)).toBe(0);
  });

  it("when a period is out of bounds or not an integer then the constructor throws", () => {
    for (const n of [0, -1, 1.5, Number.NaN, MAX_PERIOD + 1]) expect(() => new Sma(n), String(n)).toThrow(RangeError);
    expect(() => new RollingVolatility(1)).toThrow(RangeError);
    expect(() => new RollingCorrelation(1)).toThrow(RangeError);
    expect(() => new Macd(26, 12, 9)).toThrow(RangeError);
    expect(() => new Bollinger(20, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => new Vwap(-1)).toThrow(RangeError);
  });

  it("when the series of a batch differ in length or out is too short then it throws", () => {
    expect(() => correlationSeries([1, 2, 3], [1, 2], 2)).toThrow(RangeError);
    expect(() => smaSeries([1, 2, 3], 2, new Float64Array(2))).toThrow(RangeError);
    const out = new Float64Array(5);
    expect(smaSeries([1, 2, 3], 2, out)).toBe(out);
  });

  it("when a per-bar volatility is annualized then it scales by the square root of the bars in a year", () => {
    expect(annualize(0.01, 8_760)).toBeCloseTo(0.01 * Math.sqrt(8_760), 15);
  });
});
