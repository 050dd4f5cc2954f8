import { AreaSeries, createChart, type UTCTimestamp } from "lightweight-charts";
import { createEffect, onCleanup, onMount, Show } from "solid-js";
import type { EquityPoint } from "../../../../core/agents/types.ts";
import { Panel } from "../../components.tsx";
import { chartOptions } from "../trading/chart-theme.ts";
import { equitySeries } from "./model.ts";

/** The agent's equity over time, one point per cycle (lightweight-charts, the dashboard's theme). */
export function EquityChart(props: { points: readonly EquityPoint[] }) {
  let container!: HTMLDivElement;
  onMount(() => {
    const chart = createChart(container, chartOptions({ secondsVisible: true }));
    const series = chart.addSeries(AreaSeries, {
      lineColor: "#5aa9e6",
      topColor: "rgba(90, 169, 230, 0.28)",
      bottomColor: "rgba(90, 169, 230, 0.02)",
      lineWidth: 2,
      priceLineVisible: false,
    });
    createEffect(() => {
      series.setData(equitySeries(props.points).map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
      chart.timeScale().fitContent();
    });
    onCleanup(() => chart.remove());
  });
  return (
    <Panel title="Equity" testid="agent-equity-panel" aside={<span class="faint small-note">{props.points.length} points</span>}>
      <div class="chart agent-chart" ref={container} data-testid="agent-equity-chart" data-points={props.points.length} />
      <Show when={props.points.length === 0}>
        <div class="empty-note">No equity sampled yet: the first cycle writes the first point.</div>
      </Show>
    </Panel>
  );
}
