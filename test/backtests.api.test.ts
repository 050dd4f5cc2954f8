import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { syntheticCandles } from "../core/candles/synthetic.js";
import { api } from "./helpers/api.js";

const H = 3_600_000;

async function count(): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM backtests").first<{ n: number }>())?.n ?? 0;
}

const SYNTHETIC = { strategy: "mean-reversion", candles: { source: "synthetic", symbol: "BTC-USD", interval: "1h", bars: 600 } };

/** Synthetic candles as a freqtrade JSON file would hold them, with bars `drop` removed. */
function freqtradeText(bars: number, drop: readonly number[] = []): string {
  const [candles = []] = syntheticCandles([{ symbol: "ETH-USD", venueId: "paper-binance" }], H, bars);
  return JSON.stringify(candles.filter((_, i) => !drop.includes(i)).map((c) => [c.openTimeMs, Number(c.open), Number(c.high), Number(c.low), Number(c.close), Number(c.volume)]));
}

describe("GET /api/strategies", () => {
  it("when a viewer asks then every strategy comes with its parameter schema and defaults", async () => {
    const res = await api("GET", "/api/strategies", { role: "viewer" });
    expect(res.status).toBe(200);
    const ids = res.body.strategies.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining(["momentum", "mean-reversion", "arbitrage", "pairs", "market-making"]));
    const mr = res.body.strategies.find((s: { id: string }) => s.id === "mean-reversion");
    expect(mr.params.type).toBe("object");
    expect(Object.keys(mr.params.properties)).toEqual(expect.arrayContaining(Object.keys(mr.defaults)));
  });

  it("when nobody is signed in then it is 401", async () => {
    expect((await api("GET", "/api/strategies", { role: null })).status).toBe(401);
  });
});

describe("POST /api/backtests", () => {
  let created: any;
  beforeAll(async () => {
    const res = await api("POST", "/api/backtests", { role: "trader", body: SYNTHETIC });
    if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    created = res.body;
  });

  it("when a trader runs a synthetic backtest then it answers 201 with metrics against buy-and-hold", () => {
    expect(created.id).toMatch(/^bt-[a-z0-9]+$/);
    expect(created.symbols).toEqual(["BTC-USD"]);
    expect(created.intervalMs).toBe(H);
    expect(created.bars).toBe(600);
    expect(created.gaps).toEqual([]);
    expect(Number.isFinite(created.metrics.totalReturn)).toBe(true);
    expect(Number(created.benchmark.finalEquity)).not.toBe(10_000);
    expect(created.trades).toBeUndefined();
    expect(created.sources).toEqual([{ source: "synthetic", symbol: "BTC-USD", interval: "1h", bars: 600, venueId: "paper-binance" }]);
  });

  it("when it is reopened then the whole result comes back: trades, equity, plots and chart candles", async () => {
    const res = await api("GET", `/api/backtests/${created.id}`, { role: "viewer" });
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.metrics).toEqual(created.metrics);
    expect(b.trades).toHaveLength(b.metrics.trades);
    expect(b.equity.time.length).toBe(b.equity.strategy.length);
    expect(b.equity.time.length).toBeLessThanOrEqual(2_000);
    expect(Object.keys(b.plots).length).toBeGreaterThan(0);
    expect(b.chart[0].time).toHaveLength(600);
    expect(b.chart[0].time[0]).toBe(b.fromMs);
    expect(b.stored.tradesTruncated).toBe(false);
  });

  it("when the list is read then the newest comes first with its headline metrics, and pages follow the cursor", async () => {
    const second = await api("POST", "/api/backtests", { role: "trader", body: { ...SYNTHETIC, strategy: "momentum" } });
    expect(second.status).toBe(201);
    const first = await api("GET", "/api/backtests?limit=1", { role: "viewer" });
    expect(first.status).toBe(200);
    expect(first.body.backtests[0].id).toBe(second.body.id);
    expect(first.body.backtests[0].metrics.sharpe).toBe(second.body.metrics.sharpe);
    expect(first.body.next).toMatch(/^\d+\.bt-/);
    const next = await api("GET", `/api/backtests?limit=1&cursor=${first.body.next}`, { role: "viewer" });
    expect(next.body.backtests[0].id).toBe(created.id);
  });

  it("when the same request is sent with the same Idempotency-Key then it is one backtest, answered twice", async () => {
    const before = await count();
    const a = await api("POST", "/api/backtests", { role: "trader", body: SYNTHETIC, idempotencyKey: "bt-repeat-1" });
    const b = await api("POST", "/api/backtests", { role: "trader", body: SYNTHETIC, idempotencyKey: "bt-repeat-1" });
    expect(a.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(await count()).toBe(before + 1);
  });

  it("when a JSON upload has gaps then they are reported where they are, never filled", async () => {
    const res = await api("POST", "/api/backtests", { role: "trader", body: { strategy: "momentum", candles: { source: "upload", format: "json", symbol: "ETH-USD", data: freqtradeText(400, [100, 101, 102, 250]) } } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.gaps.map((g: { bars: number; symbol: string }) => [g.symbol, g.bars])).toEqual([["ETH-USD", 3], ["ETH-USD", 1]]);
    expect(res.body.sources[0]).toMatchObject({ source: "upload", format: "json", bars: 396 });
  });

  it("when pairs runs on two synthetic instruments with a walk-forward then in- and out-of-sample folds come back", async () => {
    const body = {
      strategy: "pairs",
      candles: { source: "synthetic", symbol: "BTC-USD", interval: "1h", bars: 800 },
      candles2: { source: "synthetic", symbol: "ETH-USD", interval: "1h", bars: 800 },
      walkForward: { grid: { entryZ: [1.5, 2, 2.5] }, inSampleBars: 300, outOfSampleBars: 100, objective: "totalReturn" },
    };
    const res = await api("POST", "/api/backtests", { role: "trader", body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.symbols).toEqual(["BTC-USD", "ETH-USD"]);
    expect(res.body.walkForward.folds).toHaveLength(5);
    for (const f of res.body.walkForward.folds) expect([1.5, 2, 2.5]).toContain(f.params.entryZ);
  });
});

describe("POST /api/backtests refuses", () => {
  const CASES: ReadonlyArray<[string, unknown, number, string, RegExp]> = [
    ["an unknown strategy", { ...SYNTHETIC, strategy: "martingale" }, 400, "invalid_request", /strategy/],
    ["no candles", { strategy: "momentum" }, 400, "invalid_request", /candles/],
    ["an unknown candle source", { ...SYNTHETIC, candles: { source: "ftp" } }, 400, "invalid_request", /synthetic.*upload/],
    ["too many synthetic bars", { ...SYNTHETIC, candles: { ...SYNTHETIC.candles, bars: 100_001 } }, 400, "invalid_request", /at most 100000/],
    ["an unlisted symbol", { ...SYNTHETIC, candles: { ...SYNTHETIC.candles, symbol: "DOGE-USD" } }, 400, "invalid_request", /BTC-USD/],
    ["a parameter out of bounds", { ...SYNTHETIC, params: { period: 1 } }, 400, "invalid_request", /params for mean-reversion: period/],
    ["an unknown parameter", { ...SYNTHETIC, params: { leverage: 10 } }, 400, "invalid_request", /no parameter leverage/],
    ["a second instrument for a one-instrument strategy", { ...SYNTHETIC, candles2: SYNTHETIC.candles }, 400, "invalid_request", /one instrument/],
    ["one instrument for pairs", { ...SYNTHETIC, strategy: "pairs" }, 400, "invalid_request", /two instruments/],
    ["fewer bars than the warm-up", { ...SYNTHETIC, params: { period: 300 }, candles: { ...SYNTHETIC.candles, bars: 200 } }, 422, "not_enough_bars", /warms up for/],
    ["a grid over 64 points", { ...SYNTHETIC, walkForward: { grid: { period: [10, 11, 12, 13, 14, 15, 16, 17, 18], k: [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5] }, inSampleBars: 100, outOfSampleBars: 50 } }, 400, "invalid_request", /at most 64 points/],
    ["a grid on an unknown parameter", { ...SYNTHETIC, walkForward: { grid: { nope: [1] }, inSampleBars: 100, outOfSampleBars: 50 } }, 400, "invalid_request", /no parameter nope/],
    ["walk-forward windows longer than the candles", { ...SYNTHETIC, walkForward: { grid: { k: [2] }, inSampleBars: 500, outOfSampleBars: 200 } }, 422, "not_enough_bars", /inSampleBars \+ outOfSampleBars/],
    ["a walk-forward beyond the work bound", { ...SYNTHETIC, candles: { ...SYNTHETIC.candles, bars: 100_000 }, walkForward: { grid: { period: [10, 20, 30, 40, 50, 60, 70, 80] }, inSampleBars: 20_000, outOfSampleBars: 1_000 } }, 422, "too_much_work", /at most 2000000/],
    ["a market-making walk-forward past its tighter bound", { ...SYNTHETIC, strategy: "market-making", candles: { ...SYNTHETIC.candles, bars: 10_000 }, walkForward: { grid: { gamma: [0.5, 1, 2, 3, 4, 5, 6, 8] }, inSampleBars: 5_000, outOfSampleBars: 1_000 } }, 422, "too_much_work", /at most 200000 for market-making/],
    ["an upload with high below low", { strategy: "momentum", candles: { source: "upload", format: "csv", symbol: "BTC-USD", data: "time,open,high,low,close,volume\n0,10,11,9,10,1\n3600000,10,9,11,10,1\n" } }, 422, "invalid_candles", /candles: row 3: high 9 is below low 11/],
    ["an upload that is not JSON", { strategy: "momentum", candles: { source: "upload", format: "json", symbol: "BTC-USD", data: "[[1,2" } }, 422, "invalid_candles", /not valid JSON/],
    ["an empty upload", { strategy: "momentum", candles: { source: "upload", format: "csv", symbol: "BTC-USD", data: "" } }, 400, "invalid_request", /data holds/],
    ["a negative initial cash", { ...SYNTHETIC, initialCash: "-5" }, 400, "invalid_request", /initialCash/],
    ["a numeric initial cash", { ...SYNTHETIC, initialCash: 10000 }, 400, "invalid_request", /initialCash/],
  ];
  for (const [what, body, status, code, message] of CASES) {
    it(`when the request has ${what} then it is ${status} ${code} and nothing is kept`, async () => {
      const before = await count();
      const res = await api("POST", "/api/backtests", { role: "trader", body });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(message);
      expect(await count()).toBe(before);
    });
  }

  it("when an upload has more than 100,000 bars then it is 422 saying the limit", async () => {
    const data = `time,open,high,low,close,volume\n${Array.from({ length: 100_001 }, (_, i) => `${i * 60},1,1,1,1,1`).join("\n")}`;
    const res = await api("POST", "/api/backtests", { role: "trader", body: { strategy: "momentum", candles: { source: "upload", format: "csv", symbol: "BTC-USD", data } } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "too_many_bars", message: expect.stringMatching(/100001 bars; at most 100000/) });
  });

  it("when the body is over 8 MiB then it is 413 saying the limit, and other routes keep their 64 KiB", async () => {
    const big = await api("POST", "/api/backtests", { role: "trader", rawBody: JSON.stringify({ strategy: "momentum", candles: { source: "upload", format: "csv", symbol: "BTC-USD", data: "x".repeat(8_400_000) } }) });
    expect(big.status).toBe(413);
    expect(big.body.error.message).toMatch(/8388608 bytes/);
    const mid = await api("POST", "/api/backtests", { role: "trader", rawBody: JSON.stringify({ strategy: "momentum", candles: { source: "upload", format: "csv", symbol: "BTC-USD", data: `time,open,high,low,close,volume\n${"0,1,1,1,1,1\n".repeat(20_000)}` } }) });
    expect(mid.status).toBe(422);
    const other = await api("POST", "/api/orders/check", { rawBody: JSON.stringify({ pad: "x".repeat(70_000) }) });
    expect(other.status).toBe(413);
  });

  it("when a viewer tries to run one then it is 403", async () => {
    const res = await api("POST", "/api/backtests", { role: "viewer", body: SYNTHETIC });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/trader role/);
  });

  it("when the id or the query is malformed or unknown then it is 400 or 404", async () => {
    expect((await api("GET", "/api/backtests/../../wallets")).status).toBe(404);
    expect((await api("GET", "/api/backtests/BT_1")).status).toBe(400);
    expect((await api("GET", "/api/backtests/bt-nothere")).status).toBe(404);
    expect((await api("GET", "/api/backtests?limit=0")).status).toBe(400);
    expect((await api("GET", "/api/backtests?limit=ten")).status).toBe(400);
    expect((await api("GET", "/api/backtests?cursor=abc")).status).toBe(400);
    expect((await api("GET", "/api/backtests?sort=asc")).status).toBe(400);
  });
});
