import { Hono } from "hono";
import type { Context } from "hono";
import { defaultFarmMode, farmModeBodySchema } from "../../core/farm/mode.js";
import { farmSummary } from "../../core/farm/summary.js";
import type { FarmSummary } from "../../core/farm/types.js";
import { createFarmBodySchema, renameBodySchema, slugSchema } from "../../core/schemas.js";
import { type WalletRecord, farmWalletId, slugify } from "../../core/wallets.js";
import { farmStub, treasuryStub } from "../../durable-objects/stubs.js";
import { assertRole } from "../middleware/auth.js";
import { idempotency } from "../middleware/idempotency.js";
import type { AppEnv } from "../types.js";
import { ApiError, jsonBody, parse, refusal } from "./errors.js";

/** A farm's summary from its object, or from its directory record while the object has not been told who it is. */
async function summaryOf(env: Env, record: WalletRecord): Promise<FarmSummary> {
  return (await farmStub(env, record.id).summary()) ?? farmSummary(record, defaultFarmMode(record.createdAtMs), "0", []);
}

/** The farm a path names ("momentum" or "farm:momentum"), from the treasury's directory; 404 if there is none. */
async function farmOf(c: Context<AppEnv>): Promise<WalletRecord> {
  const raw = c.req.param("id") ?? "";
  const slug = parse(slugSchema, raw.startsWith("farm:") ? raw.slice("farm:".length) : raw, "farm id");
  const record = await treasuryStub(c.env).lookup(farmWalletId(slug));
  if (!record || record.kind !== "farm") throw refusal("unknown_wallet", `no farm ${slug}`);
  return record;
}

export const farmRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const farms = (await treasuryStub(c.env).directory()).filter((w) => w.kind === "farm");
    return c.json({ farms: await Promise.all(farms.map((f) => summaryOf(c.env, f))) });
  })
  .get("/:id", async (c) => {
    const record = await farmOf(c);
    const [farm, verdicts] = await Promise.all([summaryOf(c.env, record), farmStub(c.env, record.id).verdicts(20)]);
    return c.json({ farm, verdicts });
  })
  .put("/:id/mode", idempotency(), async (c) => {
    const principal = c.get("principal");
    assertRole(principal.role, "trader", "changing a farm's decision mode");
    const record = await farmOf(c);
    const { reason, ...patch } = parse(farmModeBodySchema, await jsonBody(c), "farm mode");
    if (record.status === "archived") throw refusal("wallet_archived", `${record.id} is archived: its mode no longer matters`);
    const out = await farmStub(c.env, record.id).setMode(patch, principal.sub, reason ?? "");
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ mode: out.mode });
  })
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
