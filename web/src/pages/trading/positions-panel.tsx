import { For, Show } from "solid-js";
import { Amount, Panel } from "../../components.tsx";
import { isZeroAmount } from "../../format.ts";
import type { PositionRow } from "./account.ts";

/** The agent's holdings per asset: balance, what is free to trade, what open orders hold. */
export function PositionsPanel(props: { rows: readonly PositionRow[] | null; symbolAssets: readonly string[] }) {
  return (
    <Panel title="Positions" testid="positions-panel">
      <Show when={props.rows} fallback={<div class="empty-note">Loading positions…</div>}>
        <table class="grid positions-table">
          <thead>
            <tr>
              <th>Asset</th>
              <th class="num">Balance</th>
              <th class="num">Available</th>
              <th class="num">Reserved</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>
              {(row) => (
                <tr data-testid={`position-${row.asset}`} classList={{ focus: props.symbolAssets.includes(row.asset) }}>
                  <td class="mono asset">{row.asset}</td>
                  <td class="num">
                    <Amount value={row.balance} asset={row.asset} testid={`position-balance-${row.asset}`} />
                  </td>
                  <td class="num">
                    <Amount value={row.available} asset={row.asset} testid={`position-available-${row.asset}`} muted={isZeroAmount(row.available)} />
                  </td>
                  <td class="num">
                    <Amount value={row.reserved} asset={row.asset} testid={`position-reserved-${row.asset}`} muted={isZeroAmount(row.reserved)} />
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </Panel>
  );
}
