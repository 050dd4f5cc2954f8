import { z } from "zod";
import type { ExchangeId } from "../../core/market.js";
import { type BinanceCredentials, readBinancePrivateKey } from "./binance-auth.js";
import { readCoinbaseSecret } from "./coinbase-auth.js";
import { decodeBase64Loosely } from "./ed25519.js";
import type { CoinbaseCredentials } from "./coinbase.js";
import type { HyperliquidCredentials } from "./hyperliquid.js";
import type { KrakenCredentials } from "./kraken.js";

/**
 * The credential fields each exchange takes, checked when keys are stored rather than at the first
 * signed request: a key that cannot be read is refused with a message that says what was
 * expected. Messages name fields, never their values.
 */

const token = z.string().trim().min(1).max(256).regex(/^\S+$/, "must not contain whitespace");

/** A refinement that runs a reader and turns its error into the issue's message. */
function readable(read: (value: string) => unknown) {
  return (value: string, ctx: z.RefinementCtx) => {
    try {
      read(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : "unreadable key" });
    }
  };
}

const binance = z
  .strictObject({
    apiKey: token,
    /** HMAC key. */
    apiSecret: token.optional(),
    /** Ed25519 key, PKCS#8 PEM. */
    privateKeyPem: z.string().max(8192).superRefine(readable(readBinancePrivateKey)).optional(),
  })
  .superRefine((c, ctx) => {
    if ((c.apiSecret === undefined) === (c.privateKeyPem === undefined)) {
      ctx.addIssue({ code: "custom", message: "give apiSecret (an HMAC key) or privateKeyPem (an Ed25519 key), exactly one of them" });
    }
  })
  .transform((c): BinanceCredentials => (c.privateKeyPem !== undefined ? { apiKey: c.apiKey, privateKeyPem: c.privateKeyPem } : { apiKey: c.apiKey, apiSecret: c.apiSecret ?? "" }));

const coinbase = z.strictObject({
  /** "organizations/{org}/apiKeys/{key}" or the key id. */
  keyName: z.string().trim().min(1).max(300),
  /** ECDSA PEM or CDP's base64 Ed25519 secret. */
  privateKeyPem: z.string().max(8192).superRefine(readable(readCoinbaseSecret)),
});

const kraken = z.strictObject({
  apiKey: token,
  apiSecret: token.refine((s) => decodeBase64Loosely(s) !== null, "must be base64, as Kraken issues it"),
});

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address");
const hyperliquid = z.strictObject({
  privateKey: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "must be a 32-byte hex private key"),
  accountAddress: address.optional(),
  vaultAddress: address.optional(),
});

/** The credentials each exchange's client takes. */
export interface CredentialsByExchange {
  readonly binance: BinanceCredentials;
  readonly coinbase: CoinbaseCredentials;
  readonly kraken: KrakenCredentials;
  readonly hyperliquid: HyperliquidCredentials;
}

/** Per exchange, the schema its stored credentials must pass. */
export const credentialSchemas: { readonly [E in ExchangeId]: z.ZodType<CredentialsByExchange[E], unknown> } = { binance, coinbase, kraken, hyperliquid };

export type ParsedCredentials<E extends ExchangeId> = { readonly ok: true; readonly credentials: CredentialsByExchange[E] } | { readonly ok: false; readonly message: string };

/** Checks raw credential fields for an exchange; the message lists every problem by field, never a value. */
export function parseVenueCredentials<E extends ExchangeId>(exchange: E, raw: unknown): ParsedCredentials<E> {
  const result = credentialSchemas[exchange].safeParse(raw);
  if (result.success) return { ok: true, credentials: result.data };
  const problems = result.error.issues.map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`));
  return { ok: false, message: `${exchange} credentials: ${problems.join("; ")}` };
}
