import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { except } from "hono/combine";
import { HTTPException } from "hono/http-exception";
import { agentRoutes } from "./http/agents.js";
import { signalRoutes } from "./http/agent-history.js";
import { approvalRoutes } from "./http/approvals.js";
import { performanceRoutes } from "./http/performance.js";
import { backtestRoutes, strategyRoutes } from "./http/backtests.js";
import { deskRoutes } from "./http/desk.js";
import { ApiError, errorBody } from "./http/errors.js";
import { aguiRoutes, eventHistoryRoutes, eventSocketRoutes } from "./http/events.js";
import { farmRoutes } from "./http/farms.js";
import { healthRoutes } from "./http/health.js";
import { arbitrageRoutes, marketRoutes } from "./http/markets.js";
import { orderRoutes } from "./http/orders.js";
import { riskRoutes } from "./http/risk.js";
import { venueRoutes } from "./http/venues.js";
import { walletRoutes } from "./http/wallets.js";
import { auth } from "./middleware/auth.js";
import type { AppEnv } from "./types.js";

/** The API: every route under /api (the dashboard's static assets take every other path). */
export const app = new Hono<AppEnv>().basePath("/api");

/** No request body the API takes comes near this; a larger one is refused before it is read. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A backtest carries its candles (an uploaded file's text): up to 8 MiB. */
export const MAX_BACKTEST_BODY_BYTES = 8 * 1024 * 1024;

function limitBody(maxSize: number, what: string) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, "body_too_large", `${what} are limited to ${maxSize} bytes`);
    },
  });
}

app.route("/health", healthRoutes);
app.use("/backtests", limitBody(MAX_BACKTEST_BODY_BYTES, "backtest requests (candles included)"));
app.use("*", except("/api/backtests", limitBody(MAX_BODY_BYTES, "request bodies")));
// The socket authenticates itself (browsers cannot send an Authorization header on a WebSocket).
app.route("/events", eventSocketRoutes);
app.use("*", auth());
app.route("/wallets", walletRoutes);
app.route("/farms", farmRoutes);
app.route("/agents", agentRoutes);
app.route("/signals", signalRoutes);
app.route("/approvals", approvalRoutes);
app.route("/", performanceRoutes);
app.route("/events", eventHistoryRoutes);
app.route("/agui", aguiRoutes);
app.route("/markets", marketRoutes);
app.route("/orders", orderRoutes);
app.route("/arbitrage", arbitrageRoutes);
app.route("/venues", venueRoutes);
app.route("/risk", riskRoutes);
app.route("/strategies", strategyRoutes);
app.route("/backtests", backtestRoutes);
app.route("/", deskRoutes);

app.notFound((c) => c.json(errorBody("not_found", `no route ${c.req.method} ${c.req.path}`), 404));

app.onError((err, c) => {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof HTTPException) return c.json(errorBody("http_error", err.message), err.status);
  console.error("cival: unhandled error", err);
  return c.json(errorBody("internal", "the desk failed to answer; the request may be retried with the same Idempotency-Key"), 500);
});
