import { Hono } from "hono";
import { z } from "zod";
import { agentConfigPatchSchema, resolveConfig } from "../../core/agents/config.js";
import type { AgentSummary } from "../../core/agents/types.js";
import { createAgentBodySchema, renameBodySchema, slugSchema, symbolSchema, venueIdSchema } from "../../core/schemas.js";
import { isHalted } from "../../core/risk/breakers.js";
import type { StrategyId } from "../../core/strategies/types.js";
import { agentWalletId, slugify } from "../../core/wallets.js";
import { agentStub, riskStub, treasuryStub } from "../../durable-objects/stubs.js";
import { assertRole } from "../middleware/auth.js";
import { idempotency } from "../middleware/idempotency.js";
import type { AppEnv } from "../types.js";
import { agentHistoryRoutes, tradesWithStops } from "./agent-history.js";
import { ApiError, jsonBody, parse, refusal } from "./errors.js";

/** `POST /api/agents`: the directory's create, with an optional configuration (the farm's strategy's defaults otherwise). */
const createBodySchema = createAgentBodySchema.extend({ config: agentConfigPatchSchema.optional() });
const closeBodySchema = z.strictObject({ venue: venueIdSchema, symbol: symbolSchema });

/** The agent's slug from the path, or a 400. */
export function agentParam(id: string | undefined): string {
  return agentWalletId(parse(slugSchema, id, "agent id"));
}

/** Every trading agent's summary, with "halted" where a halt covers it. */
async function summaries(env: Env): Promise<AgentSummary[]> {
  const directory = (await treasuryStub(env).directory()).filter((r) => r.kind === "agent" && r.role !== "overseer");
  const [list, report] = await Promise.all([Promise.all(directory.map((r) => agentStub(env, r.id).summary())), riskStub(env).report().catch(() => null)]);
  return list.filter((s): s is AgentSummary => s !== null).map((s) => (report && s.status === "running" && isHalted(report.halts, s.id, s.farm) ? { ...s, status: "halted" } : s));
}

async function summaryOf(env: Env, id: string): Promise<AgentSummary> {
  const s = await agentStub(env, id).summary();
  if (!s) throw new ApiError(404, "unknown_wallet", `no agent ${id}`);
  return s;
}

export const agentRoutes = new Hono<AppEnv>()
  .get("/", async (c) => c.json({ agents: await summaries(c.env) }))
  .post("/", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "creating an agent");
    const body = parse(createBodySchema, await jsonBody(c), "agent");
    const slug = body.id ?? slugify(body.name);
    if (!slugSchema.safeParse(slug).success) throw new ApiError(400, "invalid_request", "give the agent an id: its name makes no usable one");
    const farm = body.farm ? await treasuryStub(c.env).lookup(`farm:${body.farm}`) : null;
    // A configuration that cannot stand is refused before anything is created.
    const checked = body.config ? resolveConfig(null, body.config, (farm?.strategy as StrategyId | null) ?? null, Date.now()) : null;
    if (checked && !checked.ok) throw refusal(checked.code, checked.message);
    const out = await treasuryStub(c.env).createAgent(slug, body.name, body.farm);
    if (!out.ok) throw refusal(out.code, out.message);
    const strategy = (farm?.strategy as StrategyId | null) ?? null;
    // Without a configuration and a farm's strategy to default to, the agent waits unconfigured for PUT /config.
    const configured = body.config || strategy ? await agentStub(c.env, out.value.id).configure(body.config ?? {}, strategy, body.config === undefined, c.env.CIVAL_AGENTS_START === "paused") : null;
    if (configured && !configured.ok) throw refusal(configured.code, configured.message);
    return c.json({ wallet: out.value, config: configured?.config ?? null }, out.created ? 201 : 200);
  })
  .get("/:id", async (c) => {
    const id = agentParam(c.req.param("id"));
    const agent = await summaryOf(c.env, id);
    return c.json({ agent, trades: await tradesWithStops(c.env, id) });
  })
  .put("/:id/config", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "configuring an agent");
    const id = agentParam(c.req.param("id"));
    const patch = parse(agentConfigPatchSchema, await jsonBody(c), "config");
    const record = await treasuryStub(c.env).lookup(id);
    if (!record || record.kind !== "agent") throw new ApiError(404, "unknown_wallet", `no agent ${id}`);
    const farm = record.parent ? await treasuryStub(c.env).lookup(record.parent) : null;
    const out = await agentStub(c.env, id).configure(patch, (farm?.strategy as StrategyId | null) ?? null);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ config: out.config });
  })
  .post("/:id/pause", idempotency(), async (c) => pauseOrResume(c.env, c.get("principal").role, c.req.param("id"), true).then((agent) => c.json({ agent })))
  .post("/:id/resume", idempotency(), async (c) => pauseOrResume(c.env, c.get("principal").role, c.req.param("id"), false).then((agent) => c.json({ agent })))
  .post("/:id/positions/close", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "closing a position");
    const id = agentParam(c.req.param("id"));
    const body = parse(closeBodySchema, await jsonBody(c), "close");
    const out = await agentStub(c.env, id).closePosition(body.venue, body.symbol, c.get("commandId"));
    if (!out.ok) throw refusal(out.code, out.message, out.risk ? { risk: out.risk } : undefined);
    return c.json({ order: out.order, risk: out.risk ?? null });
  })
  .patch("/:id", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "renaming an agent");
    const id = agentParam(c.req.param("id"));
    const body = parse(renameBodySchema, await jsonBody(c), "rename");
    const out = await treasuryStub(c.env).rename(id, body.name);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ wallet: out.value });
  })
  .post("/:id/archive", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "archiving an agent");
    const out = await treasuryStub(c.env).archiveAgent(agentParam(c.req.param("id")), c.get("commandId"));
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json(out.value);
  })
  .route("/", agentHistoryRoutes);

async function pauseOrResume(env: Env, role: AppEnv["Variables"]["principal"]["role"], param: string | undefined, paused: boolean): Promise<AgentSummary> {
  assertRole(role, "trader", paused ? "pausing an agent" : "resuming an agent");
  const id = agentParam(param);
  const out = await agentStub(env, id).setPaused(paused);
  if (!out.ok) throw refusal(out.code, out.message);
  return summaryOf(env, id);
}
