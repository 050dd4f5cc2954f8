import { describe, expect, test } from "vitest";
import { paramFields } from "../backtests/model.ts";
import { configBody, farmModeBody, formFromConfig } from "./config-model.ts";
import { config, momentumStrategy } from "./fixtures.ts";

const fields = paramFields(momentumStrategy());

describe("agent configuration form", () => {
  test("when the form is saved unchanged then the body is the configuration as it stands", () => {
    const c = config();
    const out = configBody(formFromConfig(c), fields);
    expect(out).toEqual({ body: { strategy: c.strategy, params: c.params, symbols: c.symbols, venues: c.venues, barInterval: c.barInterval, cycleMs: c.cycleMs, sizing: c.sizing } });
  });

  test("when fields are edited then they are typed: lists split, seconds to ms, sizing by its mode", () => {
    const form = { ...formFromConfig(config()), symbols: "BTC-USD, ETH-USD", venues: "paper-binance paper-kraken", cycleSeconds: "2.5", sizingMode: "fixed_fraction" as const, fraction: "0.05", params: { fast: "12", slow: "40", allowShort: true } };
    const out = configBody(form, fields);
    if (!("body" in out)) throw new Error(out.problem.message);
    expect(out.body.symbols).toEqual(["BTC-USD", "ETH-USD"]);
    expect(out.body.venues).toEqual(["paper-binance", "paper-kraken"]);
    expect(out.body.cycleMs).toBe(2_500);
    expect(out.body.sizing).toEqual({ mode: "fixed_fraction", fraction: 0.05 });
    expect(out.body.params).toEqual({ fast: 12, slow: 40, allowShort: true });
  });

  test("when a field is wrong then the problem names that field", () => {
    const base = formFromConfig(config());
    const problem = (over: Partial<typeof base>) => {
      const out = configBody({ ...base, ...over }, fields);
      return "problem" in out ? out.problem.field : null;
    };
    expect(problem({ params: { ...base.params, fast: "1.5" } })).toBe("param:fast");
    expect(problem({ params: { ...base.params, slow: "9999" } })).toBe("param:slow");
    expect(problem({ symbols: "bitcoin" })).toBe("symbols");
    expect(problem({ symbols: "BTC-USD, ETH-USD, SOL-USD" })).toBe("symbols");
    expect(problem({ venues: "a, b, c" })).toBe("venues");
    expect(problem({ cycleSeconds: "3601" })).toBe("cycleSeconds");
    expect(problem({ cycleSeconds: "0" })).toBe("cycleSeconds");
    expect(problem({ maxFraction: "1.5" })).toBe("maxFraction");
    expect(problem({ lookbackBars: "10.5" })).toBe("lookbackBars");
    expect(problem({ lookbackBars: "4" })).toBe("lookbackBars");
    expect(problem({ sizingMode: "fixed_fraction", fraction: "0" })).toBe("fraction");
  });
});

test("when the instruments are left empty then the body leaves them out (the server keeps them, or a new strategy's defaults)", () => {
  const out = configBody({ ...formFromConfig(config()), strategy: "pairs", params: {}, symbols: "", venues: " " }, []);
  if (!("body" in out)) throw new Error(out.problem.message);
  expect(out.body.strategy).toBe("pairs");
  expect("symbols" in out.body).toBe(false);
  expect("venues" in out.body).toBe(false);
});

describe("farm mode switch", () => {
  test("when a mode needs a setting then the body carries it, and without it the switch says what is missing", () => {
    expect(farmModeBody("independent", "", "0.5", "hold")).toEqual({ body: { mode: "independent" } });
    expect(farmModeBody("hierarchical", "", "0.5", "hold")).toMatchObject({ problem: { field: "lead" } });
    expect(farmModeBody("hierarchical", "agent:marcus-momentum", "", "hold")).toEqual({ body: { mode: "hierarchical", lead: "agent:marcus-momentum" } });
    expect(farmModeBody("consensus", "", "0.6", "hold")).toEqual({ body: { mode: "consensus", quorum: 0.6 } });
    expect(farmModeBody("consensus", "", "0", "hold")).toMatchObject({ problem: { field: "quorum" } });
    expect(farmModeBody("emergency", "", "", "flatten")).toEqual({ body: { mode: "emergency", emergency: "flatten" } });
    expect(farmModeBody("independent", "", "", "hold", "  drill ")).toEqual({ body: { mode: "independent", reason: "drill" } });
    expect(farmModeBody("independent", "", "", "hold", "x".repeat(201))).toMatchObject({ problem: { field: "reason" } });
  });
});
