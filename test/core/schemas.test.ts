import { describe, expect, it } from "vitest";
import {
  allocationBodySchema,
  amountSchema,
  assetAmountSchema,
  assetScaleProblem,
  collectionBodySchema,
  idempotencyKeySchema,
  rebalanceBodySchema,
  slugSchema,
  walletIdSchema,
} from "../../core/schemas.js";

describe("amountSchema", () => {
  it.each([
    "1",
    "0.5",
    "1000000.123456789012345678",
    "0.000000000000000001",
    "1500.25",
    "10.000",
    "999999999999999999999999999999.999999999999999999",
  ])("when the amount is %j then it is accepted as is", (value) => {
    expect(amountSchema.safeParse(value)).toEqual({ success: true, data: value });
  });

  it.each([
    ["zero", "0", /greater than zero/],
    ["zero with decimals", "0.000", /greater than zero/],
    ["negative", "-1", /plain positive decimal/],
    ["signed", "+1", /plain positive decimal/],
    ["exponent", "1e5", /plain positive decimal/],
    ["letters", "abc", /plain positive decimal/],
    ["empty", "", /plain positive decimal/],
    ["leading space", " 1", /plain positive decimal/],
    ["trailing space", "1 ", /plain positive decimal/],
    ["trailing dot", "1.", /plain positive decimal/],
    ["leading dot", ".5", /plain positive decimal/],
    ["comma", "1,5", /plain positive decimal/],
    ["thousands separator", "1,000", /plain positive decimal/],
    ["Infinity", "Infinity", /plain positive decimal/],
    ["non-ASCII digits", "١٢", /plain positive decimal/],
    ["19 decimals", "1.1234567890123456789", /19 decimals; at most 18/],
    ["19 decimals below one unit", "0.0000000000000000001", /19 decimals; at most 18/],
    ["leading zero", "01", /too large or has leading zeros/],
    ["leading zeros before a dot", "00.5", /too large or has leading zeros/],
    ["31 integer digits", `1${"0".repeat(30)}`, /too large or has leading zeros/],
  ])("when the amount is %s (%j) then it is refused", (_, value, message) => {
    const result = amountSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });

  it.each([
    ["a number", 1000],
    ["a bigint", 1000n],
    ["null", null],
    ["undefined", undefined],
    ["an object", { amount: "1" }],
  ])("when the amount is %s then it is refused as not a string", (_, value) => {
    const result = amountSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/decimal string/);
  });
});

describe("walletIdSchema", () => {
  it.each(["treasury", "farm:momentum", "agent:marcus-momentum", "agent:a1", `farm:${"x".repeat(48)}`])(
    "when the id is %j then it is accepted",
    (id) => {
      expect(walletIdSchema.safeParse(id).success).toBe(true);
    },
  );

  it.each(["farm:", "Farm:X", "farm:X", "agent:a b", "agent:-a", "agent:a-", "agent:a_b", "Treasury", "treasury:", "farm:a:b", `farm:${"x".repeat(49)}`, ""])(
    "when the id is %j then it is refused",
    (id) => {
      expect(walletIdSchema.safeParse(id).success).toBe(false);
    },
  );
});

describe("allocationBodySchema", () => {
  it("when from and asset are omitted then they default to treasury and USD", () => {
    expect(allocationBodySchema.parse({ to: "farm:a", amount: "10" })).toEqual({ from: "treasury", to: "farm:a", amount: "10", asset: "USD" });
  });

  it("when every field is given then they are kept", () => {
    const body = { from: "farm:a", to: "agent:a1", amount: "0.5", asset: "USD", memo: "top up" };
    expect(allocationBodySchema.parse(body)).toEqual(body);
  });

  it.each([
    ["an unknown key", { to: "farm:a", amount: "1", note: "x" }],
    ["no to", { amount: "1" }],
    ["no amount", { to: "farm:a" }],
    ["an amount as a number", { to: "farm:a", amount: 1000 }],
    ["a zero amount", { to: "farm:a", amount: "0" }],
    ["an unknown asset", { to: "farm:a", amount: "1", asset: "EUR" }],
    ["a bad to: farm:", { to: "farm:", amount: "1" }],
    ["a bad to: Farm:X", { to: "Farm:X", amount: "1" }],
    ["a bad from: agent:a b", { from: "agent:a b", to: "farm:a", amount: "1" }],
    ["a null from", { from: null, to: "farm:a", amount: "1" }],
    ["a memo over 200 characters", { to: "farm:a", amount: "1", memo: "m".repeat(201) }],
  ])("when the body has %s then it is refused", (_, body) => {
    expect(allocationBodySchema.safeParse(body).success).toBe(false);
  });

  it("when the body has an unknown key then the issue names it", () => {
    const result = allocationBodySchema.safeParse({ to: "farm:a", amount: "1", note: "x" });
    expect(result.error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["note"] });
  });
});

describe("amounts at their asset's scale", () => {
  it.each([
    ["12.34", true],
    ["12.340", true],
    ["0.01", true],
    ["1000", true],
    ["12.345", false],
    ["0.001", false],
    ["1.000000000000000001", false],
  ])("when %s USD is allocated then success is %s", (amount, ok) => {
    expect(allocationBodySchema.safeParse({ to: "farm:a", amount }).success).toBe(ok);
  });

  it("when 12.345 USD is allocated then the one issue names the amount field and the scale", () => {
    const result = allocationBodySchema.safeParse({ to: "farm:a", amount: "12.345" });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ["amount"], message: "amount 12.345 has 3 decimals; USD amounts carry at most 2 (steps of 0.01)" }),
    ]);
  });

  it.each([
    ["12.345", false],
    ["12.34", true],
  ])("when %s USD is collected then success is %s", (amount, ok) => {
    expect(collectionBodySchema.safeParse({ from: "agent:a1", amount }).success).toBe(ok);
  });

  it("when a collection names no amount then the scale has nothing to check", () => {
    expect(collectionBodySchema.safeParse({ from: "agent:a1" }).success).toBe(true);
  });

  it.each([
    ["ten", "USD"],
    ["1.0000000000000000001", "USD"],
    ["-1.234", "USD"],
  ])("when %j is no plain amount then the scale check stays quiet (amountSchema says why)", (amount, asset) => {
    expect(assetScaleProblem(amount, asset)).toBeNull();
  });

  it.each([
    ["0.00000001", "BTC", null],
    ["0.000000001", "BTC", "amount 0.000000001 has 9 decimals; BTC amounts carry at most 8 (steps of 0.00000001)"],
    ["0.000000001", "SOL", null],
    ["0.0000000001", "SOL", "amount 0.0000000001 has 10 decimals; SOL amounts carry at most 9 (steps of 0.000000001)"],
    ["1.5", "USD", null],
  ])("when %s %s is checked then the problem is %j", (amount, asset, problem) => {
    expect(assetScaleProblem(amount, asset)).toBe(problem);
    expect(assetAmountSchema(asset).safeParse(amount).success).toBe(problem === null);
  });

  it("when an asset amount is not a plain decimal then amountSchema's message comes first", () => {
    expect(assetAmountSchema("USD").safeParse("1e3").error?.issues[0]?.message).toMatch(/plain positive decimal/);
  });
});

describe("collectionBodySchema", () => {
  it("when only from is given then asset defaults to USD and to and amount stay absent", () => {
    expect(collectionBodySchema.parse({ from: "agent:a1" })).toEqual({ from: "agent:a1", asset: "USD" });
  });

  it.each([
    ["no from", { to: "farm:a" }],
    ["an unknown key", { from: "agent:a1", all: true }],
    ["a negative amount", { from: "agent:a1", amount: "-5" }],
  ])("when the body has %s then it is refused", (_, body) => {
    expect(collectionBodySchema.safeParse(body).success).toBe(false);
  });
});

describe("rebalanceBodySchema", () => {
  it("when only the farm is given then mode is equal and asset USD", () => {
    expect(rebalanceBodySchema.parse({ farm: "farm:a" })).toEqual({ farm: "farm:a", mode: "equal", asset: "USD" });
  });

  it.each([
    ["an agent", { farm: "agent:a1" }],
    ["the treasury", { farm: "treasury" }],
    ["an unknown mode", { farm: "farm:a", mode: "random" }],
  ])("when the farm is %s then it is refused", (_, body) => {
    expect(rebalanceBodySchema.safeParse(body).success).toBe(false);
  });
});

describe("slugSchema and idempotencyKeySchema", () => {
  it.each([
    ["a", true],
    ["marcus-momentum", true],
    ["x".repeat(48), true],
    ["x".repeat(49), false],
    ["-a", false],
    ["a-", false],
    ["A", false],
    ["", false],
  ])("when the slug is %j then acceptance is %s", (slug, ok) => {
    expect(slugSchema.safeParse(slug).success).toBe(ok);
  });

  it.each([
    ["k", true],
    ["550e8400-e29b-41d4-a716-446655440000", true],
    ["k".repeat(200), true],
    ["k".repeat(201), false],
    ["", false],
    ["has space", false],
    ["tab\t", false],
    ["café", false],
  ])("when the Idempotency-Key is %j then acceptance is %s", (key, ok) => {
    expect(idempotencyKeySchema.safeParse(key).success).toBe(ok);
  });
});
