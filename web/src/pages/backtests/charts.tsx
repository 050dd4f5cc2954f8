import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  LineSeries,
  type LineData,
  type UTCTimestamp,
  type WhitespaceData,
} from "lightweight-charts";
import { createEffect, For, onCleanup, onMount } from "solid-js";
import { BUY_COLOR, SELL_COLOR } from "../trading/chart-data.ts";
import { chartOptions } from "../trading/chart-theme.ts";
import { type ChartCandles, onPriceScale, type TradeMarker } from "./model.ts";

/**
 * The backtest's charts (lightweight-charts, as the Trading page draws candles): equity against
 * buy-and-hold, and the candles with the trades as markers and the strategy's plots as lines
 * (price-like ones over the candles, oscillators in a pane below).
 */

const PLOT_COLORS = ["#e0b341", "#5aa9e6", "#c77dff", "#ff9f5a", "#7bd389", "#ef7fb0"];
const seconds = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

function baseChart(container: HTMLElement): IChartApi {
  return createChart(container, chartOptions());
}

function line(times: readonly number[], values: ReadonlyArray<number | null>): Array<LineData<UTCTimestamp> | WhitespaceData<UTCTimestamp>> {
  return times.map((t, i) => {
    const v = values[i];
    return v === null || v === undefined || !Number.isFinite(v) ? { time: seconds(t) } : { time: seconds(t), value: v };
  });
}

/** Equity of the strategy and of buy-and-hold, in the quote currency. */
export function EquityChart(props: { time: readonly number[]; strategy: readonly number[]; benchmark: ReadonlyArray<number | null> }) {
  let container!: HTMLDivElement;
  onMount(() => {
    const chart = baseChart(container);
    const strategy = chart.addSeries(LineSeries, { color: "#5aa9e6", lineWidth: 2, title: "strategy", priceLineVisible: false });
    const bench = chart.addSeries(LineSeries, { color: "#8a94a6", lineWidth: 1, title: "buy & hold", priceLineVisible: false });
    createEffect(() => {
      strategy.setData(line(props.time, props.strategy));
      bench.setData(line(props.time, props.benchmark));
      chart.timeScale().fitContent();
    });
    onCleanup(() => chart.remove());
  });
  return <div class="chart bt-chart" ref={container} data-testid="equity-chart" />;
}

/** One instrument's candles with the trades on it and the strategy's plots. */
export function PriceChart(props: { candles: ChartCandles; markers: readonly TradeMarker[]; plots: Readonly<Record<string, ReadonlyArray<number | null>>>; plotTime: readonly number[] }) {
  let container!: HTMLDivElement;
  const names = () => Object.keys(props.plots);
  onMount(() => {
    const chart = baseChart(container);
    const candles = chart.addSeries(CandlestickSeries, { upColor: BUY_COLOR, downColor: SELL_COLOR, borderVisible: false, wickUpColor: BUY_COLOR, wickDownColor: SELL_COLOR });
    const markers = createSeriesMarkers(candles, []);
    createEffect(() => {
      const c = props.candles;
      candles.setData(c.time.map((t, i) => ({ time: seconds(t), open: c.open[i] as number, high: c.high[i] as number, low: c.low[i] as number, close: c.close[i] as number })));
      markers.setMarkers(
        props.markers.map((m) => ({
          time: seconds(m.timeMs),
          position: m.side === "buy" ? "belowBar" : "aboveBar",
          color: m.side === "buy" ? BUY_COLOR : SELL_COLOR,
          shape: m.side === "buy" ? "arrowUp" : "arrowDown",
          text: m.text,
        })),
      );
      names().forEach((name, k) => {
        const values = props.plots[name] ?? [];
        const pane = onPriceScale(values, c.close) ? 0 : 1;
        const s = chart.addSeries(LineSeries, { color: PLOT_COLORS[k % PLOT_COLORS.length], lineWidth: 1, priceLineVisible: false, lastValueVisible: false, title: name }, pane);
        s.setData(line(props.plotTime, values));
      });
      chart.timeScale().fitContent();
    });
    onCleanup(() => chart.remove());
  });
  return (
    <div>
      <div class="chart bt-chart tall" ref={container} data-testid={`price-chart-${props.candles.symbol}`} />
      <div class="chart-foot">
        <span>
          <For each={names()}>
            {(name, k) => (
              <span class="bt-legend">
                <span class="bt-swatch" style={{ background: PLOT_COLORS[k() % PLOT_COLORS.length] }} />
                {name}
              </span>
            )}
          </For>
        </span>
        <span>{props.candles.barsPerPoint > 1 ? `${props.candles.barsPerPoint} bars per candle` : "one candle per bar"}</span>
      </div>
    </div>
  );
}
