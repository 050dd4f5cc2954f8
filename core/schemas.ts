import { z } from "zod";
import { AMOUNT_PATTERN, ASSETS, Decimal, MAX_SCALE, assetScale, fitsAssetScale } from "./money.js";
import { THREAD_PATTERN, TOPIC_PATTERN } from "./events.js";
import { SLUG_PATTERN, WALLET_ID_PATTERN } from "./wallets.js";

/** Request schemas shared by the API and the dashboard. */

export const assetSchema = z.enum(Object.keys(ASSETS) as [keyof typeof ASSETS, ...(keyof typeof ASSETS)[]]);
/** Money moves between wallets in cash; positions move only by trading. */
export const cashAssetSchema = z.enum(["USD"], { error: "wallets move USD between them; positions change by trading" });

/** A positive decimal amount as a string: no sign, no exponent, at most 18 decimals. */
export const amountSchema = z
  .string({ error: "amount must be a decimal string such as \"1500.25\"" })
  .superRefine((value, ctx) => {
    if (!/^\d+(\.\d+)?$/.test(value)) {
      ctx.addIssue({ code: "custom", message: "amount must be a plain positive decimal string such as \"1500.25\"" });
      return;
    }
    const decimals = value.split(".")[1]?.length ?? 0;
    if (decimals > MAX_SCALE) {
      ctx.addIssue({ code: "custom", message: `amount has ${decimals} decimals; at most ${MAX_SCALE} are allowed` });
      return;
    }
    if (!AMOUNT_PATTERN.test(value)) {
      ctx.addIssue({ code: "custom", message: "amount is too large or has leading zeros" });
      return;
    }
    if (new Decimal(value).lte(0)) ctx.addIssue({ code: "custom", message: "amount must be greater than zero" });
  });

/**
 * Why an amount is finer than its asset's scale ("amount 12.345 has 3 decimals; …"), or null when
 * it fits, or is no plain amount at all (amountSchema says why).
 */
export function assetScaleProblem(amount: string, asset: string): string | null {
  if (!AMOUNT_PATTERN.test(amount) || fitsAssetScale(amount, asset)) return null;
  const scale = assetScale(asset);
  const step = scale === 0 ? "1" : `0.${"0".repeat(scale - 1)}1`;
  return `amount ${amount} has ${new Decimal(amount).decimalPlaces()} decimals; ${asset} amounts carry at most ${scale} (steps of ${step})`;
}

/**
 * Refuses an amount finer than its asset's scale (12.345 USD): the ledger would hold it, but no
 * operator could see or move the sub-cent part. Checked on the body, where the asset is known.
 */
function checkAssetScale(body: { readonly amount?: string | undefined; readonly asset: string }, ctx: z.RefinementCtx): void {
  const problem = body.amount === undefined ? null : assetScaleProblem(body.amount, body.asset);
  if (problem) ctx.addIssue({ code: "custom", path: ["amount"], message: problem });
}

/** An amount of `asset`: amountSchema, and no finer than the asset's scale. */
export function assetAmountSchema(asset: string) {
  return amountSchema.superRefine((value, ctx) => {
    const problem = assetScaleProblem(value, asset);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

export const walletIdSchema = z
  .string()
  .regex(WALLET_ID_PATTERN, "a wallet id is \"treasury\", \"farm:<slug>\" or \"agent:<slug>\"");

export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, "an id is 1-48 lowercase letters, digits and inner hyphens");

export const nameSchema = z.string().trim().min(1, "name must not be empty").max(80, "name is at most 80 characters");

export const allocationBodySchema = z.strictObject({
  from: walletIdSchema.default("treasury"),
  to: walletIdSchema,
  amount: amountSchema,
  asset: cashAssetSchema.default("USD"),
  memo: z.string().max(200).optional(),
}).superRefine(checkAssetScale);
export type AllocationBody = z.infer<typeof allocationBodySchema>;

export const collectionBodySchema = z.strictObject({
  from: walletIdSchema,
  /** Defaults to the sender's parent. */
  to: walletIdSchema.optional(),
  /** Omitted: everything available. */
  amount: amountSchema.optional(),
  asset: cashAssetSchema.default("USD"),
  memo: z.string().max(200).optional(),
}).superRefine(checkAssetScale);
export type CollectionBody = z.infer<typeof collectionBodySchema>;

export const rebalanceBodySchema = z.strictObject({
  farm: walletIdSchema.refine((id) => id.startsWith("farm:"), "farm must be a farm wallet id such as \"farm:momentum\""),
  mode: z.enum(["equal", "performance"]).default("equal"),
  asset: cashAssetSchema.default("USD"),
});
export type RebalanceBody = z.infer<typeof rebalanceBodySchema>;

export const STRATEGIES = ["momentum", "mean-reversion", "arbitrage", "pairs", "market-making"] as const;
export const strategySchema = z.enum(STRATEGIES);

export const createFarmBodySchema = z.strictObject({
  id: slugSchema.optional(),
  name: nameSchema,
  strategy: strategySchema,
});
export type CreateFarmBody = z.infer<typeof createFarmBodySchema>;

export const createAgentBodySchema = z.strictObject({
  id: slugSchema.optional(),
  name: nameSchema,
  farm: slugSchema,
});
export type CreateAgentBody = z.infer<typeof createAgentBodySchema>;

export const renameBodySchema = z.strictObject({ name: nameSchema });

export const transactionsQuerySchema = z.strictObject({
  cursor: z.string().regex(/^\d{1,15}$/, "cursor is the seq of the last row of the previous page").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, "Idempotency-Key is 1-200 visible ASCII characters");

const topicSchema = z.string().regex(TOPIC_PATTERN, "a topic is desk, treasury, risk, farm:<id>, agent:<id>, venue:<id> or market:<venue>:<BASE-QUOTE>");

/** A comma-separated list of 1 to 10 topics. */
export const topicsParamSchema = z
  .string()
  .default("desk")
  .transform((s) => [...new Set(s.split(",").map((t) => t.trim()).filter(Boolean))])
  .pipe(z.array(topicSchema).min(1, "name at least one topic").max(10, "at most 10 topics per subscription"));

export const seqSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const eventsSocketQuerySchema = z.strictObject({
  topics: topicsParamSchema,
  since: seqSchema.optional(),
  /** For clients that cannot send a subprotocol; browsers use `bearer.<token>` as a subprotocol. */
  token: z.string().max(4096).optional(),
});

export const eventsHistoryQuerySchema = z.strictObject({
  topics: topicsParamSchema,
  since: seqSchema.default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** What a standard AG-UI client may put in `forwardedProps` to bound its run. */
export const aguiForwardedPropsSchema = z
  .object({
    maxEvents: z.number().int().min(0).max(100_000).default(1_000),
    maxDurationMs: z.number().int().min(0).max(600_000).default(60_000),
  })
  .catchall(z.unknown());

export const threadSchema = z.string().regex(THREAD_PATTERN, "threadId names a thread: treasury, risk, coordinator, farm:<id>, agent:<id> or venue:<id>");

export const symbolSchema = z.string().regex(/^[A-Z0-9]{2,12}-[A-Z0-9]{2,12}$/, "a symbol is BASE-QUOTE, such as BTC-USD");
export const venueIdSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, "a venue id is lowercase, such as paper-binance");
export const candleQuerySchema = z.strictObject({
  interval: z.enum(["1m", "5m", "15m", "1h", "4h", "1d"]).default("1m"),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const placeOrderBodySchema = z
  .strictObject({
    agent: walletIdSchema.refine((id) => id.startsWith("agent:"), "agent is an agent wallet id such as \"agent:marcus-momentum\""),
    venue: venueIdSchema,
    symbol: symbolSchema,
    side: z.enum(["buy", "sell"]),
    type: z.enum(["market", "limit"]),
    quantity: amountSchema,
    price: amountSchema.optional(),
    timeInForce: z.enum(["gtc", "ioc", "post_only"]).default("gtc"),
  })
  .superRefine((o, ctx) => {
    if (o.type === "limit" && !o.price) ctx.addIssue({ code: "custom", path: ["price"], message: "a limit order needs a price" });
    if (o.type === "market" && o.price) ctx.addIssue({ code: "custom", path: ["price"], message: "a market order takes no price" });
    if (o.type === "market" && o.timeInForce === "post_only") ctx.addIssue({ code: "custom", path: ["timeInForce"], message: "a market order cannot be post-only" });
  });
export type PlaceOrderBody = z.infer<typeof placeOrderBodySchema>;

export const ordersQuerySchema = z.strictObject({
  agent: walletIdSchema.refine((id) => id.startsWith("agent:"), "agent is an agent wallet id"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const routedOrderBodySchema = z.strictObject({
  agent: walletIdSchema.refine((id) => id.startsWith("agent:"), "agent is an agent wallet id such as \"agent:marcus-momentum\""),
  symbol: symbolSchema,
  side: z.enum(["buy", "sell"]),
  quantity: amountSchema,
  /** Levels priced worse than this are not used. */
  limitPrice: amountSchema.optional(),
});

export const venueSettingsBodySchema = z.strictObject({
  /** "live": prices from the exchange's public data, fills still simulated (paper-on-live). */
  marketSource: z.enum(["synthetic", "live"]),
  /** "live": orders go to the exchange with the stored keys; "paper": fills are simulated. */
  trading: z.enum(["paper", "live"]).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: "baseUrl is an http(s) URL" }).max(300).optional(),
});

export const venueKeysBodySchema = z.strictObject({
  /** The exchange's credential fields (apiKey, apiSecret, privateKey, …); stored encrypted, never returned. */
  credentials: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,40}$/), z.string().min(1).max(8192)).refine((c) => Object.keys(c).length > 0 && Object.keys(c).length <= 8, "credentials hold 1 to 8 fields"),
});

export const clientOrderIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, "a client order id is 1-64 letters, digits and . _ : -");
