import { buffer, fromBase64Url, toBase64Url, utf8 } from "./encoding.js";

/**
 * Exchange credentials at rest: AES-256-GCM under a key derived by HKDF-SHA256 from the Worker
 * secret VENUE_KEYS_SECRET, a fresh salt and a fresh 12-byte IV per envelope. The envelope is
 * `v1.<salt>.<iv>.<ciphertext+tag>` (base64url). An optional context (the venue account id) is
 * bound in as associated data, so an envelope copied to another account does not open.
 * Nothing here logs, and no error message carries a secret, a plaintext or an envelope.
 */

const VERSION = "v1";
const INFO = utf8("cival/venue-keys/v1");
const MIN_SECRET_LENGTH = 32;

export type KeyEnvelopeErrorCode = "not_configured" | "malformed" | "unsupported_version" | "rejected";

export class KeyEnvelopeError extends Error {
  override readonly name = "KeyEnvelopeError";

  constructor(readonly code: KeyEnvelopeErrorCode, message: string) {
    super(message);
  }
}

/** The Worker secret, or a refusal that says how to set it. */
export function venueKeysSecret(env: { readonly VENUE_KEYS_SECRET?: string }): string {
  const secret = env.VENUE_KEYS_SECRET;
  if (secret === undefined || secret.length < MIN_SECRET_LENGTH) {
    throw new KeyEnvelopeError("not_configured", `VENUE_KEYS_SECRET must be set to at least ${MIN_SECRET_LENGTH} characters (wrangler secret put VENUE_KEYS_SECRET)`);
  }
  return secret;
}

async function deriveKey(secret: string, salt: Uint8Array): Promise<CryptoKey> {
  if (secret.length < MIN_SECRET_LENGTH) throw new KeyEnvelopeError("not_configured", `the key secret must be at least ${MIN_SECRET_LENGTH} characters`);
  const ikm = await crypto.subtle.importKey("raw", buffer(utf8(secret)), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: buffer(salt), info: buffer(INFO) }, ikm, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

function associatedData(context: string): ArrayBuffer {
  return buffer(utf8(`${VERSION}|${context}`));
}

/** Encrypts a credential object (JSON) into a versioned envelope string. */
export async function sealCredentials(secret: string, credentials: unknown, context = ""): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(secret, salt);
  const plaintext = utf8(JSON.stringify(credentials));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: buffer(iv), additionalData: associatedData(context) }, key, buffer(plaintext)));
  return [VERSION, toBase64Url(salt), toBase64Url(iv), toBase64Url(sealed)].join(".");
}

/** Decrypts an envelope; a tampered envelope, a wrong secret or a wrong context is refused. */
export async function openCredentials(secret: string, envelope: string, context = ""): Promise<unknown> {
  const parts = envelope.split(".");
  if (parts.length !== 4) throw new KeyEnvelopeError("malformed", "not a credential envelope");
  const [version, saltText, ivText, sealedText] = parts as [string, string, string, string];
  if (version !== VERSION) throw new KeyEnvelopeError("unsupported_version", `credential envelope version ${version.slice(0, 8)} is not supported`);
  let salt: Uint8Array;
  let iv: Uint8Array;
  let sealed: Uint8Array;
  try {
    salt = fromBase64Url(saltText);
    iv = fromBase64Url(ivText);
    sealed = fromBase64Url(sealedText);
  } catch {
    throw new KeyEnvelopeError("malformed", "credential envelope is not base64url");
  }
  if (salt.length !== 16 || iv.length !== 12 || sealed.length < 16) throw new KeyEnvelopeError("malformed", "credential envelope has the wrong shape");
  const key = await deriveKey(secret, salt);
  let plaintext: ArrayBuffer;
  try {
    plaintext = await crypto.subtle.decrypt({ name: "AES-GCM", iv: buffer(iv), additionalData: associatedData(context) }, key, buffer(sealed));
  } catch {
    throw new KeyEnvelopeError("rejected", "credential envelope does not open: tampered, or sealed with another secret or context");
  }
  try {
    return JSON.parse(new TextDecoder().decode(plaintext)) as unknown;
  } catch {
    throw new KeyEnvelopeError("malformed", "credential envelope does not hold JSON");
  }
}
