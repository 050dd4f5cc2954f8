import { createMemo, For, Index, Show } from "solid-js";
import type { RiskReport } from "../../../../core/risk/types.ts";
import { Panel } from "../../components.tsx";
import { heatmapRows, legendStops } from "./heatmap.ts";
import { formatCorrelation } from "./risk-format.ts";

/**
 * Pairwise correlations of the assets' hourly returns: a table (row and column headers give each
 * cell its accessible name), diverging colours, the value printed in each cell.
 */
export function HeatmapPanel(props: { correlation: RiskReport["correlation"] }) {
  const rows = createMemo(() => heatmapRows(props.correlation.assets, props.correlation.matrix));
  const legend = legendStops(9);
  return (
    <Panel
      title="Correlation"
      testid="correlation-panel"
      aside={<span class="panel-note">avg pairwise {formatCorrelation(props.correlation.averagePairwise)}</span>}
    >
      <Show when={rows().length > 0} fallback={<div class="empty-note" data-testid="correlation-empty">No correlations yet: no assets with return history.</div>}>
        <div class="heatmap-scroll">
          <table class="heatmap" data-testid="correlation-heatmap" aria-label="Correlation of hourly returns">
            <thead>
              <tr>
                <th scope="col" class="heatmap-corner">
                  <span class="sr-only">asset</span>
                </th>
                <For each={props.correlation.assets}>
                  {(asset) => (
                    <th scope="col" class="mono">
                      {asset}
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody>
              <Index each={rows()}>
                {(row) => (
                  <tr>
                    <th scope="row" class="mono">
                      {row().asset}
                    </th>
                    <Index each={row().cells}>
                      {(cell) => (
                        <td
                          class="heatmap-cell mono"
                          classList={{ diagonal: cell().diagonal }}
                          style={{ background: cell().colour.background, color: cell().colour.text }}
                          title={cell().label}
                          aria-label={cell().label}
                          data-testid={`corr-${cell().row}-${cell().col}`}
                          data-value={cell().value}
                        >
                          {cell().text}
                        </td>
                      )}
                    </Index>
                  </tr>
                )}
              </Index>
            </tbody>
          </table>
        </div>
        <div class="heatmap-legend" aria-hidden="true">
          <span class="mono">−1</span>
          <span class="legend-ramp">
            <For each={legend}>{(stop) => <span style={{ background: stop.colour }} />}</For>
          </span>
          <span class="mono">+1</span>
        </div>
        <Show when={props.correlation.clusters.length > 0}>
          <div class="panel-foot" data-testid="correlation-clusters">
            clusters:{" "}
            <For each={props.correlation.clusters}>{(cluster) => <span class="cluster mono">{cluster.join(" · ")}</span>}</For>
          </div>
        </Show>
      </Show>
    </Panel>
  );
}
