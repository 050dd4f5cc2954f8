import { For, Show } from "solid-js";
import type { AgentSummary } from "../../../../core/agents/types.ts";
import { Amount } from "../../components.tsx";
import { OutcomeTag, Pnl, StatusBadge } from "./bits.tsx";
import { agentSlug, formatWinRate } from "./model.ts";

function AgentRow(props: { agent: AgentSummary; selected: boolean; onSelect: (id: string) => void }) {
  const a = () => props.agent;
  const slug = () => agentSlug(a().id);
  return (
    <tr
      classList={{ selected: props.selected }}
      data-testid={`agent-row-${slug()}`}
      data-status={a().status}
      tabindex="0"
      aria-selected={props.selected}
      onClick={() => props.onSelect(a().id)}
      onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), props.onSelect(a().id))}
    >
      <td>
        <div class="agent-name">{a().name}</div>
        <div class="agent-sub mono">
          {slug()}
          <Show when={a().config}>{(c) => <> · {c().strategy}</>}</Show>
        </div>
      </td>
      <td>
        <StatusBadge status={a().status} testid={`agent-status-${slug()}`} />
      </td>
      <td class="num">
        <Amount value={a().equity} asset="USD" testid={`agent-equity-${slug()}`} />
      </td>
      <td class="num">
        <Pnl value={a().realizedPnl} testid={`agent-realized-${slug()}`} />
      </td>
      <td class="num">
        <Pnl value={a().unrealizedPnl} testid={`agent-unrealized-${slug()}`} />
      </td>
      <td class="num" title={`${a().trades} closed trades`}>
        {formatWinRate(a().winRate)}
      </td>
      <td class="agent-last" data-testid={`agent-last-${slug()}`}>
        <Show when={a().lastDecision} fallback={<span class="faint">no cycle yet</span>}>
          {(d) => (
            <>
              <OutcomeTag outcome={d().outcome} /> <span class="agent-reason" title={d().reason}>{d().reason}</span>
            </>
          )}
        </Show>
      </td>
      <td class="num">
        <Show when={a().pendingApprovals > 0} fallback={<span class="faint">0</span>}>
          <span class="approvals-count" data-testid={`agent-approvals-${slug()}`}>
            {a().pendingApprovals} waiting
          </span>
        </Show>
      </td>
    </tr>
  );
}

/** Every agent on one line: status, money, hit rate, what its last cycle did and why. */
export function AgentList(props: { agents: readonly AgentSummary[]; selected: string | null; onSelect: (id: string) => void }) {
  return (
    <div class="table-wrap">
      <table class="tree agents-table" data-testid="agents-table">
        <thead>
          <tr>
            <th>Agent</th>
            <th>Status</th>
            <th class="num">Equity</th>
            <th class="num">Realized</th>
            <th class="num">Unrealized</th>
            <th class="num">Win rate</th>
            <th>Last decision</th>
            <th class="num">Approvals</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.agents}>{(a) => <AgentRow agent={a} selected={agentSlug(a.id) === props.selected} onSelect={props.onSelect} />}</For>
        </tbody>
      </table>
    </div>
  );
}
