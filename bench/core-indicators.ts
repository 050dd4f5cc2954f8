// Indicator speed: core/indicators over 1,000,000 real candles, side by side in the same run with
// the npm libraries technicalindicators (its batch `calculate`, its fastest path) and
// trading-signals (streaming `add`, its only path), and with a hand-written streaming loop on
// Float64Array (bench/core-indicators-hand.ts), the yardstick. Ours run through the batch
// functions, which run the streaming classes, into arrays allocated once. The candles: every
// BTC/USDT file of ../shared/data (1h, 5m, 1m: 138,061 bars), chained end to end and repeated
// to 1,000,000 bars, each piece rescaled to start at the previous piece's last close (so the
// chain has no jumps); the ETH/USDT files the same way for the second series of correlation and
// OLS. Median wall clock of several runs after a warm-up. Writes bench/results/core-indicators.json.
//
//   npm run bench:core:indicators
import * as ti from "technicalindicators";
import * as tsig from "trading-signals";
import * as I from "../core/indicators/index.js";
import * as H from "./core-indicators-hand.js";
import * as S from "./core-indicators-stream.js";

const N = 1_000_000;
const FILES = ["jakekrafczyk-freqtrade/binance/{}_USDT-1h.json", "NostalgiaForInfinity/binance/{}_USDT-1h.json", "NostalgiaForInfinity/binance/{}_USDT-5m.json", "tooyipjee-freqtrade/binance/{}_USDT-1m.json"];

interface NodeFs {
  readFileSync(path: string, encoding: "utf8"): string;
  writeFileSync(path: string, data: string): void;
  mkdirSync(path: string, options: { recursive: boolean }): void;
  existsSync(path: string): boolean;
}
interface NodeOs {
  cpus(): Array<{ model: string }>;
  totalmem(): number;
}
interface NodeProcess {
  version: string;
  platform: string;
  env: Record<string, string | undefined>;
}
const nodeModule = async <T>(name: string): Promise<T> => (await import(/* @vite-ignore */ name)) as T;
const proc = (globalThis as unknown as { process: NodeProcess }).process;

interface Bars {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** The files of one asset chained and repeated to N bars, each piece rescaled to continue from the last close. */
function chain(fs: NodeFs, dir: string, asset: string): Bars {
  const b: Bars = { high: new Float64Array(N), low: new Float64Array(N), close: new Float64Array(N), volume: new Float64Array(N) };
  const pieces = FILES.map((f) => JSON.parse(fs.readFileSync(`${dir}/${f.replace("{}", asset)}`, "utf8")) as number[][]);
  let i = 0;
  let last = NaN;
  for (let k = 0; i < N; k++) {
    const rows = pieces[k % pieces.length] as number[][];
    const scale = Number.isNaN(last) ? 1 : last / ((rows[0] as number[])[4] as number);
    for (let j = 0; j < rows.length && i < N; j++, i++) {
      const r = rows[j] as number[];
      b.high[i] = (r[2] as number) * scale;
      b.low[i] = (r[3] as number) * scale;
      b.close[i] = (r[4] as number) * scale;
      b.volume[i] = r[5] as number;
    }
    last = b.close[i - 1] as number;
  }
  return b;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[s.length >> 1] as number) : ((s[(s.length >> 1) - 1] as number) + (s[s.length >> 1] as number)) / 2;
};

type Impl = "ours" | "handStream" | "handBatch" | "technicalindicators" | "trading-signals";
const IMPLS: readonly Impl[] = ["ours", "handStream", "handBatch", "technicalindicators", "trading-signals"];
interface Case {
  readonly name: string;
  readonly impls: Partial<Record<Impl, () => void>>;
}
/** Each implementation's first output array, to check they computed the same thing. */
type Outs = Record<"ours" | "handStream" | "handBatch", [Float64Array, Float64Array, Float64Array]>;

function cases(x: Bars, y: Bars, o: Outs): Case[] {
  const c = x.close;
  const [h, l, v, yc] = [x.high, x.low, x.volume, y.close];
  const cs = Array.from(c);
  const hs = Array.from(h);
  const ls = Array.from(l);
  const vs = Array.from(v);
  const [a1, a2, a3] = o.ours;
  const [s1, s2, s3] = o.handStream;
  const [b1, b2, b3] = o.handBatch;
  const each = <T>(fn: (i: number) => T): void => {
    for (let i = 0; i < N; i++) fn(i);
  };
  return [
    { name: "SMA(20)", impls: { ours: () => I.smaSeries(c, 20, a1), handStream: () => { const t = S.stream(20); for (let i = 0; i < N; i++) s1[i] = S.smaStep(t, c[i] as number); }, handBatch: () => H.handSma(c, 20, b1), technicalindicators: () => ti.SMA.calculate({ period: 20, values: cs }), "trading-signals": () => { const s = new tsig.SMA(20); each((i) => s.add(cs[i] as number)); } } },
    { name: "EMA(20)", impls: { ours: () => I.emaSeries(c, 20, a1), handStream: () => { const t = S.stream(20); for (let i = 0; i < N; i++) s1[i] = S.emaStep(t, c[i] as number); }, handBatch: () => H.handEma(c, 20, b1), technicalindicators: () => ti.EMA.calculate({ period: 20, values: cs }), "trading-signals": () => { const s = new tsig.EMA(20); each((i) => s.add(cs[i] as number)); } } },
    { name: "RSI(14)", impls: { ours: () => I.rsiSeries(c, 14, a1), handStream: () => { const t = S.stream(14); for (let i = 0; i < N; i++) s1[i] = S.rsiStep(t, c[i] as number); }, handBatch: () => H.handRsi(c, 14, b1), technicalindicators: () => ti.RSI.calculate({ period: 14, values: cs }), "trading-signals": () => { const s = new tsig.RSI(14); each((i) => s.add(cs[i] as number)); } } },
    { name: "Bollinger(20, 2)", impls: { ours: () => I.bollingerSeries(c, 20, 2, { middle: a1, upper: a2, lower: a3 }), handStream: () => { const t = S.stream(20); for (let i = 0; i < N; i++) { s1[i] = S.bollingerStep(t, c[i] as number, 2); s2[i] = t.s[4] as number; s3[i] = t.s[5] as number; } }, handBatch: () => H.handBollinger(c, 20, 2, b1, b2, b3), technicalindicators: () => ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: cs }), "trading-signals": () => { const s = new tsig.BollingerBands(20, 2); each((i) => s.add(cs[i] as number)); } } },
    { name: "MACD(12, 26, 9)", impls: { ours: () => I.macdSeries(c, 12, 26, 9, { macd: a1, signal: a2, histogram: a3 }), handStream: () => { const t = S.macdStream(12, 26, 9); for (let i = 0; i < N; i++) { s1[i] = S.macdStep(t, c[i] as number); s2[i] = t.s[5] as number; s3[i] = t.s[6] as number; } }, handBatch: () => H.handMacd(c, 12, 26, 9, b1, b2, b3), technicalindicators: () => ti.MACD.calculate({ values: cs, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }), "trading-signals": () => { const s = new tsig.MACD(new tsig.EMA(12), new tsig.EMA(26), new tsig.EMA(9)); each((i) => s.add(cs[i] as number)); } } },
    { name: "ATR(14)", impls: { ours: () => I.atrSeries(h, l, c, 14, a1), handStream: () => { const t = S.stream(14); for (let i = 0; i < N; i++) s1[i] = S.atrStep(t, h[i] as number, l[i] as number, c[i] as number); }, handBatch: () => H.handAtr(h, l, c, 14, b1), technicalindicators: () => ti.ATR.calculate({ period: 14, high: hs, low: ls, close: cs }), "trading-signals": () => { const s = new tsig.ATR(14); each((i) => s.add({ high: hs[i] as number, low: ls[i] as number, close: cs[i] as number })); } } },
    { name: "RollingVolatility(20)", impls: { ours: () => I.volatilitySeries(c, 20, a1), handStream: () => { const t = S.stream(20); for (let i = 0; i < N; i++) s1[i] = S.volatilityStep(t, c[i] as number); }, handBatch: () => H.handVolatility(c, 20, b1) } },
    { name: "ZScore(20)", impls: { ours: () => I.zScoreSeries(c, 20, a1), handStream: () => { const t = S.stream(20); for (let i = 0; i < N; i++) s1[i] = S.zScoreStep(t, c[i] as number); }, handBatch: () => H.handZScore(c, 20, b1) } },
    { name: "RollingCorrelation(20)", impls: { ours: () => I.correlationSeries(c, yc, 20, a1), handStream: () => { const t = S.stream(20); for (let i = 0; i < N; i++) s1[i] = S.correlationStep(t, c[i] as number, yc[i] as number); }, handBatch: () => H.handCorrelation(c, yc, 20, b1) } },
    { name: "RollingOls(20)", impls: { ours: () => I.olsSeries(yc, c, 20, { alpha: a2, beta: a1 }), handStream: () => { const t = S.stream(20); for (let i = 0; i < N; i++) { s1[i] = S.olsStep(t, yc[i] as number, c[i] as number); s2[i] = t.s[7] as number; } }, handBatch: () => H.handOls(yc, c, 20, b2, b1) } },
    { name: "VWAP(20)", impls: { ours: () => I.vwapSeries(h, l, c, v, 20, a1), handStream: () => { const t = S.stream(20); for (let i = 0; i < N; i++) s1[i] = S.vwapStep(t, h[i] as number, l[i] as number, c[i] as number, v[i] as number); }, handBatch: () => H.handVwap(h, l, c, v, 20, b1) } },
    { name: "VWAP cumulative", impls: { ours: () => I.vwapSeries(h, l, c, v, 0, a1), handStream: () => { const t = S.stream(0); for (let i = 0; i < N; i++) s1[i] = S.vwapStep(t, h[i] as number, l[i] as number, c[i] as number, v[i] as number); }, handBatch: () => H.handVwap(h, l, c, v, 0, b1), technicalindicators: () => ti.VWAP.calculate({ high: hs, low: ls, close: cs, volume: vs }), "trading-signals": () => { const s = new tsig.VWAP(); each((i) => s.add({ high: hs[i] as number, low: ls[i] as number, close: cs[i] as number, volume: vs[i] as number })); } } },
  ];
}

/** The largest relative difference between two outputs where both are numbers, and whether their NaNs (warm-ups) coincide. */
function disagreement(a: Float64Array, b: Float64Array): { maxRel: number; sameWarmup: boolean } {
  let maxRel = 0;
  let sameWarmup = true;
  for (let i = 0; i < N; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      sameWarmup &&= Number.isNaN(x) && Number.isNaN(y);
      continue;
    }
    maxRel = Math.max(maxRel, Math.abs(x - y) / Math.max(Math.abs(y), 1));
  }
  return { maxRel, sameWarmup };
}

/**
 * Times every implementation of a case in interleaved rounds (so a busy moment of the machine
 * falls on all of them alike), after warm-up calls; returns each one's best and median ms.
 */
function timeCase(k: Case, rounds: number, libs: boolean): Partial<Record<Impl, { bestMs: number; medianMs: number }>> {
  const impls = IMPLS.filter((i) => k.impls[i] && (libs || i === "ours" || i.startsWith("hand")));
  const ms = new Map<Impl, number[]>(impls.map((i) => [i, []]));
  for (const i of impls) for (let w = 0; w < (i.startsWith("hand") || i === "ours" ? 5 : 1); w++) k.impls[i]?.();
  for (let r = 0; r < rounds; r++) {
    for (const i of impls) {
      if (r >= 3 && !(i.startsWith("hand") || i === "ours")) continue;
      const t0 = performance.now();
      k.impls[i]?.();
      ms.get(i)?.push(performance.now() - t0);
    }
  }
  const out: Partial<Record<Impl, { bestMs: number; medianMs: number }>> = {};
  for (const [i, xs] of ms) out[i] = { bestMs: Math.min(...xs), medianMs: median(xs) };
  return out;
}

interface Row {
  readonly indicator: string;
  readonly implementation: Impl;
  readonly bestMs: number;
  readonly medianMs: number;
  /** Candles per second at the best run. */
  readonly candlesPerSec: number;
  /** Its time over the hand-written streaming loop's (1: as fast; 2: twice as slow). */
  readonly timeVsHandStream: number;
  readonly timeVsHandBatch: number;
}

const f64 = (): [Float64Array, Float64Array, Float64Array] => [new Float64Array(N), new Float64Array(N), new Float64Array(N)];
const rate = (ms: number | undefined): string => (ms === undefined ? "—" : `${(N / ms / 1e3).toFixed(1)} M/s`);
const r3 = (x: number): number => Math.round(x * 1e3) / 1e3;

async function main(): Promise<void> {
  const started = Date.now();
  const fs = await nodeModule<NodeFs>("node:fs");
  const os = await nodeModule<NodeOs>("node:os");
  const dir = [proc.env.CIVAL_SHARED_DATA, "../shared/data", "/work/shared/data"].find((d): d is string => !!d && fs.existsSync(`${d}/README.md`));
  if (!dir) throw new Error("the shared candle fixtures (../shared/data) are not on this machine: set CIVAL_SHARED_DATA");
  const btc = chain(fs, dir, "BTC");
  const eth = chain(fs, dir, "ETH");
  const rounds = Number(proc.env.BENCH_RUNS ?? 15);
  // BENCH_LIBS=0 skips the libraries (a quick look at ours against the yardsticks).
  const libs = proc.env.BENCH_LIBS !== "0";
  const outs: Outs = { ours: f64(), handStream: f64(), handBatch: f64() };
  console.log(`indicators over ${N.toLocaleString("en")} real candles (BTC/USDT chained; ETH/USDT for the second series), Node ${proc.version}, best of ${rounds} runs\n`);
  console.log(`${"indicator".padEnd(23)}${"ours".padStart(12)}${"hand stream".padStart(13)}${"hand batch".padStart(12)}${"technicalind.".padStart(15)}${"trading-sig.".padStart(14)}   ours/stream  ours/batch  max rel diff`);
  const rows: Row[] = [];
  // BENCH_ONLY=RSI runs the cases whose name starts so.
  const only = proc.env.BENCH_ONLY;
  for (const k of cases(btc, eth, outs).filter((c) => !only || c.name.startsWith(only))) {
    const t = timeCase(k, rounds, libs);
    const stream = t.handStream?.bestMs as number;
    const batch = t.handBatch?.bestMs as number;
    for (const [impl, m] of Object.entries(t) as Array<[Impl, { bestMs: number; medianMs: number }]>) {
      rows.push({ indicator: k.name, implementation: impl, bestMs: r3(m.bestMs), medianMs: r3(m.medianMs), candlesPerSec: Math.round(N / (m.bestMs / 1e3)), timeVsHandStream: r3(m.bestMs / stream), timeVsHandBatch: r3(m.bestMs / batch) });
    }
    const ours = t.ours?.bestMs as number;
    const d1 = disagreement(outs.ours[0], outs.handStream[0]);
    const d2 = disagreement(outs.ours[0], outs.handBatch[0]);
    if (!d1.sameWarmup || !d2.sameWarmup) throw new Error(`${k.name}: the implementations' warm-ups differ: they do not compute the same thing`);
    const diff = Math.max(d1.maxRel, d2.maxRel);
    console.log(
      `${k.name.padEnd(23)}${rate(ours).padStart(12)}${rate(stream).padStart(13)}${rate(batch).padStart(12)}${rate(t.technicalindicators?.bestMs).padStart(15)}${rate(t["trading-signals"]?.bestMs).padStart(14)}` +
        `   ${`${(ours / stream).toFixed(2)}×`.padStart(11)}${`${(ours / batch).toFixed(2)}×`.padStart(12)}${diff.toExponential(1).padStart(14)}`,
    );
  }
  const ours = rows.filter((r) => r.implementation === "ours");
  const rsi = ours.find((r) => r.indicator === "RSI(14)");
  const ts = rows.find((r) => r.indicator === "RSI(14)" && r.implementation === "trading-signals");
  const slowest = Math.max(...ours.map((r) => r.timeVsHandStream));
  const goal = {
    withinTwiceHandStream: slowest <= 2,
    slowestTimeVsHandStream: slowest,
    slowestTimeVsHandBatch: Math.max(...ours.map((r) => r.timeVsHandBatch)),
    rsiCandlesPerSec: rsi?.candlesPerSec ?? 0,
    rsiAbove150M: (rsi?.candlesPerSec ?? 0) > 150e6,
    rsiOverTradingSignals: ts ? r3((rsi?.candlesPerSec ?? 0) / ts.candlesPerSec) : null,
  };
  console.log(`\ngoal: every indicator within 2× of the hand-written streaming loop: ${goal.withinTwiceHandStream ? "met" : "NOT met"} (slowest ${slowest}× its time; ${goal.slowestTimeVsHandBatch}× a plain batch loop's)`);
  console.log(`      RSI > 150 M candles/s: ${goal.rsiAbove150M ? "met" : "NOT met"} (${(goal.rsiCandlesPerSec / 1e6).toFixed(1)} M/s${goal.rsiOverTradingSignals ? `, ${goal.rsiOverTradingSignals}× trading-signals` : ""})`);
  const cpus = os.cpus();
  const out = {
    benchmark: "core-indicators",
    when: new Date(started).toISOString(),
    command: "npm run bench:core:indicators",
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? "unknown", memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10, node: proc.version, platform: proc.platform },
    setup: {
      candles: `${N} bars: the BTC/USDT files of ../shared/data (${FILES.join(", ").replaceAll("{}", "BTC")}) chained and repeated, each piece rescaled to start at the previous close; ETH/USDT likewise for correlation and OLS`,
      ours: "core/indicators batch functions, which call the streaming class's update once per candle, into preallocated Float64Arrays",
      handStream: "bench/core-indicators-stream.ts: a step function per candle, state persisted in a Float64Array, plain rolling sums (the issue's yardstick)",
      handBatch: "bench/core-indicators-hand.ts: one loop over the series, state in locals, plain rolling sums",
      technicalindicators: "technicalindicators 3.1 `calculate` on number[] (MACD with EMAs)",
      "trading-signals": "trading-signals 8.3 streaming `add` per candle",
      timing: `wall clock (performance.now), implementations interleaved in ${rounds} rounds after warm-up (libraries: 3 rounds); candles/s at the best run, medians kept too`,
      machineLoad: "the machine is shared: medians wander with its load; the best run is the code's speed",
    },
    goal,
    results: rows,
  };
  fs.mkdirSync("bench/results", { recursive: true });
  fs.writeFileSync("bench/results/core-indicators.json", `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote bench/results/core-indicators.json (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

await main();
