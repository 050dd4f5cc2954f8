import { createMemo, For, Show } from "solid-js";
import type { ApiError } from "../../api.ts";
import { ErrorNote, Panel } from "../../components.tsx";
import { decimalsOf, formatAmount } from "../../format.ts";
import type { BestQuotes, OrderBook, Quote, SymbolSpec } from "../../types.ts";
import { bookView, type DepthRow } from "./book.ts";

/** Levels shown per side. */
const LEVELS = 12;

/** The venue's book: asks above, the spread, bids below; a click on a price hands it to the ticket. */
export function OrderBookPanel(props: {
  book: OrderBook | null;
  spec: SymbolSpec;
  error: ApiError | null;
  onPrice?: (price: string) => void;
}) {
  const view = createMemo(() => (props.book ? bookView(props.book, LEVELS) : null));
  const priceDecimals = () => decimalsOf(props.spec.tickSize);
  const sizeDecimals = () => decimalsOf(props.spec.lotSize);

  const Row = (p: { row: DepthRow; side: "bid" | "ask"; index: number }) => (
    <tr
      class={`level ${p.side}`}
      classList={{ pick: !!props.onPrice }}
      data-testid={`book-${p.side}-${p.index}`}
      style={{ "--depth": `${p.row.depthPct}%` }}
      onClick={() => props.onPrice?.(p.row.price)}
      title={props.onPrice ? "Use this price in the ticket" : undefined}
    >
      <td class="px amount">{formatAmount(p.row.price, priceDecimals())}</td>
      <td class="num amount">{formatAmount(p.row.size, sizeDecimals())}</td>
      <td class="num amount dim">{formatAmount(p.row.total, sizeDecimals())}</td>
    </tr>
  );

  return (
    <Panel title="Order book" testid="order-book" aside={<span class="panel-note mono">{props.spec.symbol}</span>}>
      <ErrorNote error={props.error} testid="book-error" />
      <Show when={view()} fallback={<div class="empty-note">Loading the book…</div>}>
        {(v) => (
          <table class="ladder">
            <thead>
              <tr>
                <th>Price ({props.spec.quote})</th>
                <th class="num">Size ({props.spec.base})</th>
                <th class="num">Total</th>
              </tr>
            </thead>
            <tbody>
              <For each={v().asks}>{(row, i) => <Row row={row} side="ask" index={v().asks.length - 1 - i()} />}</For>
              <tr class="spread-row" data-testid="book-spread">
                <td colspan="3">
                  <Show when={v().spread !== null} fallback="one side is empty">
                    spread <span class="amount">{formatAmount(v().spread ?? "0", priceDecimals())}</span>
                    <span class="dim"> · {v().spreadBp} bp · mid </span>
                    <span class="amount">{formatAmount(v().mid ?? "0", priceDecimals())}</span>
                  </Show>
                </td>
              </tr>
              <For each={v().bids}>{(row, i) => <Row row={row} side="bid" index={i()} />}</For>
            </tbody>
          </table>
        )}
      </Show>
    </Panel>
  );
}

/** The best bid and ask for the symbol over every venue, and the spread between them. */
export function BestQuotesPanel(props: { best: BestQuotes | null; spec: SymbolSpec; venue: string }) {
  const decimals = () => decimalsOf(props.spec.tickSize);
  const crossed = () => props.best?.spread?.startsWith("-") ?? false;
  const Quote = (p: { label: string; quote: Quote | null; side: "bid" | "ask" }) => (
    <div class={`best ${p.side}`} data-testid={`best-${p.side}`}>
      <span class="stat-label">{p.label}</span>
      <Show when={p.quote} fallback={<span class="dim">none</span>}>
        {(q) => (
          <>
            <span class="amount best-price" data-amount={q().price}>
              {formatAmount(q().price, decimals())}
            </span>
            <span class="best-venue" classList={{ here: q().venueId === props.venue }}>
              {q().venueId.replace(/^paper-/, "")} · <span class="amount">{formatAmount(q().size, decimalsOf(props.spec.lotSize))}</span>
            </span>
          </>
        )}
      </Show>
    </div>
  );
  return (
    <Panel
      title="Best across venues"
      testid="best-quotes"
      aside={
        <Show when={props.best?.spread}>
          {(s) => (
            <span class="panel-note mono" classList={{ warn: crossed() }} data-testid="best-spread">
              {crossed() ? "crossed " : "spread "}
              {formatAmount(s(), decimals())}
            </span>
          )}
        </Show>
      }
    >
      <div class="best-grid">
        <Quote label="Best bid" quote={props.best?.bid ?? null} side="bid" />
        <Quote label="Best ask" quote={props.best?.ask ?? null} side="ask" />
      </div>
    </Panel>
  );
}
