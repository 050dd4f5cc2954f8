import { createEffect, createMemo, createSignal, on, onCleanup } from "solid-js";
import type { AgentSummary, DecisionRecord, EquityPoint } from "../../../../core/agents/types.ts";
import type { FarmSummary } from "../../../../core/farm/types.ts";
import type { AgentTrades } from "../../../../core/trades/types.ts";
import type { ApiError } from "../../api.ts";
import { farmTopic } from "../../approvals/approvals-api.ts";
import { entriesSince } from "../../approvals/events.ts";
import { asApiError } from "../../command.ts";
import { liveEntries, liveStatus, useLiveTopics } from "../../live/live.ts";
import type { Strategy } from "../backtests/model.ts";
import { agentsApi } from "./agents-api.ts";
import { agentSlug, liveDecisions, mergeDecisions, sortAgents, touched } from "./model.ts";

/** Events come in bursts (a cycle is one run of several): refetch once the burst is over. */
const RELOAD_MS = 600;

/** A debounced loader: `soon()` runs `load` once, RELOAD_MS after the last call. */
function debounced(load: () => Promise<void>) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), RELOAD_MS);
  };
}

/**
 * The Agents page's data: the list (GET /api/agents), the chosen agent's detail, decisions and
 * equity, the farms and strategies. No timer polls: a summary is refetched when its agent's (or
 * farm's) events arrive, and the chosen agent's decisions are laid over its list as they come.
 */
export function createAgentsFeed() {
  const [agents, setAgents] = createSignal<readonly AgentSummary[] | null>(null);
  const [farms, setFarms] = createSignal<readonly FarmSummary[]>([]);
  const [strategies, setStrategies] = createSignal<readonly Strategy[]>([]);
  const [selected, setSelected] = createSignal<string | null>(null);
  const [detail, setDetail] = createSignal<{ slug: string; agent: AgentSummary; trades: AgentTrades } | null>(null);
  const [decisions, setDecisions] = createSignal<readonly DecisionRecord[]>([]);
  const [equity, setEquity] = createSignal<{ slug: string; points: readonly EquityPoint[] } | null>(null);
  const [error, setError] = createSignal<ApiError | null>(null);
  const [detailError, setDetailError] = createSignal<ApiError | null>(null);

  async function loadList(): Promise<void> {
    try {
      const reply = await agentsApi.list();
      setAgents(sortAgents(reply.agents));
      setError(null);
      const first = sortAgents(reply.agents)[0];
      if (selected() === null && first) setSelected(agentSlug(first.id));
    } catch (thrown) {
      setError(asApiError(thrown));
    }
  }
  async function loadFarms(): Promise<void> {
    try {
      setFarms((await agentsApi.farms()).farms);
    } catch {
      // The farm's mode is one panel of the page: the list's error says when the API is down.
    }
  }
  /** The agent's detail is required; its decisions and equity curve are shown when they load. */
  async function loadDetail(): Promise<void> {
    const slug = selected();
    if (!slug) return;
    const [d, ds, eq] = await Promise.allSettled([agentsApi.detail(slug), agentsApi.decisions(slug, 50), agentsApi.equity(slug, 500)]);
    if (slug !== selected()) return;
    if (d.status === "fulfilled") setDetail({ slug, agent: d.value.agent, trades: d.value.trades });
    if (ds.status === "fulfilled") setDecisions((now) => mergeDecisions(now, ds.value.decisions));
    if (eq.status === "fulfilled") setEquity({ slug, points: eq.value.points });
    const failed = [d, ds, eq].find((r) => r.status === "rejected");
    setDetailError(failed ? asApiError(failed.reason) : null);
  }

  void loadList();
  void loadFarms();
  void agentsApi.strategies().then((r) => setStrategies(r.strategies), () => undefined);
  createEffect(on(selected, () => {
    setDecisions([]);
    void loadDetail();
  }));

  const listSoon = debounced(loadList);
  const detailSoon = debounced(loadDetail);
  const farmsSoon = debounced(loadFarms);

  useLiveTopics(() => {
    const slug = selected();
    return [...farms().map((f) => farmTopic(f.id)), ...(slug ? [`agent:${slug}`] : [])];
  });
  // The socket is back: what happened while it was down is only in the API.
  createEffect(on(() => liveStatus().kind === "live", (live) => {
    if (!live) return;
    listSoon();
    detailSoon();
  }, { defer: true }));

  let seen = 0;
  createEffect(() => {
    const { fresh, lastId } = entriesSince(liveEntries(), seen);
    seen = lastId;
    if (fresh.length === 0) return;
    const slug = selected();
    const t = touched(fresh);
    if (t.agents.size > 0) listSoon();
    if (t.farms.size > 0) farmsSoon();
    if (slug && t.agents.has(slug)) {
      const live = liveDecisions(fresh, slug);
      if (live.length > 0) setDecisions((now) => mergeDecisions(now, live));
      detailSoon();
    }
  });

  const current = createMemo(() => {
    const d = detail();
    return d && d.slug === selected() ? d : null;
  });

  return {
    agents,
    farms,
    strategies,
    selected,
    select: (id: string) => setSelected(agentSlug(id)),
    detail: current,
    decisions,
    equity: () => (equity()?.slug === selected() ? (equity()?.points ?? []) : []),
    error,
    detailError,
    reload: () => {
      void loadList();
      void loadDetail();
      void loadFarms();
    },
    /** A summary a command answered with: shown at once. */
    putAgent(agent: AgentSummary): void {
      setAgents((list) => (list ? list.map((a) => (a.id === agent.id ? agent : a)) : list));
      const d = detail();
      if (d && d.agent.id === agent.id) setDetail({ ...d, agent });
    },
  };
}

export type AgentsFeed = ReturnType<typeof createAgentsFeed>;
