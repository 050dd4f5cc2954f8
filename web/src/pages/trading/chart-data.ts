import type { CandlestickData, HistogramData, PriceFormatBuiltIn, SeriesMarker, UTCTimestamp } from "lightweight-charts";
import { Decimal } from "../../../../core/money.ts";
import type { AgentTrades } from "../../../../core/trades/types.ts";
import { decimalsOf } from "../../format.ts";
import type { Candle, OrderFill } from "../../types.ts";

/**
 * What the candle chart draws. The chart library plots JavaScript numbers, so prices become
 * numbers here and only here, for drawing; every figure the page prints stays a decimal string.
 */

export const BUY_COLOR = "#2fbf71";
export const SELL_COLOR = "#f05d5e";
export const STOP_COLOR = "#e0a43a";
/** Volume bars: the candle's colour, faint, so the price stays in front. */
const VOLUME_UP = "rgba(47, 191, 113, 0.35)";
const VOLUME_DOWN = "rgba(240, 93, 94, 0.35)";

const seconds = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

/** Candles as chart bars, oldest first, one per open time. */
export function toBars(candles: readonly Candle[]): CandlestickData<UTCTimestamp>[] {
  const byTime = new Map<number, CandlestickData<UTCTimestamp>>();
  for (const c of candles) {
    byTime.set(c.openTimeMs, {
      time: seconds(c.openTimeMs),
      open: Number(c.open),
      high: Number(c.high),
      low: Number(c.low),
      close: Number(c.close),
    });
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([, bar]) => bar);
}

/**
 * The candles with the latest trade price folded in, so the chart moves between candle polls:
 * the last candle's close (and high or low) follow `price`, or a new candle opens when `timeMs`
 * is past the last one's interval. A tick older than the last candle changes nothing.
 */
export function withLastPrice(candles: readonly Candle[], price: string, timeMs: number, intervalMs: number): readonly Candle[] {
  const last = candles.at(-1);
  if (!last || timeMs < last.openTimeMs) return candles;
  const p = new Decimal(price);
  if (timeMs >= last.openTimeMs + intervalMs) {
    const openTimeMs = Math.floor(timeMs / intervalMs) * intervalMs;
    return [...candles, { openTimeMs, open: last.close, high: Decimal.max(p, last.close).toFixed(), low: Decimal.min(p, last.close).toFixed(), close: price, volume: "0" }];
  }
  const high = p.gt(last.high) ? price : last.high;
  const low = p.lt(last.low) ? price : last.low;
  if (last.close === price && high === last.high && low === last.low) return candles;
  return [...candles.slice(0, -1), { ...last, high, low, close: price }];
}

/**
 * Markers for an agent's entries and exits (its fills) on one venue and symbol, at the candle they
 * happened in and at their fill price: buys ▲ just below the price, sells ▼ just above it. Fills
 * before the first candle have no bar to sit on and are left out.
 */
export function fillMarkers(
  fills: readonly OrderFill[],
  venue: string,
  symbol: string,
  intervalMs: number,
  firstOpenTimeMs: number | null,
): SeriesMarker<UTCTimestamp>[] {
  if (firstOpenTimeMs === null) return [];
  return fills
    .filter((f) => f.venue === venue && f.symbol === symbol && f.timeMs >= firstOpenTimeMs)
    .map((f) => ({ f, barMs: Math.floor(f.timeMs / intervalMs) * intervalMs }))
    .sort((a, b) => a.barMs - b.barMs || a.f.timeMs - b.f.timeMs)
    .map(({ f, barMs }) => ({
      id: f.fillId,
      time: seconds(barMs),
      position: f.side === "buy" ? "atPriceBottom" : "atPriceTop",
      price: Number(f.price),
      shape: f.side === "buy" ? "arrowUp" : "arrowDown",
      color: f.side === "buy" ? BUY_COLOR : SELL_COLOR,
      text: `${f.side === "buy" ? "B" : "S"} ${f.quantity}`,
    }));
}

/** Each candle's volume as a histogram bar (one per open time, oldest first), green when it closed up, red when down. */
export function volumeBars(candles: readonly Candle[]): HistogramData<UTCTimestamp>[] {
  const byTime = new Map<number, HistogramData<UTCTimestamp>>();
  for (const c of candles) {
    const up = new Decimal(c.close).gte(c.open);
    byTime.set(c.openTimeMs, { time: seconds(c.openTimeMs), value: Number(c.volume), color: up ? VOLUME_UP : VOLUME_DOWN });
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([, bar]) => bar);
}

/**
 * The loaded candles extended by a poll's newest few: a bar of the same open time is replaced
 * (it grew), newer ones are appended, and the list keeps at most `limit` bars. Null when the tail
 * does not reach back to the list (bars were missed: the caller loads the whole history again).
 */
export function mergeTail(candles: readonly Candle[], tail: readonly Candle[], intervalMs: number, limit: number): readonly Candle[] | null {
  const first = tail[0];
  if (!first) return candles;
  const last = candles.at(-1);
  if (!last || first.openTimeMs > last.openTimeMs + intervalMs) return null;
  let keep = candles.length;
  while (keep > 0 && (candles[keep - 1]?.openTimeMs ?? 0) >= first.openTimeMs) keep--;
  const merged = [...candles.slice(0, keep), ...tail];
  return merged.length > limit ? merged.slice(merged.length - limit) : merged;
}

/** A horizontal line at the stop of each of the agent's open trades on this venue and symbol. */
export interface StopLine {
  readonly id: string;
  readonly price: string;
  readonly label: string;
}

/** The open trades' stops on one venue and symbol (trades without a stop draw nothing). */
export function stopLines(trades: AgentTrades | null, venue: string, symbol: string): StopLine[] {
  if (!trades) return [];
  return trades.open
    .filter((t) => t.venue === venue && t.symbol === symbol && t.stop !== null && new Decimal(t.stop).gt(0))
    .map((t) => ({ id: t.id, price: t.stop ?? "0", label: `stop ${t.quantity}` }));
}

/** The price axis format of a symbol: as many decimals as its tick. */
export function priceFormatFor(tickSize: string): PriceFormatBuiltIn {
  const precision = decimalsOf(tickSize);
  return { type: "price", precision, minMove: Number(tickSize) };
}
