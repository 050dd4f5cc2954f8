import { type Accessor, createMemo, createSignal } from "solid-js";
import type { ApiError } from "../../api.ts";
import { api } from "../../auth.ts";
import { asApiError } from "../../command.ts";
import { usePoll } from "../../poll.ts";
import { mergeTail } from "./chart-data.ts";
import { CANDLE_INTERVALS } from "../../../../core/market.ts";
import type { ArbitrageReply, BestQuotes, Candle, CandleInterval, OrderBook, Ticker } from "../../types.ts";

/** How often each kind of market data is fetched while the page is visible. */
export const TOUCH_POLL_MS = 1_000;
export const BEST_POLL_MS = 2_000;
export const ARBITRAGE_POLL_MS = 5_000;
export const CANDLES_POLL_MS = 10_000;
/** Bars loaded when a market or interval is chosen: the venue's history, then the live bars. */
export const CANDLE_LIMIT = 1_000;
/** Bars each later poll fetches, merged into those loaded (a poll or two may be missed). */
export const CANDLE_TAIL = 5;

export interface Market {
  readonly venue: string;
  readonly symbol: string;
}

/** A polled value and the key it was fetched for: shown only while that key is still selected. */
function keyed<T>(current: Accessor<string | null>) {
  const [slot, setSlot] = createSignal<{ key: string; value: T } | null>(null);
  const [error, setError] = createSignal<{ key: string; error: ApiError } | null>(null);
  return {
    value: (): T | null => {
      const s = slot();
      return s && s.key === current() ? s.value : null;
    },
    error: (): ApiError | null => {
      const e = error();
      return e && e.key === current() ? e.error : null;
    },
    /** Fetches for `key` and keeps the answer, unless the round was superseded meanwhile. */
    async load(key: string, alive: () => boolean, fetch: () => Promise<T>): Promise<void> {
      try {
        const value = await fetch();
        if (!alive()) return;
        setSlot({ key, value });
        setError(null);
      } catch (thrown) {
        if (alive()) setError({ key, error: asApiError(thrown) });
      }
    },
  };
}

/**
 * The selected market's data, polled while the page is visible: ticker and book each second,
 * the best quotes across venues, arbitrage, and candles every ten seconds (the whole history for
 * the interval when it is chosen, then only the newest bars, merged in).
 */
export function createMarketFeed(market: Accessor<Market | null>, interval: Accessor<CandleInterval>) {
  const marketKey = createMemo(() => {
    const m = market();
    return m ? `${m.venue}|${m.symbol}` : null;
  });
  const symbolKey = createMemo(() => market()?.symbol ?? null);
  const candleKey = createMemo(() => {
    const k = marketKey();
    return k ? `${k}|${interval()}` : null;
  });
  const parts = (key: string) => {
    const [venue = "", symbol = "", iv = "1m"] = key.split("|");
    return { venue, symbol, interval: iv as CandleInterval };
  };

  const touch = keyed<{ ticker: Ticker; book: OrderBook }>(marketKey);
  const best = keyed<BestQuotes>(symbolKey);
  const candles = keyed<readonly Candle[]>(candleKey);
  const arbitrage = keyed<ArbitrageReply>(() => "all");

  usePoll(marketKey, TOUCH_POLL_MS, (key, alive) => {
    const { venue, symbol } = parts(key);
    return touch.load(key, alive, async () => {
      const [ticker, book] = await Promise.all([api.ticker(venue, symbol), api.book(venue, symbol)]);
      return { ticker, book };
    });
  });
  usePoll(symbolKey, BEST_POLL_MS, (symbol, alive) => best.load(symbol, alive, () => api.best(symbol)));
  usePoll(candleKey, CANDLES_POLL_MS, (key, alive) => {
    const { venue, symbol, interval: iv } = parts(key);
    return candles.load(key, alive, async () => {
      const loaded = candles.value();
      if (loaded && loaded.length > 0) {
        const merged = mergeTail(loaded, (await api.candles(venue, symbol, iv, CANDLE_TAIL)).candles, CANDLE_INTERVALS[iv], CANDLE_LIMIT);
        if (merged) return merged;
      }
      return (await api.candles(venue, symbol, iv, CANDLE_LIMIT)).candles;
    });
  });
  usePoll(() => "all", ARBITRAGE_POLL_MS, (key, alive) => arbitrage.load(key, alive, () => api.arbitrage()));

  return {
    ticker: () => touch.value()?.ticker ?? null,
    book: () => touch.value()?.book ?? null,
    touchError: touch.error,
    best: best.value,
    candles: candles.value,
    candlesError: candles.error,
    arbitrage: arbitrage.value,
    arbitrageError: arbitrage.error,
  };
}

export type MarketFeed = ReturnType<typeof createMarketFeed>;
