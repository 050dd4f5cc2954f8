import { createSignal, onMount, Show } from "solid-js";
import type { ApiError } from "../../api.ts";
import { asApiError } from "../../command.ts";
import { ErrorNote } from "../../components.tsx";
import type { Role } from "../../types.ts";
import { canAct } from "../../wallet-tree.ts";
import { BacktestForm } from "./backtest-form.tsx";
import { backtestsApi } from "./backtests-api.ts";
import { HistoryPanel } from "./history.tsx";
import type { BacktestRecord, BacktestSummary, Strategy } from "./model.ts";
import { ResultView } from "./results.tsx";
import "./backtests.css";

/**
 * The Backtests page: run a strategy over the bundled synthetic history or uploaded candles, then
 * read the result (equity against buy-and-hold, trades and indicators on the candles, metrics,
 * gaps, walk-forward); past runs are listed to reopen. Traders run; viewers read.
 */
export default function BacktestsPage(props: { role: Role }) {
  const [strategies, setStrategies] = createSignal<Strategy[] | null>(null);
  const [history, setHistory] = createSignal<BacktestSummary[]>([]);
  const [next, setNext] = createSignal<string | null>(null);
  const [record, setRecord] = createSignal<BacktestRecord | null>(null);
  const [loadingId, setLoadingId] = createSignal<string | null>(null);
  const [error, setError] = createSignal<ApiError | null>(null);

  async function loadHistory(more = false) {
    try {
      const page = await backtestsApi.list(20, more ? (next() ?? undefined) : undefined);
      setHistory(more ? [...history(), ...page.backtests] : page.backtests);
      setNext(page.next);
    } catch (e) {
      setError(asApiError(e));
    }
  }

  async function open(id: string) {
    setLoadingId(id);
    setError(null);
    try {
      setRecord(await backtestsApi.get(id));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setLoadingId(null);
    }
  }

  onMount(() => {
    backtestsApi.strategies().then(
      (r) => setStrategies(r.strategies),
      (e: unknown) => setError(asApiError(e)),
    );
    void loadHistory();
  });

  return (
    <div class="page backtests" data-testid="backtests-page">
      <header class="page-head">
        <div>
          <h1>Backtests</h1>
          <p class="sub">
            Strategies replayed through the paper venue's own fills, fees and sizing
            <Show when={!canAct(props.role)}>
              <span class="read-only-tag" data-testid="read-only">
                read only
              </span>
            </Show>
          </p>
        </div>
      </header>
      <ErrorNote error={error()} testid="bt-page-error" />
      <div class="bt-layout">
        <div class="bt-side">
          <Show when={strategies()} fallback={<div class="loading">Loading the strategies…</div>}>
            {(list) => (
              <BacktestForm
                strategies={list()}
                canRun={canAct(props.role)}
                onDone={(id) => {
                  void open(id);
                  void loadHistory();
                }}
              />
            )}
          </Show>
          <HistoryPanel rows={history()} openId={record()?.id ?? null} more={next() !== null} onOpen={(id) => void open(id)} onMore={() => void loadHistory(true)} />
        </div>
        <div class="bt-main">
          <Show when={loadingId()}>
            <div class="loading">Opening {loadingId()}…</div>
          </Show>
          <Show when={record()} keyed fallback={<Show when={!loadingId()}><div class="faint bt-empty">Run a backtest, or open one from the list.</div></Show>}>
            {(r) => <ResultView record={r} />}
          </Show>
        </div>
      </div>
    </div>
  );
}
