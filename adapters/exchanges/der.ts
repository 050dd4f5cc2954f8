import { fromBase64 } from "./encoding.js";

/** Just enough PEM and DER (X.690) to read the private keys exchanges hand out: SEC1 and PKCS#8. */

export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
  /** Offset just past this element, where its next sibling starts. */
  readonly end: number;
}

/** One tag-length-value element at `at`; `what` names the key in errors (never its bytes). */
export function readTlv(der: Uint8Array, at: number, what: string): Tlv {
  const tag = der[at];
  let length = der[at + 1];
  if (tag === undefined || length === undefined) throw new Error(`${what}: truncated DER`);
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 2) throw new Error(`${what}: unsupported DER length`);
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | (der[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  if (end > der.length) throw new Error(`${what}: truncated DER`);
  return { tag, value: der.subarray(start, end), end };
}

/** The DER inside a PEM block with the given label. Tolerates keys pasted with literal "\n". */
export function pemBody(pem: string, label: string): Uint8Array | null {
  const text = pem.replace(/\\n/g, "\n");
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text);
  if (match?.[1] === undefined) return null;
  try {
    return fromBase64(match[1].replace(/\s+/g, ""));
  } catch {
    throw new Error(`the PEM block '${label}' is not base64`);
  }
}
