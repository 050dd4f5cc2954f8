import { createMemo, createSignal, For, Index, Show } from "solid-js";
import type { StressResult } from "../../../../core/risk/types.ts";
import { createCommand } from "../../command.ts";
import { Amount, ErrorNote, Panel } from "../../components.tsx";
import { clockTime } from "../../format.ts";
import { riskApi } from "./risk-api.ts";
import { formatPct } from "./risk-format.ts";
import { detailPairs, lossTone, type StressRow } from "./stress.ts";

const COLUMNS = 6;

/**
 * The stress tests: each scenario's loss and share of equity (coloured against the drawdown
 * limit), its largest driver, and a Run button (traders and admins) that asks the API again
 * and puts the answer in the row. A row opens to show every driver and the result's detail.
 */
export function StressPanel(props: { rows: readonly StressRow[]; canRun: boolean; maxDrawdown: string; onResult: (result: StressResult) => void }) {
  const [expanded, setExpanded] = createSignal<ReadonlySet<string>>(new Set());
  const ids = createMemo(() => props.rows.map((r) => r.scenario), undefined, {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  const toggle = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <Panel title="Stress tests" testid="stress-panel" aside={<span class="panel-note">loss in USD · % of equity, coloured against the drawdown limit</span>}>
      <table class="grid stress-table" data-testid="stress-table">
        <thead>
          <tr>
            <th class="col-caret" />
            <th>Scenario</th>
            <th class="num">Loss</th>
            <th class="num">% equity</th>
            <th>Largest driver</th>
            <th class="col-actions" />
          </tr>
        </thead>
        <For each={ids()}>
          {(id) => {
            const row = () => props.rows.find((r) => r.scenario === id);
            return (
              <Show when={row()}>
                {(r) => (
                  <StressRowView
                    row={r()}
                    canRun={props.canRun}
                    maxDrawdown={props.maxDrawdown}
                    open={expanded().has(id)}
                    onToggle={() => toggle(id)}
                    onResult={props.onResult}
                  />
                )}
              </Show>
            );
          }}
        </For>
      </table>
    </Panel>
  );
}

function StressRowView(props: {
  row: StressRow;
  canRun: boolean;
  maxDrawdown: string;
  open: boolean;
  onToggle: () => void;
  onResult: (result: StressResult) => void;
}) {
  const id = () => props.row.scenario;
  const run = createCommand((scenario: string, key: string) => riskApi.stress(scenario, key));
  const result = () => props.row.result;
  const tone = () => {
    const r = result();
    return r ? lossTone(r.lossPct, props.maxDrawdown) : "ok";
  };
  const top = () => result()?.drivers[0];

  async function go() {
    const reply = await run.submit(id());
    if (reply) props.onResult(reply.result);
  }

  return (
    <tbody class="stress-group" classList={{ open: props.open }}>
      <tr data-testid={`stress-row-${id()}`} data-source={props.row.source ?? ""} class={`tone-${tone()}`}>
        <td class="col-caret">
          <button
            type="button"
            class="caret"
            aria-expanded={props.open}
            aria-label={`${props.open ? "Hide" : "Show"} drivers of ${props.row.name}`}
            data-testid={`stress-toggle-${id()}`}
            disabled={!result()}
            onClick={() => props.onToggle()}
          >
            {props.open ? "▾" : "▸"}
          </button>
        </td>
        <td>
          <span class="stress-name">{props.row.name}</span>
          <Show when={props.row.source === "run" && props.row.ranAtMs}>
            {(at) => (
              <span class="run-tag open stress-ran" data-clock="" title="run from this page">
                ran {clockTime(at())}
              </span>
            )}
          </Show>
        </td>
        <td class="num stress-loss">
          <Show when={result()} fallback={<span class="faint">not run</span>}>
            {(r) => <Amount value={r().loss} asset="USD" testid={`stress-loss-${id()}`} />}
          </Show>
        </td>
        <td class="num">
          <Show when={result()}>
            {(r) => (
              <span class={`stress-pct tone-${tone()}`} data-testid={`stress-pct-${id()}`}>
                {formatPct(r().lossPct, 2)}
              </span>
            )}
          </Show>
        </td>
        <td class="stress-driver">
          <Show when={top()} fallback={<span class="faint">—</span>}>
            {(d) => (
              <span class="mono">
                {d().symbol} <span class="faint">{d().venue} · {d().agent}</span>
              </span>
            )}
          </Show>
        </td>
        <td class="col-actions">
          <Show when={props.canRun}>
            <button type="button" class="small" data-testid={`stress-run-${id()}`} disabled={run.busy()} onClick={() => void go()}>
              {run.busy() ? "Running…" : "Run"}
            </button>
          </Show>
        </td>
      </tr>
      <Show when={run.error()}>
        <tr>
          <td colSpan={COLUMNS}>
            <ErrorNote error={run.error()} testid={`stress-error-${id()}`} />
          </td>
        </tr>
      </Show>
      <Show when={props.open && result()}>
        {(r) => (
          <tr class="stress-detail" data-testid={`stress-drivers-${id()}`}>
            <td />
            <td colSpan={COLUMNS - 1}>
              <div class="stress-detail-body">
                <table class="grid drivers-table">
                  <thead>
                    <tr>
                      <th>Agent</th>
                      <th>Venue</th>
                      <th>Symbol</th>
                      <th class="num">Loss</th>
                    </tr>
                  </thead>
                  <tbody>
                    <Index each={r().drivers} fallback={<tr><td colSpan={4} class="empty-row">No position loses under this scenario.</td></tr>}>
                      {(d) => (
                        <tr>
                          <td class="mono">{d().agent}</td>
                          <td class="mono">{d().venue}</td>
                          <td class="mono">{d().symbol}</td>
                          <td class="num">
                            <Amount value={d().loss} asset="USD" />
                          </td>
                        </tr>
                      )}
                    </Index>
                  </tbody>
                </table>
                <Show when={detailPairs(r().detail).length > 0}>
                  <dl class="facts stress-facts">
                    <For each={detailPairs(r().detail)}>
                      {(p) => (
                        <>
                          <dt>{p.key}</dt>
                          <dd class="mono">{p.value}</dd>
                        </>
                      )}
                    </For>
                  </dl>
                </Show>
              </div>
            </td>
          </tr>
        )}
      </Show>
    </tbody>
  );
}
