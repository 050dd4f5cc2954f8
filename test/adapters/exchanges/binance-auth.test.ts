import { ed25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { binanceKeyKind, binanceSigner, readBinancePrivateKey, signBinanceEd25519 } from "../../../adapters/exchanges/binance-auth.js";
import { importEd25519 } from "../../../adapters/exchanges/ed25519.js";
import { queryString } from "../../../adapters/exchanges/http.js";
import { RFC8032_PUBLIC, RFC8032_SEED, bytes, ed25519Pkcs8, newEd25519, pkcs8Pem, rsaPkcs8 } from "./ed25519-keys.js";
import { hex } from "./fakes.js";

// Binance's FIX API documentation ("How to sign Logon <A> request") publishes an Ed25519 private
// key, a payload and the signature it gives: a known answer, since Ed25519 signing is deterministic.
const BINANCE_EXAMPLE_PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIIJEYWtGBrhACmb9Dvy+qa8WEf0lQOl1s4CLIAB9m89u
-----END PRIVATE KEY-----
`;
const BINANCE_EXAMPLE_PAYLOAD = ["A", "EXAMPLE", "SPOT", "1", "20240627-11:17:25.223"].join("\x01");
const BINANCE_EXAMPLE_SIGNATURE = "4MHXelVVcpkdwuLbl6n73HQUXUf1dse2PCgT1DYqW9w8AVZ1RACFGM+5UdlGPrQHrgtS3CvsRURC1oj73j8gCA==";

// The REST documentation's Ed25519 example ("SIGNED Endpoint Examples for POST /api/v3/order"):
// its parameters and the percent-encoded payloads it shows. It does not publish its private key
// (and the signature it prints is an RSA one), so signatures over these are checked with noble.
const REST_PARAMS = { side: "SELL", type: "LIMIT", timeInForce: "GTC", quantity: "1", price: "0.2", timestamp: 1668481559918, recvWindow: 5000 };
const REST_ASCII_PAYLOAD = "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2&timestamp=1668481559918&recvWindow=5000";
const REST_NON_ASCII_PAYLOAD =
  "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2&timestamp=1668481559918&recvWindow=5000";

describe("Binance Ed25519 keys", () => {
  it("when signing Binance's documented example with its published key then the signature is the documented one", async () => {
    const key = await importEd25519(readBinancePrivateKey(BINANCE_EXAMPLE_PEM));
    expect(await signBinanceEd25519(key, BINANCE_EXAMPLE_PAYLOAD)).toBe(BINANCE_EXAMPLE_SIGNATURE);
  });

  it.each([
    ["ASCII", "BTCUSDT", REST_ASCII_PAYLOAD],
    ["non-ASCII", "１２３４５６", REST_NON_ASCII_PAYLOAD],
  ])("when the documented %s parameters are signed then the payload is the documented percent-encoded one and noble verifies the signature", async (_what, symbol, payload) => {
    const ed = newEd25519();
    const qs = queryString({ symbol, ...REST_PARAMS });
    expect(qs).toBe(payload);
    const sign = binanceSigner({ apiKey: "k", privateKeyPem: pkcs8Pem(ed25519Pkcs8(ed.seed)) });
    const sent = await sign(qs);
    const signature = decodeURIComponent(sent);
    expect(sent).toBe(encodeURIComponent(signature));
    const raw = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
    expect(raw).toHaveLength(64);
    expect(ed25519.verify(raw, new TextEncoder().encode(payload), ed.publicKey)).toBe(true);
  });

  it("when the base64 signature holds + / or = then they are sent percent-encoded, as Binance's example shows", async () => {
    const sign = binanceSigner({ apiKey: "k", privateKeyPem: BINANCE_EXAMPLE_PEM });
    expect(await sign(BINANCE_EXAMPLE_PAYLOAD)).toBe("4MHXelVVcpkdwuLbl6n73HQUXUf1dse2PCgT1DYqW9w8AVZ1RACFGM%2B5UdlGPrQHrgtS3CvsRURC1oj73j8gCA%3D%3D");
  });

  it("when the PKCS#8 key is v2 and carries its public key then it is read and the public key checked", () => {
    const secret = readBinancePrivateKey(pkcs8Pem(ed25519Pkcs8(bytes(RFC8032_SEED), bytes(RFC8032_PUBLIC))));
    expect(hex(secret.publicKey)).toBe(RFC8032_PUBLIC);
    expect(() => readBinancePrivateKey(pkcs8Pem(ed25519Pkcs8(bytes(RFC8032_SEED), newEd25519().publicKey)))).toThrow(/does not belong/);
  });

  it("when the PEM has literal \\n escapes (pasted from JSON) then it still reads", () => {
    expect(hex(readBinancePrivateKey(BINANCE_EXAMPLE_PEM.replace(/\n/g, "\\n")).seed)).toHaveLength(64);
  });

  it.each([
    ["an RSA key", pkcs8Pem(rsaPkcs8()), /expected an Ed25519 key, got RSA/],
    ["an encrypted key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n", /encrypted: export it without a passphrase/],
    ["an HMAC secret in the PEM field", "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j", /no PEM block 'PRIVATE KEY'/],
    ["a cut-short key", pkcs8Pem(ed25519Pkcs8(bytes(RFC8032_SEED)).subarray(0, 30)), /truncated/],
    ["a public key", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAgmDRTtj2FA+wzJUIlAL9ly1eovjLBu7uXUFR+jFULmg=\n-----END PUBLIC KEY-----\n", /no PEM block 'PRIVATE KEY'/],
  ])("when the key is %s then it is refused with a clear error", (_what, pem, message) => {
    expect(() => readBinancePrivateKey(pem)).toThrow(message);
  });

  it("when the credentials hold privateKeyPem then the kind is ed25519, with apiSecret hmac", () => {
    expect(binanceKeyKind({ apiKey: "k", privateKeyPem: BINANCE_EXAMPLE_PEM })).toBe("ed25519");
    expect(binanceKeyKind({ apiKey: "k", apiSecret: "s" })).toBe("hmac");
  });

  it("when an HMAC key signs then the documented hex signature comes back unchanged (not percent-encoded)", async () => {
    const sign = binanceSigner({ apiKey: "k", apiSecret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j" });
    expect(await sign("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559")).toBe(
      "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
    );
  });
});
