import { pemBody } from "./der.js";
import { type Ed25519Secret, ed25519FromPkcs8, importEd25519, signEd25519 } from "./ed25519.js";
import { hmac, toBase64, toHex, utf8 } from "./encoding.js";

/**
 * Binance API keys, chosen by the credential fields given:
 * - `{ apiKey, apiSecret }`: an HMAC key; the signature is hex HMAC-SHA256.
 * - `{ apiKey, privateKeyPem }`: an Ed25519 key (Binance's recommended kind), the PKCS#8 PEM the
 *   user generated; the signature is base64 of the Ed25519 signature, percent-encoded when sent.
 * Either way the signed payload is the exact (percent-encoded) query string sent before `signature`.
 */

export interface BinanceHmacCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

export interface BinanceEd25519Credentials {
  readonly apiKey: string;
  /** "-----BEGIN PRIVATE KEY-----" (PKCS#8, unencrypted) of an Ed25519 key whose public key is registered at Binance. */
  readonly privateKeyPem: string;
}

export type BinanceCredentials = BinanceHmacCredentials | BinanceEd25519Credentials;

/** Makes the value of the `signature` parameter, already percent-encoded for the query string. */
export type BinanceSigner = (payload: string) => Promise<string>;

/** Binance SIGNED endpoints: hex HMAC-SHA256 of the exact query string (and body) sent. */
export async function signBinance(secret: string, totalParams: string): Promise<string> {
  return toHex(await hmac("SHA-256", utf8(secret), utf8(totalParams)));
}

/** Binance SIGNED endpoints with an Ed25519 key: base64 of the signature of the payload's bytes (not yet percent-encoded). */
export async function signBinanceEd25519(key: CryptoKey, totalParams: string): Promise<string> {
  return toBase64(await signEd25519(key, utf8(totalParams)));
}

/** Reads a Binance Ed25519 private key; throws a message that says what was expected, never the key. */
export function readBinancePrivateKey(pem: string): Ed25519Secret {
  const der = pemBody(pem, "PRIVATE KEY");
  if (der === null) {
    const why = /BEGIN ENCRYPTED PRIVATE KEY/.test(pem) ? "the key is encrypted: export it without a passphrase" : "no PEM block 'PRIVATE KEY'";
    throw new Error(`Binance key: ${why} (expected the Ed25519 private key as PKCS#8 PEM, "-----BEGIN PRIVATE KEY-----")`);
  }
  return ed25519FromPkcs8(der, "Binance key");
}

/** Which kind of key the credentials hold. */
export function binanceKeyKind(credentials: BinanceCredentials): "hmac" | "ed25519" {
  return "privateKeyPem" in credentials ? "ed25519" : "hmac";
}

/** A signer for the credentials: the Ed25519 key is read and imported once, on first use. */
export function binanceSigner(credentials: BinanceCredentials): BinanceSigner {
  if (!("privateKeyPem" in credentials)) return (payload) => signBinance(credentials.apiSecret, payload);
  let key: Promise<CryptoKey> | null = null;
  return async (payload) => {
    key ??= Promise.resolve()
      .then(() => importEd25519(readBinancePrivateKey(credentials.privateKeyPem)))
      .catch((error: unknown) => {
        key = null;
        throw error;
      });
    return encodeURIComponent(await signBinanceEd25519(await key, payload));
  };
}
