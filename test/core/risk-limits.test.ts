import { describe, expect, it } from "vitest";
import {
  DEFAULT_LIMITS,
  applyLimitsPatch,
  effectiveLimits,
  formatUsd,
  limitsConfigSchema,
  limitsPatchSchema,
  riskLimitsSchema,
  riskScopeSchema,
} from "../../core/risk/limits.js";
import { Decimal } from "../../core/money.js";
import type { LimitsConfig } from "../../core/risk/types.js";

function messages(result: { success: boolean; error?: { issues: ReadonlyArray<{ message: string }> } }): string {
  return (result.error?.issues ?? []).map((i) => i.message).join(" | ");
}

describe("DEFAULT_LIMITS", () => {
  it("when validated by its own schema then it is a complete, valid config", () => {
    expect(riskLimitsSchema.safeParse(DEFAULT_LIMITS.desk).success).toBe(true);
    expect(limitsConfigSchema.safeParse(DEFAULT_LIMITS).success).toBe(true);
  });
});

describe("riskLimitsSchema", () => {
  const good = DEFAULT_LIMITS.desk;

  it.each([
    ["negative money", { maxVar: "-1" }, /maxVar must be a positive decimal string.*"-1"/],
    ["zero money", { maxOrderNotional: "0" }, /maxOrderNotional must be greater than zero/],
    ["NaN", { maxGrossExposure: "NaN" }, /maxGrossExposure must be a positive decimal string.*"NaN"/],
    ["Infinity", { maxDailyLoss: "Infinity" }, /maxDailyLoss must be a positive decimal string.*"Infinity"/],
    ["exponent", { maxPositionNotional: "1e5" }, /maxPositionNotional must be a positive decimal string/],
    ["empty", { maxVar: "" }, /maxVar must be a positive decimal string/],
    ["money as a number", { maxVar: 40000 }, /maxVar must be a positive decimal string/],
    ["fraction above 1", { maxDrawdown: "1.5" }, /maxDrawdown must be a fraction greater than 0 and at most 1.*"1.5"/],
    ["fraction of zero", { maxConcentration: "0" }, /maxConcentration must be a fraction greater than 0/],
    ["negative fraction", { stopDistance: "-0.1" }, /stopDistance must be a fraction/],
    ["non-integer count", { maxOrdersPerMinute: 1.5 }, /maxOrdersPerMinute must be a whole number from 1 to 6000, got 1.5/],
    ["zero count", { maxOrdersPerMinute: 0 }, /maxOrdersPerMinute must be a whole number from 1 to 6000, got 0/],
    ["NaN count", { maxOrdersPerMinute: Number.NaN }, /maxOrdersPerMinute must be a whole number/],
    ["count as a string", { maxOrdersPerMinute: "120" }, /maxOrdersPerMinute must be a whole number/],
    ["unknown field", { maxLeverage: "3" }, /limits has unknown field maxLeverage/],
  ])("when a limit is %s then it is refused with a message naming the field", (_name, change, message) => {
    const result = riskLimitsSchema.safeParse({ ...good, ...change });
    expect(result.success).toBe(false);
    expect(messages(result)).toMatch(message);
  });

  it("when a field is missing then the message says it is required", () => {
    const { maxVar: _dropped, ...rest } = good;
    const result = riskLimitsSchema.safeParse(rest);
    expect(result.success).toBe(false);
    expect(messages(result)).toBe("maxVar is required");
  });

  it.each([
    ["fraction of exactly 1", { maxConcentration: "1" }],
    ["fraction 1.000", { maxDrawdown: "1.000" }],
    ["tiny fraction", { stopDistance: "0.000001" }],
    ["depth multiple above 1", { maxDepthMultiple: "2.5" }],
    ["cents", { maxOrderNotional: "25000.50" }],
    ["one order a minute", { maxOrdersPerMinute: 1 }],
  ])("when a limit is a %s then it is accepted", (_name, change) => {
    expect(riskLimitsSchema.safeParse({ ...good, ...change }).success).toBe(true);
  });
});

describe("limitsPatchSchema", () => {
  it("when the patch sets desk fields, overrides and removals then it is accepted", () => {
    const body = {
      desk: { maxVar: "50000" },
      farms: { "farm:momentum": { maxGrossExposure: "100000" }, "farm:old": null },
      agents: { "agent:marcus-momentum": { maxOrdersPerMinute: 30 } },
      coolDownMinutes: 15,
      venueErrorThreshold: 3,
    };
    expect(limitsPatchSchema.parse(body)).toEqual(body);
  });

  it("when the cool-down is null then it is accepted (admin resumes only)", () => {
    expect(limitsPatchSchema.parse({ coolDownMinutes: null })).toEqual({ coolDownMinutes: null });
  });

  it.each([
    ["an unknown top-level key", { limits: {} }, /the limits patch has unknown field limits/],
    ["an unknown limit in the desk", { desk: { maxFoo: "1" } }, /limits override has unknown field maxFoo/],
    ["a farm key without its prefix", { farms: { momentum: { maxVar: "1" } } }, /farms key "momentum" is not an id such as "farm:momentum"/],
    ["an agent key with capitals", { agents: { "agent:Marcus": null } }, /agents key "agent:Marcus" is not an id/],
    ["an agent id in farms", { farms: { "agent:x": null } }, /farms key "agent:x"/],
    ["a bad value in an override", { agents: { "agent:x": { maxVar: "-5" } } }, /maxVar must be a positive decimal string/],
    ["a fractional cool-down", { coolDownMinutes: 1.5 }, /coolDownMinutes must be a whole number/],
    ["a zero error threshold", { venueErrorThreshold: 0 }, /venueErrorThreshold must be a whole number from 1/],
  ])("when the patch has %s then it is refused", (_name, body, message) => {
    const result = limitsPatchSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(messages(result)).toMatch(message);
  });
});

describe("applyLimitsPatch", () => {
  const base: LimitsConfig = {
    ...DEFAULT_LIMITS,
    farms: { "farm:a": { maxVar: "10000", maxGrossExposure: "50000" }, "farm:b": { maxVar: "5000" } },
    agents: { "agent:x": { maxOrderNotional: "1000" } },
  };

  it("when desk fields are patched then only they change", () => {
    const next = applyLimitsPatch(base, limitsPatchSchema.parse({ desk: { maxVar: "45000" } }));
    expect(next.desk).toEqual({ ...DEFAULT_LIMITS.desk, maxVar: "45000" });
    expect(next.farms).toEqual(base.farms);
  });

  it("when an override is patched then its fields merge with the existing ones", () => {
    const next = applyLimitsPatch(base, limitsPatchSchema.parse({ farms: { "farm:a": { maxVar: "12000" } } }));
    expect(next.farms["farm:a"]).toEqual({ maxVar: "12000", maxGrossExposure: "50000" });
  });

  it("when an override is null then it is removed, and others stay", () => {
    const next = applyLimitsPatch(base, limitsPatchSchema.parse({ farms: { "farm:b": null }, agents: { "agent:x": null } }));
    expect(next.farms).toEqual({ "farm:a": { maxVar: "10000", maxGrossExposure: "50000" } });
    expect(next.agents).toEqual({});
  });

  it("when a new override is added then it appears; an empty one is no override", () => {
    const next = applyLimitsPatch(base, limitsPatchSchema.parse({ agents: { "agent:y": { maxOrdersPerMinute: 10 }, "agent:z": {} } }));
    expect(next.agents).toEqual({ "agent:x": { maxOrderNotional: "1000" }, "agent:y": { maxOrdersPerMinute: 10 } });
  });

  it("when the cool-down is set then cleared then the config follows; an absent field leaves it", () => {
    const on = applyLimitsPatch(base, limitsPatchSchema.parse({ coolDownMinutes: 30 }));
    expect(on.coolDownMinutes).toBe(30);
    expect(applyLimitsPatch(on, limitsPatchSchema.parse({ venueErrorThreshold: 3 })).coolDownMinutes).toBe(30);
    expect(limitsPatchSchema.safeParse({}).success).toBe(false);
    expect(applyLimitsPatch(on, limitsPatchSchema.parse({ coolDownMinutes: null })).coolDownMinutes).toBeNull();
  });

  it("when a patch is applied then the input config is not changed", () => {
    const copy = JSON.parse(JSON.stringify(base));
    applyLimitsPatch(base, limitsPatchSchema.parse({ farms: { "farm:a": null }, desk: { maxVar: "1" } }));
    expect(base).toEqual(copy);
  });

  it("when a patched config is validated then it is still a valid config", () => {
    const next = applyLimitsPatch(base, limitsPatchSchema.parse({ agents: { "agent:q": { stopDistance: "0.05" } }, venueErrorThreshold: 9 }));
    expect(limitsConfigSchema.safeParse(next).success).toBe(true);
  });
});

describe("effectiveLimits", () => {
  const config: LimitsConfig = {
    ...DEFAULT_LIMITS,
    farms: { "farm:a": { maxVar: "10000", maxOrderNotional: "5000" } },
    agents: { "agent:x": { maxOrderNotional: "2000" }, "agent:solo": { maxVar: "1" } },
  };

  it("when the scope is the desk then the desk's limits apply", () => {
    expect(effectiveLimits(config, { kind: "desk" })).toEqual(DEFAULT_LIMITS.desk);
  });

  it("when the scope is a farm then its override overlays the desk", () => {
    expect(effectiveLimits(config, { kind: "farm", id: "farm:a" })).toEqual({ ...DEFAULT_LIMITS.desk, maxVar: "10000", maxOrderNotional: "5000" });
    expect(effectiveLimits(config, { kind: "farm", id: "farm:none" })).toEqual(DEFAULT_LIMITS.desk);
  });

  it("when the scope is an agent then desk, farm and agent overlay in that order", () => {
    expect(effectiveLimits(config, { kind: "agent", id: "agent:x" }, "farm:a")).toEqual({ ...DEFAULT_LIMITS.desk, maxVar: "10000", maxOrderNotional: "2000" });
    expect(effectiveLimits(config, { kind: "agent", id: "agent:y" }, "farm:a")).toEqual({ ...DEFAULT_LIMITS.desk, maxVar: "10000", maxOrderNotional: "5000" });
  });

  it("when an agent has no farm then only the desk and its own override apply", () => {
    expect(effectiveLimits(config, { kind: "agent", id: "agent:solo" }, null)).toEqual({ ...DEFAULT_LIMITS.desk, maxVar: "1" });
  });
});

describe("riskScopeSchema", () => {
  it.each([
    [{ scope: "desk" }, { kind: "desk" }],
    [{ scope: "farm", id: "farm:momentum" }, { kind: "farm", id: "farm:momentum" }],
    [{ scope: "agent", id: "agent:marcus-momentum" }, { kind: "agent", id: "agent:marcus-momentum" }],
  ])("when the body is %j then it is the scope %j", (body, scope) => {
    expect(riskScopeSchema.parse(body)).toEqual(scope);
  });

  it.each([
    [{ scope: "venue" }, /scope must be "desk", "farm"/],
    [{ scope: "farm" }, /^id is required$/],
    [{ scope: "farm", id: "agent:x" }, /a farm id is "farm:<slug>"/],
    [{ scope: "agent", id: "marcus" }, /an agent id is "agent:<slug>"/],
    [{ scope: "desk", id: "x" }, /unknown|Unrecognized/i],
  ])("when the body is %j then it is refused", (body, message) => {
    const result = riskScopeSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(messages(result)).toMatch(message);
  });
});

describe("formatUsd", () => {
  it.each([
    ["40000", "40,000"],
    ["1234.5", "1,234.50"],
    ["999.999", "1,000"],
    ["-25000.1", "-25,000.10"],
    ["0", "0"],
  ])("when the amount is %s then it reads %s", (value, text) => {
    expect(formatUsd(new Decimal(value))).toBe(text);
  });
});
