import { Hono } from "hono";
import { z } from "zod";
import { MAX_ROWS, equitySeries } from "../../adapters/db/agents.js";
import { rollUp } from "../../core/trades/attribution.js";
import type { Attribution } from "../../core/trades/types.js";
import { agentStub, treasuryStub } from "../../durable-objects/stubs.js";
import type { AppEnv } from "../types.js";
import { parse } from "./errors.js";

const equityQuery = z.strictObject({
  scope: z.string().regex(/^(desk|(agent|farm):[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?)$/, "scope is desk, farm:<id> or agent:<id>").default("desk"),
  limit: z.coerce.number({ error: `limit is a whole number from 1 to ${MAX_ROWS.equity}` }).int().min(1).max(MAX_ROWS.equity).default(500),
  since: z.coerce.number({ error: "since is ms since the epoch" }).int().min(0).max(8_640_000_000_000_000).optional(),
});

/**
 * The desk's performance: equity curves (every agent's cycle, every farm's and the risk monitor's
 * samples in D1) and P&L attribution per agent, farm, strategy and the desk.
 */
export const performanceRoutes = new Hono<AppEnv>()
  .get("/equity", async (c) => {
    const q = parse(equityQuery, c.req.query(), "query");
    return c.json({ scope: q.scope, points: await equitySeries(c.env.DB, q.scope, { limit: q.limit, ...(q.since === undefined ? {} : { sinceMs: q.since }) }) });
  })
  .get("/attribution", async (c) => {
    const all = await treasuryStub(c.env).directory();
    const agents = all.filter((r) => r.kind === "agent" && r.role !== "overseer");
    const parts = await Promise.all(agents.map(async (r) => ({ record: r, attribution: (await agentStub(c.env, r.id).attribution()) as Attribution | null })));
    const directory = new Map(all.map((r) => [r.id, r]));
    const members = parts.flatMap((p) => (p.attribution ? [{ farm: p.record.parent ?? "treasury", strategy: directory.get(p.record.parent ?? "")?.strategy ?? "none", attribution: p.attribution }] : []));
    return c.json(rollUp(members));
  });
