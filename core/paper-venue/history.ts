/**
 * A paper venue's synthetic history before its market began, ending exactly at the market's first
 * price, so the chart and the strategies' warm-up see one series with no jump where the live
 * minutes start.
 *
 * Built backwards from that anchor: hourly closes are a seeded random walk (per symbol, so the
 * venues agree) with the asset's volatility, a calm/volatile regime and rare jumps; each venue adds
 * its own small basis noise (per venue and symbol), zero at the anchor. Inside the last
 * `MINUTE_DAYS`, every hour is a one-minute Brownian bridge between its two hourly closes, and that
 * hour's candle is the aggregate of its minutes, so 1m/5m/15m and 1h/4h/1d agree where both exist.
 *
 * Everything is held as whole ticks and whole lots in Float64Arrays (integers are exact in float64,
 * so aggregating is exact); only the candles asked for become decimal strings.
 */
import { CANDLE_INTERVALS, type Candle, type CandleInterval, type Ticker } from "../market.js";
import { type AssetParams, assetIndex, createMarket, resolveMarketParams, venueIndex, venueMid } from "../market-sim.js";
import { Decimal } from "../money.js";
import { PAPER_MARKET, PAPER_MARKET_SEED } from "../paper-venues.js";
import { type RngState, nextNormal, nextUniform, seedRng } from "../rng.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const HOURS_PER_YEAR = 365.25 * 24;
/** Days of hourly history: 1,000 daily bars. */
export const HISTORY_DAYS = 1_000;
/** Days of one-minute history: 1,000 bars of 15m need 10.4 days. */
export const MINUTE_DAYS = 11;
/** The most bars of any interval a caller may ask for. */
export const HISTORY_BARS = 1_000;
const HOURS = HISTORY_DAYS * 24;
const MINUTES = MINUTE_DAYS * 24 * 60;

/** OHLCV series in whole ticks and lots, oldest first; bar i opens at startMs + i × stepMs. */
interface Series {
  readonly startMs: number;
  readonly stepMs: number;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** A venue's history for one symbol: hours and the most recent minutes, in ticks and lots. */
export interface VenueHistory {
  readonly venueId: string;
  readonly symbol: string;
  /** When the market began: the history's last bar closes here. */
  readonly endMs: number;
  readonly tick: Decimal;
  readonly lot: Decimal;
  readonly hours: Series;
  readonly minutes: Series;
}

function series(n: number, startMs: number, stepMs: number): Series {
  return { startMs, stepMs, open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
}

/** The hourly closes as log prices (index HOURS is the anchor) and each hour's regime multiplier and normalized move. */
function hourlyPath(a: AssetParams, anchor: number, rng: RngState): { logClose: Float64Array; mult: Float64Array; move: Float64Array } {
  const p = resolveMarketParams(PAPER_MARKET);
  const logClose = new Float64Array(HOURS + 1);
  const mult = new Float64Array(HOURS);
  const move = new Float64Array(HOURS);
  const sigmaH = a.annualVolatility / Math.sqrt(HOURS_PER_YEAR);
  const toVolatile = 1 - Math.exp(-HOUR_MS / p.regime.calmMeanDurationMs);
  const toCalm = 1 - Math.exp(-HOUR_MS / p.regime.volatileMeanDurationMs);
  let volatile = false;
  logClose[HOURS] = Math.log(anchor);
  // Walking back in time: the close an hour earlier is this close less the hour's return.
  for (let h = HOURS - 1; h >= 0; h--) {
    if (nextUniform(rng) < (volatile ? toCalm : toVolatile)) volatile = !volatile;
    const m = volatile ? p.regime.volatileVolMultiplier : 1;
    const jumpChance = (p.jumpsPerDay * (volatile ? p.regime.volatileJumpMultiplier : 1)) / 24;
    const z = nextNormal(rng);
    const jump = nextUniform(rng) < jumpChance ? a.jumpStd * nextNormal(rng) : 0;
    const r = sigmaH * m * z + jump;
    mult[h] = m;
    move[h] = Math.abs(r) / (sigmaH * m);
    logClose[h] = (logClose[h + 1] ?? 0) - r;
  }
  return { logClose, mult, move };
}

/** Mean volume of a bar of `minutes` with this regime and normalized move (market-sim's rule: more on bigger moves). */
function barVolume(a: AssetParams, minutes: number, mult: number, move: number, rng: RngState): number {
  return a.volumePerMinute * minutes * mult * (0.5 + 0.5 * move * Math.sqrt(Math.PI / 2)) * Math.exp(0.25 * nextNormal(rng) - 0.03125);
}

/** Builds a venue's history of one symbol before a market that began at `endMs` (deterministic). */
export function buildHistory(venueId: string, symbol: string, endMs: number): VenueHistory {
  const params = resolveMarketParams(PAPER_MARKET);
  const a = params.assets[assetIndex(params, symbol)] as AssetParams;
  const venue = params.venues[venueIndex(params, venueId)];
  if (!venue) throw new Error(`invariant: the market simulates venue ${venueId}`);
  const tickF = Number(a.tickSize);
  const lotF = Number(a.lotSize);
  // The anchor is the market's first venue price, computed exactly as the live market computes it.
  const anchor = venueMid(createMarket(PAPER_MARKET, PAPER_MARKET_SEED, endMs), venueId, symbol);
  const walk = seedRng(`cival-history:${symbol}`);
  const noise = seedRng(`cival-history:${venueId}:${symbol}`);
  const { logClose, mult, move } = hourlyPath(a, anchor, walk);
  const basis = (k: number) => (k === 0 ? 0 : venue.basisStdBp * nextNormal(noise) * 1e-4);
  const toTicks = (logPrice: number, b: number) => Math.max(1, Math.round((Math.exp(logPrice) * (1 + b)) / tickF));
  const hours = series(HOURS, endMs - HOURS * HOUR_MS, HOUR_MS);
  const minutes = series(MINUTES, endMs - MINUTES * MINUTE_MS, MINUTE_MS);
  const firstMinuteHour = HOURS - MINUTES / 60;
  const ctx: BridgeContext = { a, firstMinuteHour, minutes, hours, rng: walk, noise, basisStdBp: venue.basisStdBp, tickF, lotF };
  let prevClose = toTicks(logClose[0] ?? 0, basis(HOURS));
  for (let h = 0; h < HOURS; h++) {
    // The last close is the anchor itself, rounded as the live market rounds it.
    const close = h === HOURS - 1 ? Math.round(anchor / tickF) : toTicks(logClose[h + 1] ?? 0, basis(HOURS - 1 - h));
    if (h >= firstMinuteHour) bridgeHour(ctx, h, prevClose, close, mult[h] ?? 1);
    else {
      const spread = (0.5 * a.annualVolatility * (mult[h] ?? 1)) / Math.sqrt(HOURS_PER_YEAR);
      hours.open[h] = prevClose;
      hours.close[h] = close;
      hours.high[h] = Math.round(Math.max(prevClose, close) * Math.exp(spread * Math.abs(nextNormal(walk))));
      hours.low[h] = Math.max(1, Math.round(Math.min(prevClose, close) * Math.exp(-spread * Math.abs(nextNormal(walk)))));
      hours.volume[h] = Math.max(1, Math.round(barVolume(a, 60, mult[h] ?? 1, move[h] ?? 0, walk) / lotF));
    }
    prevClose = close;
  }
  return { venueId, symbol, endMs, tick: new Decimal(a.tickSize), lot: new Decimal(a.lotSize), hours, minutes };
}

interface BridgeContext {
  readonly a: AssetParams;
  readonly firstMinuteHour: number;
  readonly minutes: Series;
  readonly hours: Series;
  readonly rng: RngState;
  readonly noise: RngState;
  readonly basisStdBp: number;
  readonly tickF: number;
  readonly lotF: number;
}

/** Hour `h` as 60 one-minute bars bridging its open and close ticks; the hour's bar is their aggregate. */
function bridgeHour(ctx: BridgeContext, h: number, openTicks: number, closeTicks: number, mult: number): void {
  const { a, minutes, hours, rng, noise, basisStdBp, tickF, lotF } = ctx;
  const sigmaM = (a.annualVolatility * mult) / Math.sqrt(HOURS_PER_YEAR * 60);
  const from = Math.log(openTicks * tickF);
  const to = Math.log(closeTicks * tickF);
  // A Brownian bridge: a free walk, then the straight-line correction that lands it on the close.
  const base = (h - ctx.firstMinuteHour) * 60;
  let w = 0;
  for (let j = 1; j <= 60; j++) {
    w += sigmaM * nextNormal(rng);
    minutes.close[base + j - 1] = w;
  }
  const gap = to - from - w;
  let prev = openTicks;
  let hi = openTicks;
  let lo = openTicks;
  let vol = 0;
  for (let j = 1; j <= 60; j++) {
    const i = base + j - 1;
    const x = from + (minutes.close[i] ?? 0) + (gap * j) / 60;
    const c = j === 60 ? closeTicks : Math.max(1, Math.round((Math.exp(x) * (1 + basisStdBp * nextNormal(noise) * 1e-4)) / tickF));
    const z = Math.abs(nextNormal(rng));
    minutes.open[i] = prev;
    minutes.close[i] = c;
    minutes.high[i] = Math.round(Math.max(prev, c) * Math.exp(0.5 * sigmaM * z));
    minutes.low[i] = Math.max(1, Math.round(Math.min(prev, c) * Math.exp(-0.5 * sigmaM * Math.abs(nextNormal(rng)))));
    minutes.volume[i] = Math.max(1, Math.round(barVolume(a, 1, mult, Math.abs(c - prev) / Math.max(1e-12, prev * sigmaM), rng) / lotF));
    hi = Math.max(hi, minutes.high[i] ?? 0);
    lo = Math.min(lo, minutes.low[i] ?? hi);
    vol += minutes.volume[i] ?? 0;
    prev = c;
  }
  hours.open[h] = openTicks;
  hours.close[h] = closeTicks;
  hours.high[h] = hi;
  hours.low[h] = lo;
  hours.volume[h] = vol;
}

/** `count` ticks (or lots) as decimal text: the step times a whole number (digits shifted when the step is 10^-n: no Decimal made). */
function text(step: Decimal, count: number): string {
  const places = powerOfTenPlaces(step);
  if (places === null || !Number.isSafeInteger(count) || count < 0) return step.times(count).toFixed();
  if (places === 0) return String(count);
  const digits = String(count).padStart(places + 1, "0");
  const cut = digits.length - places;
  let end = digits.length;
  while (end > cut && digits.charCodeAt(end - 1) === 48) end--;
  return end === cut ? digits.slice(0, cut) : `${digits.slice(0, cut)}.${digits.slice(cut, end)}`;
}

const placesOf = new WeakMap<Decimal, number | null>();

/** n when the step is 10^-n (0.01 → 2), else null. */
function powerOfTenPlaces(step: Decimal): number | null {
  let n = placesOf.get(step);
  if (n === undefined) {
    const dp = step.decimalPlaces();
    n = step.eq(new Decimal(10).pow(-dp)) ? dp : null;
    placesOf.set(step, n);
  }
  return n;
}

/**
 * The newest `limit` bars of `interval` before the market began, oldest first: from the minutes
 * below an hour, from the hours at and above it.
 */
export function historyCandles(history: VenueHistory, interval: CandleInterval, limit: number): Candle[] {
  const intervalMs = CANDLE_INTERVALS[interval];
  const s = intervalMs < HOUR_MS ? history.minutes : history.hours;
  const per = intervalMs / s.stepMs;
  const bars = Math.min(limit, Math.floor(s.open.length / per));
  const out = new Array<Candle>(bars);
  for (let b = 0; b < bars; b++) {
    const last = s.open.length - (bars - b - 1) * per - 1;
    const first = last - per + 1;
    let hi = 0;
    let lo = Number.POSITIVE_INFINITY;
    let vol = 0;
    for (let i = first; i <= last; i++) {
      hi = Math.max(hi, s.high[i] ?? 0);
      lo = Math.min(lo, s.low[i] ?? lo);
      vol += s.volume[i] ?? 0;
    }
    out[b] = {
      openTimeMs: s.startMs + first * s.stepMs,
      open: text(history.tick, s.open[first] ?? 0),
      high: text(history.tick, hi),
      low: text(history.tick, lo),
      close: text(history.tick, s.close[last] ?? 0),
      volume: text(history.lot, vol),
    };
  }
  return out;
}

const built = new Map<string, VenueHistory>();
const shaped = new Map<string, readonly Candle[]>();
/** Histories kept per isolate (each is ~1 MB of floats); the oldest built is dropped past this. */
const HISTORIES_KEPT = 16;

/** The cached history candles of a venue's symbol (built once per isolate), newest `limit`. */
export function cachedHistoryCandles(venueId: string, symbol: string, endMs: number, interval: CandleInterval, limit: number): readonly Candle[] {
  const key = `${venueId}|${symbol}|${endMs}`;
  const shapeKey = `${key}|${interval}`;
  let candles = shaped.get(shapeKey);
  if (!candles) {
    let h = built.get(key);
    if (!h) {
      h = buildHistory(venueId, symbol, endMs);
      built.set(key, h);
      if (built.size > HISTORIES_KEPT) {
        const oldest = built.keys().next().value as string;
        built.delete(oldest);
        for (const k of shaped.keys()) if (k.startsWith(`${oldest}|`)) shaped.delete(k);
      }
    }
    candles = Object.freeze(historyCandles(h, interval, HISTORY_BARS));
    shaped.set(shapeKey, candles);
  }
  return limit >= candles.length ? candles : candles.slice(candles.length - limit);
}

/**
 * History joined with the recorded minutes (already aggregated to the interval, oldest first):
 * recorded bars win from their first open time on; the newest `limit` bars.
 */
export function joinCandles(history: readonly Candle[], recorded: readonly Candle[], limit: number): Candle[] {
  const firstRecorded = recorded[0]?.openTimeMs ?? Number.POSITIVE_INFINITY;
  let cut = history.length;
  while (cut > 0 && (history[cut - 1]?.openTimeMs ?? 0) >= firstRecorded) cut--;
  const fromRecorded = Math.min(limit, recorded.length);
  const fromHistory = Math.min(cut, limit - fromRecorded);
  const out = history.slice(cut - fromHistory, cut) as Candle[];
  for (let i = recorded.length - fromRecorded; i < recorded.length; i++) out.push(recorded[i] as Candle);
  return out;
}

/** The day the venue's market began, from its current time (markets start at the start of the day they are first asked for). */
export function marketStartMs(firstTimeMs: number): number {
  return Math.floor(firstTimeMs / DAY_MS) * DAY_MS;
}

/** What an agent's decision cycle reads from a venue in one call: per symbol, candles and ticker. */
export interface MarketView {
  readonly venue: string;
  readonly trading: "paper" | "live";
  readonly interval: CandleInterval;
  readonly symbols: ReadonlyArray<{ readonly symbol: string; readonly candles: readonly Candle[]; readonly ticker: Ticker | null }>;
}
