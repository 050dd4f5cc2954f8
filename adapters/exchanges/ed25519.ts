import { ed25519 } from "@noble/curves/ed25519.js";
import { readTlv } from "./der.js";
import { buffer, fromBase64, toBase64Url, toHex } from "./encoding.js";

/**
 * Ed25519 private keys as exchanges hand them out, and WebCrypto signing with them.
 * Coinbase CDP gives base64 of 64 bytes (seed, then public key); Binance has the user make a
 * PKCS#8 PEM (RFC 8410). Both become the same { seed, publicKey } pair, checked for consistency
 * (WebCrypto does not check that the public half belongs to the seed), then a non-extractable key.
 * No error message carries key bytes.
 */

export interface Ed25519Secret {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** id-Ed25519, 1.3.101.112 (RFC 8410). */
export const ED25519_OID = "2b6570";

const KNOWN_ALGORITHMS: Readonly<Record<string, string>> = {
  [ED25519_OID]: "Ed25519",
  "2a8648ce3d0201": "EC (ECDSA)",
  "2a864886f70d010101": "RSA",
  "2b6571": "Ed448",
};

/** The seed with the public key derived from it; a given public key must match. */
export function ed25519Secret(seed: Uint8Array, publicKey: Uint8Array | null, what: string): Ed25519Secret {
  if (seed.length !== 32) throw new Error(`${what}: the Ed25519 seed is ${seed.length} bytes, not 32`);
  const derived = ed25519.getPublicKey(seed);
  if (publicKey !== null && toHex(publicKey) !== toHex(derived)) throw new Error(`${what}: the public key does not belong to the private key (damaged or mixed-up key)`);
  return { seed: seed.slice(), publicKey: derived };
}

/** The algorithm OID (hex) of a PKCS#8 PrivateKeyInfo / OneAsymmetricKey. */
export function pkcs8Algorithm(der: Uint8Array, what: string): string {
  const seq = readTlv(der, 0, what);
  if (seq.tag !== 0x30) throw new Error(`${what}: not a PKCS#8 SEQUENCE`);
  const version = readTlv(seq.value, 0, what);
  if (version.tag !== 0x02) throw new Error(`${what}: PKCS#8 without a version`);
  const algorithm = readTlv(seq.value, version.end, what);
  if (algorithm.tag !== 0x30) throw new Error(`${what}: PKCS#8 without an algorithm`);
  const oid = readTlv(algorithm.value, 0, what);
  if (oid.tag !== 0x06) throw new Error(`${what}: PKCS#8 algorithm is not an OID`);
  return toHex(oid.value);
}

/** Seed and public key of an Ed25519 PKCS#8 key (v1, or v2 with its public key). */
export function ed25519FromPkcs8(der: Uint8Array, what: string): Ed25519Secret {
  const oid = pkcs8Algorithm(der, what);
  if (oid !== ED25519_OID) throw new Error(`${what}: expected an Ed25519 key, got ${KNOWN_ALGORITHMS[oid] ?? "another kind of key"}`);
  const body = readTlv(der, 0, what).value;
  const version = readTlv(body, 0, what);
  if (version.value.length !== 1 || (version.value[0] !== 0 && version.value[0] !== 1)) throw new Error(`${what}: unsupported PKCS#8 version`);
  const algorithm = readTlv(body, version.end, what);
  const wrapped = readTlv(body, algorithm.end, what);
  if (wrapped.tag !== 0x04) throw new Error(`${what}: PKCS#8 without a private key`);
  const inner = readTlv(wrapped.value, 0, what);
  if (inner.tag !== 0x04) throw new Error(`${what}: the Ed25519 private key is not an OCTET STRING`);
  let publicKey: Uint8Array | null = null;
  for (let at = wrapped.end; at < body.length; ) {
    const field = readTlv(body, at, what);
    // [1] IMPLICIT BIT STRING: a leading 0 (unused bits), then the 32-byte point.
    if (field.tag === 0x81 || field.tag === 0xa1) publicKey = (field.tag === 0xa1 ? readTlv(field.value, 0, what).value : field.value).subarray(1);
    at = field.end;
  }
  return ed25519Secret(inner.value, publicKey, what);
}

/** CDP's Ed25519 secret: base64 of 64 bytes, the 32-byte seed followed by the 32-byte public key. */
export function ed25519FromCdpSecret(text: string, what: string): Ed25519Secret {
  const bytes = decodeBase64Loosely(text);
  if (bytes === null) throw new Error(`${what}: the Ed25519 secret is not base64`);
  if (bytes.length !== 64) throw new Error(`${what}: the Ed25519 secret is ${bytes.length} bytes, expected 64 (seed and public key)`);
  return ed25519Secret(bytes.subarray(0, 32), bytes.subarray(32), what);
}

/** Base64 or base64url, whitespace and literal "\n" ignored; null when it is neither. */
export function decodeBase64Loosely(text: string): Uint8Array | null {
  const clean = text.replace(/\\n/g, "").replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  if (clean === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) return null;
  if (clean.length % 4 !== 0 && clean.includes("=")) return null;
  try {
    return fromBase64(clean + "=".repeat((4 - (clean.length % 4)) % 4));
  } catch {
    return null;
  }
}

/** A non-extractable WebCrypto Ed25519 signing key. */
export function importEd25519(secret: Ed25519Secret): Promise<CryptoKey> {
  const jwk: JsonWebKey = { kty: "OKP", crv: "Ed25519", d: toBase64Url(secret.seed), x: toBase64Url(secret.publicKey), ext: false };
  return crypto.subtle.importKey("jwk", jwk, { name: "Ed25519" }, false, ["sign"]);
}

/** The 64-byte Ed25519 signature (RFC 8032, deterministic) of `data`. */
export async function signEd25519(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key, buffer(data)));
}
