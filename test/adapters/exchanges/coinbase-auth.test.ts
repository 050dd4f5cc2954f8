import { describe, expect, it } from "vitest";
import { coinbaseJwt, importCoinbaseKey, parseSec1, pemBody, readCoinbaseSecret } from "../../../adapters/exchanges/coinbase-auth.js";
import { signEd25519 } from "../../../adapters/exchanges/ed25519.js";
import { RFC8032_EMPTY_SIGNATURE, RFC8032_PUBLIC, RFC8032_SEED, bytes, cdpSecret, ed25519Pkcs8, newEd25519, pkcs8Pem, verifyEdJwt } from "./ed25519-keys.js";
import { hex } from "./fakes.js";
import { newP256, publicKeyFrom, sec1Der, verifyJwt } from "./p256.js";

// RFC 6979 appendix A.2.5 (ECDSA, 256 bits (prime field)): private key x and public key (Ux, Uy),
// written as a SEC1 PEM. A fixed key whose public point is published independently of this code.
const RFC6979_D = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
const RFC6979_UX = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
const RFC6979_UY = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
const RFC6979_SEC1_PEM = `-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIMmvqdhFunUWa1whV2ex1pNOUMPbNuibEnuKYisSD2choAoGCCqGSM49
AwEHoUQDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Z5A/4QCLi8
maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==
-----END EC PRIVATE KEY-----
`;
const RFC6979_PKCS8_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgya+p2EW6dRZrXCFX
Z7HWk05Qw9s26JsSe4piKxIPZyGhRANCAARg/tS6JVqdMclh63TGNW1owEm4kjth
+mzmaWIuYPKftnkD/hAIuLyZpBrp6VYovGTy8bIMLX6fUXejwpTURiKZ
-----END PRIVATE KEY-----
`;

const KEY_NAME = "organizations/org-1/apiKeys/key-1";
const claims = { keyName: KEY_NAME, method: "GET", host: "api.coinbase.com", path: "/api/v3/brokerage/accounts", nowSeconds: 1_732_000_000, nonce: "abc123" };

function fromHex(h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g)!, (b) => parseInt(b, 16));
}

describe("SEC1 keys", () => {
  it("when a generated key is written as SEC1 DER by hand then parsing gives back d, x and y", async () => {
    const key = await newP256();
    const parsed = parseSec1(pemBody(key.sec1Pem, "EC PRIVATE KEY")!);
    expect(hex(parsed.d)).toBe(hex(key.d));
    expect(hex(parsed.x)).toBe(hex(key.x));
    expect(hex(parsed.y)).toBe(hex(key.y));
  });

  it("when parsing the RFC 6979 key's SEC1 PEM then the public point is the published one", () => {
    const parsed = parseSec1(pemBody(RFC6979_SEC1_PEM, "EC PRIVATE KEY")!);
    expect(hex(parsed.d)).toBe(RFC6979_D);
    expect(hex(parsed.x)).toBe(RFC6979_UX);
    expect(hex(parsed.y)).toBe(RFC6979_UY);
  });

  it("when the SEC1 key leaves out the optional public key then it is derived from the scalar", () => {
    const derNoPoint = sec1Der(fromHex(RFC6979_D), null);
    const parsed = parseSec1(derNoPoint);
    expect(hex(parsed.x)).toBe(RFC6979_UX);
    expect(hex(parsed.y)).toBe(RFC6979_UY);
  });

  it("when the key is on another curve then it is refused", () => {
    const secp256k1Oid = new Uint8Array([0x2b, 0x81, 0x04, 0x00, 0x0a]);
    expect(() => parseSec1(sec1Der(fromHex(RFC6979_D), null, secp256k1Oid))).toThrow(/not P-256/);
  });

  it("when the DER is cut short then it is refused, not misread", () => {
    const full = pemBody(RFC6979_SEC1_PEM, "EC PRIVATE KEY")!;
    expect(() => parseSec1(full.subarray(0, 40))).toThrow(/truncated/);
  });

  it("when the PEM arrives with literal \\n escapes (as in a JSON key file) then it still reads", async () => {
    const escaped = RFC6979_SEC1_PEM.replace(/\n/g, "\\n");
    const signer = await importCoinbaseKey(escaped);
    expect(signer).toMatchObject({ alg: "ES256", key: { type: "private" } });
  });
});

describe("Coinbase JWT", () => {
  it("when signing with a generated SEC1 key then the ES256 signature verifies with its public key", async () => {
    const key = await newP256();
    const token = await coinbaseJwt(await importCoinbaseKey(key.sec1Pem), claims);
    const { header, claims: body, valid } = await verifyJwt(token, key.publicKey);
    expect(valid).toBe(true);
    expect(header).toEqual({ alg: "ES256", kid: KEY_NAME, nonce: "abc123", typ: "JWT" });
    expect(body).toEqual({ sub: KEY_NAME, iss: "cdp", nbf: 1_732_000_000, exp: 1_732_000_120, uri: "GET api.coinbase.com/api/v3/brokerage/accounts" });
  });

  it("when signing with the fixed RFC 6979 SEC1 key then the signature verifies with the published public key", async () => {
    const token = await coinbaseJwt(await importCoinbaseKey(RFC6979_SEC1_PEM), claims);
    const published = await publicKeyFrom(fromHex(RFC6979_UX), fromHex(RFC6979_UY));
    expect((await verifyJwt(token, published)).valid).toBe(true);
  });

  it("when the key is PKCS#8 instead then it signs the same way", async () => {
    const token = await coinbaseJwt(await importCoinbaseKey(RFC6979_PKCS8_PEM), claims);
    const published = await publicKeyFrom(fromHex(RFC6979_UX), fromHex(RFC6979_UY));
    expect((await verifyJwt(token, published)).valid).toBe(true);
  });

  it("when the token is tampered with then it no longer verifies", async () => {
    const key = await newP256();
    const token = await coinbaseJwt(await importCoinbaseKey(key.sec1Pem), claims);
    const [h, , s] = token.split(".");
    const forged = btoa(JSON.stringify({ ...claims, uri: "POST api.coinbase.com/api/v3/brokerage/orders" })).replace(/=+$/, "");
    expect((await verifyJwt(`${h}.${forged}.${s}`, key.publicKey)).valid).toBe(false);
  });

  it("when the secret is not a PEM then importing fails", async () => {
    await expect(importCoinbaseKey("not a key")).rejects.toThrow(/PEM/);
  });
});

describe("Coinbase Ed25519 keys (CDP's default)", () => {
  const RFC_SECRET = cdpSecret(bytes(RFC8032_SEED), bytes(RFC8032_PUBLIC));

  it("when CDP's base64 secret of 64 bytes is given then it is accepted as an EdDSA key (it was refused as 'expected a PEM block')", async () => {
    const signer = await importCoinbaseKey(RFC_SECRET);
    expect(signer.alg).toBe("EdDSA");
    expect(signer.key.type).toBe("private");
  });

  it("when the RFC 8032 test key signs the empty message then the signature is the published one", async () => {
    const signer = await importCoinbaseKey(RFC_SECRET);
    expect(hex(await signEd25519(signer.key, new Uint8Array()))).toBe(RFC8032_EMPTY_SIGNATURE);
  });

  it("when signing a JWT with the RFC 8032 key then noble verifies it with the published public key, header EdDSA, claims as for ECDSA", async () => {
    const token = await coinbaseJwt(await importCoinbaseKey(RFC_SECRET), claims);
    const { header, claims: body, valid } = verifyEdJwt(token, bytes(RFC8032_PUBLIC));
    expect(valid).toBe(true);
    expect(header).toEqual({ alg: "EdDSA", kid: KEY_NAME, nonce: "abc123", typ: "JWT" });
    expect(body).toEqual({ sub: KEY_NAME, iss: "cdp", nbf: 1_732_000_000, exp: 1_732_000_120, uri: "GET api.coinbase.com/api/v3/brokerage/accounts" });
  });

  it("when signing with a freshly generated key then the token verifies with its public key and not with another", async () => {
    const key = newEd25519();
    const token = await coinbaseJwt(await importCoinbaseKey(cdpSecret(key.seed)), claims);
    expect(verifyEdJwt(token, key.publicKey).valid).toBe(true);
    expect(verifyEdJwt(token, newEd25519().publicKey).valid).toBe(false);
  });

  it("when an EdDSA token is tampered with then it no longer verifies", async () => {
    const key = newEd25519();
    const token = await coinbaseJwt(await importCoinbaseKey(cdpSecret(key.seed)), claims);
    const [h, , s] = token.split(".");
    const forged = btoa(JSON.stringify({ ...claims, uri: "POST api.coinbase.com/api/v3/brokerage/orders" })).replace(/=+$/, "");
    expect(verifyEdJwt(`${h}.${forged}.${s}`, key.publicKey).valid).toBe(false);
  });

  it("when the secret is pasted with spaces, a line break or as base64url then it still reads", () => {
    const secret = RFC_SECRET;
    const url = secret.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    for (const text of [` ${secret} `, `${secret.slice(0, 40)}\n${secret.slice(40)}`, url]) {
      expect(readCoinbaseSecret(text).alg).toBe("EdDSA");
    }
  });

  it("when an Ed25519 key comes as a PKCS#8 PEM then it signs EdDSA too", async () => {
    const key = newEd25519();
    const signer = await importCoinbaseKey(pkcs8Pem(ed25519Pkcs8(key.seed)));
    expect(signer.alg).toBe("EdDSA");
    expect(verifyEdJwt(await coinbaseJwt(signer, claims), key.publicKey).valid).toBe(true);
  });

  it.each([
    ["only the 32-byte seed", () => btoa(String.fromCharCode(...bytes(RFC8032_SEED))), /32 bytes, expected 64/],
    ["a public half that belongs to another key", () => cdpSecret(bytes(RFC8032_SEED), newEd25519().publicKey), /does not belong/],
    ["text that is neither PEM nor base64", () => "not a key!", /not base64.*PEM block/],
    ["an encrypted PEM", () => "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----", /PEM block/],
    ["a PEM block with a broken body", () => "-----BEGIN EC PRIVATE KEY-----\n!!!!\n-----END EC PRIVATE KEY-----", /not base64/],
  ])("when the secret is %s then it is refused with a clear error that does not echo it", async (_what, make, message) => {
    const secret = make();
    const error = await importCoinbaseKey(secret).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(secret.replace(/\s+/g, "").slice(0, 16));
  });
});
