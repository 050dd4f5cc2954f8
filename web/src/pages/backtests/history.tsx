import { For, Show } from "solid-js";
import { Panel } from "../../components.tsx";
import { type BacktestSummary, formatPct, formatRatio, intervalLabel, utcMinute } from "./model.ts";

/** Past backtests, newest first; a row reopens its result. */
export function HistoryPanel(props: { rows: readonly BacktestSummary[]; openId: string | null; more: boolean; onOpen: (id: string) => void; onMore: () => void }) {
  return (
    <Panel title="Past backtests" testid="bt-history">
      <Show when={props.rows.length > 0} fallback={<p class="faint">None yet: run one.</p>}>
        <table class="grid bt-history">
          <thead>
            <tr>
              <th>When (UTC)</th>
              <th>Strategy</th>
              <th>Candles</th>
              <th class="num">Return</th>
              <th class="num">B&amp;H</th>
              <th class="num">Sharpe</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>
              {(b) => (
                <tr classList={{ focus: props.openId === b.id }} data-testid={`bt-history-${b.id}`} onClick={() => props.onOpen(b.id)} style={{ cursor: "pointer" }}>
                  <td class="mono">{utcMinute(b.createdAtMs).slice(5)}</td>
                  <td>{b.strategy}</td>
                  <td class="mono">
                    {b.symbols.join("/")} {intervalLabel(b.intervalMs)} ×{b.bars}
                  </td>
                  <td class="num mono">{formatPct(b.metrics.totalReturn)}</td>
                  <td class="num mono">{formatPct(b.benchmark.totalReturn)}</td>
                  <td class="num mono">{formatRatio(b.metrics.sharpe)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={props.more}>
          <div class="button-row">
            <button type="button" class="small" data-testid="bt-history-more" onClick={() => props.onMore()}>
              Older
            </button>
          </div>
        </Show>
      </Show>
    </Panel>
  );
}
