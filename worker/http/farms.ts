import { Hono } from "hono";
import { createFarmBodySchema, renameBodySchema, slugSchema } from "../../core/schemas.js";
import { farmWalletId, slugify } from "../../core/wallets.js";
import { treasuryStub } from "../../durable-objects/stubs.js";
import { assertRole } from "../middleware/auth.js";
import { idempotency } from "../middleware/idempotency.js";
import type { AppEnv } from "../types.js";
import { ApiError, jsonBody, parse, refusal } from "./errors.js";

export const farmRoutes = new Hono<AppEnv>()
  .post("/", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "creating a farm");
    const body = parse(createFarmBodySchema, await jsonBody(c), "farm");
    const slug = body.id ?? slugify(body.name);
    if (!slugSchema.safeParse(slug).success) throw new ApiError(400, "invalid_request", "give the farm an id: its name makes no usable one");
    const out = await treasuryStub(c.env).createFarm(slug, body.name, body.strategy);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ wallet: out.value }, out.created ? 201 : 200);
  })
  .patch("/:id", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "renaming a farm");
    const slug = parse(slugSchema, c.req.param("id"), "farm id");
    const body = parse(renameBodySchema, await jsonBody(c), "rename");
    const out = await treasuryStub(c.env).rename(farmWalletId(slug), body.name);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ wallet: out.value });
  })
  .post("/:id/archive", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "admin", "archiving a farm (its money returns to the treasury)");
    const slug = parse(slugSchema, c.req.param("id"), "farm id");
    const out = await treasuryStub(c.env).archiveFarm(farmWalletId(slug), c.get("commandId"));
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json(out.value);
  });
