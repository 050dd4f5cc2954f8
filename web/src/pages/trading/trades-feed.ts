import { type Accessor, createSignal } from "solid-js";
import type { AgentTrades } from "../../../../core/trades/types.ts";
import { api } from "../../auth.ts";
import { usePoll } from "../../poll.ts";

/** Stops move rarely: the agent's trades are fetched this often while the page is visible. */
export const TRADES_POLL_MS = 5_000;

/** The reply of `GET /api/agents/:id/trades` as AgentTrades, whether bare or under `trades`; null when it is neither. */
export function asAgentTrades(body: unknown): AgentTrades | null {
  const isTrades = (x: unknown): x is AgentTrades => typeof x === "object" && x !== null && Array.isArray((x as { open?: unknown }).open);
  if (isTrades(body)) return body;
  const inner = typeof body === "object" && body !== null ? (body as { trades?: unknown }).trades : undefined;
  return isTrades(inner) ? inner : null;
}

/**
 * One agent's trades (its open trades carry the stops the chart draws), polled while the page is
 * visible. A desk that cannot answer (no such route yet, a viewer's token refused) shows no stops.
 */
export function createTradesFeed(agent: Accessor<string | null>): Accessor<AgentTrades | null> {
  const [slot, setSlot] = createSignal<{ agent: string; trades: AgentTrades | null } | null>(null);
  usePoll(agent, TRADES_POLL_MS, async (id, alive) => {
    const slug = id.slice(id.indexOf(":") + 1);
    let trades: AgentTrades | null = null;
    try {
      trades = asAgentTrades(await api.send<unknown>("GET", `/api/agents/${encodeURIComponent(slug)}/trades`));
    } catch {
      trades = null;
    }
    if (alive()) setSlot({ agent: id, trades });
  });
  return () => {
    const s = slot();
    return s && s.agent === agent() ? s.trades : null;
  };
}
