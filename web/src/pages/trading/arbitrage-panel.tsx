import { createMemo, For, Show } from "solid-js";
import type { ApiError } from "../../api.ts";
import { Amount, ErrorNote, Panel } from "../../components.tsx";
import { clockTime, formatAmount } from "../../format.ts";
import type { ArbitrageOpportunity, ArbitrageReply } from "../../types.ts";

/** Shown at most, best first; the selected symbol's come first. */
const SHOWN = 6;

const short = (venue: string) => venue.replace(/^paper-/, "");

/** Cross-venue opportunities from the scanner: buy here, sell there, net of both taker fees. */
export function ArbitragePanel(props: { reply: ArbitrageReply | null; error: ApiError | null; symbol: string }) {
  const rows = createMemo((): ArbitrageOpportunity[] => {
    const all = (props.reply?.symbols ?? []).flatMap((s) => s.opportunities);
    return [...all.filter((o) => o.symbol === props.symbol), ...all.filter((o) => o.symbol !== props.symbol)].slice(0, SHOWN);
  });
  return (
    <Panel
      title="Arbitrage"
      testid="arbitrage-panel"
      aside={
        <Show when={props.reply}>
          {(r) => <span class="panel-note mono" data-testid="arbitrage-scanned">scanned {clockTime(r().scannedAtMs)}</span>}
        </Show>
      }
    >
      <ErrorNote error={props.error} testid="arbitrage-error" />
      <Show when={props.reply} fallback={<div class="empty-note">Scanning…</div>}>
        <Show when={rows().length > 0} fallback={<div class="empty-note" data-testid="arbitrage-none">Nothing profitable across venues net of fees right now.</div>}>
          <table class="grid">
            <thead>
              <tr>
                <th>Symbol</th>
                <th>Buy → sell</th>
                <th class="num">Qty</th>
                <th class="num">Profit</th>
                <th class="num">bp</th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(o) => (
                  <tr data-testid="arbitrage-row" title={`buy ≤ ${formatAmount(o.buyLimitPrice)} on ${o.buyVenueId}, sell ≥ ${formatAmount(o.sellLimitPrice)} on ${o.sellVenueId}`}>
                    <td class="mono">{o.symbol}</td>
                    <td class="mono dim">
                      {short(o.buyVenueId)} → {short(o.sellVenueId)}
                    </td>
                    <td class="num amount">{o.quantity}</td>
                    <td class="num">
                      <Amount value={o.expectedProfit} asset={o.symbol.split("-")[1] ?? "USD"} />
                    </td>
                    <td class="num mono dim">{o.edgeBp.toFixed(1)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
    </Panel>
  );
}
