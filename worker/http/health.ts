import { Hono } from "hono";
import type { AppEnv } from "../types.js";

export const healthRoutes = new Hono<AppEnv>().get("/", (c) =>
  c.json({ ok: true, service: "cival", env: c.env.CIVAL_ENV ?? "production", authConfigured: Boolean(c.env.JWT_SECRET), timeMs: Date.now() }),
);
