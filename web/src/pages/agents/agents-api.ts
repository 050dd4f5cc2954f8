import type { AgentConfig, AgentSummary, BarInterval, DecisionRecord, EquityPoint, SizingConfig } from "../../../../core/agents/types.ts";
import type { FarmMode, FarmModeName, FarmSummary } from "../../../../core/farm/types.ts";
import type { AgentTrades } from "../../../../core/trades/types.ts";
import { ApiError } from "../../api.ts";
import { api, token } from "../../auth.ts";
import type { AgentOrder } from "../../types.ts";
import type { Strategy } from "../backtests/model.ts";

/** What PUT /api/agents/:id/config takes: any of the configuration's fields. */
export interface ConfigBody {
  readonly strategy?: string;
  readonly params?: Record<string, unknown>;
  readonly symbols?: readonly string[];
  readonly venues?: readonly string[];
  readonly barInterval?: BarInterval;
  readonly cycleMs?: number;
  readonly sizing?: SizingConfig;
}

/** What PUT /api/farms/:id/mode takes. */
export interface FarmModeBody {
  readonly mode: FarmModeName;
  readonly lead?: string;
  readonly quorum?: number;
  readonly emergency?: "flatten" | "hold";
  readonly reason?: string;
}

const agentPath = (slug: string) => `/api/agents/${encodeURIComponent(slug)}`;

/** The agent, farm and approval routes the Agents page uses, over the dashboard's one client. */
export const agentsApi = {
  list: () => api.send<{ agents: AgentSummary[] }>("GET", "/api/agents"),
  detail: (slug: string) => api.send<{ agent: AgentSummary; trades: AgentTrades }>("GET", agentPath(slug)),
  decisions: (slug: string, limit = 50) => api.send<{ decisions: DecisionRecord[] }>("GET", `${agentPath(slug)}/decisions?limit=${limit}`),
  equity: (slug: string, limit = 500) => api.send<{ points: EquityPoint[] }>("GET", `${agentPath(slug)}/equity?limit=${limit}`),
  configure: (slug: string, body: ConfigBody, idempotencyKey: string) =>
    api.send<{ config: AgentConfig }>("PUT", `${agentPath(slug)}/config`, body, { idempotencyKey }),
  pause: (slug: string, idempotencyKey: string) => api.send<{ agent: AgentSummary }>("POST", `${agentPath(slug)}/pause`, {}, { idempotencyKey }),
  resume: (slug: string, idempotencyKey: string) => api.send<{ agent: AgentSummary }>("POST", `${agentPath(slug)}/resume`, {}, { idempotencyKey }),
  closePosition: (slug: string, position: { venue: string; symbol: string }, idempotencyKey: string) =>
    api.send<{ order: AgentOrder }>("POST", `${agentPath(slug)}/positions/close`, position, { idempotencyKey }),
  strategies: () => api.send<{ strategies: Strategy[] }>("GET", "/api/strategies"),
  farms: () => api.send<{ farms: FarmSummary[] }>("GET", "/api/farms"),
  setFarmMode: (farmSlug: string, body: FarmModeBody, idempotencyKey: string) =>
    api.send<{ mode?: FarmMode; farm?: FarmSummary }>("PUT", `/api/farms/${encodeURIComponent(farmSlug)}/mode`, body, { idempotencyKey }),
};

/**
 * Downloads `/api/agents/:slug/<file>` as a file: the route needs the bearer header, so a plain
 * link cannot fetch it; the text is fetched and handed to the browser as a Blob.
 */
export async function downloadCsv(slug: string, file: "trades.csv" | "fills.csv"): Promise<void> {
  const t = token();
  let res: Response;
  try {
    res = await fetch(`${agentPath(slug)}/${file}`, { headers: { Accept: "text/csv", ...(t ? { Authorization: `Bearer ${t}` } : {}) } });
  } catch {
    throw new ApiError(0, "network_error", "Cannot reach the Cival API. Is the server running?");
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? `${res.status} ${res.statusText}`);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = `${slug}-${file}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
