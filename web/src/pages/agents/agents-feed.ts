import { type Accessor, createEffect, createMemo, createSignal, on as onChange, onCleanup, untrack } from "solid-js";
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

/** What the live feed asks of the page's data: refetches (debounced) and decisions to lay over. */
interface LiveHandlers {
  readonly list: () => void;
  readonly farms: () => void;
  readonly detail: () => void;
  readonly decisions: (live: DecisionRecord[]) => void;
}

/**
 * Holds the farms' topics (an agent's events reach its farm's) and the chosen agent's, and turns
 * what arrives into refetches: any agent's events → the list; a farm's → the farms; the chosen
 * agent's → its detail, with its decisions laid over at once. A reconnect refetches what it missed.
 */
function followLive(selected: Accessor<string | null>, farms: Accessor<readonly FarmSummary[]>, on: LiveHandlers): void {
  useLiveTopics(() => {
    const slug = selected();
    return [...farms().map((f) => farmTopic(f.id)), ...(slug ? [`agent:${slug}`] : [])];
  });
  createEffect(onChange(() => liveStatus().kind === "live", (live) => {
    if (!live) return;
    on.list();
    on.detail();
  }, { defer: true }));
  let seen = 0;
  createEffect(() => {
    const { fresh, lastId } = entriesSince(liveEntries(), seen);
    seen = lastId;
    if (fresh.length === 0) return;
    const slug = untrack(selected);
    const t = touched(fresh);
    if (t.agents.size > 0) on.list();
    if (t.farms.size > 0) on.farms();
    if (!slug || !t.agents.has(slug)) return;
    const live = liveDecisions(fresh, slug);
    if (live.length > 0) on.decisions(live);
    on.detail();
  });
}

/** The chosen agent's detail (required), decisions and equity curve (shown when they load), reloaded when the choice changes. */
function createChosenAgent(selected: Accessor<string | null>) {
  const [detail, setDetail] = createSignal<{ slug: string; agent: AgentSummary; trades: AgentTrades } | null>(null);
  const [decisions, setDecisions] = createSignal<readonly DecisionRecord[]>([]);
  const [equity, setEquity] = createSignal<{ slug: string; points: readonly EquityPoint[] } | null>(null);
  const [error, setError] = createSignal<ApiError | null>(null);
  async function load(): Promise<void> {
    const slug = selected();
    if (!slug) return;
    const [d, ds, eq] = await Promise.allSettled([agentsApi.detail(slug), agentsApi.decisions(slug, 50), agentsApi.equity(slug, 500)]);
    if (slug !== selected()) return;
    if (d.status === "fulfilled") setDetail({ slug, agent: d.value.agent, trades: d.value.trades });
    if (ds.status === "fulfilled") setDecisions((now) => mergeDecisions(now, ds.value.decisions));
    if (eq.status === "fulfilled") setEquity({ slug, points: eq.value.points });
    const failed = [d, ds, eq].find((r) => r.status === "rejected");
    setError(failed ? asApiError(failed.reason) : null);
  }
  createEffect(onChange(selected, () => {
    setDecisions([]);
    void load();
  }));
  return {
    load,
    error,
    decisions,
    detail: createMemo(() => {
      const d = detail();
      return d && d.slug === selected() ? d : null;
    }),
    equity: () => (equity()?.slug === selected() ? (equity()?.points ?? []) : []),
    addDecisions: (live: DecisionRecord[]) => setDecisions((now) => mergeDecisions(now, live)),
    putAgent(agent: AgentSummary): void {
      const d = detail();
      if (d && d.agent.id === agent.id) setDetail({ ...d, agent });
    },
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
  const [error, setError] = createSignal<ApiError | null>(null);
  const chosen = createChosenAgent(selected);

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
  void loadList();
  void loadFarms();
  void agentsApi.strategies().then((r) => setStrategies(r.strategies), () => undefined);

  const listSoon = debounced(loadList);
  const detailSoon = debounced(chosen.load);
  const farmsSoon = debounced(loadFarms);

  followLive(selected, farms, {
    list: listSoon,
    farms: farmsSoon,
    detail: detailSoon,
    decisions: chosen.addDecisions,
  });

  return {
    agents,
    farms,
    strategies,
    selected,
    select: (id: string) => setSelected(agentSlug(id)),
    detail: chosen.detail,
    decisions: chosen.decisions,
    equity: chosen.equity,
    error,
    detailError: chosen.error,
    reload: () => {
      void loadList();
      void chosen.load();
      void loadFarms();
    },
    /** A summary a command answered with: shown at once. */
    putAgent(agent: AgentSummary): void {
      setAgents((list) => (list ? list.map((a) => (a.id === agent.id ? agent : a)) : list));
      chosen.putAgent(agent);
    },
  };
}

export type AgentsFeed = ReturnType<typeof createAgentsFeed>;
