import { z } from "zod";
import type { Candle } from "../market.js";
import { Decimal } from "../money.js";
import { type CandleGap, type CandleSeries, findGaps, seriesFromCandles } from "./series.js";

/**
 * Candle uploads (CSV or JSON text) to validated candles, oldest first. Accepted shapes:
 * - JSON, freqtrade's array of arrays `[openTimeMs, open, high, low, close, volume]`;
 * - JSON, an array of objects `{ time | openTimeMs | timestamp | date, open, high, low, close, volume }`;
 * - CSV with a header naming a time column (time, date, timestamp, open_time…) and open, high,
 *   low, close, volume (or `volume_<base>`, preferred, as CryptoDataDownload writes it); lines
 *   before the header (a banner) are skipped; `,`, `;` or tab delimit.
 * Times are epoch ms, epoch s (below 1e11) or ISO text (UTC when no zone is given). Rows may run
 * either way; they are sorted. Duplicate times, non-positive or non-finite prices, negative volume,
 * high < low and open or close outside [low, high] are refused with the row. The interval is the
 * most common step; bars off its grid are kept as they are; gaps are reported, never filled.
 */

/** The most bars one upload may hold (per instrument). */
export const MAX_CANDLE_BARS = 100_000;

export type CandleFormat = "csv" | "json";

export interface ParsedCandles {
  readonly ok: true;
  readonly symbol: string;
  readonly candles: readonly Candle[];
  readonly intervalMs: number;
  readonly gaps: readonly CandleGap[];
  readonly series: CandleSeries;
}

/** Why an upload was refused; `row` is 1-based (a CSV's line number, a JSON array's element). */
export interface CandleParseError {
  readonly ok: false;
  readonly code: "invalid_candles" | "too_many_bars";
  readonly message: string;
  readonly row?: number;
}

/** A row before checks: time in ms, the five values as decimal text. */
interface RawBar {
  readonly row: number;
  readonly timeMs: number;
  readonly values: readonly string[];
}

class RowError extends Error {
  constructor(
    readonly row: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

const FIELDS = ["open", "high", "low", "close", "volume"] as const;
const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const SECONDS_BELOW = 1e11;

const cell = z.union([z.number(), z.string().max(64)]);
const freqtradeRow = z.tuple([cell, cell, cell, cell, cell, cell]).rest(z.unknown());
const objectRow = z.looseObject({
  time: cell.optional(),
  openTimeMs: cell.optional(),
  timestamp: cell.optional(),
  date: cell.optional(),
  open: cell,
  high: cell,
  low: cell,
  close: cell,
  volume: cell,
});

/** Parses and checks an upload: the candles oldest first, their interval and gaps, or why not. */
export function parseCandles(format: CandleFormat, text: string, symbol: string, maxBars = MAX_CANDLE_BARS): ParsedCandles | CandleParseError {
  try {
    const raw = format === "json" ? jsonRows(text, maxBars) : csvRows(text, symbol, maxBars);
    return checked(symbol, raw);
  } catch (error) {
    if (error instanceof TooMany) return { ok: false, code: "too_many_bars", message: error.message };
    if (error instanceof RowError) return { ok: false, code: "invalid_candles", message: error.message, ...(error.row === undefined ? {} : { row: error.row }) };
    throw error;
  }
}

class TooMany extends Error {}

function tooMany(n: number, maxBars: number): TooMany {
  return new TooMany(`the upload has ${n} bars; at most ${maxBars} bars per instrument are accepted`);
}

function jsonRows(text: string, maxBars: number): RawBar[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new RowError(undefined, "the JSON candles are not valid JSON");
  }
  if (!Array.isArray(data)) throw new RowError(undefined, "the JSON candles are an array: [[openTimeMs, open, high, low, close, volume], …] or [{ time, open, high, low, close, volume }, …]");
  if (data.length > maxBars) throw tooMany(data.length, maxBars);
  const out: RawBar[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const row = i + 1;
    const item: unknown = data[i];
    if (Array.isArray(item)) {
      const parsed = freqtradeRow.safeParse(item);
      if (!parsed.success) throw new RowError(row, `row ${row}: an array row is [openTimeMs, open, high, low, close, volume] of numbers`);
      const [t, o, h, l, c, v] = parsed.data;
      out[i] = { row, timeMs: timeOf(t, row), values: [decimalText(o, row, "open"), decimalText(h, row, "high"), decimalText(l, row, "low"), decimalText(c, row, "close"), decimalText(v, row, "volume")] };
    } else {
      const parsed = objectRow.safeParse(item);
      if (!parsed.success) throw new RowError(row, `row ${row}: an object row has time (or openTimeMs, timestamp, date), open, high, low, close and volume`);
      const r = parsed.data;
      const t = r.time ?? r.openTimeMs ?? r.timestamp ?? r.date;
      if (t === undefined) throw new RowError(row, `row ${row}: no time (time, openTimeMs, timestamp or date)`);
      out[i] = { row, timeMs: timeOf(t, row), values: FIELDS.map((f) => decimalText(r[f], row, f)) };
    }
  }
  return out;
}

const TIME_HEADERS = ["time", "opentimems", "open_time", "opentime", "timestamp", "date", "datetime", "unix", ""];

function csvRows(text: string, symbol: string, maxBars: number): RawBar[] {
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => /open/i.test(l) && /close/i.test(l));
  if (headerAt < 0) throw new RowError(undefined, "the CSV needs a header line naming time, open, high, low, close and volume");
  const headerLine = lines[headerAt] ?? "";
  const delimiter = headerLine.includes(",") ? "," : headerLine.includes(";") ? ";" : "\t";
  const header = splitLine(headerLine, delimiter).map((h) => h.toLowerCase());
  const columns = csvColumns(header, symbol, headerAt + 1);
  const dataLines = lines.length - headerAt - 1;
  // A quick bound before any work: a file with far too many lines is refused unread.
  if (dataLines > maxBars + 16) {
    const n = lines.slice(headerAt + 1).filter((l) => l.trim() !== "").length;
    if (n > maxBars) throw tooMany(n, maxBars);
  }
  const out: RawBar[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") continue;
    const row = i + 1;
    if (out.length === maxBars) throw tooMany(out.length + 1, maxBars);
    const fields = splitLine(line, delimiter);
    const get = (k: number): string => {
      const v = fields[k];
      if (v === undefined || v === "") throw new RowError(row, `row ${row}: the ${header[k] || "time"} column is empty`);
      return v;
    };
    out.push({ row, timeMs: timeOf(get(columns.time), row), values: columns.values.map((k, f) => decimalText(get(k), row, FIELDS[f] ?? "value")) });
  }
  return out;
}

/** Which column holds each field; a missing one is refused with the header's line. */
function csvColumns(header: readonly string[], symbol: string, line: number): { time: number; values: number[] } {
  const time = TIME_HEADERS.map((h) => header.indexOf(h)).find((k) => k >= 0);
  if (time === undefined) throw new RowError(line, `line ${line}: the header has no time column (time, date, timestamp or open_time)`);
  const base = (symbol.split(/[-/]/)[0] ?? "").toLowerCase();
  const values = FIELDS.map((f) => {
    const k = f === "volume" && header.includes(`volume_${base}`) ? header.indexOf(`volume_${base}`) : header.indexOf(f);
    if (k < 0) throw new RowError(line, `line ${line}: the header has no ${f} column`);
    return k;
  });
  return { time, values };
}

function splitLine(line: string, delimiter: string): string[] {
  const fields = line.split(delimiter);
  for (let i = 0; i < fields.length; i++) {
    const f = (fields[i] as string).trim();
    fields[i] = f.length > 1 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).trim() : f;
  }
  return fields;
}

/** A price or volume as plain decimal text (no exponent, no sign); anything else is refused. */
function decimalText(value: string | number, row: number, field: string): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RowError(row, `row ${row}: ${field} is not a finite number`);
    if (value < 0) throw new RowError(row, `row ${row}: ${field} is negative (${value})`);
    const text = String(value);
    return text.includes("e") ? new Decimal(value).toFixed() : text;
  }
  if (PLAIN_DECIMAL.test(value)) return value;
  if (!NUMERIC.test(value)) throw new RowError(row, `row ${row}: ${field} is not a number (${JSON.stringify(value.slice(0, 24))})`);
  const d = new Decimal(value);
  if (d.isNegative()) throw new RowError(row, `row ${row}: ${field} is negative (${value})`);
  return d.toFixed();
}

/** A time as epoch ms: numbers below 1e11 are seconds; text is digits or an ISO date (UTC unless zoned). */
function timeOf(value: string | number, row: number): number {
  let ms: number;
  if (typeof value === "number" || /^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    ms = n < SECONDS_BELOW ? n * 1000 : n;
  } else {
    ms = isoMs(value);
  }
  if (!Number.isFinite(ms) || !Number.isInteger(ms) || ms < 0) throw new RowError(row, `row ${row}: the time ${JSON.stringify(String(value).slice(0, 40))} is not epoch ms, epoch s or an ISO date`);
  return ms;
}

function isoMs(text: string): number {
  // CryptoDataDownload's hours: "2019-10-17 09-AM".
  const cdd = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2})-(AM|PM)$/i.exec(text);
  if (cdd) {
    const hour12 = Number(cdd[2]) % 12;
    const hour = (cdd[3] ?? "").toUpperCase() === "PM" ? hour12 + 12 : hour12;
    return Date.parse(`${cdd[1]}T${String(hour).padStart(2, "0")}:00:00Z`);
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return Number.NaN;
  const iso = text.replace(" ", "T");
  const zoned = /T.*(Z|[+-]\d{2}:?\d{2})$/i.test(iso) || !iso.includes("T");
  return Date.parse(zoned ? iso : `${iso}Z`);
}

/** Sorts, refuses duplicates and impossible bars, infers the interval. */
function checked(symbol: string, raw: RawBar[]): ParsedCandles {
  if (raw.length < 2) throw new RowError(undefined, `an upload needs at least 2 bars to tell the interval; it has ${raw.length}`);
  for (const bar of raw) checkBar(bar);
  raw.sort((a, b) => a.timeMs - b.timeMs);
  const steps = new Map<number, number>();
  for (let i = 1; i < raw.length; i++) {
    const a = raw[i - 1] as RawBar;
    const b = raw[i] as RawBar;
    const step = b.timeMs - a.timeMs;
    if (step === 0) throw new RowError(b.row, `rows ${Math.min(a.row, b.row)} and ${Math.max(a.row, b.row)} have the same time ${new Date(a.timeMs).toISOString()}`);
    steps.set(step, (steps.get(step) ?? 0) + 1);
  }
  let intervalMs = 0;
  let count = 0;
  for (const [step, n] of steps) if (n > count || (n === count && step < intervalMs)) [intervalMs, count] = [step, n];
  // Bars off the interval's grid are kept as the exchange gave them (Binance's after its outage of
  // February 2018 are): instruments align by time, and a backtest never invents or moves a bar.
  const candles: Candle[] = raw.map((b) => ({ openTimeMs: b.timeMs, open: b.values[0] as string, high: b.values[1] as string, low: b.values[2] as string, close: b.values[3] as string, volume: b.values[4] as string }));
  const series = seriesFromCandles(symbol, intervalMs, candles);
  return { ok: true, symbol, candles, intervalMs, gaps: findGaps(series), series };
}

function checkBar(bar: RawBar): void {
  // Called once per bar of uploads up to 100,000 bars: no arrays or closures per bar.
  const v = bar.values;
  const o = Number(v[0]);
  const h = Number(v[1]);
  const l = Number(v[2]);
  const c = Number(v[3]);
  if (!(Number.isFinite(o) && o > 0)) throw new RowError(bar.row, `row ${bar.row}: open must be a positive price, got ${o}`);
  if (!(Number.isFinite(h) && h > 0)) throw new RowError(bar.row, `row ${bar.row}: high must be a positive price, got ${h}`);
  if (!(Number.isFinite(l) && l > 0)) throw new RowError(bar.row, `row ${bar.row}: low must be a positive price, got ${l}`);
  if (!(Number.isFinite(c) && c > 0)) throw new RowError(bar.row, `row ${bar.row}: close must be a positive price, got ${c}`);
  if (!Number.isFinite(Number(v[4]))) throw new RowError(bar.row, `row ${bar.row}: volume is not a finite number`);
  if (h < l) throw new RowError(bar.row, `row ${bar.row}: high ${v[1]} is below low ${v[2]}`);
  if (o > h || o < l || c > h || c < l) throw new RowError(bar.row, `row ${bar.row}: open and close must lie within [low, high]`);
}
