import { describe, expect, it } from "vitest";
import { findGaps, seriesFromCandles } from "../../core/candles/series.js";
import { SYNTHETIC_PACE_BARS, SYNTHETIC_START_MS, syntheticCandles } from "../../core/candles/synthetic.js";
import { candleSourceSchema, loadCandles, loadCandlesPaced } from "../../core/candles/source.js";
import { Decimal } from "../../core/money.js";

const H = 3_600_000;
const BTC = { symbol: "BTC-USD", venueId: "paper-binance" };
const ETH = { symbol: "ETH-USD", venueId: "paper-binance" };

function logReturns(closes: readonly string[]): number[] {
  return closes.slice(1).map((c, i) => Math.log(Number(c) / Number(closes[i])));
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += ((a[i] as number) - ma) * ((b[i] as number) - mb);
    saa += ((a[i] as number) - ma) ** 2;
    sbb += ((b[i] as number) - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("syntheticCandles", () => {
  it("when asked twice then the candles are the same, bar for bar", () => {
    expect(syntheticCandles([BTC], H, 300)).toEqual(syntheticCandles([BTC], H, 300));
  });

  it("when asked for more bars then the first ones are unchanged (one path, extended)", () => {
    const [short] = syntheticCandles([BTC], H, 100);
    const [long] = syntheticCandles([BTC], H, 200);
    expect(long?.slice(0, 100)).toEqual(short);
  });

  it("when drawn then bars are on the grid, gapless, consistent and on the symbol's tick", () => {
    const [candles = []] = syntheticCandles([ETH], 15 * 60_000, 500);
    expect(candles).toHaveLength(500);
    expect(candles[0]?.openTimeMs).toBe(SYNTHETIC_START_MS);
    const series = seriesFromCandles("ETH-USD", 15 * 60_000, candles);
    expect(findGaps(series)).toEqual([]);
    for (const c of candles) {
      const [o, h, l, cl, v] = [c.open, c.high, c.low, c.close, c.volume].map((x) => new Decimal(x));
      expect(h?.gte(Decimal.max(o as Decimal, cl as Decimal))).toBe(true);
      expect(l?.lte(Decimal.min(o as Decimal, cl as Decimal))).toBe(true);
      expect(l?.gt(0)).toBe(true);
      expect(v?.gt(0)).toBe(true);
      expect(o?.mod("0.01").isZero()).toBe(true);
    }
  });

  it("when two symbols are drawn together then their returns are correlated as the market's model says (about 0.8)", () => {
    const [btc = [], eth = []] = syntheticCandles([BTC, ETH], H, 2_000);
    const rho = correlation(logReturns(btc.map((c) => c.close)), logReturns(eth.map((c) => c.close)));
    expect(rho).toBeGreaterThan(0.7);
    expect(rho).toBeLessThan(0.9);
  });

  it("when one symbol is drawn at two venues then they differ only by a few bp of basis", () => {
    const [a = [], b = []] = syntheticCandles([BTC, { symbol: "BTC-USD", venueId: "paper-kraken" }], H, 300);
    const diffsBp = a.map((c, i) => Math.abs(Number(c.close) / Number(b[i]?.close) - 1) * 1e4);
    expect(Math.max(...diffsBp)).toBeLessThan(60);
    expect(diffsBp.some((d) => d > 0.5)).toBe(true);
  });

  it("when the symbol or venue is not simulated then it is a programmer error", () => {
    expect(() => syntheticCandles([{ symbol: "DOGE-USD", venueId: "paper-binance" }], H, 10)).toThrow(/invariant/);
    expect(() => syntheticCandles([{ symbol: "BTC-USD", venueId: "binance" }], H, 10)).toThrow(/invariant/);
  });
});

describe("the synthetic history drawn paced (what the Worker runs)", () => {
  it("when candles are loaded paced then the draw pauses every few thousand bars and gives the same candles, pairs drawn together", async () => {
    const sources = candleSourceSchema.array().parse([
      { source: "synthetic", symbol: "BTC-USD", interval: "5m", bars: 5_000 },
      { source: "synthetic", symbol: "ETH-USD", interval: "5m", bars: 5_000 },
    ]);
    let pauses = 0;
    const paced = await loadCandlesPaced(sources, () => "paper-binance", async () => void pauses++);
    expect(pauses).toBe(Math.ceil(5_000 / SYNTHETIC_PACE_BARS) - 1);
    expect(paced).toEqual(loadCandles(sources, () => "paper-binance"));
    const [btc, eth] = syntheticCandles([BTC, ETH], 300_000, 5_000);
    expect(paced[0]!.ok && paced[0]!.series.close[4_999]).toBe(Number(btc![4_999]!.close));
    expect(paced[1]!.ok && paced[1]!.series.close[4_999]).toBe(Number(eth![4_999]!.close));
  });
});
