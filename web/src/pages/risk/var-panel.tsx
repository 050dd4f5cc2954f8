import { createMemo, For, Index, Show } from "solid-js";
import type { RiskReport } from "../../../../core/risk/types.ts";
import { Amount, Panel } from "../../components.tsx";
import { VAR_COLUMNS, varTable } from "./var-table.ts";

/** VaR and expected shortfall by method (rows) × horizon and confidence (columns), in USD. */
export function VarPanel(props: { report: RiskReport }) {
  const rows = createMemo(() => varTable(props.report.var));
  return (
    <Panel
      title="Value at risk"
      testid="var-panel"
      aside={
        <span class="panel-note">
          USD · ES = mean loss beyond the VaR · limit <Amount value={props.report.limits.desk.maxVar} asset="USD" /> on parametric 1d 99%
        </span>
      }
    >
      <div class="table-scroll-x">
        <table class="grid var-table" data-testid="var-table">
          <thead>
            <tr>
              <th rowSpan={2} scope="col">
                Method
              </th>
              <For each={VAR_COLUMNS}>
                {(col) => (
                  <th colSpan={2} scope="colgroup" class="num var-group">
                    {col.label}
                  </th>
                )}
              </For>
            </tr>
            <tr>
              <For each={VAR_COLUMNS}>
                {() => (
                  <>
                    <th scope="col" class="num var-group">
                      VaR
                    </th>
                    <th scope="col" class="num">
                      ES
                    </th>
                  </>
                )}
              </For>
            </tr>
          </thead>
          <tbody>
            <Index each={rows()}>
              {(row) => (
                <tr data-testid={`var-row-${row().method}`}>
                  <th scope="row" class="var-method">
                    {row().label}
                  </th>
                  <Index each={row().cells}>
                    {(cell) => {
                      const id = () => `var-${row().method}-${cell().column.horizon}-${Math.round(cell().column.confidence * 100)}`;
                      return (
                        <>
                          <td class="num var-group" classList={{ "var-limit": cell().isLimit }} title={cell().isLimit ? "the figure the desk's VaR limit applies to" : undefined}>
                            <Show when={cell().figure} fallback={<span class="faint">—</span>}>
                              {(f) => <Amount value={f().var} asset="USD" testid={`${id()}-var`} />}
                            </Show>
                          </td>
                          <td class="num var-es" classList={{ "var-limit": cell().isLimit }}>
                            <Show when={cell().figure} fallback={<span class="faint">—</span>}>
                              {(f) => <Amount value={f().es} asset="USD" testid={`${id()}-es`} />}
                            </Show>
                          </td>
                        </>
                      );
                    }}
                  </Index>
                </tr>
              )}
            </Index>
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
