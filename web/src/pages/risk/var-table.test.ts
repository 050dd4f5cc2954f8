import { describe, expect, test } from "vitest";
import type { VarFigure } from "../../../../core/risk/types.ts";
import { isLimitFigure, VAR_COLUMNS, varTable } from "./var-table.ts";

const fig = (method: VarFigure["method"], horizon: VarFigure["horizon"], confidence: VarFigure["confidence"], v: string): VarFigure => ({
  method,
  horizon,
  confidence,
  var: v,
  es: `${v}9`,
});

describe("VaR table", () => {
  test("columns are horizons outermost, confidences within", () => {
    expect(VAR_COLUMNS.map((c) => c.key)).toEqual(["1h-0.95", "1h-0.99", "1d-0.95", "1d-0.99"]);
    expect(VAR_COLUMNS.map((c) => c.label)).toEqual(["1h · 95%", "1h · 99%", "1d · 95%", "1d · 99%"]);
  });

  test("figures land in their method's row and their column; missing ones are null", () => {
    const rows = varTable([fig("parametric", "1d", 0.99, "2500"), fig("historical", "1h", 0.95, "300"), fig("monte_carlo", "1h", 0.99, "410")]);
    expect(rows.map((r) => r.method)).toEqual(["historical", "parametric", "monte_carlo"]);
    expect(rows.map((r) => r.label)).toEqual(["Historical", "Parametric", "Monte Carlo"]);
    expect(rows[0]?.cells.map((c) => c.figure?.var ?? null)).toEqual(["300", null, null, null]);
    expect(rows[1]?.cells.map((c) => c.figure?.var ?? null)).toEqual([null, null, null, "2500"]);
    expect(rows[1]?.cells[3]?.figure?.es).toBe("25009");
    expect(rows[2]?.cells.map((c) => c.figure?.var ?? null)).toEqual([null, "410", null, null]);
  });

  test("the limit's figure is flagged, and only it", () => {
    const rows = varTable([]);
    const flagged = rows.flatMap((r) => r.cells.filter((c) => c.isLimit).map((c) => `${r.method} ${c.column.key}`));
    expect(flagged).toEqual(["parametric 1d-0.99"]);
    expect(isLimitFigure("historical", "1d", 0.99)).toBe(false);
  });

  test("a repeated figure: the last wins", () => {
    const rows = varTable([fig("historical", "1h", 0.95, "1"), fig("historical", "1h", 0.95, "2")]);
    expect(rows[0]?.cells[0]?.figure?.var).toBe("2");
  });
});
