import type { Candle } from "../../core/market.js";

/**
 * Real exchange candles for the reference tests, read from the shared fixtures next to the
 * repository (../shared/data, see its README); they are never copied into the project.
 *
 * Node's modules are loaded by a computed specifier: the project type-checks against the Workers
 * types, without Node's, and these tests run only in the Node "reference" project.
 */

interface NodeFs {
  readFileSync(path: string, encoding: "utf8"): string;
  existsSync(path: string): boolean;
}
interface NodePath {
  resolve(...parts: string[]): string;
}
interface NodeUrl {
  fileURLToPath(url: string): string;
}

async function nodeModule<T>(name: string): Promise<T> {
  return (await import(/* @vite-ignore */ name)) as T;
}

/** The repository's root: two levels above this file (import.meta.url is Node's; the Workers types lack it). */
export async function repoRoot(): Promise<string> {
  const url = await nodeModule<NodeUrl>("node:url");
  const path = await nodeModule<NodePath>("node:path");
  const here = (import.meta as unknown as { url: string }).url;
  return path.resolve(url.fileURLToPath(here), "..", "..", "..");
}

/**
 * Where the shared fixtures are: `CIVAL_SHARED_DATA` if set, else `../shared/data` next to the
 * repository, else `/work/shared/data` (a clone elsewhere on the machine that holds them). Null
 * when none exists: the reference tests are then skipped, saying why.
 */
export async function sharedDataDir(): Promise<string | null> {
  const fs = await nodeModule<NodeFs>("node:fs");
  const path = await nodeModule<NodePath>("node:path");
  const env = (globalThis as unknown as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const candidates = [env.CIVAL_SHARED_DATA, path.resolve(await repoRoot(), "../shared/data"), "/work/shared/data"].filter((c): c is string => !!c);
  return candidates.find((c) => fs.existsSync(path.resolve(c, "README.md"))) ?? null;
}

/**
 * A freqtrade candle file (`[open_time_ms, open, high, low, close, volume]` rows of numbers) as
 * Candles, keeping the bars whose open time is in [fromMs, toMs).
 */
export async function freqtradeCandles(file: string, fromMs: number, toMs: number): Promise<Candle[]> {
  const fs = await nodeModule<NodeFs>("node:fs");
  const path = await nodeModule<NodePath>("node:path");
  const dir = await sharedDataDir();
  if (!dir) throw new Error("the shared candle fixtures (../shared/data) are not on this machine");
  const rows = JSON.parse(fs.readFileSync(path.resolve(dir, file), "utf8")) as unknown;
  if (!Array.isArray(rows)) throw new Error(`${file} is not a JSON array`);
  const candles: Candle[] = [];
  for (const row of rows) {
    if (!Array.isArray(row) || row.length < 6 || !row.every((x) => typeof x === "number")) throw new Error(`${file}: a row is not six numbers`);
    const [t, open, high, low, close, volume] = row as number[];
    if (t === undefined || t < fromMs || t >= toMs) continue;
    candles.push({ openTimeMs: t, open: String(open), high: String(high), low: String(low), close: String(close), volume: String(volume) });
  }
  return candles;
}

/** A freqtrade candle file as columns of numbers, every row, as the file has them (no alignment, no grid check). */
export interface CandleColumns {
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Reads a freqtrade candle file (`[open_time_ms, open, high, low, close, volume]` rows) into columns. */
export async function freqtradeColumns(file: string): Promise<CandleColumns> {
  const fs = await nodeModule<NodeFs>("node:fs");
  const path = await nodeModule<NodePath>("node:path");
  const dir = await sharedDataDir();
  if (!dir) throw new Error("the shared candle fixtures (../shared/data) are not on this machine");
  const rows = JSON.parse(fs.readFileSync(path.resolve(dir, file), "utf8")) as unknown;
  if (!Array.isArray(rows)) throw new Error(`${file} is not a JSON array`);
  const n = rows.length;
  const cols = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  rows.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length < 6 || !row.every((x) => typeof x === "number")) throw new Error(`${file}: row ${i} is not six numbers`);
    const r = row as number[];
    cols.time[i] = r[0] as number;
    cols.open[i] = r[1] as number;
    cols.high[i] = r[2] as number;
    cols.low[i] = r[3] as number;
    cols.close[i] = r[4] as number;
    cols.volume[i] = r[5] as number;
  });
  return cols;
}
