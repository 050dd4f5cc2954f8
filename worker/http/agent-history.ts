import { Hono } from "hono";
import { z } from "zod";
import { MAX_ROWS, equitySeries, querySignals, recentDecisions } from "../../adapters/db/agents.js";
import { fillsCsv, tradesCsv } from "../../core/trades/csv.js";
import type { AgentTrades, TradeFill } from "../../core/trades/types.js";
import { slugSchema, symbolSchema } from "../../core/schemas.js";
import { agentWalletId, farmWalletId } from "../../core/wallets.js";
import { agentStub, riskStub } from "../../durable-objects/stubs.js";
import type { AppEnv } from "../types.js";
import { ApiError, parse } from "./errors.js";

const limitOf = (max: number, fallback: number) =>
  z.coerce.number({ error: `limit is a whole number from 1 to ${max}` }).int(`limit is a whole number from 1 to ${max}`).min(1, "limit is at least 1").max(max, `limit is at most ${max}`).default(fallback);
const timeSchema = z.coerce.number({ error: "a time is ms since the epoch" }).int().min(0).max(8_640_000_000_000_000);

const decisionsQuery = z.strictObject({ limit: limitOf(MAX_ROWS.decisions, 50), before: timeSchema.optional() });
const equityQuery = z.strictObject({ limit: limitOf(MAX_ROWS.equity, 500), since: timeSchema.optional() });
export const signalsQuery = z.strictObject({
  agent: slugSchema.optional(),
  farm: slugSchema.optional(),
  symbol: symbolSchema.optional(),
  limit: limitOf(MAX_ROWS.signals, 100),
  before: timeSchema.optional(),
});

function agentOf(id: string | undefined): string {
  return agentWalletId(parse(slugSchema, id, "agent id"));
}

/** The agent's trades, each open one with the stop the risk monitor watches for it. */
export async function tradesWithStops(env: Env, id: string): Promise<AgentTrades | null> {
  const [trades, report] = await Promise.all([agentStub(env, id).trades(), riskStub(env).report().catch(() => null)]);
  if (!trades || !report) return trades;
  const stopOf = (venue: string, symbol: string) => report.positions.find((p) => p.agent === id && p.venue === venue && p.symbol === symbol)?.stop?.price ?? null;
  return { ...trades, open: trades.open.map((t) => ({ ...t, stop: t.stop ?? stopOf(t.venue, t.symbol) })) };
}

function csv(body: string, filename: string): Response {
  return new Response(body, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"` } });
}

async function tradesOrThrow(env: Env, id: string) {
  const trades = await tradesWithStops(env, id);
  if (!trades) throw new ApiError(404, "unknown_wallet", `no agent ${id}`);
  return trades;
}

/** An agent's history: decisions, trades (and their CSV), fills as CSV, and its equity curve. */
export const agentHistoryRoutes = new Hono<AppEnv>()
  .get("/:id/decisions", async (c) => {
    const id = agentOf(c.req.param("id"));
    const q = parse(decisionsQuery, c.req.query(), "query");
    const fromD1 = await recentDecisions(c.env.DB, id, q.limit, q.before);
    // D1 catches up a moment after a cycle: the object's own last decisions fill the gap.
    const recent = q.before === undefined ? await agentStub(c.env, id).decisions(Math.min(q.limit, 50)) : [];
    const byId = new Map([...fromD1, ...recent].map((d) => [d.id, d]));
    const decisions = [...byId.values()].sort((a, b) => b.atMs - a.atMs || (a.id < b.id ? 1 : -1)).slice(0, q.limit);
    return c.json({ decisions });
  })
  .get("/:id/trades", async (c) => c.json(await tradesOrThrow(c.env, agentOf(c.req.param("id")))))
  .get("/:id/trades.csv", async (c) => {
    const id = agentOf(c.req.param("id"));
    const t = await tradesOrThrow(c.env, id);
    return csv(tradesCsv(t.open, t.closed), `${id.slice(6)}-trades.csv`);
  })
  .get("/:id/fills.csv", async (c) => {
    const id = agentOf(c.req.param("id"));
    const fills = await agentStub(c.env, id).tradeFills();
    if (!fills) throw new ApiError(404, "unknown_wallet", `no agent ${id}`);
    return csv(fillsCsv(fills as TradeFill[]), `${id.slice(6)}-fills.csv`);
  })
  .get("/:id/equity", async (c) => {
    const id = agentOf(c.req.param("id"));
    const q = parse(equityQuery, c.req.query(), "query");
    return c.json({ points: await equitySeries(c.env.DB, id, { limit: q.limit, ...(q.since === undefined ? {} : { sinceMs: q.since }) }) });
  });

/** `GET /api/signals`: what the strategies said, newest first, by agent, farm or symbol. */
export const signalRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const q = parse(signalsQuery, c.req.query(), "query");
  const signals = await querySignals(c.env.DB, {
    limit: q.limit,
    ...(q.agent ? { agent: agentWalletId(q.agent) } : {}),
    ...(q.farm ? { farm: farmWalletId(q.farm) } : {}),
    ...(q.symbol ? { symbol: q.symbol } : {}),
    ...(q.before === undefined ? {} : { beforeMs: q.before }),
  });
  return c.json({ signals });
});
