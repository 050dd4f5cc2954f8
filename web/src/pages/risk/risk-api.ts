import type { Halt, RiskAlert, RiskReport, RiskScope, StressResult, VarConfidence, VarFigure, VarHorizon, VarMethod } from "../../../../core/risk/types.ts";
import { api } from "../../auth.ts";
import type { ScopeBody } from "./model.ts";

/** The risk routes, over the dashboard's one client (bearer auth, Idempotency-Key on commands). */
export const riskApi = {
  report: () => api.send<{ risk: RiskReport }>("GET", "/api/risk"),
  var: (q: { method: VarMethod; confidence: VarConfidence; horizon: VarHorizon }) =>
    api.send<{ var: VarFigure }>(
      "GET",
      `/api/risk/var?${new URLSearchParams({ method: q.method, confidence: String(q.confidence), horizon: q.horizon }).toString()}`,
    ),
  alerts: (q: { limit?: number; level?: string } = {}) => {
    const query = new URLSearchParams();
    if (q.limit !== undefined) query.set("limit", String(q.limit));
    if (q.level) query.set("level", q.level);
    const qs = query.toString();
    return api.send<{ alerts: RiskAlert[] }>("GET", `/api/risk/alerts${qs ? `?${qs}` : ""}`);
  },
  stress: (scenario: string, idempotencyKey: string) =>
    api.send<{ result: StressResult }>("POST", "/api/risk/stress", { scenario }, { idempotencyKey }),
  halt: (body: ScopeBody & { reason: string }, idempotencyKey: string) =>
    api.send<{ halt: Halt }>("POST", "/api/risk/halt", body, { idempotencyKey }),
  resume: (body: ScopeBody & { reason: string }, idempotencyKey: string) =>
    api.send<{ resumed: RiskScope; by: string }>("POST", "/api/risk/resume", body, { idempotencyKey }),
};
