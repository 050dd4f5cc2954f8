import { afterEach, describe, expect, it, vi } from "vitest";
import { KeyEnvelopeError, openCredentials, sealCredentials, venueKeysSecret } from "../../../adapters/exchanges/keys.js";

const SECRET = "a-worker-secret-of-at-least-32-characters!";
const CREDS = { apiKey: "vmPUZE6mv9SD5VNHk4HlWFsO", apiSecret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP" };

/** Flips one bit of one base64url part of the envelope. */
function flip(envelope: string, part: number): string {
  const parts = envelope.split(".");
  const text = parts[part]!;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const at = Math.floor(text.length / 2);
  const next = alphabet[(alphabet.indexOf(text[at]!) ^ 1) & 63]!;
  parts[part] = text.slice(0, at) + next + text.slice(at + 1);
  return parts.join(".");
}

async function refusal(promise: Promise<unknown>): Promise<KeyEnvelopeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyEnvelopeError);
  return error as KeyEnvelopeError;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("credential envelopes", () => {
  it("when sealed and opened with the same secret and context then the credentials come back", async () => {
    const envelope = await sealCredentials(SECRET, CREDS, "venue:binance");
    expect(envelope).toMatch(/^v1\.[\w-]{22}\.[\w-]{16}\.[\w-]+$/);
    expect(await openCredentials(SECRET, envelope, "venue:binance")).toEqual(CREDS);
  });

  it("when the same credentials are sealed twice then the envelopes differ (fresh salt and IV)", async () => {
    const a = await sealCredentials(SECRET, CREDS);
    const b = await sealCredentials(SECRET, CREDS);
    expect(a).not.toBe(b);
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
  });

  it("when the envelope is sealed then it does not contain the secret or the plaintext", async () => {
    const envelope = await sealCredentials(SECRET, CREDS);
    expect(envelope).not.toContain(CREDS.apiSecret);
    expect(envelope).not.toContain(CREDS.apiKey);
  });

  it.each([
    [1, "salt"],
    [2, "iv"],
    [3, "ciphertext"],
  ])("when one bit of the %s part (%s) is flipped then opening is refused", async (part) => {
    const envelope = await sealCredentials(SECRET, CREDS);
    const error = await refusal(openCredentials(SECRET, flip(envelope, part)));
    expect(["rejected", "malformed"]).toContain(error.code);
  });

  it("when opened with another secret then it is refused", async () => {
    const envelope = await sealCredentials(SECRET, CREDS);
    expect((await refusal(openCredentials(`${SECRET}-other`, envelope))).code).toBe("rejected");
  });

  it("when opened for another venue account then it is refused (the context is bound in)", async () => {
    const envelope = await sealCredentials(SECRET, CREDS, "venue:binance");
    expect((await refusal(openCredentials(SECRET, envelope, "venue:kraken"))).code).toBe("rejected");
  });

  it("when the version is unknown or the shape is wrong then it is refused without decrypting", async () => {
    const envelope = await sealCredentials(SECRET, CREDS);
    expect((await refusal(openCredentials(SECRET, envelope.replace(/^v1/, "v9")))).code).toBe("unsupported_version");
    expect((await refusal(openCredentials(SECRET, "v1.abc"))).code).toBe("malformed");
    expect((await refusal(openCredentials(SECRET, "v1.!!.!!.!!"))).code).toBe("malformed");
  });

  it("when the worker secret is missing or short then it is not_configured", async () => {
    expect(() => venueKeysSecret({})).toThrow(KeyEnvelopeError);
    expect(() => venueKeysSecret({ VENUE_KEYS_SECRET: "short" })).toThrow(/at least 32/);
    expect(venueKeysSecret({ VENUE_KEYS_SECRET: SECRET })).toBe(SECRET);
    expect((await refusal(sealCredentials("short", CREDS))).code).toBe("not_configured");
  });

  it("when anything fails then nothing is logged and no message carries the secret", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(console, m));
    const envelope = await sealCredentials(SECRET, CREDS);
    const errors = [
      await refusal(openCredentials("wrong-secret-that-is-long-enough-xxxxxxxx", envelope)),
      await refusal(openCredentials(SECRET, flip(envelope, 3))),
      await refusal(openCredentials(SECRET, envelope.replace(/^v1/, "v2"))),
    ];
    for (const e of errors) {
      expect(e.message).not.toContain(SECRET);
      expect(e.message).not.toContain(CREDS.apiSecret);
      expect(e.message).not.toContain(envelope.split(".")[3]!);
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
