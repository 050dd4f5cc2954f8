import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from "solid-js";
import type { Halt } from "../../../../core/risk/types.ts";
import type { ApiError } from "../../api.ts";
import { api } from "../../auth.ts";
import { asApiError, createCommand } from "../../command.ts";
import { Amount, ErrorNote, Field, Panel, SuccessNote } from "../../components.tsx";
import { decimalsOf, formatAmount } from "../../format.ts";
import type { AgentOrder, Side, SymbolSpec, Ticker, TimeInForce, VenueSpec } from "../../types.ts";
import { filledOf } from "./account.ts";
import {
  asOrderCheck,
  checkFailureNote,
  checkKey,
  checkNotes,
  feeBp,
  type OrderBody,
  type OrderCheck,
  type TicketErrors,
  ticketBody,
  ticketEstimate,
  ticketGate,
} from "./ticket.ts";

/** Typing pauses this long before the ticket asks POST /api/orders/check. */
const CHECK_DEBOUNCE_MS = 300;

/** A check's answer (or failure) for the form it was asked about. */
interface Checked {
  readonly key: string;
  readonly check: OrderCheck | null;
  readonly error: ApiError | null;
}

const TIME_IN_FORCE: readonly { value: TimeInForce; label: string; title: string }[] = [
  { value: "gtc", label: "GTC", title: "good till cancelled" },
  { value: "ioc", label: "IOC", title: "immediate or cancel" },
  { value: "post_only", label: "Post only", title: "rests as maker, or is refused" },
];

/** One line saying what became of a placed order. */
export function orderOutcome(o: AgentOrder): string {
  const filled = filledOf(o);
  const avg = o.order?.averagePrice;
  const fill = filled !== "0" && avg && avg !== "0" ? ` · ${filled} @ ${formatAmount(avg)}` : "";
  const price = o.request.price ? ` ${formatAmount(o.request.price)}` : "";
  return `${o.status} · ${o.request.side} ${o.request.quantity} ${o.request.symbol} ${o.request.type}${price}${fill}`;
}

/**
 * The manual order ticket: side, type, quantity, limit price, time in force; checked with the
 * API's schema first, then (debounced) with the desk's own dry run, so a resize or a refusal shows
 * before Buy is pressed. Closed while a halt covers the agent, and when nothing would pass.
 */
export function OrderTicket(props: {
  agent: string;
  venue: VenueSpec;
  spec: SymbolSpec;
  ticker: Ticker | null;
  available: (asset: string) => string | undefined;
  /** The halt in force over this agent (desk, its farm or itself), or null. */
  halt: Halt | null;
  /** A price picked elsewhere (the book): the ticket turns limit and takes it. */
  pickedPrice: { price: string; at: number } | null;
  onPlaced: (order: AgentOrder) => void;
}) {
  const [side, setSide] = createSignal<Side>("buy");
  const [type, setType] = createSignal<"market" | "limit">("market");
  const [quantity, setQuantity] = createSignal("");
  const [price, setPrice] = createSignal("");
  const [tif, setTif] = createSignal<TimeInForce>("gtc");
  const [errors, setErrors] = createSignal<TicketErrors>({});
  const [placed, setPlaced] = createSignal<AgentOrder | null>(null);
  /** What the risk monitor said when it resized the order (a resize is placed, but not as asked). */
  const [riskNote, setRiskNote] = createSignal<string | null>(null);
  const command = createCommand((body: OrderBody, key: string) => api.placeOrder(body, { idempotencyKey: key }));

  const input = () => ({
    agent: props.agent,
    venue: props.venue.id,
    symbol: props.spec.symbol,
    side: side(),
    type: type(),
    quantity: quantity(),
    price: price(),
    timeInForce: tif(),
  });
  const estimate = createMemo(() => ticketEstimate(input(), props.venue, props.spec, props.ticker, props.available));
  const touch = () => (props.ticker ? (side() === "buy" ? props.ticker.ask : props.ticker.bid) : null);

  const [checked, setChecked] = createSignal<Checked | null>(null);
  let checkTimer: ReturnType<typeof setTimeout> | undefined;
  let checkSeq = 0;
  onCleanup(() => clearTimeout(checkTimer));
  // Ask again whenever the form or the agent's funds change; only the latest answer counts.
  createEffect(() => {
    const body = ticketBody(input());
    props.available(props.spec.base);
    props.available(props.spec.quote);
    clearTimeout(checkTimer);
    const seq = ++checkSeq;
    if (!body.ok || props.halt) return;
    const key = checkKey(body.body);
    checkTimer = setTimeout(() => {
      api.checkOrder(body.body).then(
        (reply) => seq === checkSeq && setChecked({ key, check: asOrderCheck(reply), error: null }),
        (thrown: unknown) => seq === checkSeq && setChecked({ key, check: null, error: asApiError(thrown) }),
      );
    }, CHECK_DEBOUNCE_MS);
  });
  /** The check for the form as it stands; null while none has answered for it. */
  const current = createMemo(() => {
    const c = checked();
    const body = ticketBody(input());
    return c && body.ok && c.key === checkKey(body.body) ? c : null;
  });
  const gate = createMemo(() => ticketGate(props.halt, current()?.check ?? null));
  const checkError = () => {
    const error = current()?.error;
    return error ? checkFailureNote(error) : null;
  };

  createEffect(
    on(
      () => props.pickedPrice,
      (picked) => {
        if (!picked) return;
        setType("limit");
        setPrice(picked.price);
        setErrors((e) => ({ ...e, price: undefined }));
      },
      { defer: true },
    ),
  );
  // A new market is a new ticket: a price for another symbol means nothing here.
  createEffect(
    on(
      () => `${props.venue.id}|${props.spec.symbol}|${props.agent}`,
      () => {
        setPrice("");
        setErrors({});
        setPlaced(null);
        command.clearError();
      },
      { defer: true },
    ),
  );
  createEffect(() => {
    if (type() === "market" && tif() === "post_only") setTif("gtc");
  });

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!gate().open) return;
    setPlaced(null);
    setRiskNote(null);
    command.clearError();
    const checked = ticketBody(input());
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    const reply = await command.submit(checked.body);
    if (!reply) return;
    setPlaced(reply.order);
    if (reply.risk?.decision === "resize") setRiskNote(reply.risk.reason);
    props.onPlaced(reply.order);
  }

  const clearError = (field: keyof TicketErrors) => setErrors((e) => ({ ...e, [field]: undefined, form: undefined }));

  return (
    <Panel
      title="Order ticket"
      testid="order-ticket"
      aside={
        <span class="panel-note mono" classList={{ warn: !props.venue.paper }}>
          {props.venue.paper ? props.venue.id : `${props.venue.id} · LIVE`}
        </span>
      }
    >
      <form class="form" onSubmit={submit} data-testid="ticket-form" novalidate>
        <div class="segmented side-toggle">
          <button type="button" class="buy" classList={{ on: side() === "buy" }} data-testid="ticket-side-buy" onClick={() => setSide("buy")}>
            Buy
          </button>
          <button type="button" class="sell" classList={{ on: side() === "sell" }} data-testid="ticket-side-sell" onClick={() => setSide("sell")}>
            Sell
          </button>
        </div>
        <div class="segmented">
          <button type="button" classList={{ on: type() === "market" }} data-testid="ticket-type-market" onClick={() => setType("market")}>
            Market
          </button>
          <button type="button" classList={{ on: type() === "limit" }} data-testid="ticket-type-limit" onClick={() => setType("limit")}>
            Limit
          </button>
        </div>
        <Field
          label={`Quantity (${props.spec.base})`}
          error={errors().quantity}
          errorTestid="ticket-quantity-error"
          hint={
            <Show when={side() === "sell" && props.available(props.spec.base)}>
              {(avail) => (
                <button type="button" class="link" title="Sell all available" onClick={() => setQuantity(avail())}>
                  avail <Amount value={avail()} asset={props.spec.base} />
                </button>
              )}
            </Show>
          }
        >
          <input
            data-testid="ticket-quantity"
            class="mono"
            inputmode="decimal"
            autocomplete="off"
            placeholder={`lot ${props.spec.lotSize}`}
            value={quantity()}
            onInput={(e) => {
              setQuantity(e.currentTarget.value);
              clearError("quantity");
            }}
          />
        </Field>
        <div class="row2">
          <Field
            label={`Limit price (${props.spec.quote})`}
            error={errors().price}
            errorTestid="ticket-price-error"
          >
            <input
              data-testid="ticket-price"
              class="mono"
              inputmode="decimal"
              autocomplete="off"
              disabled={type() === "market"}
              placeholder={type() === "market" ? "at market" : touch() ?? ""}
              value={type() === "market" ? "" : price()}
              onInput={(e) => {
                setPrice(e.currentTarget.value);
                clearError("price");
              }}
            />
          </Field>
          <Field label="Time in force" error={errors().timeInForce} errorTestid="ticket-tif-error">
            <select data-testid="ticket-tif" onChange={(e) => setTif(e.currentTarget.value as TimeInForce)}>
              <For each={TIME_IN_FORCE}>
                {(t) => (
                  <option value={t.value} title={t.title} selected={t.value === tif()} disabled={t.value === "post_only" && type() === "market"}>
                    {t.label}
                  </option>
                )}
              </For>
            </select>
          </Field>
        </div>
        <dl class="ticket-facts" data-testid="ticket-estimate">
          <dt>{type() === "market" ? (side() === "buy" ? "Ask" : "Bid") : "Limit"}</dt>
          <dd class="amount">{estimate()?.price ? formatAmount(estimate()?.price ?? "0", decimalsOf(props.spec.tickSize)) : touch() ? formatAmount(touch() ?? "0", decimalsOf(props.spec.tickSize)) : "—"}</dd>
          <dt>Notional ≈</dt>
          <dd>
            <Show when={estimate()} fallback="—">
              {(e) => <Amount value={e().notional} asset={props.spec.quote} unit />}
            </Show>
          </dd>
          <dt>Reserves ≈</dt>
          <dd>
            <Show when={estimate()} fallback="—">
              {(e) => <Amount value={e().reserve.amount} asset={e().reserve.asset} unit />}
            </Show>
          </dd>
          <dt>Fees</dt>
          <dd class="mono dim">
            maker {feeBp(props.venue.makerFeeRate)} · taker {feeBp(props.venue.takerFeeRate)} bp
          </dd>
        </dl>
        <For each={estimate()?.warnings ?? []}>{(w) => <div class="field-hint-line">{w}</div>}</For>
        <Show when={current()?.check}>
          {(c) => (
            <div class="ticket-check" data-testid="ticket-check" data-decision={c().risk.decision} data-passes={String(c().passes)}>
              <For each={checkNotes(c())}>
                {(note) => (
                  <div class={`ticket-check-line ${note.tone}`} data-testid={`ticket-check-${note.kind}`}>
                    {note.text}
                  </div>
                )}
              </For>
            </div>
          )}
        </Show>
        <Show when={checkError()}>{(note) => <div class="field-hint-line" data-testid="ticket-check-error">{note()}</div>}</Show>
        <Show when={gate().why}>
          {(why) => (
            <div class="note error" role="status" data-testid={props.halt ? "ticket-halted" : "ticket-blocked"}>
              {why()}
            </div>
          )}
        </Show>
        <ErrorNote error={errors().form ?? null} testid="ticket-form-error" />
        <button
          class={`primary ${side()}`}
          type="submit"
          data-testid="ticket-submit"
          disabled={command.busy() || !gate().open}
          title={gate().why ?? undefined}
        >
          {command.busy() ? "Placing…" : `${side() === "buy" ? "Buy" : "Sell"} ${props.spec.base} · ${type()}`}
        </button>
        <ErrorNote error={command.error()} testid="ticket-error" />
        <Show when={placed()}>
          {(o) => (
            <SuccessNote testid="ticket-result">
              <span data-order-id={o().clientOrderId} data-status={o().status}>
                {o().clientOrderId} · {orderOutcome(o())}
              </span>
              <Show when={riskNote()}>{(note) => <span class="ticket-risk-note" data-testid="ticket-risk-note">Resized by risk: {note()}</span>}</Show>
            </SuccessNote>
          )}
        </Show>
      </form>
    </Panel>
  );
}

