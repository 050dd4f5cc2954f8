import { describe, expect, it } from "vitest";
import { type CandleParseError, type ParsedCandles, parseCandles } from "../../core/candles/parse.js";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function ok(r: ParsedCandles | CandleParseError): ParsedCandles {
  if (!r.ok) throw new Error(`expected candles, got ${r.code}: ${r.message}`);
  return r;
}

function refused(r: ParsedCandles | CandleParseError): CandleParseError {
  if (r.ok) throw new Error("expected a refusal");
  return r;
}

/** n hourly bars as freqtrade rows, close rising by 1 a bar. */
function freqtrade(n: number, start = T0): Array<[number, number, number, number, number, number]> {
  return Array.from({ length: n }, (_, i) => [start + i * H, 100 + i, 102 + i, 99 + i, 101 + i, 5 + i]);
}

describe("parseCandles: JSON", () => {
  it("when freqtrade rows arrive then every bar keeps its values as decimal text, oldest first", () => {
    const r = ok(parseCandles("json", JSON.stringify(freqtrade(5)), "BTC-USD"));
    expect(r.intervalMs).toBe(H);
    expect(r.candles).toHaveLength(5);
    expect(r.candles[2]).toEqual({ openTimeMs: T0 + 2 * H, open: "102", high: "104", low: "101", close: "103", volume: "7" });
    expect(r.series.close[4]).toBe(105);
    expect(r.gaps).toEqual([]);
  });

  it("when objects use time in seconds, openTimeMs or ISO dates then all become the same ms", () => {
    const bars = freqtrade(3);
    const shapes = [
      bars.map(([t, o, h, l, c, v]) => ({ time: t / 1000, open: o, high: h, low: l, close: c, volume: v })),
      bars.map(([t, o, h, l, c, v]) => ({ openTimeMs: t, open: String(o), high: String(h), low: String(l), close: String(c), volume: String(v) })),
      bars.map(([t, o, h, l, c, v]) => ({ timestamp: new Date(t).toISOString(), open: o, high: h, low: l, close: c, volume: v })),
      bars.map(([t, o, h, l, c, v]) => ({ date: new Date(t).toISOString().replace("T", " ").replace(".000Z", ""), open: o, high: h, low: l, close: c, volume: v })),
    ];
    const times = shapes.map((s) => ok(parseCandles("json", JSON.stringify(s), "BTC-USD")).candles.map((c) => c.openTimeMs));
    for (const t of times) expect(t).toEqual(bars.map((b) => b[0]));
  });

  it("when a number is written with an exponent then its decimal text has none", () => {
    const rows = freqtrade(2);
    rows[1] = [T0 + H, 1e-7, 2e-7, 1e-7, 1.5e-7, 1e21];
    const r = ok(parseCandles("json", JSON.stringify(rows), "X-USD"));
    expect(r.candles[1]).toMatchObject({ open: "0.0000001", close: "0.00000015", volume: "1000000000000000000000" });
  });

  it("when rows run newest first then they are sorted ascending", () => {
    const r = ok(parseCandles("json", JSON.stringify(freqtrade(4).reverse()), "BTC-USD"));
    expect(r.candles.map((c) => c.openTimeMs)).toEqual([0, 1, 2, 3].map((i) => T0 + i * H));
  });

  it("when bars are missing then the gaps are reported where they are and never filled", () => {
    const rows = freqtrade(10).filter((_, i) => i !== 3 && i !== 4 && i !== 7);
    const r = ok(parseCandles("json", JSON.stringify(rows), "BTC-USD"));
    expect(r.intervalMs).toBe(H);
    expect(r.candles).toHaveLength(7);
    expect(r.gaps).toEqual([
      { afterMs: T0 + 2 * H, nextMs: T0 + 5 * H, bars: 2 },
      { afterMs: T0 + 6 * H, nextMs: T0 + 8 * H, bars: 1 },
    ]);
  });

  it("when a bar is off the interval's grid (as real exchanges have them) then it is kept where it is", () => {
    const r = parseCandles("json", JSON.stringify([...freqtrade(5), [T0 + 5 * H + 1234, 100, 101, 99, 100, 1], [T0 + 7 * H, 100, 101, 99, 100, 1]]), "BTC-USD");
    if (!r.ok) throw new Error(r.message);
    expect(r.intervalMs).toBe(H);
    expect(r.candles.map((c) => c.openTimeMs).slice(-2)).toEqual([T0 + 5 * H + 1234, T0 + 7 * H]);
  });

  const BAD: ReadonlyArray<[string, (rows: unknown[]) => unknown, RegExp, number | undefined]> = [
    ["a duplicate time", (rows) => [...rows.slice(0, 3), rows[1]], /rows 2 and 4 have the same time/, 4],
    ["high below low", (rows) => rows.map((r, i) => (i === 2 ? [T0 + 2 * H, 100, 98, 99, 99, 1] : r)), /row 3: high 98 is below low 99/, 3],
    ["a close above the high", (rows) => rows.map((r, i) => (i === 1 ? [T0 + H, 100, 101, 99, 105, 1] : r)), /row 2: open and close must lie within/, 2],
    ["a NaN price", (rows) => rows.map((r, i) => (i === 1 ? [T0 + H, "NaN", 101, 99, 100, 1] : r)), /row 2: open is not a number/, 2],
    ["a null price", (rows) => rows.map((r, i) => (i === 0 ? [T0, null, 101, 99, 100, 1] : r)), /row 1:/, 1],
    ["a zero price", (rows) => rows.map((r, i) => (i === 1 ? [T0 + H, 0, 0, 0, 0, 1] : r)), /row 2: open must be a positive price/, 2],
    ["a negative volume", (rows) => rows.map((r, i) => (i === 1 ? [T0 + H, 100, 101, 99, 100, -1] : r)), /row 2: volume is negative/, 2],
    ["an infinite price", (rows) => rows.map((r, i) => (i === 1 ? [T0 + H, "1e999", "1e999", 99, 100, 1] : r)), /row 2: open must be a positive price/, 2],
    ["a bad time", (rows) => rows.map((r, i) => (i === 2 ? ["yesterday", 100, 101, 99, 100, 1] : r)), /row 3: the time "yesterday"/, 3],
    ["a short row", (rows) => rows.map((r, i) => (i === 1 ? [T0 + H, 100, 101] : r)), /row 2: an array row is/, 2],
    ["an object without a time", () => [{ open: 1, high: 1, low: 1, close: 1, volume: 1 }, { open: 1, high: 1, low: 1, close: 1, volume: 1 }], /row 1: no time/, 1],
    ["a single bar", (rows) => rows.slice(0, 1), /at least 2 bars/, undefined],
    ["an object, not an array", () => ({ candles: [] }), /are an array/, undefined],
  ];
  for (const [what, mutate, message, row] of BAD) {
    it(`when the upload has ${what} then it is refused naming the row`, () => {
      const r = refused(parseCandles("json", JSON.stringify(mutate(freqtrade(5))), "BTC-USD"));
      expect(r.code).toBe("invalid_candles");
      expect(r.message).toMatch(message);
      expect(r.row).toBe(row);
    });
  }

  it("when the text is not JSON then it is refused, not thrown", () => {
    expect(refused(parseCandles("json", "[[1,2,", "BTC-USD")).message).toMatch(/not valid JSON/);
  });

  it("when there are more bars than the limit then it is refused as too many, saying the limit", () => {
    const r = refused(parseCandles("json", JSON.stringify(freqtrade(11)), "BTC-USD", 10));
    expect(r.code).toBe("too_many_bars");
    expect(r.message).toMatch(/11 bars; at most 10/);
    expect(parseCandles("json", JSON.stringify(freqtrade(10)), "BTC-USD", 10).ok).toBe(true);
  });
});

describe("parseCandles: CSV", () => {
  const csv = (rows: ReturnType<typeof freqtrade>, time: (t: number) => string, header = "time,open,high,low,close,volume", sep = ","): string =>
    [header, ...rows.map(([t, ...v]) => [time(t), ...v].join(sep))].join("\n");

  it("when times are ms, seconds or ISO then the candles are the same", () => {
    const rows = freqtrade(6);
    const forms = [csv(rows, String), csv(rows, (t) => String(t / 1000), "timestamp,open,high,low,close,volume"), csv(rows, (t) => new Date(t).toISOString(), "Date,Open,High,Low,Close,Volume")];
    const parsed = forms.map((f) => ok(parseCandles("csv", f, "BTC-USD")).candles);
    expect(parsed[1]).toEqual(parsed[0]);
    expect(parsed[2]).toEqual(parsed[0]);
    expect(parsed[0]?.[5]).toEqual({ openTimeMs: T0 + 5 * H, open: "105", high: "107", low: "104", close: "106", volume: "10" });
  });

  it("when a banner precedes the header, hours are CryptoDataDownload's and rows run newest first then it reads them, preferring base volume", () => {
    const text = [
      "Timestamps are UTC timezone,https://www.CryptoDataDownload.com",
      "date,symbol,open,high,low,close,volume_btc,volume",
      "2019-10-17 01-PM,BTCUSD,8051,8056.83,8021.23,8035.88,61.25,492394.56",
      "2019-10-17 12-PM,BTCUSD,7975.89,8070,7975.89,8051,370.45,2971610.86",
      "2019-10-17 11-AM,BTCUSD,7964.62,7987.82,7964.61,7975.89,121.68,970521.83",
      "2019-10-17 12-AM,BTCUSD,7900,7990,7890,7964.62,10.5,83000",
      "",
    ].join("\r\n");
    const r = ok(parseCandles("csv", text, "BTC-USD"));
    expect(r.candles.map((c) => new Date(c.openTimeMs).toISOString())).toEqual(["2019-10-17T00:00:00.000Z", "2019-10-17T11:00:00.000Z", "2019-10-17T12:00:00.000Z", "2019-10-17T13:00:00.000Z"]);
    expect(r.candles[3]).toMatchObject({ close: "8035.88", volume: "61.25" });
    expect(r.intervalMs).toBe(H);
    expect(r.gaps).toEqual([{ afterMs: Date.UTC(2019, 9, 17, 0), nextMs: Date.UTC(2019, 9, 17, 11), bars: 10 }]);
  });

  it("when fields are semicolon-delimited and quoted then they are read", () => {
    const text = csv(freqtrade(3), (t) => `"${t}"`, '"time";"open";"high";"low";"close";"volume"', ";");
    expect(ok(parseCandles("csv", text, "BTC-USD")).candles).toHaveLength(3);
  });

  it("when the header lacks a column then the line and column are named", () => {
    const r = refused(parseCandles("csv", csv(freqtrade(3), String, "time,open,high,low,close,vol"), "BTC-USD"));
    expect(r.message).toMatch(/line 1: the header has no volume column/);
    expect(refused(parseCandles("csv", "a,b\n1,2", "BTC-USD")).message).toMatch(/needs a header/);
  });

  it("when a cell is empty or a row duplicates another then the line is named", () => {
    const rows = csv(freqtrade(4), String).split("\n");
    const empty = [...rows.slice(0, 3), "1704078000000,100,,99,100,1"].join("\n");
    expect(refused(parseCandles("csv", empty, "BTC-USD"))).toMatchObject({ row: 4, message: expect.stringMatching(/row 4: the high column is empty/) });
    const dup = [...rows, rows[2]].join("\n");
    expect(refused(parseCandles("csv", dup, "BTC-USD")).message).toMatch(/rows 3 and 6 have the same time/);
  });

  it("when there are more data lines than the limit then it is refused as too many", () => {
    expect(refused(parseCandles("csv", csv(freqtrade(40), String), "BTC-USD", 10)).code).toBe("too_many_bars");
    expect(refused(parseCandles("csv", csv(freqtrade(11), String), "BTC-USD", 10)).code).toBe("too_many_bars");
  });
});
