import { createMemo, Index, Show } from "solid-js";
import type { RiskReport } from "../../../../core/risk/types.ts";
import { Amount, Panel } from "../../components.tsx";
import { type ExposureBar, exposureBars } from "./model.ts";
import { formatPct } from "./risk-format.ts";

/** Exposure by asset (signed notional) and by venue, as bars scaled to the largest. */
export function ExposurePanel(props: { report: RiskReport }) {
  const byAsset = createMemo(() => exposureBars(props.report.exposure.byAsset.map((a) => ({ label: a.asset, notional: a.notional }))));
  const byVenue = createMemo(() => exposureBars(props.report.exposure.byVenue.map((v) => ({ label: v.venue, notional: v.notional }))));
  const c = () => props.report.concentration;
  return (
    <Panel title="Exposure" testid="exposure-panel" aside={<span class="panel-note">USD notional at mark</span>}>
      <div class="subhead">By asset</div>
      <Bars bars={byAsset()} testid="exposure-asset" empty="No positions." />
      <div class="subhead exposure-sub">By venue</div>
      <Bars bars={byVenue()} testid="exposure-venue" empty="Nothing held at any venue." />
      <div class="panel-foot" data-testid="concentration">
        <Show when={c().largestAsset} fallback="no concentration: nothing held">
          largest {c().largestAsset} {formatPct(c().largestWeight, 1)} of gross · Herfindahl {c().herfindahl.toFixed(3)}
        </Show>
      </div>
    </Panel>
  );
}

function Bars(props: { bars: readonly ExposureBar[]; testid: string; empty: string }) {
  return (
    <Show when={props.bars.length > 0} fallback={<div class="empty-note small-note">{props.empty}</div>}>
      <div class="bars" data-testid={props.testid}>
        <Index each={props.bars}>
          {(bar) => (
            <div class={`bar-row ${bar().side}`} data-testid={`${props.testid}-${bar().label}`}>
              <span class="bar-label mono" title={bar().label}>
                {bar().label}
              </span>
              <span class="bar-track" aria-hidden="true">
                <span class="bar-fill" style={{ width: `${(bar().share * 100).toFixed(1)}%` }} />
              </span>
              <span class="bar-value">
                <Amount value={bar().notional} asset="USD" />
              </span>
            </div>
          )}
        </Index>
      </div>
    </Show>
  );
}
