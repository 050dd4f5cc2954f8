import { p256 } from "@noble/curves/nist.js";
import { pemBody, readTlv } from "./der.js";
import { type Ed25519Secret, ED25519_OID, ed25519FromCdpSecret, ed25519FromPkcs8, importEd25519, pkcs8Algorithm, signEd25519 } from "./ed25519.js";
import { buffer, toBase64Url, toHex, utf8 } from "./encoding.js";

export { pemBody } from "./der.js";

/**
 * Coinbase CDP API keys: a JWT per request, signed with the key's private key. Two kinds exist:
 * - ECDSA keys (ES256): a SEC1 PEM ("BEGIN EC PRIVATE KEY"), which WebCrypto cannot import, so
 *   the DER is read here and the key imported as a JWK (d, x, y); PKCS#8 PEMs are accepted too.
 * - Ed25519 keys (EdDSA), CDP's default today: base64 of 64 bytes, the seed then the public key.
 * The kind is read from the secret itself; the claims are the same for both.
 */

/** prime256v1 / secp256r1: 1.2.840.10045.3.1.7 */
const P256_OID = "2a8648ce3d030107";
const SEC1 = "SEC1 key";

/** The private scalar and public point of a SEC1 ECPrivateKey (RFC 5915) on P-256. */
export function parseSec1(der: Uint8Array): { d: Uint8Array; x: Uint8Array; y: Uint8Array } {
  const seq = readTlv(der, 0, SEC1);
  if (seq.tag !== 0x30) throw new Error("SEC1 key: not a SEQUENCE");
  const body = seq.value;
  const version = readTlv(body, 0, SEC1);
  if (version.tag !== 0x02 || version.value.length !== 1 || version.value[0] !== 1) throw new Error("SEC1 key: version is not 1");
  const secret = readTlv(body, version.end, SEC1);
  if (secret.tag !== 0x04 || secret.value.length === 0 || secret.value.length > 32) throw new Error("SEC1 key: no 32-byte private key");
  const d = new Uint8Array(32);
  d.set(secret.value, 32 - secret.value.length);
  let point: Uint8Array | null = null;
  for (let at = secret.end; at < body.length; ) {
    const field = readTlv(body, at, SEC1);
    if (field.tag === 0xa0) {
      const oid = readTlv(field.value, 0, SEC1);
      if (oid.tag !== 0x06 || toHex(oid.value) !== P256_OID) throw new Error("SEC1 key: the curve is not P-256");
    } else if (field.tag === 0xa1) {
      const bits = readTlv(field.value, 0, SEC1);
      if (bits.tag !== 0x03 || bits.value[0] !== 0) throw new Error("SEC1 key: bad public key BIT STRING");
      point = bits.value.subarray(1);
    }
    at = field.end;
  }
  // The public key is optional in SEC1: derive it from the scalar when absent.
  point ??= p256.getPublicKey(d, false);
  if (point.length !== 65 || point[0] !== 0x04) throw new Error("SEC1 key: the public key is not an uncompressed P-256 point");
  return { d, x: point.slice(1, 33), y: point.slice(33, 65) };
}

/** The JWS algorithm a Coinbase key signs with. */
export type CoinbaseAlgorithm = "ES256" | "EdDSA";

/** A key secret, read and checked but not yet imported. */
export type CoinbaseKeyMaterial =
  | { readonly alg: "ES256"; readonly jwk: JsonWebKey }
  | { readonly alg: "ES256"; readonly pkcs8: Uint8Array }
  | { readonly alg: "EdDSA"; readonly secret: Ed25519Secret };

/** An imported, non-extractable signing key and the algorithm it signs with. */
export interface CoinbaseSigner {
  readonly alg: CoinbaseAlgorithm;
  readonly key: CryptoKey;
}

const EC_PUBLIC_KEY_OID = "2a8648ce3d0201";

/**
 * Reads a Coinbase key secret: a PEM block is an ECDSA key (or Ed25519 if it is a PKCS#8 of that
 * kind); anything else must be CDP's base64 Ed25519 secret. Throws a message that names the
 * expected forms and never echoes the secret.
 */
export function readCoinbaseSecret(text: string): CoinbaseKeyMaterial {
  const sec1 = pemBody(text, "EC PRIVATE KEY");
  if (sec1 !== null) {
    const { d, x, y } = parseSec1(sec1);
    return { alg: "ES256", jwk: { kty: "EC", crv: "P-256", d: toBase64Url(d), x: toBase64Url(x), y: toBase64Url(y), ext: false } };
  }
  const pkcs8 = pemBody(text, "PRIVATE KEY");
  if (pkcs8 !== null) {
    const oid = pkcs8Algorithm(pkcs8, "PKCS#8 key");
    if (oid === ED25519_OID) return { alg: "EdDSA", secret: ed25519FromPkcs8(pkcs8, "PKCS#8 key") };
    if (oid !== EC_PUBLIC_KEY_OID) throw new Error("Coinbase key: the PKCS#8 key is neither ECDSA nor Ed25519");
    return { alg: "ES256", pkcs8 };
  }
  if (text.includes("-----BEGIN")) throw new Error("Coinbase key: expected a PEM block 'EC PRIVATE KEY' or 'PRIVATE KEY' (unencrypted)");
  try {
    return { alg: "EdDSA", secret: ed25519FromCdpSecret(text, "Coinbase key") };
  } catch (error) {
    const why = error instanceof Error ? error.message : "unreadable";
    throw new Error(`${why}. Expected a PEM block 'EC PRIVATE KEY' or 'PRIVATE KEY' (ECDSA key) or CDP's base64 Ed25519 secret of 64 bytes`);
  }
}

/** Imports a Coinbase key secret (ECDSA PEM or CDP Ed25519 base64) as a non-extractable signing key. */
export async function importCoinbaseKey(text: string): Promise<CoinbaseSigner> {
  const material = readCoinbaseSecret(text);
  if (material.alg === "EdDSA") return { alg: "EdDSA", key: await importEd25519(material.secret) };
  const algorithm = { name: "ECDSA", namedCurve: "P-256" };
  const key = "jwk" in material
    ? await crypto.subtle.importKey("jwk", material.jwk, algorithm, false, ["sign"])
    : await crypto.subtle.importKey("pkcs8", buffer(material.pkcs8), algorithm, false, ["sign"]);
  return { alg: "ES256", key };
}

export interface JwtClaims {
  readonly keyName: string;
  readonly method: string;
  /** Host without scheme: api.coinbase.com */
  readonly host: string;
  /** Path without query string. */
  readonly path: string;
  readonly nowSeconds: number;
  /** Random per token, so two tokens in one second differ. */
  readonly nonce: string;
}

/** A CDP bearer token: ES256 or EdDSA over `{sub, iss: "cdp", nbf, exp: nbf + 120, uri: "<METHOD> <host><path>"}`. */
export async function coinbaseJwt(signer: CoinbaseSigner, claims: JwtClaims): Promise<string> {
  const header = { alg: signer.alg, kid: claims.keyName, nonce: claims.nonce, typ: "JWT" };
  const payload = {
    sub: claims.keyName,
    iss: "cdp",
    nbf: claims.nowSeconds,
    exp: claims.nowSeconds + 120,
    uri: `${claims.method} ${claims.host}${claims.path}`,
  };
  const input = `${toBase64Url(utf8(JSON.stringify(header)))}.${toBase64Url(utf8(JSON.stringify(payload)))}`;
  // WebCrypto's ECDSA signature is r||s (IEEE P1363), exactly what JWS ES256 wants; EdDSA's is the raw 64 bytes.
  const signature =
    signer.alg === "EdDSA"
      ? await signEd25519(signer.key, utf8(input))
      : new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, signer.key, buffer(utf8(input))));
  return `${input}.${toBase64Url(signature)}`;
}

/** 16 random bytes as hex: a JWT header nonce. */
export function randomNonce(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}
