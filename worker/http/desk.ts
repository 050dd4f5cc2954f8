import { Hono } from "hono";
import { z } from "zod";
import { parse } from "./errors.js";
import { agentStub, treasuryStub } from "../../durable-objects/stubs.js";
import { assertRole } from "../middleware/auth.js";
import type { AppEnv } from "../types.js";

const probeQuery = z.strictObject({ n: z.coerce.number({ error: "n is a whole number from 1 to 1000" }).int().min(1).max(1000).default(100) });

export const deskRoutes = new Hono<AppEnv>()
  /**
   * A bare Durable Object RPC round trip, n times in a row, timed in the Worker: the floor a
   * decision cycle's latency is measured against (npm run bench:agents).
   */
  .get("/desk/probe", async (c) => {
    const { n } = parse(probeQuery, c.req.query(), "query");
    const stub = agentStub(c.env, "agent:probe");
    await stub.ping();
    const t0 = Date.now();
    for (let i = 0; i < n; i++) await stub.ping();
    const totalMs = Date.now() - t0;
    return c.json({ n, totalMs, meanMs: totalMs / n });
  })
  .get("/me", (c) => c.json(c.get("principal")))
  /** Seeds the demo desk; idempotent, so `npm start` calls it on every start. */
  .post("/desk/seed", async (c) => {
    assertRole(c.get("principal").role, "admin", "seeding the demo desk");
    const out = await treasuryStub(c.env).seedDemo();
    return c.json(out, out.seeded ? 201 : 200);
  });
