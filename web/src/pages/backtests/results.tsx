import { createMemo, For, Show } from "solid-js";
import type { WalkForwardResult } from "../../../../core/backtest/types.ts";
import { Panel } from "../../components.tsx";
import { EquityChart, PriceChart } from "./charts.tsx";
import { type BacktestRecord, formatPct, formatRatio, intervalLabel, metricRows, tradeMarkers, utcMinute } from "./model.ts";

/** Strategy against buy-and-hold, figure by figure; the better one is marked where better means something. */
export function MetricsTable(props: { record: BacktestRecord }) {
  const rows = createMemo(() => metricRows(props.record.metrics, props.record.benchmark));
  return (
    <Panel title="Metrics" testid="bt-metrics" aside={<span class="panel-note">benchmark: buy and hold {props.record.symbols[0]}, same fees</span>}>
      <table class="grid" data-testid="bt-metrics-table">
        <thead>
          <tr>
            <th>Metric</th>
            <th class="num">Strategy</th>
            <th class="num">Buy &amp; hold</th>
          </tr>
        </thead>
        <tbody>
          <For each={rows()}>
            {(r) => (
              <tr data-testid={`bt-metric-${r.key}`}>
                <td>{r.label}</td>
                <td class="num mono" classList={{ "bt-better": r.better === "strategy" }} data-testid={`bt-metric-${r.key}-strategy`}>
                  {r.strategy}
                </td>
                <td class="num mono" classList={{ "bt-better": r.better === "benchmark" }}>
                  {r.benchmark}
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Panel>
  );
}

/** Missing bars, as found: never filled. */
export function GapsPanel(props: { record: BacktestRecord }) {
  const missing = () => props.record.gaps.reduce((n, g) => n + g.bars, 0);
  return (
    <Panel title="Gaps" testid="bt-gaps" aside={<span class="panel-note">missing bars are reported, never filled</span>}>
      <Show when={props.record.gaps.length > 0} fallback={<p class="faint" data-testid="bt-no-gaps">No gaps: every {intervalLabel(props.record.intervalMs)} bar is present.</p>}>
        <p data-testid="bt-gap-count">
          {props.record.gaps.length} gap{props.record.gaps.length === 1 ? "" : "s"}, {missing()} bar{missing() === 1 ? "" : "s"} missing
        </p>
        <table class="grid">
          <thead>
            <tr>
              <th>Symbol</th>
              <th>After</th>
              <th>Next</th>
              <th class="num">Bars</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.record.gaps.slice(0, 20)}>
              {(g) => (
                <tr>
                  <td>{g.symbol}</td>
                  <td class="mono">{utcMinute(g.afterMs)}</td>
                  <td class="mono">{utcMinute(g.nextMs)}</td>
                  <td class="num mono">{g.bars}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </Panel>
  );
}

/** Each fold's chosen parameters and its objective in and out of sample: a wide gap is overfitting. */
export function WalkForwardTable(props: { wf: WalkForwardResult; base: Readonly<Record<string, unknown>> }) {
  const fmt = (x: number) => (props.wf.objective === "sharpe" ? formatRatio(x) : formatPct(x));
  return (
    <Panel title="Walk-forward" testid="bt-walk-forward" aside={<span class="panel-note">objective: {props.wf.objective === "sharpe" ? "Sharpe" : "total return"}</span>}>
      <table class="grid" data-testid="bt-wf-table">
        <thead>
          <tr>
            <th>#</th>
            <th>In sample</th>
            <th>Out of sample</th>
            <th>Chosen</th>
            <th class="num">In</th>
            <th class="num">Out</th>
            <th class="num">Out return</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.wf.folds}>
            {(f, i) => (
              <tr data-testid="bt-wf-fold">
                <td>{i() + 1}</td>
                <td class="mono">{utcMinute(f.inSample.fromMs).slice(0, 10)} → {utcMinute(f.inSample.toMs).slice(0, 10)}</td>
                <td class="mono">{utcMinute(f.outOfSample.fromMs).slice(0, 10)} → {utcMinute(f.outOfSample.toMs).slice(0, 10)}</td>
                <td class="mono">{chosen(f.params, props.base)}</td>
                <td class="num mono">{fmt(props.wf.objective === "sharpe" ? f.inSampleMetrics.sharpe : f.inSampleMetrics.totalReturn)}</td>
                <td class="num mono">{fmt(props.wf.objective === "sharpe" ? f.outOfSampleMetrics.sharpe : f.outOfSampleMetrics.totalReturn)}</td>
                <td class="num mono">{formatPct(f.outOfSampleMetrics.totalReturn)}</td>
              </tr>
            )}
          </For>
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={4}>Mean in vs out of sample · chained out-of-sample return</td>
            <td class="num mono" data-testid="bt-wf-in">{fmt(props.wf.inSampleMean)}</td>
            <td class="num mono" data-testid="bt-wf-out">{fmt(props.wf.outOfSampleMean)}</td>
            <td class="num mono">{formatPct(props.wf.outOfSampleReturn)}</td>
          </tr>
        </tfoot>
      </table>
      <Show when={props.wf.folds.length === 0}>
        <p class="faint">No fold fits: the candles are shorter than one in-sample plus one out-of-sample window.</p>
      </Show>
    </Panel>
  );
}

/** The fold's parameters that differ from the run's own (what the grid chose). */
function chosen(params: Readonly<Record<string, unknown>>, base: Readonly<Record<string, unknown>>): string {
  const changed = Object.entries(params).filter(([k, v]) => base[k] !== v);
  return changed.length === 0 ? "as run" : changed.map(([k, v]) => `${k}=${String(v)}`).join(" ");
}

/** A whole result: headline, equity against buy-and-hold, candles with trades and plots, metrics, gaps, walk-forward. */
export function ResultView(props: { record: BacktestRecord }) {
  const r = () => props.record;
  return (
    <div class="bt-result" data-testid="bt-result" data-id={r().id}>
      <div class="totals">
        <div class="stat">
          <span class="stat-label">Backtest</span>
          <span class="mono" data-testid="bt-result-id">{r().id}</span>
        </div>
        <div class="stat">
          <span class="stat-label">{r().strategy}</span>
          <span class="mono">
            {r().symbols.join(" / ")} · {intervalLabel(r().intervalMs)} · {r().bars.toLocaleString()} bars
          </span>
        </div>
        <div class="stat">
          <span class="stat-label">Return vs buy &amp; hold</span>
          <span class="mono" data-testid="bt-headline-return">
            {formatPct(r().metrics.totalReturn)} vs {formatPct(r().benchmark.totalReturn)}
          </span>
        </div>
        <div class="stat">
          <span class="stat-label">Period (UTC)</span>
          <span class="mono">
            {utcMinute(r().fromMs)} → {utcMinute(r().toMs)}
          </span>
        </div>
      </div>
      <Panel title="Equity" testid="bt-equity" aside={<span class="panel-note">strategy (blue) against buy and hold (grey), USD</span>}>
        <EquityChart time={r().equity.time} strategy={r().equity.strategy} benchmark={r().equity.benchmark} />
      </Panel>
      <For each={r().chart}>
        {(c, k) => (
          <Panel title={`${c.symbol}: trades and indicators`} testid="bt-price" aside={<span class="panel-note">{r().stored.note}</span>}>
            <PriceChart candles={c} markers={tradeMarkers(r().trades, c.symbol, c.time)} plots={k() === 0 ? r().plots : {}} plotTime={r().equity.time} />
          </Panel>
        )}
      </For>
      <div class="bt-pair">
        <MetricsTable record={r()} />
        <GapsPanel record={r()} />
      </div>
      <Show when={r().walkForward}>{(wf) => <WalkForwardTable wf={wf()} base={r().params} />}</Show>
    </div>
  );
}
