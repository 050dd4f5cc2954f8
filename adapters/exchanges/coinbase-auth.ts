import { p256 } from "@noble/curves/nist.js";
import { buffer, fromBase64, toBase64Url, toHex, utf8 } from "./encoding.js";

/**
 * Coinbase CDP API keys: an ES256 JWT per request, signed with the key's P-256 private key.
 * Keys come as SEC1 PEM ("BEGIN EC PRIVATE KEY"), which WebCrypto cannot import, so the DER is
 * read here and the key imported as a JWK (d, x, y).
 */

/** prime256v1 / secp256r1: 1.2.840.10045.3.1.7 */
const P256_OID = "2a8648ce3d030107";

interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
  readonly end: number;
}

function readTlv(der: Uint8Array, at: number): Tlv {
  const tag = der[at];
  let length = der[at + 1];
  if (tag === undefined || length === undefined) throw new Error("SEC1 key: truncated DER");
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 2) throw new Error("SEC1 key: unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | (der[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  if (end > der.length) throw new Error("SEC1 key: truncated DER");
  return { tag, value: der.subarray(start, end), end };
}

/** The private scalar and public point of a SEC1 ECPrivateKey (RFC 5915) on P-256. */
export function parseSec1(der: Uint8Array): { d: Uint8Array; x: Uint8Array; y: Uint8Array } {
  const seq = readTlv(der, 0);
  if (seq.tag !== 0x30) throw new Error("SEC1 key: not a SEQUENCE");
  const body = seq.value;
  const version = readTlv(body, 0);
  if (version.tag !== 0x02 || version.value.length !== 1 || version.value[0] !== 1) throw new Error("SEC1 key: version is not 1");
  const secret = readTlv(body, version.end);
  if (secret.tag !== 0x04 || secret.value.length === 0 || secret.value.length > 32) throw new Error("SEC1 key: no 32-byte private key");
  const d = new Uint8Array(32);
  d.set(secret.value, 32 - secret.value.length);
  let point: Uint8Array | null = null;
  for (let at = secret.end; at < body.length; ) {
    const field = readTlv(body, at);
    if (field.tag === 0xa0) {
      const oid = readTlv(field.value, 0);
      if (oid.tag !== 0x06 || toHex(oid.value) !== P256_OID) throw new Error("SEC1 key: the curve is not P-256");
    } else if (field.tag === 0xa1) {
      const bits = readTlv(field.value, 0);
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

/** The DER inside a PEM block with the given label. Tolerates keys pasted with literal "\n". */
export function pemBody(pem: string, label: string): Uint8Array | null {
  const text = pem.replace(/\\n/g, "\n");
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text);
  return match?.[1] === undefined ? null : fromBase64(match[1].replace(/\s+/g, ""));
}

/** Imports a Coinbase key secret (SEC1 or PKCS#8 PEM) as a non-extractable ECDSA P-256 signing key. */
export async function importCoinbaseKey(pem: string): Promise<CryptoKey> {
  const algorithm = { name: "ECDSA", namedCurve: "P-256" };
  const sec1 = pemBody(pem, "EC PRIVATE KEY");
  if (sec1 !== null) {
    const { d, x, y } = parseSec1(sec1);
    const jwk: JsonWebKey = { kty: "EC", crv: "P-256", d: toBase64Url(d), x: toBase64Url(x), y: toBase64Url(y), ext: false };
    return crypto.subtle.importKey("jwk", jwk, algorithm, false, ["sign"]);
  }
  const pkcs8 = pemBody(pem, "PRIVATE KEY");
  if (pkcs8 !== null) return crypto.subtle.importKey("pkcs8", buffer(pkcs8), algorithm, false, ["sign"]);
  throw new Error("Coinbase key: expected a PEM block 'EC PRIVATE KEY' or 'PRIVATE KEY'");
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

/** A CDP bearer token: ES256 over `{sub, iss: "cdp", nbf, exp: nbf + 120, uri: "<METHOD> <host><path>"}`. */
export async function coinbaseJwt(key: CryptoKey, claims: JwtClaims): Promise<string> {
  const header = { alg: "ES256", kid: claims.keyName, nonce: claims.nonce, typ: "JWT" };
  const payload = {
    sub: claims.keyName,
    iss: "cdp",
    nbf: claims.nowSeconds,
    exp: claims.nowSeconds + 120,
    uri: `${claims.method} ${claims.host}${claims.path}`,
  };
  const input = `${toBase64Url(utf8(JSON.stringify(header)))}.${toBase64Url(utf8(JSON.stringify(payload)))}`;
  // WebCrypto's ECDSA signature is r||s (IEEE P1363), exactly what JWS ES256 wants.
  const signature = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, buffer(utf8(input))));
  return `${input}.${toBase64Url(signature)}`;
}

export function randomNonce(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}
