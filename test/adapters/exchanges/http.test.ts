import { describe, expect, it } from "vitest";
import { ExchangeError, retryAfterMs } from "../../../adapters/exchanges/errors.js";
import { type Transport, queryString, send, withRetries } from "../../../adapters/exchanges/http.js";
import { fakeClock, fakeFetch, hang, json } from "./fakes.js";

function transportWith(fetchImpl: typeof fetch, random = () => 1, timeoutMs = 20) {
  const clock = fakeClock(1_000_000);
  const t: Transport = {
    exchange: "binance",
    fetch: fetchImpl,
    timeoutMs,
    clock,
    random,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 10_000 },
  };
  return { t, clock };
}

const transient = (info = {}) => new ExchangeError("binance", "unavailable", "HTTP 503", { status: 503, maybeExecuted: true, ...info });

describe("send", () => {
  it("when the exchange does not answer within the timeout then it is a timeout that may have executed", async () => {
    const f = fakeFetch(hang);
    const { t } = transportWith(f.fetch);
    const error = await send(t, { method: "POST", url: "https://x.test/api/v3/order?symbol=A" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "timeout", info: { maybeExecuted: true } });
    expect((error as Error).message).toContain("/api/v3/order");
    expect((error as Error).message).not.toContain("symbol=A");
  });

  it("when the connection fails then it is unavailable and may have executed", async () => {
    const { t } = transportWith((async () => {
      throw new TypeError("Network connection lost.");
    }) as typeof fetch);
    await expect(send(t, { method: "GET", url: "https://x.test/a" })).rejects.toMatchObject({ code: "unavailable", info: { maybeExecuted: true } });
  });

  it("when the exchange answers then status, headers and body come back", async () => {
    const f = fakeFetch(() => json({ a: 1 }, { status: 418, headers: { "Retry-After": "3" } }));
    const { t } = transportWith(f.fetch);
    const res = await send(t, { method: "GET", url: "https://x.test/a", headers: { "X-Test": "1" } });
    expect([res.status, res.headers.get("Retry-After"), res.text]).toEqual([418, "3", '{"a":1}']);
    expect(f.seen[0]!.headers.get("X-Test")).toBe("1");
  });
});

describe("withRetries", () => {
  it("when an idempotent request keeps failing transiently then it tries maxAttempts times with full-jitter backoff", async () => {
    const { t, clock } = transportWith(fakeFetch(() => json({})).fetch, () => 1);
    let attempts = 0;
    const error = await withRetries(t, true, async () => {
      attempts++;
      throw transient();
    }).catch((e: unknown) => e);
    expect(attempts).toBe(4);
    expect(error).toMatchObject({ code: "unavailable" });
    // random() = 1 gives the cap of each step: min(1000, 100 * 2^n).
    expect(clock.sleeps).toEqual([100, 200, 400]);
  });

  it("when jitter draws low then the delay is a fraction of the cap (full jitter)", async () => {
    const { t, clock } = transportWith(fakeFetch(() => json({})).fetch, () => 0.25);
    let attempts = 0;
    await withRetries(t, true, async () => {
      if (++attempts < 4) throw transient();
      return "ok";
    });
    expect(clock.sleeps).toEqual([25, 50, 100]);
  });

  it("when the exchange sends Retry-After then the wait is at least that long", async () => {
    const { t, clock } = transportWith(fakeFetch(() => json({})).fetch, () => 0);
    let attempts = 0;
    await withRetries(t, true, async () => {
      if (++attempts === 1) throw new ExchangeError("binance", "rate_limited", "429", { status: 429, retryAfterMs: 3_000 });
      return "ok";
    });
    expect(clock.sleeps).toEqual([3_000]);
  });

  it("when Retry-After is longer than the policy allows then the error goes to the caller at once", async () => {
    const { t, clock } = transportWith(fakeFetch(() => json({})).fetch);
    let attempts = 0;
    await expect(
      withRetries(t, true, async () => {
        attempts++;
        throw new ExchangeError("binance", "rate_limited", "418", { status: 418, retryAfterMs: 120_000 });
      }),
    ).rejects.toMatchObject({ code: "rate_limited" });
    expect(attempts).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("when the error is not transient then it is not retried", async () => {
    const { t } = transportWith(fakeFetch(() => json({})).fetch);
    let attempts = 0;
    await expect(
      withRetries(t, true, async () => {
        attempts++;
        throw new ExchangeError("binance", "invalid_request", "bad");
      }),
    ).rejects.toMatchObject({ code: "invalid_request" });
    expect(attempts).toBe(1);
  });

  it("when a non-idempotent request may have executed then it becomes unknown_outcome after one attempt", async () => {
    const { t } = transportWith(fakeFetch(() => json({})).fetch);
    let attempts = 0;
    await expect(
      withRetries(t, false, async () => {
        attempts++;
        throw transient();
      }),
    ).rejects.toMatchObject({ code: "unknown_outcome", info: { maybeExecuted: true, status: 503 } });
    expect(attempts).toBe(1);
  });

  it("when a non-idempotent request was refused (429) then the refusal is returned as is, once", async () => {
    const { t } = transportWith(fakeFetch(() => json({})).fetch);
    let attempts = 0;
    await expect(
      withRetries(t, false, async () => {
        attempts++;
        throw new ExchangeError("binance", "rate_limited", "429", { status: 429 });
      }),
    ).rejects.toMatchObject({ code: "rate_limited" });
    expect(attempts).toBe(1);
  });

  it("when a timed-out GET is retried then each attempt is a new request", async () => {
    const f = fakeFetch((req, i) => (i < 2 ? hang(req) : json({ ok: true })));
    const { t } = transportWith(f.fetch);
    const res = await withRetries(t, true, () => send(t, { method: "GET", url: "https://x.test/a" }));
    expect(res.text).toBe('{"ok":true}');
    expect(f.seen).toHaveLength(3);
  });

  it("when a bug (not an ExchangeError) is thrown then it is never retried", async () => {
    const { t } = transportWith(fakeFetch(() => json({})).fetch);
    let attempts = 0;
    await expect(
      withRetries(t, true, async () => {
        attempts++;
        throw new Error("invariant: broken");
      }),
    ).rejects.toThrow("invariant");
    expect(attempts).toBe(1);
  });
});

describe("helpers", () => {
  it("when building a query string then undefined values are left out and values are percent-encoded", () => {
    expect(queryString({ a: "1", b: undefined, c: "x y&z", d: 5 })).toBe("a=1&c=x%20y%26z&d=5");
  });

  it.each([
    ["7", 7_000],
    ["0.5", 500],
    [null, undefined],
    ["", undefined],
    ["Wed, 21 Oct 2015 07:28:10 GMT", 10_000],
  ])("when Retry-After is %j then the wait is %j ms", (header, expected) => {
    expect(retryAfterMs(header, Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(expected);
  });
});
