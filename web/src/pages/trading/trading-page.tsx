import { createEffect, createMemo, createSignal, For, Show, untrack } from "solid-js";
import { CANDLE_INTERVALS } from "../../../../core/market.ts";
import { Decimal } from "../../../../core/money.ts";
import type { ApiError } from "../../api.ts";
import { api } from "../../auth.ts";
import { asApiError } from "../../command.ts";
import { ErrorNote, Panel } from "../../components.tsx";
import { clockTime, decimalsOf, formatAmount } from "../../format.ts";
import { useRiskFeed } from "../../halts/banners.tsx";
import { blockingHalt } from "../../halts/model.ts";
import type { CandleInterval, Role, Ticker, VenueSpec, WalletNode } from "../../types.ts";
import { canAct, flatten } from "../../wallet-tree.ts";
import { isCancellable } from "./account.ts";
import { createAccountFeed } from "./account-feed.ts";
import { ArbitragePanel } from "./arbitrage-panel.tsx";
import { CandleChart, type OrderLine } from "./candle-chart.tsx";
import { fillMarkers, STOP_COLOR, stopLines } from "./chart-data.ts";
import { createMarketFeed } from "./market-feed.ts";
import { BestQuotesPanel, OrderBookPanel } from "./order-book.tsx";
import { OrderTicket } from "./order-ticket.tsx";
import { FillsPanel, OrdersPanel } from "./orders-panel.tsx";
import { PositionsPanel } from "./positions-panel.tsx";
import { createTradesFeed } from "./trades-feed.ts";

const INTERVALS: readonly CandleInterval[] = ["1m", "5m", "15m", "1h", "4h", "1d"];
const SELECTION_KEY = "cival.trading";

interface Selection {
  readonly agent: string;
  readonly venue: string;
  readonly symbol: string;
  readonly interval: CandleInterval;
}

function storedSelection(): Partial<Selection> {
  try {
    const raw = window.localStorage.getItem(SELECTION_KEY);
    const value: unknown = raw ? JSON.parse(raw) : null;
    return typeof value === "object" && value !== null ? (value as Partial<Selection>) : {};
  } catch {
    return {};
  }
}

/** Agents that can hold positions: active, and not the risk overseer. */
function tradingAgents(tree: WalletNode): WalletNode[] {
  return flatten(tree)
    .map((row) => row.node)
    .filter((n) => n.kind === "agent" && n.status === "active" && n.role !== "overseer");
}

/**
 * The Trading page: one agent on one venue and symbol. Market data (chart, book, best quotes,
 * arbitrage) is polled while the page is visible; the agent's orders, fills and positions follow
 * its event thread. Traders get the ticket and cancel buttons; viewers read.
 */
export default function TradingPage(props: { role: Role }) {
  const stored = storedSelection();
  const [venues, setVenues] = createSignal<readonly VenueSpec[] | null>(null);
  const [agents, setAgents] = createSignal<readonly WalletNode[] | null>(null);
  const [setupError, setSetupError] = createSignal<ApiError | null>(null);
  const [agent, setAgent] = createSignal(stored.agent ?? "");
  const [venueId, setVenueId] = createSignal(stored.venue ?? "");
  const [symbol, setSymbol] = createSignal(stored.symbol ?? "");
  const [interval, setInterval] = createSignal<CandleInterval>(stored.interval && INTERVALS.includes(stored.interval) ? stored.interval : "1m");
  const [picked, setPicked] = createSignal<{ price: string; at: number } | null>(null);

  async function setup() {
    setSetupError(null);
    try {
      const [markets, wallets] = await Promise.all([api.markets(), api.wallets()]);
      setVenues(markets.venues);
      setAgents(tradingAgents(wallets.tree));
    } catch (thrown) {
      setSetupError(asApiError(thrown));
    }
  }
  void setup();

  // Keep the selection valid as the lists arrive: what was chosen before if it still exists, else the first.
  createEffect(() => {
    const list = agents();
    if (list && !list.some((a) => a.id === untrack(agent))) setAgent(list[0]?.id ?? "");
  });
  const venue = createMemo(() => venues()?.find((v) => v.id === venueId()) ?? null);
  createEffect(() => {
    const list = venues();
    if (list && !list.some((v) => v.id === untrack(venueId))) setVenueId(list[0]?.id ?? "");
  });
  createEffect(() => {
    const v = venue();
    if (v && !v.symbols.some((s) => s.symbol === untrack(symbol))) setSymbol(v.symbols[0]?.symbol ?? "");
  });
  const spec = createMemo(() => venue()?.symbols.find((s) => s.symbol === symbol()) ?? null);
  createEffect(() => {
    const selection: Selection = { agent: agent(), venue: venueId(), symbol: symbol(), interval: interval() };
    try {
      window.localStorage.setItem(SELECTION_KEY, JSON.stringify(selection));
    } catch {
      // private mode: the selection is not remembered
    }
  });

  const market = createMemo(() => (spec() ? { venue: venueId(), symbol: symbol() } : null), undefined, {
    equals: (a, b) => a?.venue === b?.venue && a?.symbol === b?.symbol,
  });
  const feed = createMarketFeed(market, interval);
  const account = createAccountFeed(() => agent() || null);
  const trades = createTradesFeed(() => agent() || null);
  const canTrade = () => canAct(props.role);

  const available = (asset: string) => account.positions()?.find((p) => p.asset === asset)?.available;
  const markers = createMemo(() => {
    const candles = feed.candles();
    const fills = account.fills();
    if (!candles || !fills) return [];
    return fillMarkers(fills, venueId(), symbol(), CANDLE_INTERVALS[interval()], candles[0]?.openTimeMs ?? null);
  });
  const orderLines = createMemo((): OrderLine[] =>
    (account.orders() ?? [])
      .filter((o) => isCancellable(o) && o.venue === venueId() && o.request.symbol === symbol() && o.request.price)
      .map((o) => ({ id: o.clientOrderId, side: o.request.side, price: o.request.price ?? "0", label: `${o.request.side} ${o.request.quantity}` })),
  );
  const stops = createMemo(() => stopLines(trades(), venueId(), symbol()));
  const last = createMemo(() => {
    const t = feed.ticker();
    return t ? { price: t.last, timeMs: t.timeMs } : null;
  }, null, { equals: (a, b) => a?.price === b?.price && a?.timeMs === b?.timeMs });

  const agentName = () => agents()?.find((a) => a.id === agent())?.name ?? agent();
  const riskFeed = useRiskFeed();
  /** The halt that stops this agent's orders (the shell's banner says the same, for every page). */
  const halt = createMemo(() => {
    const farm = agents()?.find((a) => a.id === agent())?.parent ?? null;
    return blockingHalt(riskFeed?.halts() ?? [], agent(), farm?.startsWith("farm:") ? farm : null);
  });

  return (
    <div class="page trading" data-testid="trading-page">
      <header class="page-head">
        <div>
          <h1>Trading</h1>
          <p class="sub">
            {agentName()} · {venueId()} · {symbol()}
            <Show when={!canTrade()}>
              <span class="read-only-tag" data-testid="read-only">read only</span>
            </Show>
          </p>
        </div>
        <div class="page-tools">
          <span class="updated" data-testid="trading-updated">
            {feed.ticker() ? `book ${clockTime(feed.ticker()?.timeMs ?? 0)}` : ""}
          </span>
        </div>
      </header>

      <Show when={setupError()}>
        <div class="panel">
          <div class="panel-body">
            <ErrorNote error={setupError()} testid="trading-error" />
            <button type="button" onClick={() => void setup()}>
              Try again
            </button>
          </div>
        </div>
      </Show>

      <div class="filter-bar trading-bar" data-testid="trading-bar">
        <label class="inline-field">
          Agent
          <select data-testid="trading-agent" onChange={(e) => setAgent(e.currentTarget.value)}>
            <For each={agents() ?? []} fallback={<option value="">loading…</option>}>
              {(a) => (
                <option value={a.id} selected={a.id === agent()}>
                  {a.name} ({a.id})
                </option>
              )}
            </For>
          </select>
        </label>
        <label class="inline-field">
          Venue
          <select data-testid="trading-venue" onChange={(e) => setVenueId(e.currentTarget.value)}>
            <For each={venues() ?? []} fallback={<option value="">loading…</option>}>
              {(v) => (
                <option value={v.id} selected={v.id === venueId()}>
                  {v.paper ? v.id : `${v.id} (live: real money)`}
                </option>
              )}
            </For>
          </select>
        </label>
        <label class="inline-field">
          Symbol
          <select data-testid="trading-symbol" onChange={(e) => setSymbol(e.currentTarget.value)}>
            <For each={venue()?.symbols ?? []}>
              {(s) => (
                <option value={s.symbol} selected={s.symbol === symbol()}>
                  {s.symbol}
                </option>
              )}
            </For>
          </select>
        </label>
        <Show when={spec()}>{(s) => <TickerStrip ticker={feed.ticker()} tickSize={s().tickSize} quote={s().quote} />}</Show>
      </div>

      <Show when={venue()}>
        {(selectedVenue) => (
            <Show when={spec()}>
              {(symbolSpec) => (
                <div class="trading-layout" classList={{ "read-only": !canTrade() }}>
                  <div class="trading-main">
                    <Panel
                      title="Chart"
                      testid="chart-panel"
                      aside={
                        <div class="segmented compact" data-testid="chart-intervals">
                          <For each={INTERVALS}>
                            {(iv) => (
                              <button type="button" classList={{ on: interval() === iv }} data-testid={`interval-${iv}`} onClick={() => setInterval(iv)}>
                                {iv}
                              </button>
                            )}
                          </For>
                        </div>
                      }
                    >
                      <ErrorNote error={feed.candlesError()} testid="candles-error" />
                      <CandleChart
                        viewKey={`${venueId()}|${symbol()}|${interval()}`}
                        candles={feed.candles()}
                        last={last()}
                        intervalMs={CANDLE_INTERVALS[interval()]}
                        tickSize={symbolSpec().tickSize}
                        markers={markers()}
                        orderLines={orderLines()}
                        stopLines={stops()}
                      />
                      <div class="chart-foot">
                        <span>
                          {symbol()} · {venueId()} · {interval()} · times UTC
                        </span>
                        <span class="legend">
                          <span class="side-tag buy">▲ buy fill</span> <span class="side-tag sell">▼ sell fill</span> <span class="faint">- - resting order</span> <span style={{ color: STOP_COLOR }}>··· stop</span>
                        </span>
                      </div>
                    </Panel>
                    <ErrorNote error={account.error()} testid="account-error" />
                    <OrdersPanel agent={agent()} orders={account.orders()} canTrade={canTrade()} onChanged={account.reload} />
                    <FillsPanel fills={account.fills()} />
                  </div>
                  <div class="trading-book">
                    <OrderBookPanel
                      book={feed.book()}
                      spec={symbolSpec()}
                      error={feed.touchError()}
                      onPrice={canTrade() ? (price) => setPicked({ price, at: Date.now() }) : undefined}
                    />
                    <BestQuotesPanel best={feed.best()} spec={symbolSpec()} venue={venueId()} />
                  </div>
                  <div class="trading-side">
                    <Show when={canTrade() && agent()}>
                      <OrderTicket
                        agent={agent()}
                        venue={selectedVenue()}
                        spec={symbolSpec()}
                        ticker={feed.ticker()}
                        available={available}
                        halt={halt()}
                        pickedPrice={picked()}
                        onPlaced={account.reload}
                      />
                    </Show>
                    <PositionsPanel rows={account.positions()} symbolAssets={[symbolSpec().base, symbolSpec().quote]} />
                    <ArbitragePanel reply={feed.arbitrage()} error={feed.arbitrageError()} symbol={symbol()} />
                  </div>
                </div>
              )}
            </Show>
        )}
      </Show>
    </div>
  );
}

/** Last, bid and ask of the venue's ticker; the last is green or red against the one before. */
function TickerStrip(props: { ticker: Ticker | null; tickSize: string; quote: string }) {
  const [direction, setDirection] = createSignal<"up" | "down" | "">("");
  let previous: string | null = null;
  createEffect(() => {
    const lastPrice = props.ticker?.last ?? null;
    if (lastPrice && previous && lastPrice !== previous) setDirection(new Decimal(lastPrice).gt(previous) ? "up" : "down");
    previous = lastPrice;
  });
  const f = (v: string | undefined) => (v ? formatAmount(v, decimalsOf(props.tickSize)) : "—");
  return (
    <div class="ticker-strip" data-testid="ticker">
      <span class="tick-item">
        <span class="stat-label">Last</span>
        <span class={`amount last ${direction()}`} data-testid="ticker-last" data-amount={props.ticker?.last}>
          {f(props.ticker?.last)}
        </span>
      </span>
      <span class="tick-item">
        <span class="stat-label">Bid</span>
        <span class="amount bid" data-testid="ticker-bid">
          {f(props.ticker?.bid)}
        </span>
      </span>
      <span class="tick-item">
        <span class="stat-label">Ask</span>
        <span class="amount ask" data-testid="ticker-ask">
          {f(props.ticker?.ask)}
        </span>
      </span>
      <span class="tick-unit">{props.quote}</span>
    </div>
  );
}
