import type { ApprovalRecord } from "../../../core/agents/types.ts";
import type { FarmSummary } from "../../../core/farm/types.ts";
import { api } from "../auth.ts";

/** The approval routes, over the dashboard's one client (bearer auth, Idempotency-Key on commands). */
export const approvalsApi = {
  pending: () => api.send<{ approvals: ApprovalRecord[] }>("GET", "/api/approvals?state=pending"),
  decide: (id: string, decision: "approve" | "reject", idempotencyKey: string) =>
    api.send<{ approval: ApprovalRecord }>("POST", `/api/approvals/${encodeURIComponent(id)}`, { decision }, { idempotencyKey }),
  farms: () => api.send<{ farms: FarmSummary[] }>("GET", "/api/farms"),
};

/** The live topic of a farm, whatever form its id takes ("momentum" or "farm:momentum"). */
export function farmTopic(id: string): string {
  return id.startsWith("farm:") ? id : `farm:${id}`;
}
