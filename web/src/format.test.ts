import { describe, expect, test } from "vitest";
import { amountParts, decimalsOf, formatAmount, formatMoney, isZeroAmount, moneyParts } from "./format.ts";

describe("formatAmount", () => {
  test.each([
    ["0", "0.00"],
    ["5", "5.00"],
    ["1000", "1,000.00"],
    ["400000", "400,000.00"],
    ["1000000", "1,000,000.00"],
    ["1234567.5", "1,234,567.50"],
    ["0.5", "0.50"],
    ["0.125", "0.125"],
    ["2500.1250", "2,500.125"],
    ["-1500.25", "-1,500.25"],
    ["-0", "0.00"],
    ["007", "7.00"],
    // Beyond what a float holds exactly: the string is formatted, never a number.
    ["123456789012345678901234567890.123456789012345678", "123,456,789,012,345,678,901,234,567,890.123456789012345678"],
    ["not a number", "not a number"],
  ])("when the amount is %s then it shows %s", (value, shown) => {
    expect(formatAmount(value)).toBe(shown);
  });

  test("when an amount has more than two decimals then the extra digits are split off for dimming", () => {
    expect(amountParts("66250.0625")).toEqual({ sign: "", whole: "66,250", cents: "06", rest: "25" });
  });

  test.each([
    ["0", true],
    ["0.000", true],
    ["-0", true],
    ["0.01", false],
    ["100", false],
  ])("when the amount is %s then isZeroAmount is %s", (value, zero) => {
    expect(isZeroAmount(value)).toBe(zero);
  });
});

describe("decimalsOf", () => {
  test.each([
    ["0.01", 2],
    ["0.00001", 5],
    ["0.010", 2],
    ["1", 0],
    ["10", 0],
  ])("when the step is %s then it has %i decimals", (step, expected) => {
    expect(decimalsOf(step)).toBe(expected);
  });

  test("when a price is shown to its tick then short prices are padded and longer ones kept exact", () => {
    expect(formatAmount("60785.8", decimalsOf("0.01"))).toBe("60,785.80");
    expect(formatAmount("0.41101", decimalsOf("0.00001"))).toBe("0.41101");
    expect(formatAmount("142.5", decimalsOf("0.001"))).toBe("142.500");
  });
});

describe("formatMoney", () => {
  test.each([
    ["12.345", "USD", "12.34"],
    ["12.349999", "USD", "12.34"],
    ["0.009", "USD", "0.00"],
    ["-0.009", "USD", "0.00"],
    ["-1500.257", "USD", "-1,500.25"],
    ["1234567", "USD", "1,234,567.00"],
    ["33.333333333333333333", "USD", "33.33"],
    ["0.5", "BTC", "0.50"],
    ["0.01", "BTC", "0.01"],
    ["0.123456789", "BTC", "0.12345678"],
    ["1.100000009", "ETH", "1.10"],
    ["0.123456789123", "SOL", "0.123456789"],
    ["0.000000001", "DOGE", "0.00"],
    ["0.12345678", "DOGE", "0.12345678"],
    ["not a number", "USD", "not a number"],
  ])("when %s %s is shown then it reads %s", (value, asset, shown) => {
    expect(formatMoney(value, asset)).toBe(shown);
  });

  test("when a BTC amount has more than two decimals then the rest is split off for dimming, cut at 8", () => {
    expect(moneyParts("1234.123456789", "BTC")).toEqual({ sign: "", whole: "1,234", cents: "12", rest: "345678" });
  });

  test("when a USD amount is finer than a cent then nothing is left to dim", () => {
    expect(moneyParts("66250.0625", "USD")).toEqual({ sign: "", whole: "66,250", cents: "06", rest: "" });
  });
});
