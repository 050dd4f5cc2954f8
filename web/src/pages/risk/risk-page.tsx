import { createMemo, createSignal, type JSX, Show } from "solid-js";
import type { Halt, RiskReport, StressResult } from "../../../../core/risk/types.ts";
import { Amount, ErrorNote } from "../../components.tsx";
import { clockTime } from "../../format.ts";
import type { Role } from "../../types.ts";
import { canAct, isAdmin } from "../../wallet-tree.ts";
import { AlertsPanel } from "./alerts-panel.tsx";
import { ExposurePanel } from "./exposure-panel.tsx";
import { gaugeTone } from "./gauges.ts";
import { HeatmapPanel } from "./heatmap-panel.tsx";
import { KillSwitch, REASON_INPUT_ID } from "./kill-switch.tsx";
import { LimitsPanel } from "./limits-panel.tsx";
import { HaltBanners, useRiskFeed } from "../../halts/banners.tsx";
import { dailyPnlFraction, knownScopes, positionRows } from "./model.ts";
import { RiskPositionsPanel } from "./positions-panel.tsx";
import { createRiskFeed } from "./risk-feed.ts";
import { formatMultiple, formatPct, scopeKey, signTone } from "./risk-format.ts";
import { applyStressResult, type StressRun, stressRows } from "./stress.ts";
import { StressPanel } from "./stress-panel.tsx";
import { VarPanel } from "./var-panel.tsx";

/**
 * The Risk page: the monitor's report, live. Header figures and any halt first, then VaR, limit
 * gauges, exposure, correlations, stress tests, positions with their stops, and alerts. Traders
 * run stress scenarios; admins hold the kill switch; viewers read.
 */
export default function RiskPage(props: { role: Role }) {
  // The shell's feed when there is one: a halt made here shows on every page's banner at once.
  const shared = useRiskFeed();
  const feed = shared ?? createRiskFeed();
  if (shared) shared.reload();
  const [runs, setRuns] = createSignal<ReadonlyMap<string, StressRun>>(new Map());
  const [killScope, setKillScope] = createSignal("desk");

  const stress = createMemo(() => {
    const r = feed.report();
    return r ? stressRows(r.stress, runs()) : [];
  });
  const positions = createMemo(() => {
    const r = feed.report();
    return r ? positionRows(r.positions, r.liquidity) : [];
  });
  const scopes = createMemo(() => knownScopes(feed.report(), feed.halts()));

  function onStressResult(result: StressResult) {
    const reported = feed.report()?.stress ?? [];
    setRuns((prev) => applyStressResult(prev, result, Date.now(), reported));
  }

  function resumeFrom(halt: Halt) {
    setKillScope(scopeKey(halt.scope));
    const input = document.getElementById(REASON_INPUT_ID);
    input?.scrollIntoView({ block: "center" });
    input?.focus();
  }

  return (
    <div class="page risk" data-testid="risk-page">
      <header class="page-head">
        <div>
          <h1>Risk</h1>
          <p class="sub">
            Desk risk as the monitor computes it
            <Show when={feed.report()}>
              {(r) => (
                <>
                  {" "}
                  · {r().history.bars} hourly bars ({r().history.source})
                </>
              )}
            </Show>
            <Show when={!canAct(props.role)}>
              <span class="read-only-tag" data-testid="read-only">
                read only
              </span>
            </Show>
          </p>
        </div>
        <div class="page-tools">
          <span class="updated" data-testid="risk-updated" data-source={feed.source() ?? ""}>
            <Show when={feed.report()}>
              {(r) => (
                <>
                  {feed.source() === "live" ? "live" : "polled"} · as of {clockTime(r().asOfMs)}
                </>
              )}
            </Show>
          </span>
          <button type="button" class="small" data-testid="risk-refresh" disabled={feed.loading()} onClick={() => feed.reload()}>
            Refresh
          </button>
        </div>
      </header>

      <ErrorNote error={feed.error()} testid="risk-error" />

      <HaltBanners halts={feed.halts()} onResume={isAdmin(props.role) ? resumeFrom : undefined} />

      <Show when={feed.report()} fallback={<Show when={!feed.error()}><div class="loading">Loading the risk report…</div></Show>}>
        {(report) => (
          <>
            <HeaderStats report={report()} />
            <div class="risk-layout">
              <div class="risk-main">
                <VarPanel report={report()} />
                <div class="risk-pair">
                  <ExposurePanel report={report()} />
                  <HeatmapPanel correlation={report().correlation} />
                </div>
                <StressPanel rows={stress()} canRun={canAct(props.role)} maxDrawdown={report().limits.desk.maxDrawdown} onResult={onStressResult} />
              </div>
              <div class="risk-side">
                <Show when={isAdmin(props.role)}>
                  <KillSwitch
                    scopes={scopes()}
                    halts={feed.halts()}
                    scopeKey={killScope()}
                    onScope={setKillScope}
                    onChange={(change) => feed.applyChange(change)}
                  />
                </Show>
                <LimitsPanel usage={report().usage} limits={report().limits} />
                <AlertsPanel alerts={feed.alerts()} />
              </div>
              <div class="risk-wide">
                <RiskPositionsPanel rows={positions()} halts={feed.halts()} />
              </div>
            </div>
          </>
        )}
      </Show>
    </div>
  );
}

function Stat(props: { label: string; testid: string; children: JSX.Element; sub?: JSX.Element; tone?: string }) {
  return (
    <div class={`stat risk-stat ${props.tone ?? ""}`} data-testid={props.testid}>
      <span class="stat-label">{props.label}</span>
      <div class="stat-value">{props.children}</div>
      <Show when={props.sub}>
        <span class="stat-sub">{props.sub}</span>
      </Show>
    </div>
  );
}

/** Equity, the day's P&L, drawdown, exposure and leverage: the desk at a glance. */
function HeaderStats(props: { report: RiskReport }) {
  const r = () => props.report;
  const deskUsage = (rule: string) => r().usage.find((u) => u.scope.kind === "desk" && u.rule === rule);
  const toneOf = (rule: string) => {
    const u = deskUsage(rule);
    return u ? `tone-${gaugeTone(u.ratio)}` : "";
  };
  const pnlPct = () => dailyPnlFraction(r());
  return (
    <div class="totals risk-totals" data-testid="risk-header">
      <Stat label="Equity" testid="risk-equity" sub={<>peak <Amount value={r().peakEquity} asset="USD" /></>}>
        <Amount value={r().equity} asset="USD" unit testid="risk-equity-value" />
      </Stat>
      <Stat label="Daily P&L" testid="risk-daily-pnl" tone={`${toneOf("max_daily_loss")} pnl-${signTone(r().dailyPnl) || "flat"}`} sub={formatPct(pnlPct(), 2)}>
        <Amount value={r().dailyPnl} asset="USD" unit testid="risk-daily-pnl-value" />
      </Stat>
      <Stat label="Drawdown" testid="risk-drawdown" tone={toneOf("max_drawdown")} sub={<>limit {formatPct(Number(r().limits.desk.maxDrawdown), 1)}</>}>
        <span class="stat-figure" data-value={r().drawdown}>
          {formatPct(r().drawdown, 2)}
        </span>
      </Stat>
      <Stat label="Gross exposure" testid="risk-gross" tone={toneOf("max_gross_exposure")} sub={<>limit <Amount value={r().limits.desk.maxGrossExposure} asset="USD" /></>}>
        <Amount value={r().grossExposure} asset="USD" unit testid="risk-gross-value" />
      </Stat>
      <Stat label="Net exposure" testid="risk-net" sub={r().concentration.largestAsset ? `largest ${r().concentration.largestAsset} ${formatPct(r().concentration.largestWeight, 1)}` : "no positions"}>
        <Amount value={r().netExposure} asset="USD" unit testid="risk-net-value" />
      </Stat>
      <Stat label="Leverage" testid="risk-leverage" sub={<>net {formatMultiple(r().leverage.net)}</>}>
        <span class="stat-figure" data-testid="risk-leverage-gross">
          {formatMultiple(r().leverage.gross)}
        </span>
      </Stat>
    </div>
  );
}
