import { describe, expect, it } from "vitest";
import { CANDLE_INTERVALS, type Candle, type CandleInterval, aggregateCandles } from "../../core/market.js";
import { createMarket, venuePrice } from "../../core/market-sim.js";
import { Decimal } from "../../core/money.js";
import { HISTORY_BARS, buildHistory, cachedHistoryCandles, historyCandles, joinCandles, marketStartMs } from "../../core/paper-venue/history.js";
import { advanceMarket, rollUpHours } from "../../core/paper-venue/market-clock.js";
import { PAPER_MARKET, PAPER_MARKET_SEED, paperVenueSpec } from "../../core/paper-venues.js";

const DAY = 86_400_000;
const START = 20_000 * DAY;
const INTERVALS = Object.keys(CANDLE_INTERVALS) as CandleInterval[];

describe("a venue's history before its market", () => {
  const btc = buildHistory("paper-binance", "BTC-USD", START);

  it.each(INTERVALS)("when %s bars are asked for then 1,000 of them end exactly where the market starts, at its first price", (interval) => {
    const bars = historyCandles(btc, interval, HISTORY_BARS);
    expect(bars).toHaveLength(HISTORY_BARS);
    const last = bars.at(-1) as Candle;
    expect(last.openTimeMs + CANDLE_INTERVALS[interval]).toBe(START);
    expect(last.close).toBe(venuePrice(createMarket(PAPER_MARKET, PAPER_MARKET_SEED, START), "paper-binance", "BTC-USD"));
    for (let i = 1; i < bars.length; i++) {
      expect((bars[i] as Candle).openTimeMs - (bars[i - 1] as Candle).openTimeMs).toBe(CANDLE_INTERVALS[interval]);
      // Each bar opens at the close before it: no gaps inside the history.
      expect((bars[i] as Candle).open).toBe((bars[i - 1] as Candle).close);
    }
  });

  it("when the same venue and symbol are built twice then the history is the same", () => {
    const again = buildHistory("paper-binance", "BTC-USD", START);
    expect(historyCandles(again, "1h", 500)).toEqual(historyCandles(btc, "1h", 500));
    expect(historyCandles(again, "1m", 500)).toEqual(historyCandles(btc, "1m", 500));
  });

  it("when two venues are built then they differ slightly (their basis) but share the path", () => {
    const kraken = historyCandles(buildHistory("paper-kraken", "BTC-USD", START), "1h", 200);
    const binance = historyCandles(btc, "1h", 200);
    expect(kraken).not.toEqual(binance);
    for (let i = 0; i < 199; i++) {
      const gapBp = new Decimal((kraken[i] as Candle).close).div((binance[i] as Candle).close).minus(1).abs().times(10_000).toNumber();
      expect(gapBp).toBeLessThan(25);
    }
  });

  it.each([
    ["1m", "1h", 60],
    ["1m", "5m", 5],
    ["5m", "15m", 3],
    ["1h", "4h", 4],
    ["1h", "1d", 24],
  ] as const)("when %s bars are aggregated then they are the %s bars where both exist", (fine, coarse, per) => {
    const coarseBars = historyCandles(btc, coarse, 100);
    const fineBars = historyCandles(btc, fine, 100 * per);
    const aggregated = aggregateCandles(fineBars, CANDLE_INTERVALS[coarse]);
    expect(aggregated.length).toBeGreaterThan(0);
    expect(aggregated).toEqual(coarseBars.slice(-aggregated.length));
  });

  it.each(["BTC-USD", "ETH-USD", "SOL-USD"])("when %s's whole history is read then every price is positive, high ≥ open, close ≥ low, and volume > 0", (symbol) => {
    const h = buildHistory("paper-coinbase", symbol, START);
    for (const interval of ["1m", "1h", "1d"] as const) {
      for (const c of historyCandles(h, interval, HISTORY_BARS)) {
        const [o, hi, lo, cl, v] = [c.open, c.high, c.low, c.close, c.volume].map((x) => new Decimal(x));
        expect(lo?.gt(0)).toBe(true);
        expect(hi?.gte(Decimal.max(o as Decimal, cl as Decimal))).toBe(true);
        expect(lo?.lte(Decimal.min(o as Decimal, cl as Decimal))).toBe(true);
        expect(v?.gt(0)).toBe(true);
      }
    }
  });

  it("when the history is asked for again then the cached candles come back, the newest `limit`", () => {
    const a = cachedHistoryCandles("paper-binance", "ETH-USD", START, "4h", 300);
    const b = cachedHistoryCandles("paper-binance", "ETH-USD", START, "4h", 1_000);
    expect(a).toHaveLength(300);
    expect(b.slice(-300)).toEqual(a);
  });
});

describe("joining the history with the live minutes", () => {
  it("when a venue's market starts then its first recorded minutes continue the history with no jump, and the join ends at the live bar", () => {
    const spec = paperVenueSpec("paper-binance");
    if (!spec) throw new Error("paper-binance exists");
    const now = START + 3 * 3_600_000 + 30_000;
    const live = advanceMarket(null, spec.id, spec.symbols, now).minutes.filter((m) => m.symbol === "BTC-USD").map((m) => m.candle);
    expect(marketStartMs(now)).toBe(START);
    const history = cachedHistoryCandles(spec.id, "BTC-USD", START, "1h", 1_000);
    const first = live[0] as Candle;
    expect(first.openTimeMs).toBe(START);
    // One second of market between the history's last close and the first minute's open.
    const jumpBp = new Decimal(first.open).div((history.at(-1) as Candle).close).minus(1).abs().times(10_000).toNumber();
    expect(jumpBp).toBeLessThan(20);
    expect(live.every((c) => new Decimal(c.volume).gt(0))).toBe(true);
    const joined = joinCandles(history, aggregateCandles(live, 3_600_000), 500);
    expect(joined).toHaveLength(500);
    expect(joined.at(-1)?.openTimeMs).toBe(START + 3 * 3_600_000);
    for (let i = 1; i < joined.length; i++) expect((joined[i] as Candle).openTimeMs - (joined[i - 1] as Candle).openTimeMs).toBe(3_600_000);
  });

  it("when history and recorded bars overlap then the recorded ones win", () => {
    const c = (t: number, close: string): Candle => ({ openTimeMs: t, open: "1", high: "2", low: "1", close, volume: "1" });
    expect(joinCandles([c(0, "h"), c(1, "h"), c(2, "h")], [c(1, "r"), c(2, "r"), c(3, "r")], 3)).toEqual([c(1, "r"), c(2, "r"), c(3, "r")]);
    expect(joinCandles([c(0, "h"), c(1, "h")], [c(1, "r")], 5)).toEqual([c(0, "h"), c(1, "r")]);
    expect(joinCandles([c(0, "h")], [], 5)).toEqual([c(0, "h")]);
  });
});

describe("rolling dropped minutes up into hours", () => {
  const m = (t: number, open: string, high: string, low: string, close: string, volume: string): Candle => ({ openTimeMs: t, open, high, low, close, volume });
  const H = 3_600_000;

  it("when an hour's minutes are dropped in two passes then its hourly row is the aggregate of all of them", () => {
    const minutes = [m(H, "10", "12", "9", "11", "1"), m(H + 60_000, "11", "15", "11", "14", "2"), m(H + 120_000, "14", "14", "8", "9", "0.5"), m(2 * H, "9", "10", "9", "10", "3")];
    const first = rollUpHours(new Map(), minutes.slice(0, 2));
    expect(first).toEqual([m(H, "10", "15", "9", "14", "3")]);
    const second = rollUpHours(new Map(first.map((c) => [c.openTimeMs, c])), minutes.slice(2));
    expect(second).toEqual([m(H, "10", "15", "8", "9", "3.5"), m(2 * H, "9", "10", "9", "10", "3")]);
    expect([second[0]]).toEqual(aggregateCandles(minutes.slice(0, 3), H));
  });

  it("when nothing is dropped then nothing is rolled up", () => {
    expect(rollUpHours(new Map(), [])).toEqual([]);
  });
});
