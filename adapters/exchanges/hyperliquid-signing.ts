import { encode } from "@msgpack/msgpack";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { Decimal, dec, str } from "../../core/money.js";
import { concatBytes, fromHex, toHex, utf8 } from "./encoding.js";

/**
 * Hyperliquid L1 action signing, as the official Python SDK does it (hyperliquid/utils/signing.py):
 * connectionId = keccak256(msgpack(action) ++ nonce u64be ++ vault flag [++ vault] [++ 0x00 ++ expiresAfter u64be]),
 * then the phantom agent {source: "a" | "b", connectionId} is signed as EIP-712 typed data.
 */

export interface Signature {
  readonly r: string;
  readonly s: string;
  readonly v: number;
}

const DOMAIN_TYPE = keccak_256(utf8("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));
const AGENT_TYPE = keccak_256(utf8("Agent(string source,bytes32 connectionId)"));

function u64(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`invariant: not a u64: ${value}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

function u256(value: number): Uint8Array {
  const out = new Uint8Array(32);
  out.set(u64(value), 24);
  return out;
}

function address(value: string): Uint8Array {
  const bytes = fromHex(value);
  if (bytes.length !== 20) throw new Error(`invariant: not a 20-byte address: ${value}`);
  return bytes;
}

/** EIP-712 domain {name: "Exchange", version: "1", chainId: 1337, verifyingContract: 0x0…0}. */
const DOMAIN_SEPARATOR = keccak_256(
  concatBytes(DOMAIN_TYPE, keccak_256(utf8("Exchange")), keccak_256(utf8("1")), u256(1337), new Uint8Array(32)),
);

/** The L1 action's connection id. `action` must hold no undefined values: msgpack would write nil for them. */
export function actionHash(action: unknown, vaultAddress: string | null, nonce: number, expiresAfter: number | null = null): Uint8Array {
  const parts = [encode(action), u64(nonce), vaultAddress === null ? new Uint8Array([0]) : concatBytes(new Uint8Array([1]), address(vaultAddress))];
  if (expiresAfter !== null) parts.push(new Uint8Array([0]), u64(expiresAfter));
  return keccak_256(concatBytes(...parts));
}

/** The EIP-712 digest of the phantom agent for a connection id. */
export function agentDigest(connectionId: Uint8Array, mainnet: boolean): Uint8Array {
  const struct = keccak_256(concatBytes(AGENT_TYPE, keccak_256(utf8(mainnet ? "a" : "b")), connectionId));
  return keccak_256(concatBytes(new Uint8Array([0x19, 0x01]), DOMAIN_SEPARATOR, struct));
}

export interface L1Signing {
  readonly privateKey: string;
  readonly action: unknown;
  readonly vaultAddress: string | null;
  readonly nonce: number;
  readonly expiresAfter?: number | null;
  readonly mainnet: boolean;
}

/** Signs an L1 action with secp256k1 (deterministic RFC 6979 k, low s), as eth_account would. */
export function signL1Action(p: L1Signing): Signature {
  const digest = agentDigest(actionHash(p.action, p.vaultAddress, p.nonce, p.expiresAfter ?? null), p.mainnet);
  const sig = secp256k1.sign(digest, fromHex(p.privateKey), { prehash: false, format: "recovered" });
  return { r: `0x${toHex(sig.subarray(1, 33))}`, s: `0x${toHex(sig.subarray(33, 65))}`, v: 27 + sig[0]! };
}

/** The Ethereum address of a private key, lowercase hex. */
export function addressOf(privateKey: string): string {
  const publicKey = secp256k1.getPublicKey(fromHex(privateKey), false);
  return `0x${toHex(keccak_256(publicKey.subarray(1)).subarray(12))}`;
}

/**
 * A price or size as Hyperliquid's wire wants it (the SDK's float_to_wire): at most 8 decimals,
 * no trailing zeros, no exponent. Here from a decimal string, so nothing is lost to a float; a value
 * that would need rounding is refused.
 */
export function toWire(value: string): string {
  const d = dec(value);
  if (d.decimalPlaces() > 8) throw new RangeError(`${value} has more than 8 decimals: it would be rounded on the wire`);
  return str(d);
}

/**
 * The SDK's float_to_int_for_hashing: the value scaled by 10^power, refused when it is not whole.
 * A number when it is a safe integer (what msgpack packs like Python does), else a bigint, which
 * `actionHash` does not accept: no action the desk signs carries one.
 */
export function toIntForHashing(value: string, power = 8): number | bigint {
  const scaled = dec(value).times(new Decimal(10).pow(power));
  if (!scaled.isInteger()) throw new RangeError(`${value} × 10^${power} is not an integer: it would be rounded`);
  const n = scaled.toNumber();
  return Number.isSafeInteger(n) ? n : BigInt(scaled.toFixed(0));
}

/**
 * Hyperliquid's tick rule: a price has at most 5 significant figures (integers always pass) and at
 * most 6 (perps) or 8 (spot) minus szDecimals decimals. Returns why not, or null.
 */
export function priceProblem(price: string, szDecimals: number, spot: boolean): string | null {
  const d = dec(price);
  const maxDecimals = (spot ? 8 : 6) - szDecimals;
  if (d.isInteger()) return null;
  if (d.sd() > 5) return `price ${price} has more than 5 significant figures`;
  if (d.decimalPlaces() > maxDecimals) return `price ${price} has more than ${maxDecimals} decimals`;
  return null;
}

/** An aggressive limit price for a market order: mid ± slippage, to 5 significant figures and the allowed decimals. */
export function slippagePrice(mid: string, buy: boolean, slippage: string, szDecimals: number, spot: boolean): string {
  const factor = buy ? dec("1").plus(dec(slippage)) : dec("1").minus(dec(slippage));
  const maxDecimals = Math.max(0, (spot ? 8 : 6) - szDecimals);
  return str(dec(mid).times(factor).toSignificantDigits(5, Decimal.ROUND_HALF_EVEN).toDecimalPlaces(maxDecimals, Decimal.ROUND_HALF_EVEN));
}
