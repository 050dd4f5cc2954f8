import { describe, expect, it } from "vitest";
import { type BacktestConfig, backtestConfigSchema, prepare, runBacktest, runInMemory } from "../../core/backtest/index.js";
import { type CandleSeries, seriesFromCandles } from "../../core/candles/series.js";
import type { Candle } from "../../core/market.js";
import { Decimal } from "../../core/money.js";
import { strategyById } from "../../core/strategies/index.js";
import type { StrategyId, StrategyRunner } from "../../core/strategies/types.js";
import { freqtradeCandles, sharedDataDir } from "./candles.js";

/**
 * Backtests on real candles (../shared/data): the books balance to the last digit, the gaps the
 * data really has are reported, and no strategy's past decisions move when the future does.
 */
const HOUR = 3_600_000;
const have = (await sharedDataDir()) !== null;
const FROM = Date.UTC(2017, 8, 30);
const TO = Date.UTC(2020, 6, 1);

const btc = have ? await freqtradeCandles("jakekrafczyk-freqtrade/binance/BTC_USDT-1h.json", FROM, TO) : [];
const eth = have ? await freqtradeCandles("jakekrafczyk-freqtrade/binance/ETH_USDT-1h.json", FROM, TO) : [];
const series = (c: readonly Candle[], symbol: string): CandleSeries => seriesFromCandles(symbol, HOUR, c);
const config = (strategy: StrategyId, over: Record<string, unknown> = {}): BacktestConfig => backtestConfigSchema.parse({ strategy, ...over }) as BacktestConfig;

const cases: Array<[StrategyId, () => CandleSeries[], Record<string, unknown>]> = [
  ["momentum", () => [series(btc, "BTC-USD")], {}],
  ["mean-reversion", () => [series(btc, "BTC-USD")], {}],
  ["pairs", () => [series(btc, "BTC-USD"), series(eth, "ETH-USD")], {}],
  ["market-making", () => [series(btc.slice(0, 3000), "BTC-USD")], {}],
  ["arbitrage", () => [series(btc, "BTC-USD"), series(btc.map((c) => ({ ...c, close: new Decimal(c.close).times("1.004").toFixed(2), high: new Decimal(c.high).times("1.004").toFixed(2) })), "BTC-USD")], { venues: ["paper-binance", "paper-hyperliquid"] }],
];

describe.skipIf(!have)("backtests on real candles", () => {
  for (const [strategy, data, over] of cases) {
    it(`when ${strategy} runs on Binance's hourly history then its book balances: final equity is cash plus holdings at the last close, fees are the fills' fees`, () => {
      const s = data();
      const r = runBacktest(config(strategy, over), s, { maxPoints: 500 });
      expect(r.metrics.trades).toBe(r.trades.length);
      const fees = r.trades.reduce((a, t) => a.plus(t.fee), new Decimal(0));
      expect(fees.toFixed()).toBe(new Decimal(r.metrics.feesPaid).toFixed());
      // Cash: the deposit, less what buys cost, plus what sales brought, less fees.
      let cash = new Decimal(10_000);
      const held = s.map(() => new Decimal(0));
      for (const t of r.trades) {
        const k = s.findIndex((x, i) => x.symbol === t.symbol && (s.length === 1 || (over.venues as string[] | undefined)?.[i] === t.venue || !over.venues));
        const notional = new Decimal(t.price).times(t.quantity);
        cash = t.side === "buy" ? cash.minus(notional) : cash.plus(notional);
        cash = cash.minus(t.fee);
        held[k] = t.side === "buy" ? held[k]!.plus(t.quantity) : held[k]!.minus(t.quantity);
      }
      const equity = held.reduce((a, q, k) => a.plus(q.times(s[k]!.text[5 * (s[k]!.length - 1) + 3]!)), cash);
      expect(new Decimal(r.metrics.finalEquity).toFixed(8)).toBe(equity.toDecimalPlaces(8, Decimal.ROUND_HALF_EVEN).toFixed(8));
      expect(r.equity.strategy.every((x) => x > 0)).toBe(true);
      expect(r.metrics.totalReturn).toBeCloseTo(equity.toNumber() / 10_000 - 1, 9);
    });
  }

  it("when the data has outages then each gap is reported where it is, with its length", () => {
    const r = runBacktest(config("momentum"), [series(btc, "BTC-USD")], { benchmark: false });
    const big = r.gaps.find((g) => g.bars === 32);
    expect(big?.afterMs).toBe(Date.UTC(2018, 1, 8));
    expect(r.gaps.length).toBeGreaterThanOrEqual(15);
    expect(r.gaps.reduce((a, g) => a + g.bars, 0)).toBeGreaterThan(90);
  });

  for (const [strategy, data, over] of cases) {
    it(`when the future after bar k is shifted then ${strategy}'s decisions and trades up to k are unchanged`, () => {
      const s = data();
      const k = Math.floor(s[0]!.length * 0.6);
      const shifted = s.map((x) => {
        const c: Candle[] = [];
        for (let i = 0; i < x.length; i++) {
          const f = i > k ? 1.37 : 1;
          const t = x.text;
          c.push({ openTimeMs: x.time[i]!, open: new Decimal(t[5 * i]!).times(f).toFixed(2), high: new Decimal(t[5 * i + 1]!).times(f).toFixed(2), low: new Decimal(t[5 * i + 2]!).times(f).toFixed(2), close: new Decimal(t[5 * i + 3]!).times(f).toFixed(2), volume: t[5 * i + 4]! });
        }
        return seriesFromCandles(x.symbol, HOUR, c);
      });
      const decisions = (input: CandleSeries[]): string[] => {
        const st = strategyById(strategy)!;
        const cfg = config(strategy, over);
        const base = prepare(cfg, input, {});
        const inner = base.runner;
        const seen: string[] = [];
        const spy: StrategyRunner = { plots: inner.plots, plot: (o) => inner.plot(o), onBar: (b, p) => { const sig = inner.onBar(b, p); seen.push(JSON.stringify(sig)); return sig; } };
        const out = runInMemory({ ...base, runner: spy });
        expect(st.id).toBe(strategy);
        const j = base.timeline.index[0]!.indexOf(k);
        return [...seen.slice(0, j + 1), ...out.trades.filter((t) => t.barIndex <= j).map((t) => JSON.stringify(t))];
      };
      const before = decisions(s);
      expect(decisions(shifted)).toEqual(before);
    });
  }
});
