/** Builds SEC1 ECPrivateKey DER and PEM by hand (RFC 5915), for keys generated in the test. */

function der(tag: number, value: Uint8Array): Uint8Array {
  const len = value.length < 0x80 ? [value.length] : [0x81, value.length];
  return new Uint8Array([tag, ...len, ...value]);
}

const P256_OID = new Uint8Array([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);

export function fromB64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** SEQUENCE { INTEGER 1, OCTET STRING d, [0] OID prime256v1, [1] BIT STRING 04||x||y } */
export function sec1Der(d: Uint8Array, point: { x: Uint8Array; y: Uint8Array } | null, curveOid: Uint8Array = P256_OID): Uint8Array {
  const parts = [der(0x02, new Uint8Array([1])), der(0x04, d), der(0xa0, der(0x06, curveOid))];
  if (point) parts.push(der(0xa1, der(0x03, new Uint8Array([0, 4, ...point.x, ...point.y]))));
  return der(0x30, new Uint8Array(parts.flatMap((p) => [...p])));
}

export function pem(label: string, body: Uint8Array): string {
  const lines = b64(body).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** A fresh P-256 key: its SEC1 PEM, JWK coordinates, and the public key to verify with. */
export async function newP256(): Promise<{ sec1Pem: string; d: Uint8Array; x: Uint8Array; y: Uint8Array; publicKey: CryptoKey }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const d = fromB64Url(jwk.d!);
  const x = fromB64Url(jwk.x!);
  const y = fromB64Url(jwk.y!);
  return { sec1Pem: pem("EC PRIVATE KEY", sec1Der(d, { x, y })), d, x, y, publicKey: pair.publicKey };
}

export async function publicKeyFrom(x: Uint8Array, y: Uint8Array): Promise<CryptoKey> {
  const toB64Url = (b: Uint8Array) => b64(b).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: toB64Url(x), y: toB64Url(y) }, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
}

/** Splits a JWT and checks its ES256 signature with `publicKey`. */
export async function verifyJwt(token: string, publicKey: CryptoKey): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown>; valid: boolean }> {
  const [h, c, s] = token.split(".");
  const decode = (part: string) => JSON.parse(new TextDecoder().decode(fromB64Url(part))) as Record<string, unknown>;
  const valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, fromB64Url(s!), new TextEncoder().encode(`${h}.${c}`));
  return { header: decode(h!), claims: decode(c!), valid };
}
