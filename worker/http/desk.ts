import { Hono } from "hono";
import { treasuryStub } from "../../durable-objects/stubs.js";
import { assertRole } from "../middleware/auth.js";
import type { AppEnv } from "../types.js";

export const deskRoutes = new Hono<AppEnv>()
  .get("/me", (c) => c.json(c.get("principal")))
  /** Seeds the demo desk; idempotent, so `npm start` calls it on every start. */
  .post("/desk/seed", async (c) => {
    assertRole(c.get("principal").role, "admin", "seeding the demo desk");
    const out = await treasuryStub(c.env).seedDemo();
    return c.json(out, out.seeded ? 201 : 200);
  });
