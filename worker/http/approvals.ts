import { Hono } from "hono";
import { z } from "zod";
import { MAX_ROWS, queryApprovals } from "../../adapters/db/agents.js";
import { agentOfApproval, approvalAnswerSchema, approvalIdSchema, approvalPolicyPatchSchema } from "../../core/agents/approval.js";
import type { ApprovalRecord } from "../../core/agents/types.js";
import { slugSchema } from "../../core/schemas.js";
import { agentWalletId } from "../../core/wallets.js";
import { agentStub, riskStub, treasuryStub } from "../../durable-objects/stubs.js";
import { assertRole } from "../middleware/auth.js";
import { idempotency } from "../middleware/idempotency.js";
import type { AppEnv } from "../types.js";
import { ApiError, jsonBody, parse, refusal } from "./errors.js";

const approvalsQuery = z.strictObject({
  state: z.enum(["pending", "approved", "rejected", "expired"]).optional(),
  agent: slugSchema.optional(),
  limit: z.coerce.number({ error: `limit is a whole number from 1 to ${MAX_ROWS.approvals}` }).int().min(1).max(MAX_ROWS.approvals).default(50),
});

/** Pending requests come from the agents themselves (exact, never a moment late); the rest from D1's history. */
async function pending(env: Env, agent: string | undefined): Promise<ApprovalRecord[]> {
  const ids = agent ? [agentWalletId(agent)] : (await treasuryStub(env).directory()).filter((r) => r.kind === "agent" && r.role !== "overseer" && r.status === "active").map((r) => r.id);
  const lists = await Promise.all(ids.map((id) => agentStub(env, id).approvals(50)));
  return lists.flat().filter((a) => a.state === "pending").sort((a, b) => a.expiresAtMs - b.expiresAtMs);
}

/**
 * Orders waiting for a person: the list, an answer (approve or reject, trader), and the desk's
 * policy of which orders wait (read by anyone, changed by an admin).
 */
export const approvalRoutes = new Hono<AppEnv>()
  .get("/policy", async (c) => c.json({ policy: await riskStub(c.env).approvalPolicy() }))
  .put("/policy", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "admin", "changing the approval policy");
    const patch = parse(approvalPolicyPatchSchema, await jsonBody(c), "policy");
    return c.json({ policy: await riskStub(c.env).approvalPolicy(patch) });
  })
  .get("/", async (c) => {
    const q = parse(approvalsQuery, c.req.query(), "query");
    if (q.state === "pending") return c.json({ approvals: (await pending(c.env, q.agent)).slice(0, q.limit) });
    const approvals = await queryApprovals(c.env.DB, { limit: q.limit, ...(q.state ? { state: q.state } : {}), ...(q.agent ? { agent: agentWalletId(q.agent) } : {}) });
    return c.json({ approvals });
  })
  .post("/:id", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "answering an approval");
    const id = parse(approvalIdSchema, c.req.param("id"), "approval id");
    const body = parse(approvalAnswerSchema, await jsonBody(c), "answer");
    const agent = agentWalletId(agentOfApproval(id));
    const record = await treasuryStub(c.env).lookup(agent);
    if (!record || record.kind !== "agent") throw new ApiError(404, "unknown_approval", `no approval ${id}`);
    const out = await agentStub(c.env, agent).answerApproval(id, body.decision, c.get("principal").sub);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ approval: out.approval });
  });
