import { describe, expect, test } from "vitest";
import { correlationColour, heatmapRows, legendStops } from "./heatmap.ts";

describe("correlation heatmap", () => {
  test("the scale diverges: neutral at 0, red at +1, blue at −1, clamped beyond", () => {
    expect(correlationColour(0).background).toBe("rgb(26, 32, 43)");
    expect(correlationColour(1).background).toBe("rgb(240, 93, 94)");
    expect(correlationColour(-1).background).toBe("rgb(62, 166, 255)");
    expect(correlationColour(2).background).toBe(correlationColour(1).background);
    expect(correlationColour(-7).background).toBe(correlationColour(-1).background);
    expect(correlationColour(0.5).background).toBe("rgb(133, 63, 69)");
  });

  test("strong colours carry light text; a missing value is neutral", () => {
    expect(correlationColour(0.9).text).toBe("#ffffff");
    expect(correlationColour(-0.6).text).toBe("#ffffff");
    expect(correlationColour(0.3).text).toBe("#d7dde6");
    expect(correlationColour(Number.NaN).background).toBe("rgb(26, 32, 43)");
  });

  test("the matrix becomes labelled rows of cells", () => {
    const rows = heatmapRows(["BTC", "ETH", "SOL"], [1, 0.83, -0.2, 0.83, 1, 0.5, -0.2, 0.5, 1]);
    expect(rows.map((r) => r.asset)).toEqual(["BTC", "ETH", "SOL"]);
    const btcSol = rows[0]?.cells[2];
    expect(btcSol).toMatchObject({ row: "BTC", col: "SOL", value: -0.2, text: "−0.20", label: "BTC and SOL: correlation −0.20", diagonal: false });
    expect(rows[1]?.cells[1]).toMatchObject({ diagonal: true, text: "1.00", label: "ETH with itself: correlation 1.00" });
  });

  test("a short matrix shows dashes, never throws", () => {
    const rows = heatmapRows(["BTC", "ETH"], [1]);
    expect(rows[1]?.cells[1]?.text).toBe("—");
    expect(rows[1]?.cells[1]?.value).toBeNaN();
  });

  test("the legend runs from −1 to +1", () => {
    const stops = legendStops(5);
    expect(stops.map((s) => s.value)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(stops[2]?.colour).toBe("rgb(26, 32, 43)");
  });
});
