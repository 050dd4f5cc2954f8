import { Show } from "solid-js";
import { ErrorNote } from "../../components.tsx";
import type { Role } from "../../types.ts";
import { canAct } from "../../wallet-tree.ts";
import { AgentDetail } from "./agent-detail.tsx";
import { AgentList } from "./agent-list.tsx";
import { createAgentsFeed } from "./agents-feed.ts";
import "./agents.css";

/**
 * The Agents page: every agent's status, money and last decision; the chosen one's equity curve,
 * live decisions with their reasons, trades, parameters and its farm's mode. Traders configure,
 * pause, close positions and switch modes; viewers read.
 */
export default function AgentsPage(props: { role: Role }) {
  const feed = createAgentsFeed();
  return (
    <div class="page agents" data-testid="agents-page">
      <header class="page-head">
        <div>
          <h1>Agents</h1>
          <p class="sub">
            Each agent decides every cycle on paper; every decision comes with its reason
            <Show when={!canAct(props.role)}>
              <span class="read-only-tag" data-testid="read-only">read only</span>
            </Show>
          </p>
        </div>
        <div class="page-tools">
          <button type="button" class="small" data-testid="agents-refresh" onClick={() => feed.reload()}>Refresh</button>
        </div>
      </header>
      <ErrorNote error={feed.error()} testid="agents-error" />
      <Show when={feed.agents()} fallback={<Show when={!feed.error()}><div class="loading">Loading the agents…</div></Show>}>
        {(list) => (
          <Show when={list().length > 0} fallback={<div class="empty-note">No agent yet: create one on the Wallets page.</div>}>
            <AgentList agents={list()} selected={feed.selected()} onSelect={feed.select} />
          </Show>
        )}
      </Show>
      <ErrorNote error={feed.detailError()} testid="agent-detail-error" />
      <AgentDetail feed={feed} canAct={canAct(props.role)} />
    </div>
  );
}
