import { Hono } from "hono";
import { type Asset } from "../../core/money.js";
import {
  allocationBodySchema,
  collectionBodySchema,
  rebalanceBodySchema,
  transactionsQuerySchema,
  walletIdSchema,
} from "../../core/schemas.js";
import type { TransferView } from "../../core/transfers/index.js";
import { type WalletAmounts, buildTree, deskTotals } from "../../core/tree.js";
import type { WalletRecord } from "../../core/wallets.js";
import { farmStub, treasuryStub, walletStub } from "../../durable-objects/stubs.js";
import { listTransactions } from "../../adapters/db/history.js";
import { assertRole } from "../middleware/auth.js";
import { idempotency } from "../middleware/idempotency.js";
import type { AppEnv } from "../types.js";
import { ApiError, jsonBody, parse, refusal } from "./errors.js";

async function amountsOf(env: Env, records: readonly WalletRecord[]): Promise<Map<string, WalletAmounts>> {
  const states = await Promise.all(records.map((r) => walletStub(env, r.id).state()));
  return new Map(records.map((r, i) => [r.id, states[i] as WalletAmounts]));
}

/** The wallet and everything below it. */
function descendants(directory: readonly WalletRecord[], rootId: string): WalletRecord[] {
  const out = directory.filter((r) => r.id === rootId);
  for (let i = 0; i < out.length; i++) {
    const parentId = out[i]?.id;
    for (const r of directory) if (r.parent === parentId) out.push(r);
  }
  return out;
}

function moveState(legs: readonly TransferView[]): "completed" | "pending" | "rejected" {
  if (legs.some((l) => l.state === "rejected")) return "rejected";
  return legs.every((l) => l.state === "delivered") ? "completed" : "pending";
}

/** Runs an allocation or a collection: plan against the directory, authorize, send the first leg. */
async function move(
  env: Env,
  kind: "allocation" | "collection",
  body: { from: string; to?: string | undefined; amount?: string | undefined; asset: Asset; memo?: string | undefined },
  role: AppEnv["Variables"]["principal"]["role"],
  commandId: string,
) {
  const planned = await treasuryStub(env).planMove(kind, body.from, body.to ?? null);
  if (!planned.ok) throw refusal(planned.code, planned.message);
  const { first, touchesTreasury } = planned.plan;
  assertRole(role, touchesTreasury ? "admin" : "trader", touchesTreasury ? "moving treasury money" : `an ${kind} between a farm and its agent`);
  const sent = await walletStub(env, first.from).send({
    transferId: commandId,
    to: first.to,
    asset: body.asset,
    amount: body.amount ?? null,
    forwardTo: first.forwardTo,
    memo: body.memo ?? null,
  });
  if (!sent.ok) throw refusal(sent.code, sent.message);
  const legs = sent.forward ? [sent.transfer, sent.forward] : [sent.transfer];
  const state = moveState(legs);
  const moveBody = { id: commandId, kind, state, legs };
  if (state === "rejected") {
    const leg = legs.find((l) => l.state === "rejected");
    throw refusal(leg?.code ?? "invalid_route", leg?.message ?? "the receiver refused the transfer", { move: moveBody });
  }
  return { status: state === "completed" ? (201 as const) : (202 as const), body: { move: moveBody } };
}

export const walletRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const directory = await treasuryStub(c.env).directory();
    const amounts = await amountsOf(c.env, directory);
    return c.json({ asset: "USD", tree: buildTree(directory, amounts, "treasury"), totals: deskTotals(amounts.values(), "USD") });
  })
  .get("/:id", async (c) => {
    const id = parse(walletIdSchema, c.req.param("id"), "wallet id");
    const directory = await treasuryStub(c.env).directory();
    if (!directory.some((r) => r.id === id)) throw new ApiError(404, "unknown_wallet", `no wallet ${id}`);
    const subtree = descendants(directory, id);
    const amounts = await amountsOf(c.env, subtree);
    return c.json({ wallet: buildTree(subtree, amounts, id) });
  })
  .get("/:id/transactions", async (c) => {
    const id = parse(walletIdSchema, c.req.param("id"), "wallet id");
    const query = parse(transactionsQuerySchema, c.req.query(), "query");
    if (!(await treasuryStub(c.env).lookup(id))) throw new ApiError(404, "unknown_wallet", `no wallet ${id}`);
    return c.json(await listTransactions(c.env.DB, id, query.cursor ? Number(query.cursor) : null, query.limit));
  })
  .post("/allocations", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader");
    const body = parse(allocationBodySchema, await jsonBody(c), "allocation");
    const out = await move(c.env, "allocation", body, c.get("principal").role, c.get("commandId"));
    return c.json(out.body, out.status);
  })
  .post("/collections", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader");
    const body = parse(collectionBodySchema, await jsonBody(c), "collection");
    const out = await move(c.env, "collection", body, c.get("principal").role, c.get("commandId"));
    return c.json(out.body, out.status);
  })
  .post("/rebalances", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader");
    const body = parse(rebalanceBodySchema, await jsonBody(c), "rebalance");
    const farm = await treasuryStub(c.env).lookup(body.farm);
    if (!farm || farm.kind !== "farm") throw new ApiError(404, "unknown_wallet", `no farm ${body.farm}`);
    if (farm.status === "archived") throw refusal("wallet_archived", `${farm.id} is archived`);
    const result = await farmStub(c.env, farm.id).rebalance(c.get("commandId"), body.mode, body.asset);
    return c.json({ rebalance: result }, result.state === "completed" ? 201 : 202);
  });
