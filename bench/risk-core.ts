// Value at Risk speed: core/risk/var.ts by each method for books of 10, 100 and 500 assets on one
// year of hourly returns (8,760 bars, synthesized: a market factor, four sector factors and noise
// from a seeded generator, since the real fixtures hold only two assets), then Monte Carlo for 100
// assets × 10,000 paths against numpy doing the same (bench/risk-numpy.py, one BLAS thread, run
// on the same covariance and book when python3 with numpy is available). Median of several runs
// after a warm-up; wall clock. Writes bench/results/risk.json.
//
//   npm run bench:risk
//   (esbuild bench/risk-core.ts --bundle --platform=node --format=esm \
//     --outfile=node_modules/.cache/cival-bench/risk-core.mjs --log-level=warning \
//     && node node_modules/.cache/cival-bench/risk-core.mjs)
import { nextNormal, nextUniform, seedRng } from "../core/rng.js";
import { cholesky, covariance, ledoitWolf } from "../core/risk/stats.js";
import type { ReturnMatrix } from "../core/risk/types.js";
import {
  componentVar,
  historicalVar,
  monteCarloVar,
  monteCarloVarFromCov,
  parametricVar,
  parametricVarFromCov,
  tailLoss,
  type VarEstimate,
} from "../core/risk/var.js";

const BARS = 8_760;
const HOUR = 3_600_000;
const SIZES = [10, 100, 500] as const;
const MC_ASSETS = 100;
const MC_PATHS = 10_000;
const CONFIDENCE = 0.99;

// Node's modules by computed specifier: the project type-checks against the Workers types only.
interface NodeFs {
  readFileSync(path: string, encoding: "utf8"): string;
  writeFileSync(path: string, data: string): void;
  mkdirSync(path: string, options: { recursive: boolean }): void;
}
interface NodeOs {
  cpus(): Array<{ model: string }>;
  totalmem(): number;
}
interface NodeChildProcess {
  spawnSync(
    command: string,
    args: string[],
    options: { encoding: "utf8"; env: Record<string, string | undefined>; timeout: number; maxBuffer: number },
  ): { status: number | null; stdout: string; stderr: string; error?: Error };
}
interface NodeProcess {
  version: string;
  platform: string;
  env: Record<string, string | undefined>;
}
const nodeModule = async <T>(name: string): Promise<T> => (await import(/* @vite-ignore */ name)) as T;
const proc = (globalThis as unknown as { process: NodeProcess }).process;

interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly runs: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const round3 = (x: number): number => Math.round(x * 1_000) / 1_000;

/**
 * Runs `fn` untimed until the JIT has had its chance (at least `warmup` calls and 100 ms, at most
 * 200 calls), then `runs` times timed; the last result comes back.
 */
function time<T>(fn: () => T, runs: number, warmup = 3): { timing: Timing; result: T } {
  const warmStart = performance.now();
  let result = fn();
  for (let i = 1; i < 200 && (i < warmup || performance.now() - warmStart < 100); i++) result = fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    ms.push(performance.now() - t0);
  }
  return { timing: { medianMs: round3(median(ms)), minMs: round3(Math.min(...ms)), runs }, result };
}

/**
 * Hourly returns of `n` assets: r = β·market + γ·sector + ε, crypto-like (about 0.7% an hour,
 * pairwise correlations 0.3 to 0.8), and a book of 10k–100k USD per asset, a third of it short.
 */
function synthetic(n: number, seed: string): { m: ReturnMatrix; w: Float64Array } {
  const rng = seedRng(seed);
  const beta = Float64Array.from({ length: n }, () => 0.6 + 0.8 * nextUniform(rng));
  const gamma = Float64Array.from({ length: n }, () => 0.3 + 0.6 * nextUniform(rng));
  const idio = Float64Array.from({ length: n }, () => 0.002 + 0.004 * nextUniform(rng));
  const sectors = 4;
  const data = new Float64Array(BARS * n);
  const sector = new Float64Array(sectors);
  for (let t = 0; t < BARS; t++) {
    const market = 0.005 * nextNormal(rng);
    for (let s = 0; s < sectors; s++) sector[s] = 0.003 * nextNormal(rng);
    for (let i = 0; i < n; i++) {
      data[t * n + i] = (beta[i] ?? 0) * market + (gamma[i] ?? 0) * (sector[i % sectors] ?? 0) + (idio[i] ?? 0) * nextNormal(rng);
    }
  }
  const w = Float64Array.from({ length: n }, (_, i) => (i % 3 === 2 ? -1 : 1) * (10_000 + 90_000 * nextUniform(rng)));
  const assets = Array.from({ length: n }, (_, i) => `A${String(i).padStart(3, "0")}`);
  return { m: { assets, bars: BARS, barMs: HOUR, data }, w };
}

interface Row {
  readonly assets: number;
  readonly case: string;
  readonly timing: Timing;
  readonly var: number;
  readonly es: number;
}

function row(assets: number, name: string, t: { timing: Timing; result: VarEstimate }): Row {
  return { assets, case: name, timing: t.timing, var: Math.round(t.result.var * 100) / 100, es: Math.round(t.result.es * 100) / 100 };
}

function byMethod(n: number): Row[] {
  const { m, w } = synthetic(n, `bench-risk:${n}`);
  const heavy = n >= 500;
  const runs = heavy ? 5 : 21;
  const rows: Row[] = [];
  rows.push(row(n, "historical 1h", time(() => historicalVar(w, m, CONFIDENCE, "1h"), runs)));
  rows.push(row(n, "historical 1d (overlapping 24h windows)", time(() => historicalVar(w, m, CONFIDENCE, "1d"), runs)));
  rows.push(row(n, "parametric 1h (from returns)", time(() => parametricVar(w, m, CONFIDENCE, "1h"), runs)));
  const cov = time(() => covariance(m), heavy ? 3 : runs, 1);
  const lw = time(() => ledoitWolf(m), heavy ? 3 : runs, 1);
  rows.push(row(n, "parametric 1d from a covariance at hand", time(() => parametricVarFromCov(w, cov.result, CONFIDENCE, 24), 21)));
  const comp = time(() => componentVar(w, cov.result, CONFIDENCE, 24), 21);
  rows.push({ assets: n, case: "component VaR 1d from a covariance at hand", timing: comp.timing, var: Math.round(comp.result.var * 100) / 100, es: 0 });
  rows.push(row(n, "monte carlo 1h, end to end (Ledoit–Wolf + Cholesky + 10k paths)", time(() => monteCarloVar(w, m, CONFIDENCE, "1h"), heavy ? 3 : 9, 1)));
  rows.push(row(n, "monte carlo 1h from a covariance at hand (linear, 10k paths)", time(() => monteCarloVarFromCov(w, lw.result.cov, CONFIDENCE, 1), runs)));
  rows.push(row(n, "monte carlo 1h from a covariance at hand (full product, 10k paths)", time(() => monteCarloVarFromCov(w, lw.result.cov, CONFIDENCE, 1, { mode: "full" }), heavy ? 3 : runs, 1)));
  rows.push({ assets: n, case: "sample covariance", timing: cov.timing, var: 0, es: 0 });
  rows.push({ assets: n, case: `Ledoit–Wolf covariance (shrinkage ${lw.result.shrinkage.toFixed(4)})`, timing: lw.timing, var: 0, es: 0 });
  rows.push({ assets: n, case: "cholesky", timing: time(() => cholesky(lw.result.cov, n), runs).timing, var: 0, es: 0 });
  return rows;
}

interface McComparison {
  readonly js: Record<string, Timing & { var?: number; es?: number }>;
  readonly numpy: unknown;
  readonly goal: {
    readonly targetMs: number;
    readonly targetSource: string;
    readonly jsLinearMs: number;
    readonly jsFullMs: number;
    readonly met: boolean;
    /** Same algorithm on both sides: JS time over numpy time (below 1: JS faster); null without numpy. */
    readonly likeForLike: { readonly linearOverNumpyShortcut: number | null; readonly fullOverNumpyFull: number | null };
  };
}

async function monteCarloComparison(): Promise<McComparison> {
  const { m, w } = synthetic(MC_ASSETS, `bench-risk:${MC_ASSETS}`);
  const cov = ledoitWolf(m).cov;
  const runs = 21;
  const linear = time(() => monteCarloVarFromCov(w, cov, CONFIDENCE, 1, { paths: MC_PATHS }), runs, 3);
  const full = time(() => monteCarloVarFromCov(w, cov, CONFIDENCE, 1, { paths: MC_PATHS, mode: "full" }), runs, 3);
  const chol = time(() => cholesky(cov, MC_ASSETS), runs, 3);
  // Selecting the tail against sorting the typed array, on 10,000 and 8,760 outcomes.
  const rng = seedRng("bench-risk:tail");
  const sample = Float64Array.from({ length: MC_PATHS }, () => nextNormal(rng));
  const select = time(() => tailLoss(sample, CONFIDENCE), 51, 5);
  const sorted = time(() => {
    const s = sample.slice().sort();
    const k = Math.ceil(MC_PATHS * (1 - CONFIDENCE) - 1e-9);
    let sum = 0;
    for (let i = 0; i < k; i++) sum += s[i] ?? 0;
    return { var: -(s[k - 1] ?? 0), es: -sum / k };
  }, 51, 5);
  const parametric = parametricVarFromCov(w, cov, CONFIDENCE, 1).var;
  const js = {
    linear: { ...linear.timing, var: linear.result.var, es: linear.result.es },
    full: { ...full.timing, var: full.result.var, es: full.result.es },
    cholesky: chol.timing,
    "tail by quickselect (10k)": select.timing,
    "tail by Float64Array sort (10k)": sorted.timing,
  };
  const numpy = await runNumpy(cov, w);
  const numpyFull = (numpy as { full?: { medianMs?: number } } | null)?.full?.medianMs;
  const numpyShortcut = (numpy as { shortcut?: { medianMs?: number } } | null)?.shortcut?.medianMs;
  const targetMs = numpyFull ?? 15.5;
  const ratio = (js: number, np: number | undefined): number | null => (np === undefined ? null : Math.round((js / np) * 100) / 100);
  return {
    js: { ...js, parametricVar: { medianMs: 0, minMs: 0, runs: 0, var: parametric } },
    numpy,
    goal: {
      targetMs,
      targetSource: numpyFull === undefined ? "numpy full product as measured earlier (15.5 ms, one BLAS thread)" : "numpy full product (Z @ L.T @ w), measured in this run",
      jsLinearMs: linear.timing.medianMs,
      jsFullMs: full.timing.medianMs,
      met: linear.timing.medianMs <= targetMs,
      likeForLike: { linearOverNumpyShortcut: ratio(linear.timing.medianMs, numpyShortcut), fullOverNumpyFull: ratio(full.timing.medianMs, numpyFull) },
    },
  };
}

/** Runs bench/risk-numpy.py on the same covariance and book; null when python3 or numpy is missing. */
async function runNumpy(cov: Float64Array, w: Float64Array): Promise<unknown> {
  const fs = await nodeModule<NodeFs>("node:fs");
  const cp = await nodeModule<NodeChildProcess>("node:child_process");
  const dir = "node_modules/.cache/cival-bench";
  fs.mkdirSync(dir, { recursive: true });
  const input = `${dir}/risk-mc-input.json`;
  fs.writeFileSync(input, JSON.stringify({ assets: MC_ASSETS, cov: [...cov], w: [...w], confidence: CONFIDENCE }));
  const env = { ...proc.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const r = cp.spawnSync("python3", ["bench/risk-numpy.py", "--input", input, "--paths", String(MC_PATHS)], { encoding: "utf8", env, timeout: 300_000, maxBuffer: 1 << 20 });
  if (r.error || r.status !== 0) {
    console.log(`  numpy: not run (${r.error?.message ?? r.stderr.trim().split("\n").pop() ?? `exit ${r.status}`})`);
    return null;
  }
  return JSON.parse(r.stdout) as unknown;
}

async function main(): Promise<void> {
  const os = await nodeModule<NodeOs>("node:os");
  const fs = await nodeModule<NodeFs>("node:fs");
  const started = Date.now();
  console.log(`core/risk VaR, ${BARS} hourly bars, confidence ${CONFIDENCE}, median wall-clock ms per call`);
  const rows: Row[] = [];
  for (const n of SIZES) {
    const r = byMethod(n);
    rows.push(...r);
    for (const x of r) {
      const figure = x.var ? `  VaR ${x.var.toFixed(2)}${x.es ? ` ES ${x.es.toFixed(2)}` : ""}` : "";
      console.log(`  ${String(n).padStart(3)} assets  ${x.case.padEnd(70)} ${x.timing.medianMs.toFixed(3).padStart(10)} ms${figure}`);
    }
  }
  console.log(`\nMonte Carlo, ${MC_ASSETS} assets × ${MC_PATHS} paths (Cholesky + draws + P&L + tail), JS against numpy on the same covariance and book:`);
  const mc = await monteCarloComparison();
  for (const [name, t] of Object.entries(mc.js)) {
    if (t.runs === 0) console.log(`  js     ${name.padEnd(34)}            VaR ${t.var?.toFixed(2)}`);
    else console.log(`  js     ${name.padEnd(34)} ${t.medianMs.toFixed(3).padStart(8)} ms${t.var === undefined ? "" : `  VaR ${t.var.toFixed(2)} ES ${t.es?.toFixed(2)}`}`);
  }
  const np = mc.numpy as null | {
    numpy: string;
    blas: string;
    full: Timing & { var: number; es: number };
    shortcut: Timing & { var: number; es: number };
    parts: Record<string, Timing>;
  };
  if (np) {
    console.log(`  numpy  full     (Z @ L.T @ w)             ${np.full.medianMs.toFixed(3).padStart(8)} ms  VaR ${np.full.var.toFixed(2)} ES ${np.full.es.toFixed(2)}`);
    console.log(`  numpy  shortcut (Z @ (L.T @ w))           ${np.shortcut.medianMs.toFixed(3).padStart(8)} ms  VaR ${np.shortcut.var.toFixed(2)} ES ${np.shortcut.es.toFixed(2)}`);
    for (const [name, t] of Object.entries(np.parts)) console.log(`  numpy    ${name.padEnd(32)} ${t.medianMs.toFixed(3).padStart(8)} ms`);
    console.log(`  (numpy ${np.numpy}, ${np.blas}, one thread)`);
  }
  const g = mc.goal;
  console.log(`  goal: JS Monte Carlo ≤ ${g.targetMs} ms (${g.targetSource}): linear ${g.jsLinearMs} ms, full ${g.jsFullMs} ms: ${g.met ? "met" : "NOT met"}`);
  const { linearOverNumpyShortcut: lin, fullOverNumpyFull: ful } = g.likeForLike;
  if (lin !== null && ful !== null) console.log(`  like for like (JS / numpy): linear shortcut ${lin}×, full product ${ful}×`);

  const cpus = os.cpus();
  const out = {
    benchmark: "risk",
    when: new Date(started).toISOString(),
    command: "npm run bench:risk",
    source: "working tree",
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? "unknown",
      memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      node: proc.version,
      platform: proc.platform,
    },
    setup: {
      returns: `${BARS} hourly bars per asset, synthetic: beta x market (0.5%/h) + gamma x one of 4 sectors (0.3%/h) + noise (0.2-0.6%/h), seeded`,
      book: "10k-100k USD per asset, every third asset short",
      confidence: CONFIDENCE,
      timing: "wall clock, median of the runs after a warm-up (performance.now)",
      monteCarlo: "10,000 paths, seeded; linear = P&L as Z·(Lᵀw) (exact for a linear book), full = X = Z·Lᵀ then X·w",
    },
    results: rows,
    monteCarlo100x10k: mc,
  };
  fs.mkdirSync("bench/results", { recursive: true });
  fs.writeFileSync("bench/results/risk.json", `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote bench/results/risk.json (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

await main();
