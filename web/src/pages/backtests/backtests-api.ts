import type { CandleSourceInput } from "../../../../core/candles/source.ts";
import { api } from "../../auth.ts";
import type { BacktestRecord, BacktestSummary, Strategy } from "./model.ts";

/** What the page sends to run a backtest (the server fills every default). */
export interface BacktestRequest {
  readonly strategy: string;
  readonly params?: Record<string, unknown>;
  readonly venueId?: string;
  readonly venues?: readonly string[];
  readonly initialCash?: string;
  readonly candles: CandleSourceInput;
  readonly candles2?: CandleSourceInput;
  readonly walkForward?: { grid: Record<string, Array<number | string | boolean>>; inSampleBars: number; outOfSampleBars: number; objective: "sharpe" | "totalReturn" };
}

/** The backtest routes, over the dashboard's one client (bearer auth, Idempotency-Key on commands). */
export const backtestsApi = {
  strategies: () => api.send<{ strategies: Strategy[] }>("GET", "/api/strategies"),
  run: (body: BacktestRequest, idempotencyKey: string) => api.send<Omit<BacktestRecord, "trades" | "equity" | "plots" | "chart">>("POST", "/api/backtests", body, { idempotencyKey }),
  list: (limit = 20, cursor?: string) =>
    api.send<{ backtests: BacktestSummary[]; next: string | null }>("GET", `/api/backtests?${new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) }).toString()}`),
  get: (id: string) => api.send<BacktestRecord>("GET", `/api/backtests/${encodeURIComponent(id)}`),
};
