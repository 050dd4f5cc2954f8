import { Index, Show } from "solid-js";
import type { Halt } from "../../../../core/risk/types.ts";
import { Amount, Panel, Price } from "../../components.tsx";
import { formatAmount } from "../../format.ts";
import type { PositionRow } from "./model.ts";
import { formatDays, formatMultiple, formatPct } from "./risk-format.ts";

/** Stop distance below this share of the mark is flagged. */
const STOP_NEAR = 0.01;

/** Every position the monitor watches, with its mark, notional, protective stop and liquidity. */
export function RiskPositionsPanel(props: { rows: readonly PositionRow[]; halts: readonly Halt[] }) {
  const halted = (agent: string, farm: string | null) =>
    props.halts.some((h) => h.scope.kind === "desk" || (h.scope.kind === "agent" && h.scope.id === agent) || (h.scope.kind === "farm" && h.scope.id === farm));
  return (
    <Panel title="Positions and stops" testid="risk-positions" aside={<span class="panel-note">{props.rows.length} positions · largest first</span>}>
      <Show when={props.rows.length > 0} fallback={<div class="empty-note">The desk holds no positions.</div>}>
        <div class="table-scroll risk-positions-scroll">
          <table class="grid risk-positions-table">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Venue</th>
                <th>Symbol</th>
                <th class="num">Quantity</th>
                <th class="num">Entry</th>
                <th class="num">Mark</th>
                <th class="num">Notional</th>
                <th class="num">Stop</th>
                <th class="num">To stop</th>
                <th class="num" title="position ÷ book depth within 1% of mid">Depth ×</th>
                <th class="num">Exit days</th>
              </tr>
            </thead>
            <tbody>
              <Index each={props.rows}>
                {(row) => {
                  const p = () => row().position;
                  return (
                    <tr data-testid={`risk-position-${row().key}`} classList={{ halted: halted(p().agent, p().farm) }}>
                      <td class="mono">
                        {p().agent}
                        <Show when={p().farm}>
                          <span class="faint"> · {p().farm}</span>
                        </Show>
                      </td>
                      <td class="mono dim">{p().venue}</td>
                      <td class="mono">{p().symbol}</td>
                      <td class="num">
                        <span class={`amount ${p().quantity.startsWith("-") ? "short" : "long"}`}>{formatAmount(p().quantity, 0)}</span>
                      </td>
                      <td class="num">
                        <Show when={p().entryPrice} fallback={<span class="faint">—</span>}>
                          {(e) => <Price value={e()} />}
                        </Show>
                      </td>
                      <td class="num">
                        <Price value={p().price} />
                      </td>
                      <td class="num">
                        <Amount value={p().notional} asset="USD" />
                      </td>
                      <td class="num" data-testid={`risk-stop-${row().key}`}>
                        <Show when={p().stop} fallback={<span class="run-tag bad">no stop</span>}>
                          {(s) => (
                            <>
                              <Price value={s().price} />
                              <span class="stop-source faint" title={s().source === "default" ? "the desk's default stop distance" : "the strategy's own stop"}>
                                {" "}
                                {s().source === "default" ? "dflt" : "strat"}
                              </span>
                            </>
                          )}
                        </Show>
                      </td>
                      <td class="num">
                        <Show when={row().stopDistance !== null} fallback={<span class="faint">—</span>}>
                          <span classList={{ "tone-breach": (row().stopDistance ?? 0) <= 0, "tone-warn": (row().stopDistance ?? 0) > 0 && (row().stopDistance ?? 0) < STOP_NEAR }}>
                            {formatPct(row().stopDistance ?? Number.NaN, 2)}
                          </span>
                        </Show>
                      </td>
                      <td class="num mono">{row().depthMultiple === null ? "—" : formatMultiple(row().depthMultiple ?? Number.NaN)}</td>
                      <td class="num mono">{row().daysToLiquidate === null ? "—" : formatDays(row().daysToLiquidate ?? Number.NaN)}</td>
                    </tr>
                  );
                }}
              </Index>
            </tbody>
          </table>
        </div>
      </Show>
    </Panel>
  );
}
