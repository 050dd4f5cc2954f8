import { desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { z } from "zod";
import { limitsPatchSchema, riskScopeSchema } from "../../core/risk/limits.js";
import { stressRequestSchema } from "../../core/risk/stress.js";
import { type RiskAlert, type RiskScope, VAR_CONFIDENCES, VAR_HORIZONS, VAR_METHODS } from "../../core/risk/types.js";
import { riskStub } from "../../durable-objects/stubs.js";
import { riskAlerts } from "../../adapters/db/schema.js";
import { assertRole } from "../middleware/auth.js";
import { idempotency } from "../middleware/idempotency.js";
import type { AppEnv } from "../types.js";
import { jsonBody, parse, refusal } from "./errors.js";

const varQuerySchema = z
  .object({
    method: z.enum(VAR_METHODS as [string, ...string[]], { message: `method is one of ${VAR_METHODS.join(", ")}` }).default("parametric"),
    confidence: z.enum(VAR_CONFIDENCES.map(String) as [string, ...string[]], { message: "confidence is 0.95 or 0.99" }).default("0.99"),
    horizon: z.enum(VAR_HORIZONS as [string, ...string[]], { message: "horizon is 1h or 1d" }).default("1d"),
  })
  .strict();

const alertsQuerySchema = z
  .object({
    limit: z.coerce.number({ message: "limit is a whole number from 1 to 500" }).int().min(1).max(500).default(100),
    level: z.enum(["info", "warning", "critical"], { message: "level is info, warning or critical" }).optional(),
  })
  .strict();

/** A halt or a resume names a scope and says why. */
const haltBodySchema = z.intersection(riskScopeSchema, z.object({ reason: z.string().trim().min(1, "reason says why, in 1 to 200 characters").max(200, "reason says why, in 1 to 200 characters") }));

function scopeOf(body: RiskScope): RiskScope {
  return body.kind === "desk" ? { kind: "desk" } : { kind: body.kind, id: body.id };
}

/** The risk monitor's API: metrics and limits for everyone signed in; stress tests for traders; limits and the kill switch for admins. */
export const riskRoutes = new Hono<AppEnv>()
  .get("/", async (c) => c.json({ risk: await riskStub(c.env).report() }))
  .get("/var", async (c) => {
    const q = parse(varQuerySchema, c.req.query(), "query");
    const figure = await riskStub(c.env).varFigure(q.method as (typeof VAR_METHODS)[number], Number(q.confidence) as (typeof VAR_CONFIDENCES)[number], q.horizon as (typeof VAR_HORIZONS)[number]);
    return c.json({ var: figure });
  })
  .post("/stress", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "running a stress test");
    const body = parse(stressRequestSchema, await jsonBody(c), "stress test");
    const out = await riskStub(c.env).stress(body);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ result: out.result });
  })
  .put("/limits", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "admin", "changing risk limits");
    const patch = parse(limitsPatchSchema, await jsonBody(c), "limits");
    const out = await riskStub(c.env).setLimits(patch, c.get("principal").sub);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ limits: out.limits });
  })
  .post("/halt", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "admin", "halting trading");
    const body = parse(haltBodySchema, await jsonBody(c), "halt");
    const out = await riskStub(c.env).halt(scopeOf(body), body.reason, c.get("principal").sub);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ halt: out.halt }, 201);
  })
  .post("/resume", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "admin", "resuming trading");
    const body = parse(haltBodySchema, await jsonBody(c), "resume");
    const out = await riskStub(c.env).resume(scopeOf(body), body.reason, c.get("principal").sub);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ resumed: out.resumed, by: c.get("principal").sub });
  })
  .get("/alerts", async (c) => {
    const q = parse(alertsQuerySchema, c.req.query(), "query");
    const db = drizzle(c.env.DB);
    const rows = await db
      .select()
      .from(riskAlerts)
      .where(q.level ? eq(riskAlerts.level, q.level) : undefined)
      .orderBy(desc(riskAlerts.lastAtMs))
      .limit(q.limit);
    const alerts: RiskAlert[] = rows.map((r) => ({
      key: r.key,
      level: r.level,
      rule: r.rule as RiskAlert["rule"],
      scope: JSON.parse(r.scope) as RiskAlert["scope"],
      message: r.message,
      firstAtMs: r.firstAtMs,
      lastAtMs: r.lastAtMs,
      clearedAtMs: r.clearedAtMs,
    }));
    return c.json({ alerts });
  });
