import { describe, expect, it } from "vitest";
import { parseVenueCredentials } from "../../../adapters/exchanges/credentials.js";
import { RFC8032_PUBLIC, RFC8032_SEED, bytes, cdpSecret, ed25519Pkcs8, newEd25519, pkcs8Pem, rsaPkcs8 } from "./ed25519-keys.js";
import { newP256 } from "./p256.js";

const ED_PEM = pkcs8Pem(ed25519Pkcs8(bytes(RFC8032_SEED)));
const CDP_SECRET = cdpSecret(bytes(RFC8032_SEED), bytes(RFC8032_PUBLIC));
const HMAC = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const HL_KEY = `0x${"11".repeat(32)}`;

describe("credentials checked when stored", () => {
  it.each([
    ["binance", { apiKey: "k1", apiSecret: HMAC }, { apiKey: "k1", apiSecret: HMAC }],
    ["binance", { apiKey: "k1", privateKeyPem: ED_PEM }, { apiKey: "k1", privateKeyPem: ED_PEM }],
    ["coinbase", { keyName: "4aea4397-7187-4f01-bd77-16d39af38b43", privateKeyPem: CDP_SECRET }, { keyName: "4aea4397-7187-4f01-bd77-16d39af38b43", privateKeyPem: CDP_SECRET }],
    ["kraken", { apiKey: "k1", apiSecret: "a2V5" }, { apiKey: "k1", apiSecret: "a2V5" }],
    ["hyperliquid", { privateKey: HL_KEY }, { privateKey: HL_KEY }],
  ] as const)("when %s credentials are well formed then they are accepted as given", (exchange, raw, expected) => {
    expect(parseVenueCredentials(exchange, raw)).toEqual({ ok: true, credentials: expected });
  });

  it("when a Coinbase ECDSA key is given as SEC1 PEM then it is accepted, as before", async () => {
    const key = await newP256();
    expect(parseVenueCredentials("coinbase", { keyName: "organizations/o/apiKeys/k", privateKeyPem: key.sec1Pem }).ok).toBe(true);
  });

  it("when an API key is pasted with spaces around it then it is stored trimmed", () => {
    expect(parseVenueCredentials("binance", { apiKey: " k1 ", apiSecret: HMAC })).toEqual({ ok: true, credentials: { apiKey: "k1", apiSecret: HMAC } });
  });

  it.each([
    ["binance", "without a secret or key", { apiKey: "k1" }, /apiSecret \(an HMAC key\) or privateKeyPem \(an Ed25519 key\), exactly one/],
    ["binance", "with both an HMAC secret and an Ed25519 key", { apiKey: "k1", apiSecret: HMAC, privateKeyPem: ED_PEM }, /exactly one/],
    ["binance", "an RSA key", { apiKey: "k1", privateKeyPem: pkcs8Pem(rsaPkcs8()) }, /privateKeyPem: Binance key: expected an Ed25519 key, got RSA/],
    ["binance", "with an unknown field", { apiKey: "k1", secret: HMAC }, /Unrecognized key/],
    ["coinbase", "an Ed25519 secret whose halves do not match", { keyName: "k", privateKeyPem: cdpSecret(bytes(RFC8032_SEED), newEd25519().publicKey) }, /privateKeyPem: Coinbase key: the public key does not belong/],
    ["coinbase", "a secret too short", { keyName: "k", privateKeyPem: "MTIz" }, /privateKeyPem: .*3 bytes, expected 64/],
    ["coinbase", "without a key name", { privateKeyPem: CDP_SECRET }, /keyName/],
    ["kraken", "a secret that is not base64", { apiKey: "k1", apiSecret: "not base64!" }, /apiSecret: must be base64/],
    ["hyperliquid", "a short private key", { privateKey: "0x1234" }, /privateKey: must be a 32-byte hex private key/],
    ["hyperliquid", "a vault that is not an address", { privateKey: HL_KEY, vaultAddress: "vault" }, /vaultAddress: must be a 0x-prefixed 20-byte hex address/],
  ] as const)("when %s credentials are %s then they are refused, naming the field", (exchange, _what, raw, message) => {
    const result = parseVenueCredentials(exchange, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("when a key is refused then the message carries no part of the secret", () => {
    const secret = cdpSecret(bytes(RFC8032_SEED), newEd25519().publicKey);
    const result = parseVenueCredentials("coinbase", { keyName: "k", privateKeyPem: secret });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).not.toContain(secret.slice(0, 12));
      expect(result.message).not.toContain(secret.slice(-20));
    }
  });
});
