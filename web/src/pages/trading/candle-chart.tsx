import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  type IPriceLine,
  LineStyle,
  type SeriesMarker,
  type UTCTimestamp,
} from "lightweight-charts";
import { createEffect, on, onCleanup, onMount } from "solid-js";
import type { Candle } from "../../types.ts";
import { BUY_COLOR, priceFormatFor, SELL_COLOR, STOP_COLOR, type StopLine, toBars, volumeBars, withLastPrice } from "./chart-data.ts";
import { chartOptions } from "./chart-theme.ts";

/** Bars shown when a market is first drawn; older ones are a scroll away. */
const BARS_IN_VIEW = 120;

export interface OrderLine {
  readonly id: string;
  readonly side: "buy" | "sell";
  readonly price: string;
  readonly label: string;
}

/**
 * The selected market's candles (lightweight-charts) with their volume underneath, the agent's
 * fills as markers at their prices, its resting orders as dashed price lines and its open trades'
 * stops as dotted ones. The last candle follows the ticker between candle polls.
 */
export function CandleChart(props: {
  /** Changes when the venue, symbol or interval does: the view is reset to the newest bars. */
  viewKey: string;
  candles: readonly Candle[] | null;
  last: { price: string; timeMs: number } | null;
  intervalMs: number;
  tickSize: string;
  markers: SeriesMarker<UTCTimestamp>[];
  orderLines: readonly OrderLine[];
  stopLines: readonly StopLine[];
}) {
  let container!: HTMLDivElement;

  onMount(() => {
    const chart = createChart(container, chartOptions({ rightOffset: 4, maxBarSpacing: 24 }));
    const series = chart.addSeries(CandlestickSeries, {
      upColor: BUY_COLOR,
      downColor: SELL_COLOR,
      borderVisible: false,
      wickUpColor: BUY_COLOR,
      wickDownColor: SELL_COLOR,
    });
    // Volume on its own scale, in the bottom fifth, under the candles (which keep the top three quarters).
    const volume = chart.addSeries(HistogramSeries, { priceFormat: { type: "volume" }, priceScaleId: "volume", lastValueVisible: false, priceLineVisible: false });
    chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    series.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });
    const markers = createSeriesMarkers(series, []);
    let lines: IPriceLine[] = [];
    let stops: IPriceLine[] = [];
    let fittedKey: string | null = null;
    let lastBarTime = 0;

    createEffect(on(() => props.tickSize, (tick) => series.applyOptions({ priceFormat: priceFormatFor(tick) })));

    // Whole candle list: on each candle poll (and a new selection).
    createEffect(
      on(
        () => props.candles,
        (candles) => {
          const tick = props.last;
          const shown = candles && tick ? withLastPrice(candles, tick.price, tick.timeMs, props.intervalMs) : (candles ?? []);
          const bars = toBars(shown);
          series.setData(bars);
          volume.setData(volumeBars(shown));
          container.dataset.bars = String(bars.length);
          lastBarTime = bars.at(-1)?.time ?? 0;
          if (candles && fittedKey !== props.viewKey && bars.length > 0) {
            fittedKey = props.viewKey;
            if (bars.length <= BARS_IN_VIEW) chart.timeScale().fitContent();
            else chart.timeScale().setVisibleLogicalRange({ from: bars.length - BARS_IN_VIEW, to: bars.length + 4 });
          }
        },
      ),
    );

    // Between candle polls, the ticker moves the newest bar.
    createEffect(
      on(
        () => props.last,
        (tick) => {
          const candles = props.candles;
          if (!candles || !tick) return;
          const shown = withLastPrice(candles, tick.price, tick.timeMs, props.intervalMs);
          const newest = shown.at(-1);
          if (!newest) return;
          const [bar] = toBars([newest]);
          if (!bar || bar.time < lastBarTime) return;
          series.update(bar);
          lastBarTime = bar.time;
        },
      ),
    );

    createEffect(() => {
      markers.setMarkers(props.markers);
      container.dataset.markers = String(props.markers.length);
    });

    createEffect(() => {
      for (const line of stops) series.removePriceLine(line);
      stops = props.stopLines.map((s) =>
        series.createPriceLine({ price: Number(s.price), color: STOP_COLOR, lineWidth: 1, lineStyle: LineStyle.Dotted, axisLabelVisible: true, title: s.label }),
      );
      container.dataset.stops = String(stops.length);
    });

    createEffect(() => {
      for (const line of lines) series.removePriceLine(line);
      lines = props.orderLines.map((o) =>
        series.createPriceLine({
          price: Number(o.price),
          color: o.side === "buy" ? BUY_COLOR : SELL_COLOR,
          lineWidth: 1,
          lineStyle: LineStyle.Dashed,
          axisLabelVisible: true,
          title: o.label,
        }),
      );
    });

    onCleanup(() => chart.remove());
  });

  return <div class="chart" ref={container} data-testid="candle-chart" />;
}
