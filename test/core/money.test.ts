import { describe, expect, it } from "vitest";
import { DEFAULT_ASSET_SCALE, Decimal, addBalances, assetScale, dec, fitsAssetScale, fitsScale, isAsset, str, toScale } from "../../core/money.js";

describe("dec and str", () => {
  it.each([
    ["1", "1"],
    ["1.500", "1.5"],
    ["100.000000000000000000", "100"],
    ["0.000000000000000001", "0.000000000000000001"],
    ["1e-18", "0.000000000000000001"],
    ["1e25", "10000000000000000000000000"],
    ["1.5e30", "1500000000000000000000000000000"],
    ["123456789012345678901234567890.123456789012345678", "123456789012345678901234567890.123456789012345678"],
    ["-0", "0"],
    ["-0.000", "0"],
    ["0.0", "0"],
    ["-12.340", "-12.34"],
  ])("when %s is parsed and printed then it reads %s", (input, expected) => {
    expect(str(dec(input))).toBe(expected);
  });

  it("when a negative zero comes from arithmetic then str prints 0", () => {
    const negZero = dec("0").neg();
    expect(negZero.isNeg()).toBe(true);
    expect(str(negZero)).toBe("0");
  });

  it("when given a Decimal then dec returns it unchanged", () => {
    const d = new Decimal("2.5");
    expect(dec(d)).toBe(d);
  });

  it.each(["Infinity", "-Infinity", "NaN"])("when the value is %s then dec throws an invariant error", (input) => {
    expect(() => dec(input)).toThrow(/invariant: amount is not finite/);
  });

  it.each(["abc", "", "1,5"])("when the value %j is not a number then dec throws", (input) => {
    expect(() => dec(input)).toThrow();
  });
});

describe("toScale", () => {
  it.each([
    ["1.0000000000000000019", "1.000000000000000001"],
    ["1.9999999999999999999", "1.999999999999999999"],
    ["0.0000000000000000009", "0"],
    ["-1.0000000000000000019", "-1.000000000000000001"],
    ["-0.0000000000000000009", "0"],
    ["2.5", "2.5"],
    ["7", "7"],
  ])("when %s is scaled to USD then it is rounded toward zero to %s", (input, expected) => {
    expect(str(toScale(dec(input), "USD"))).toBe(expected);
  });

  it("when 100 is divided by 3 then scaling keeps exactly 18 threes", () => {
    expect(str(toScale(dec("100").div(3), "USD"))).toBe("33.333333333333333333");
  });

  it("when 200 is divided by 3 then scaling does not round the last 6 up", () => {
    expect(str(toScale(dec("200").div(3), "USD"))).toBe("66.666666666666666666");
  });
});

describe("fitsScale", () => {
  it.each([
    ["1", true],
    ["0.000000000000000001", true],
    ["123456789.123456789012345678", true],
    ["1.100000000000000000000", true],
    ["0.0000000000000000001", false],
    ["1.1234567890123456789", false],
  ])("when the amount is %s then fitsScale(USD) is %s", (input, expected) => {
    expect(fitsScale(dec(input), "USD")).toBe(expected);
  });
});

describe("isAsset", () => {
  it.each([
    ["USD", true],
    ["usd", false],
    ["EUR", false],
    ["toString", false],
    ["__proto__", false],
  ])("when the value is %s then isAsset is %s", (input, expected) => {
    expect(isAsset(input)).toBe(expected);
  });
});

describe("addBalances", () => {
  it.each([
    [{ USD: "0.1" }, { USD: "0.2" }, { USD: "0.3" }],
    [{ USD: "0.000000000000000001" }, { USD: "0.000000000000000002" }, { USD: "0.000000000000000003" }],
    [{ USD: "999999999999999999999999999999.999999999999999999" }, { USD: "0.000000000000000001" }, { USD: "1000000000000000000000000000000" }],
    [{ USD: "123456789.123456789123456789" }, { USD: "876543210.876543210876543211" }, { USD: "1000000000" }],
    [{ USD: "5" }, { USD: "-5" }, { USD: "0" }],
    [{ USD: "1.5" }, {}, { USD: "1.5" }],
    [{}, { USD: "1.5" }, { USD: "1.5" }],
    [{ USD: "1" }, { EUR: "2" }, { USD: "1", EUR: "2" }],
  ])("when %j and %j are added then the result is %j exactly", (a, b, expected) => {
    expect(addBalances(a, b)).toEqual(expected);
  });

  it("when balances are added then neither input is changed", () => {
    const a = { USD: "1" };
    const b = { USD: "2" };
    const out = addBalances(a, b);
    expect(out).not.toBe(a);
    expect(a).toEqual({ USD: "1" });
    expect(b).toEqual({ USD: "2" });
  });

  it("when a thousand 18-decimal amounts are summed then the total is exact", () => {
    let total: Record<string, string> = {};
    for (let i = 1; i <= 1000; i++) total = addBalances(total, { USD: `0.${String(i).padStart(18, "0")}` });
    // 1 + 2 + ... + 1000 = 500500 units of 1e-18.
    expect(total).toEqual({ USD: "0.0000000000005005" });
  });
});

describe("assetScale", () => {
  it.each([
    ["USD", 2],
    ["BTC", 8],
    ["ETH", 8],
    ["SOL", 9],
    ["DOGE", DEFAULT_ASSET_SCALE],
    ["usd", DEFAULT_ASSET_SCALE],
    ["toString", DEFAULT_ASSET_SCALE],
    ["", DEFAULT_ASSET_SCALE],
  ])("when the asset is %j then its scale is %i", (asset, expected) => {
    expect(assetScale(asset)).toBe(expected);
  });

  it("when an asset is unknown then the default is 8, the common crypto precision", () => {
    expect(DEFAULT_ASSET_SCALE).toBe(8);
  });
});

describe("fitsAssetScale", () => {
  it.each([
    ["12.34", "USD", true],
    ["12.340", "USD", true],
    ["12.345", "USD", false],
    ["0.01", "USD", true],
    ["0.001", "USD", false],
    ["1000000", "USD", true],
    ["0.00000001", "BTC", true],
    ["0.000000001", "BTC", false],
    ["0.12345678", "ETH", true],
    ["0.123456789", "ETH", false],
    ["0.000000001", "SOL", true],
    ["0.0000000001", "SOL", false],
    ["0.00000001", "DOGE", true],
    ["0.000000001", "DOGE", false],
  ])("when the amount is %s %s then fitsAssetScale is %s", (amount, asset, expected) => {
    expect(fitsAssetScale(amount, asset)).toBe(expected);
    expect(fitsAssetScale(dec(amount), asset)).toBe(expected);
  });
});
