import type { CandlestickData, PriceFormatBuiltIn, SeriesMarker, UTCTimestamp } from "lightweight-charts";
import { Decimal } from "../../../../core/money.ts";
import { decimalsOf } from "../../format.ts";
import type { Candle, OrderFill } from "../../types.ts";

/**
 * What the candle chart draws. The chart library plots JavaScript numbers, so prices become
 * numbers here and only here, for drawing; every figure the page prints stays a decimal string.
 */

export const BUY_COLOR = "#2fbf71";
export const SELL_COLOR = "#f05d5e";

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
 * Markers for an agent's fills on one venue and symbol, each at the candle it happened in:
 * buys below the bar pointing up, sells above pointing down. Fills before the first candle have
 * no bar to sit on and are left out.
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
      position: f.side === "buy" ? "belowBar" : "aboveBar",
      shape: f.side === "buy" ? "arrowUp" : "arrowDown",
      color: f.side === "buy" ? BUY_COLOR : SELL_COLOR,
      text: `${f.side === "buy" ? "B" : "S"} ${f.quantity}`,
    }));
}

/** The price axis format of a symbol: as many decimals as its tick. */
export function priceFormatFor(tickSize: string): PriceFormatBuiltIn {
  const precision = decimalsOf(tickSize);
  return { type: "price", precision, minMove: Number(tickSize) };
}
