import { createSignal, For, Show } from "solid-js";
import type { AgentTrades, ClosedTrade, OpenTrade } from "../../../../core/trades/types.ts";
import type { ApiError } from "../../api.ts";
import { asApiError, createCommand } from "../../command.ts";
import { Amount, ErrorNote, Panel, Price } from "../../components.tsx";
import { clockTime } from "../../format.ts";
import { agentsApi, downloadCsv } from "./agents-api.ts";
import { Pnl } from "./bits.tsx";
import { formatDuration, signedPct } from "./model.ts";

/** One open position: entry, mark, unrealized P&L, age, stop; traders may close it (after a confirm). */
function OpenRow(props: { slug: string; t: OpenTrade; canAct: boolean; onClosed: () => void }) {
  const t = () => props.t;
  const [confirming, setConfirming] = createSignal(false);
  const [done, setDone] = createSignal<string | null>(null);
  const close = createCommand((body: { venue: string; symbol: string }, key: string) => agentsApi.closePosition(props.slug, body, key));
  async function confirm() {
    const out = await close.submit({ venue: t().venue, symbol: t().symbol });
    setConfirming(false);
    if (!out) return;
    setDone(out.order.message ?? `sell ${out.order.status}`);
    props.onClosed();
  }
  return (
    <>
    <tr data-testid={`open-trade-${t().venue}-${t().symbol}`}>
      <td class="mono">
        {t().symbol}
        <div class="trade-venue">{t().venue}</div>
      </td>
      <td class="num"><Price value={t().quantity} /></td>
      <td class="num"><Price value={t().entryPrice} /></td>
      <td class="num">{t().currentPrice ? <Price value={t().currentPrice ?? undefined} /> : <span class="faint">no mark</span>}</td>
      <td class="num">
        <Show when={t().unrealizedPnl} fallback={<span class="faint">—</span>}>{(u) => <Pnl value={u()} />}</Show>
        <span class="faint"> {signedPct(t().unrealizedPct)}</span>
      </td>
      <td class="num" title={new Date(t().entryTimeMs).toISOString()}>{formatDuration(t().durationMs)}</td>
      <td class="num">{t().stop ? <Price value={t().stop ?? undefined} /> : <span class="faint">—</span>}</td>
      <td class="col-actions">
        <Show when={props.canAct && !done() && !confirming()}>
          <button type="button" class="small danger" data-testid={`close-${t().venue}-${t().symbol}`} onClick={() => setConfirming(true)}>Close</button>
        </Show>
        <Show when={done()}>{(m) => <span class="faint small-note" data-testid="close-result">{m()}</span>}</Show>
      </td>
    </tr>
    <Show when={confirming() || close.error()}>
      <tr class="confirm-row">
        <td colspan="8">
          <Show when={confirming()}>
            <span class="confirm">
              Market-sell all <Price value={t().quantity} /> {t().symbol} on {t().venue} (reduce-only)?
              <button type="button" class="small danger" data-testid={`close-confirm-${t().venue}-${t().symbol}`} disabled={close.busy()} onClick={() => void confirm()}>Confirm</button>
              <button type="button" class="small" onClick={() => setConfirming(false)}>Cancel</button>
            </span>
          </Show>
          <ErrorNote error={close.error()} testid="close-error" />
        </td>
      </tr>
    </Show>
    </>
  );
}

function ClosedRow(props: { t: ClosedTrade }) {
  const t = () => props.t;
  return (
    <tr data-testid="closed-trade">
      <td class="mono">{t().symbol}</td>
      <td class="num"><Price value={t().quantity} /></td>
      <td class="num"><Price value={t().entryPrice} /> → <Price value={t().exitPrice} /></td>
      <td class="num"><Pnl value={t().realizedPnl} /> <span class="faint">{signedPct(t().realizedPct)}</span></td>
      <td class="num"><Amount value={t().fees} asset="USD" muted /></td>
      <td class="num">{formatDuration(t().durationMs)}</td>
      <td class="num mono faint" data-clock="">{clockTime(t().exitTimeMs)}</td>
    </tr>
  );
}

/** CSV downloads of the agent's trades and fills (fetched with the bearer token, saved as files). */
function CsvButtons(props: { slug: string }) {
  const [error, setError] = createSignal<ApiError | null>(null);
  const get = (file: "trades.csv" | "fills.csv") => downloadCsv(props.slug, file).then(() => setError(null), (e: unknown) => setError(asApiError(e)));
  return (
    <span class="csv-buttons">
      <button type="button" class="small" data-testid="csv-trades" onClick={() => void get("trades.csv")}>Trades CSV</button>
      <button type="button" class="small" data-testid="csv-fills" onClick={() => void get("fills.csv")}>Fills CSV</button>
      <ErrorNote error={error()} testid="csv-error" />
    </span>
  );
}

/** Open positions as trades (with close buttons for traders), closed trades, and the agent's attribution. */
export function TradesPanel(props: { slug: string; trades: AgentTrades; canAct: boolean; onChanged: () => void }) {
  const at = () => props.trades.attribution;
  return (
    <Panel title="Trades" testid="agent-trades" aside={<CsvButtons slug={props.slug} />}>
      <div class="attribution" data-testid="attribution">
        realized <Pnl value={at().realizedPnl} /> · unrealized <Pnl value={at().unrealizedPnl} /> · fees <Amount value={at().fees} asset="USD" /> · slippage <Amount value={at().slippage} asset="USD" /> · hit rate{" "}
        {at().hitRate === null ? "—" : `${Math.round((at().hitRate ?? 0) * 100)}% of ${at().closedTrades}`}
      </div>
      <div class="subhead">Open</div>
      <Show when={props.trades.open.length > 0} fallback={<div class="empty-note" data-testid="no-open-trades">No open position.</div>}>
        <div class="table-scroll-x">
          <table class="tree trades-table" data-testid="open-trades">
            <thead><tr><th>Symbol</th><th class="num">Qty</th><th class="num">Entry</th><th class="num">Mark</th><th class="num">Unrealized</th><th class="num">Age</th><th class="num">Stop</th><th /></tr></thead>
            <tbody><For each={props.trades.open}>{(t) => <OpenRow slug={props.slug} t={t} canAct={props.canAct} onClosed={props.onChanged} />}</For></tbody>
          </table>
        </div>
      </Show>
      <div class="subhead">Closed</div>
      <Show when={props.trades.closed.length > 0} fallback={<div class="empty-note">No closed trade yet.</div>}>
        <div class="table-scroll-x trades-closed-scroll">
          <table class="tree trades-table" data-testid="closed-trades">
            <thead><tr><th>Symbol</th><th class="num">Qty</th><th class="num">Entry → exit</th><th class="num">Realized</th><th class="num">Fees</th><th class="num">Held</th><th class="num">Closed</th></tr></thead>
            <tbody><For each={props.trades.closed}>{(t) => <ClosedRow t={t} />}</For></tbody>
          </table>
        </div>
      </Show>
    </Panel>
  );
}
