import { z } from "zod";
import { CANDLE_INTERVALS, type CandleInterval } from "../market.js";
import { PAPER_VENUES } from "../paper-venues.js";
import { type CandleParseError, MAX_CANDLE_BARS, parseCandles } from "./parse.js";
import { type CandleGap, type CandleSeries, findGaps, seriesFromCandles } from "./series.js";
import type { Candle } from "../market.js";
import { SYNTHETIC_SYMBOLS, type SyntheticInstrument, syntheticCandles, syntheticCandlesPaced } from "./synthetic.js";

/**
 * Where a backtest's candles come from: the bundled synthetic history, or an upload (CSV or JSON
 * text the client read from a file). Shared by the API and the dashboard's form.
 */

/** The most text one upload may carry (the API's body limit is a little above it). */
export const MAX_UPLOAD_CHARS = 8_000_000;
/** The fewest bars a backtest runs on. */
export const MIN_BARS = 10;

const symbols = SYNTHETIC_SYMBOLS as [string, ...string[]];
const intervals = Object.keys(CANDLE_INTERVALS) as [CandleInterval, ...CandleInterval[]];
const venues = PAPER_VENUES.map((v) => v.id) as [string, ...string[]];
const symbolSchema = z.enum(symbols, { error: `symbol is one the paper venues list: ${symbols.join(", ")}` });

export const syntheticSourceSchema = z.strictObject({
  source: z.literal("synthetic"),
  symbol: symbolSchema,
  interval: z.enum(intervals, { error: `interval is one of ${intervals.join(", ")}` }).default("1h"),
  bars: z
    .number({ error: `bars is a whole number from ${MIN_BARS} to ${MAX_CANDLE_BARS}` })
    .int(`bars is a whole number from ${MIN_BARS} to ${MAX_CANDLE_BARS}`)
    .min(MIN_BARS, `bars is at least ${MIN_BARS}`)
    .max(MAX_CANDLE_BARS, `bars is at most ${MAX_CANDLE_BARS} per instrument`)
    .default(2_000),
  /** Whose prices (each paper venue quotes the market with its own basis); default the backtest's venue. */
  venueId: z.enum(venues, { error: `venueId is a paper venue: ${venues.join(", ")}` }).optional(),
});

export const uploadSourceSchema = z.strictObject({
  source: z.literal("upload"),
  format: z.enum(["csv", "json"], { error: "format is csv or json" }),
  /** The symbol the candles are priced as: fees, tick and lot come from the paper venue's listing. */
  symbol: symbolSchema,
  data: z.string().min(1, "data holds the file's text").max(MAX_UPLOAD_CHARS, `data is at most ${MAX_UPLOAD_CHARS} characters`),
});

export const candleSourceSchema = z.discriminatedUnion("source", [syntheticSourceSchema, uploadSourceSchema], { error: 'candles.source is "synthetic" or "upload"' });
export type CandleSource = z.infer<typeof candleSourceSchema>;
export type CandleSourceInput = z.input<typeof candleSourceSchema>;

/** Candles ready to backtest, with where they came from (for the record; an upload's text is not kept). */
export interface LoadedCandles {
  readonly ok: true;
  readonly series: CandleSeries;
  readonly gaps: readonly CandleGap[];
  readonly origin: { readonly source: "synthetic"; readonly symbol: string; readonly interval: string; readonly bars: number; readonly venueId: string } | { readonly source: "upload"; readonly format: "csv" | "json"; readonly symbol: string; readonly bars: number; readonly chars: number };
}

/**
 * Loads each instrument's candles. Synthetic sources asked for together with the same interval and
 * length come from one path of the market, so their co-movement is the model's.
 */
export function loadCandles(sources: readonly CandleSource[], venueOf: (instrument: number) => string): LoadResult[] {
  const groups = syntheticGroups(sources, venueOf);
  return assemble(sources, venueOf, groups, groups.map((g) => syntheticCandles(g.instruments, g.intervalMs, g.bars)));
}

/** `loadCandles`, drawing the synthetic history paced (awaiting `pause` every few thousand bars): what the Worker runs. */
export async function loadCandlesPaced(sources: readonly CandleSource[], venueOf: (instrument: number) => string, pause: () => Promise<void>): Promise<LoadResult[]> {
  const groups = syntheticGroups(sources, venueOf);
  const drawings: Candle[][][] = [];
  for (const g of groups) drawings.push(await syntheticCandlesPaced(g.instruments, g.intervalMs, g.bars, pause));
  return assemble(sources, venueOf, groups, drawings);
}

export type LoadResult = LoadedCandles | (CandleParseError & { readonly instrument: number });

/** Synthetic sources drawn together: one group when they share interval and length, else one each. */
interface SyntheticGroup {
  readonly members: ReadonlyArray<{ readonly s: Extract<CandleSource, { source: "synthetic" }>; readonly k: number }>;
  readonly instruments: SyntheticInstrument[];
  readonly intervalMs: number;
  readonly bars: number;
}

function syntheticGroups(sources: readonly CandleSource[], venueOf: (instrument: number) => string): SyntheticGroup[] {
  const synthetic = sources.flatMap((s, k) => (s.source === "synthetic" ? [{ s, k }] : []));
  const together = synthetic.length > 1 && synthetic.every(({ s }) => s.interval === synthetic[0]?.s.interval && s.bars === synthetic[0]?.s.bars);
  const groups = together ? [synthetic] : synthetic.map((one) => [one]);
  return groups.flatMap((members) => {
    const first = members[0]?.s;
    if (!first) return [];
    return [{ members, instruments: members.map(({ s, k }) => ({ symbol: s.symbol, venueId: s.venueId ?? venueOf(k) })), intervalMs: CANDLE_INTERVALS[first.interval], bars: first.bars }];
  });
}

/** Each source's candles: the synthetic ones from their group's drawing, uploads parsed. */
function assemble(sources: readonly CandleSource[], venueOf: (instrument: number) => string, groups: readonly SyntheticGroup[], drawings: readonly Candle[][][]): LoadResult[] {
  const drawn = new Map<number, LoadedCandles>();
  groups.forEach((g, i) => {
    g.members.forEach(({ s, k }, j) => {
      const series = seriesFromCandles(s.symbol, g.intervalMs, drawings[i]?.[j] ?? []);
      drawn.set(k, { ok: true, series, gaps: findGaps(series), origin: { source: "synthetic", symbol: s.symbol, interval: s.interval, bars: s.bars, venueId: s.venueId ?? venueOf(k) } });
    });
  });
  return sources.map((s, k) => {
    if (s.source === "synthetic") return drawn.get(k) as LoadedCandles;
    const parsed = parseCandles(s.format, s.data, s.symbol);
    if (!parsed.ok) return { ...parsed, instrument: k };
    return { ok: true, series: parsed.series, gaps: parsed.gaps, origin: { source: "upload", format: s.format, symbol: s.symbol, bars: parsed.candles.length, chars: s.data.length } };
  });
}
