import { Hono } from "hono";
import { paperVenueSpec } from "../../core/paper-venues.js";
import { venueIdSchema, venueKeysBodySchema, venueSettingsBodySchema } from "../../core/schemas.js";
import { venueStub } from "../../durable-objects/stubs.js";
import { assertRole } from "../middleware/auth.js";
import { KeyEnvelopeError, credentialSchemas, sealCredentials, venueKeysSecret } from "../../adapters/exchanges/index.js";
import type { AppEnv } from "../types.js";
import { ApiError, jsonBody, parse, refusal } from "./errors.js";

function venueId(raw: string): string {
  const id = parse(venueIdSchema, raw, "venue");
  if (!paperVenueSpec(id)) throw new ApiError(404, "unknown_venue", `no venue ${id}`);
  return id;
}

/** A venue account's settings: where its prices come from, and its exchange keys (admin; write-only). */
export const venueRoutes = new Hono<AppEnv>()
  .get("/:id", async (c) => c.json({ venue: await venueStub(c.env, venueId(c.req.param("id"))).settings() }))
  .put("/:id/settings", async (c) => {
    assertRole(c.get("principal").role, "admin", "changing a venue's settings");
    const id = venueId(c.req.param("id"));
    const body = parse(venueSettingsBodySchema, await jsonBody(c), "venue settings");
    const venue = venueStub(c.env, id);
    const configured = await venue.configure(body.marketSource, body.baseUrl ?? null);
    if (!body.trading) return c.json({ venue: configured });
    const traded = await venue.setTrading(body.trading);
    if (!traded.ok) throw refusal(traded.code, traded.message);
    return c.json({ venue: traded.settings });
  })
  .put("/:id/keys", async (c) => {
    assertRole(c.get("principal").role, "admin", "setting a venue's keys");
    const id = venueId(c.req.param("id"));
    const body = parse(venueKeysBodySchema, await jsonBody(c), "venue keys");
    const exchange = paperVenueSpec(id)?.exchange;
    if (exchange === undefined) throw new ApiError(404, "unknown_venue", `no venue ${id}`);
    // Per exchange: a key that cannot be read is refused now, not at the first live order.
    const credentials = parse(credentialSchemas[exchange], body.credentials, `${exchange} keys`);
    let envelope: string;
    try {
      envelope = await sealCredentials(venueKeysSecret(c.env), credentials, id);
    } catch (err) {
      if (err instanceof KeyEnvelopeError && err.code === "not_configured") {
        throw new ApiError(503, "keys_not_configured", "VENUE_KEYS_SECRET is not set: exchange keys cannot be stored (wrangler secret put VENUE_KEYS_SECRET)");
      }
      throw err;
    }
    return c.json({ venue: await venueStub(c.env, id).storeKeys(envelope) });
  });
