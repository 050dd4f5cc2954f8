import { Hono } from "hono";
import { createAgentBodySchema, renameBodySchema, slugSchema } from "../../core/schemas.js";
import { agentWalletId, slugify } from "../../core/wallets.js";
import { treasuryStub } from "../../durable-objects/stubs.js";
import { assertRole } from "../middleware/auth.js";
import { idempotency } from "../middleware/idempotency.js";
import type { AppEnv } from "../types.js";
import { ApiError, jsonBody, parse, refusal } from "./errors.js";

export const agentRoutes = new Hono<AppEnv>()
  .post("/", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "creating an agent");
    const body = parse(createAgentBodySchema, await jsonBody(c), "agent");
    const slug = body.id ?? slugify(body.name);
    if (!slugSchema.safeParse(slug).success) throw new ApiError(400, "invalid_request", "give the agent an id: its name makes no usable one");
    const out = await treasuryStub(c.env).createAgent(slug, body.name, body.farm);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ wallet: out.value }, out.created ? 201 : 200);
  })
  .patch("/:id", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "renaming an agent");
    const slug = parse(slugSchema, c.req.param("id"), "agent id");
    const body = parse(renameBodySchema, await jsonBody(c), "rename");
    const out = await treasuryStub(c.env).rename(agentWalletId(slug), body.name);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ wallet: out.value });
  })
  .post("/:id/archive", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "archiving an agent");
    const slug = parse(slugSchema, c.req.param("id"), "agent id");
    const out = await treasuryStub(c.env).archiveAgent(agentWalletId(slug), c.get("commandId"));
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json(out.value);
  });
