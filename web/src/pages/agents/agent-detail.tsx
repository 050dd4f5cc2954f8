import { type JSX, Show } from "solid-js";
import type { AgentSummary } from "../../../../core/agents/types.ts";
import { createCommand } from "../../command.ts";
import { Amount, ErrorNote } from "../../components.tsx";
import { agentsApi } from "./agents-api.ts";
import type { AgentsFeed } from "./agents-feed.ts";
import { Pnl, StatusBadge } from "./bits.tsx";
import { ConfigPanel } from "./config-form.tsx";
import { DecisionsPanel } from "./decisions-panel.tsx";
import { EquityChart } from "./equity-chart.tsx";
import { FarmModePanel } from "./farm-mode.tsx";
import { agentSlug, farmSlug, formatWinRate } from "./model.ts";
import { TradesPanel } from "./trades-panel.tsx";

function Stat(props: { label: string; testid: string; children: JSX.Element }) {
  return (
    <div class="stat" data-testid={props.testid}>
      <span class="stat-label">{props.label}</span>
      <div class="stat-value">{props.children}</div>
    </div>
  );
}

/** Pause or resume the agent's cycle (a paused agent keeps its positions). */
function PauseResume(props: { agent: AgentSummary; onAgent: (a: AgentSummary) => void }) {
  const paused = () => props.agent.status === "paused" || props.agent.config?.paused === true;
  const toggle = createCommand((resume: boolean, key: string) => (resume ? agentsApi.resume(agentSlug(props.agent.id), key) : agentsApi.pause(agentSlug(props.agent.id), key)));
  async function click() {
    const out = await toggle.submit(paused());
    if (out) props.onAgent(out.agent);
  }
  return (
    <span class="pause-resume">
      <button type="button" class="small" classList={{ primary: paused() }} data-testid={paused() ? "agent-resume" : "agent-pause"} disabled={toggle.busy()} onClick={() => void click()}>
        {paused() ? "▶ Resume" : "❚❚ Pause"}
      </button>
      <ErrorNote error={toggle.error()} testid="pause-error" />
    </span>
  );
}

/** The chosen agent: headline figures, equity, decisions, trades, parameters, its farm's mode. */
export function AgentDetail(props: { feed: AgentsFeed; canAct: boolean }) {
  const f = props.feed;
  const farmOf = (a: AgentSummary) => f.farms().find((x) => a.farm !== null && farmSlug(x.id) === farmSlug(a.farm)) ?? null;
  return (
    <Show when={f.detail()} fallback={<Show when={!f.detailError()}><div class="loading">Loading the agent…</div></Show>}>
      {(d) => (
        <section class="agent-detail" data-testid="agent-detail" data-agent={d().slug}>
          <header class="agent-detail-head">
            <div>
              <h2 class="agent-title">{d().agent.name}</h2>
              <span class="mono faint">{d().slug}{d().agent.farm ? ` · ${d().agent.farm}` : ""}</span>
            </div>
            <StatusBadge status={d().agent.status} testid="agent-detail-status" />
            <Show when={props.canAct && d().agent.status !== "archived" && d().agent.config}>
              <PauseResume agent={d().agent} onAgent={f.putAgent} />
            </Show>
          </header>
          <div class="totals agent-totals">
            <Stat label="Equity" testid="detail-equity"><Amount value={d().agent.equity} asset="USD" unit /></Stat>
            <Stat label="Cash" testid="detail-cash"><Amount value={d().agent.cash} asset="USD" /></Stat>
            <Stat label="Realized" testid="detail-realized"><Pnl value={d().agent.realizedPnl} /></Stat>
            <Stat label="Unrealized" testid="detail-unrealized"><Pnl value={d().agent.unrealizedPnl} /></Stat>
            <Stat label="Fees" testid="detail-fees"><Amount value={d().agent.fees} asset="USD" /></Stat>
            <Stat label="Win rate" testid="detail-winrate">{formatWinRate(d().agent.winRate)} <span class="faint small-note">of {d().agent.trades}</span></Stat>
          </div>
          <div class="agent-grid">
            <div class="agent-col">
              <EquityChart points={f.equity()} />
              <DecisionsPanel decisions={f.decisions()} />
            </div>
            <div class="agent-col">
              <TradesPanel slug={d().slug} trades={d().trades} canAct={props.canAct} onChanged={f.reload} />
              <Show when={d().agent.config} fallback={<div class="empty-note">Not configured yet.</div>}>
                {(c) => <ConfigPanel slug={d().slug} config={c()} strategies={f.strategies()} canAct={props.canAct} onSaved={f.reload} />}
              </Show>
              <FarmModePanel farm={farmOf(d().agent)} farmId={d().agent.farm} canAct={props.canAct} onChanged={f.reload} />
            </div>
          </div>
        </section>
      )}
    </Show>
  );
}
