import { Hono } from "hono";
import { routeOrder } from "../../core/routing.js";
import type { OrderRequest } from "../../core/market.js";
import { type PlaceOrderBody, clientOrderIdSchema, ordersQuerySchema, placeOrderBodySchema, routedOrderBodySchema } from "../../core/schemas.js";
import { agentStub } from "../../durable-objects/stubs.js";
import { assertRole } from "../middleware/auth.js";
import { idempotency } from "../middleware/idempotency.js";
import type { AppEnv } from "../types.js";
import { ApiError, jsonBody, parse, refusal } from "./errors.js";
import { booksFor } from "./markets.js";

/** The agent answers for itself: with no record it has never been created (404). */
function unknownAgent(id: string): ApiError {
  return new ApiError(404, "unknown_wallet", `no agent ${id}`);
}

/** The order a manual ticket describes, under a client order id derived from the command. */
function manualOrder(body: PlaceOrderBody, clientOrderId: string): OrderRequest {
  return { clientOrderId, symbol: body.symbol, side: body.side, type: body.type, quantity: body.quantity, price: body.price ?? null, timeInForce: body.timeInForce };
}

export const orderRoutes = new Hono<AppEnv>()
  /** A manual order for an agent; the client order id derives from the command, so a retry never orders twice. */
  .post("/", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "placing an order");
    const body = parse(placeOrderBodySchema, await jsonBody(c), "order");
    const clientOrderId = `m-${c.get("commandId").replace(/[^A-Za-z0-9]/g, "").slice(0, 30)}`;
    const out = await agentStub(c.env, body.agent).placeOrder(body.venue, manualOrder(body, clientOrderId));
    if (!out.ok) throw refusal(out.code, out.message, out.risk ? { risk: out.risk } : undefined);
    // The risk monitor's word: approved as asked, or resized (placed, but not as asked) with its reason.
    return c.json({ order: out.order, risk: out.risk ?? null }, 201);
  })
  /**
   * The order checked as POST / would check it, with nothing placed, reserved or counted: the risk
   * monitor's dry-run answer, the funds the quantity it allows would need, and whether both pass.
   */
  .post("/check", async (c) => {
    assertRole(c.get("principal").role, "trader", "checking an order");
    const body = parse(placeOrderBodySchema, await jsonBody(c), "order");
    const out = await agentStub(c.env, body.agent).checkOrder(body.venue, manualOrder(body, "check"));
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json(out.check);
  })
  /**
   * Smart order routing: the order is split over the paper venues' books by depth and fees
   * (core/routing), and each child goes to its venue as an IOC limit at the worst level planned.
   */
  .post("/routed", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "placing an order");
    const body = parse(routedOrderBodySchema, await jsonBody(c), "routed order");
    const parentId = `r-${c.get("commandId").replace(/[^A-Za-z0-9]/g, "").slice(0, 30)}`;
    const plan = routeOrder({ clientOrderId: parentId, symbol: body.symbol, side: body.side, quantity: body.quantity, limitPrice: body.limitPrice ?? null }, await booksFor(c.env, body.symbol));
    if (!plan.ok) throw refusal(plan.code, plan.message);
    const agent = agentStub(c.env, body.agent);
    const children = [];
    for (const child of plan.children) {
      const placed = await agent.placeOrder(child.venueId, child.order);
      // The agent answers for itself: an unknown one refuses the first child, and so the whole order.
      if (!placed.ok && placed.code === "unknown_wallet") throw unknownAgent(body.agent);
      children.push({ venue: child.venueId, expectedAveragePrice: child.expectedAveragePrice, expectedFee: child.expectedFee, ...(placed.ok ? { order: placed.order, risk: placed.risk ?? null } : { error: { code: placed.code, message: placed.message } }) });
    }
    return c.json({ route: { ...plan, children: undefined }, children }, 201);
  })
  .get("/", async (c) => {
    const q = parse(ordersQuerySchema, c.req.query(), "query");
    const orders = await agentStub(c.env, q.agent).orders(q.limit);
    if (!orders) throw unknownAgent(q.agent);
    return c.json({ orders });
  })
  .get("/fills", async (c) => {
    const q = parse(ordersQuerySchema, c.req.query(), "query");
    const fills = await agentStub(c.env, q.agent).fills(q.limit);
    if (!fills) throw unknownAgent(q.agent);
    return c.json({ fills });
  })
  .delete("/:id", idempotency(), async (c) => {
    assertRole(c.get("principal").role, "trader", "cancelling an order");
    const q = parse(ordersQuerySchema, c.req.query(), "query");
    const id = parse(clientOrderIdSchema, c.req.param("id"), "order id");
    const out = await agentStub(c.env, q.agent).cancelOrder(id);
    if (!out.ok) throw refusal(out.code, out.message);
    return c.json({ order: out.order });
  });
