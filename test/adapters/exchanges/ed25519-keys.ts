/** Ed25519 key material built by hand for tests, and JWT checks with @noble/curves (independent of WebCrypto, which our signer uses). */
import { ed25519 } from "@noble/curves/ed25519.js";
import { b64, fromB64Url, pem } from "./p256.js";

// RFC 8032 section 7.1, TEST 1: a key pair and the signature of the empty message, published independently of this code.
export const RFC8032_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
export const RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
export const RFC8032_EMPTY_SIGNATURE =
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

export function bytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function der(tag: number, value: Uint8Array): Uint8Array {
  return new Uint8Array([tag, value.length, ...value]);
}

const ED25519_ALGORITHM = der(0x30, der(0x06, new Uint8Array([0x2b, 0x65, 0x70])));
const RSA_ALGORITHM = der(0x30, new Uint8Array([...der(0x06, bytes("2a864886f70d010101")), 0x05, 0x00]));

/** PKCS#8 v1 (as `openssl genpkey -algorithm ed25519` writes it), or v2 carrying the public key. */
export function ed25519Pkcs8(seed: Uint8Array, publicKey: Uint8Array | null = null): Uint8Array {
  const parts = [der(0x02, new Uint8Array([publicKey === null ? 0 : 1])), ED25519_ALGORITHM, der(0x04, der(0x04, seed))];
  if (publicKey !== null) parts.push(der(0x81, new Uint8Array([0, ...publicKey])));
  return der(0x30, new Uint8Array(parts.flatMap((p) => [...p])));
}

/** A PKCS#8 that claims to be RSA (the body is not a real RSA key: only the algorithm is read). */
export function rsaPkcs8(): Uint8Array {
  return der(0x30, new Uint8Array([...der(0x02, new Uint8Array([0])), ...RSA_ALGORITHM, ...der(0x04, new Uint8Array(8))]));
}

export function pkcs8Pem(body: Uint8Array): string {
  return pem("PRIVATE KEY", body);
}

/** CDP's form: base64 of the seed followed by the public key. */
export function cdpSecret(seed: Uint8Array, publicKey: Uint8Array = ed25519.getPublicKey(seed)): string {
  return b64(new Uint8Array([...seed, ...publicKey]));
}

export function newEd25519(): { seed: Uint8Array; publicKey: Uint8Array } {
  const seed = ed25519.utils.randomSecretKey();
  return { seed, publicKey: ed25519.getPublicKey(seed) };
}

/** Splits a JWS and verifies its EdDSA signature with noble. */
export function verifyEdJwt(token: string, publicKey: Uint8Array): { header: Record<string, unknown>; claims: Record<string, unknown>; valid: boolean } {
  const [h, p, s] = token.split(".") as [string, string, string];
  const decode = (part: string) => JSON.parse(new TextDecoder().decode(fromB64Url(part))) as Record<string, unknown>;
  const valid = ed25519.verify(fromB64Url(s), new TextEncoder().encode(`${h}.${p}`), publicKey);
  return { header: decode(h), claims: decode(p), valid };
}
