import { createMemo, createSignal, For, Show } from "solid-js";
import type { ApiError } from "../../api.ts";
import { api } from "../../auth.ts";
import { asApiError } from "../../command.ts";
import { Amount, ErrorNote, Panel } from "../../components.tsx";
import { clockTime, formatAmount } from "../../format.ts";
import type { AgentOrder, OrderFill } from "../../types.ts";
import { filledOf, isCancellable, isWorking } from "./account.ts";

const STATUS_TONE: Readonly<Record<string, string>> = {
  open: "open",
  partially_filled: "warn",
  pending: "warn",
  unknown: "warn",
  filled: "ok",
  cancelled: "dim",
  rejected: "bad",
};

/** An order's status as a coloured tag; the venue's refusal, if any, in its tooltip. */
export function StatusTag(props: { status: string; testid?: string; title?: string }) {
  return (
    <span class={`run-tag ${STATUS_TONE[props.status] ?? "dim"}`} data-testid={props.testid} data-status={props.status} title={props.title}>
      {props.status.replace("_", " ")}
    </span>
  );
}

function SideTag(props: { side: string }) {
  return <span class={`side-tag ${props.side}`}>{props.side}</span>;
}

/** The agent's recent orders, newest first; working ones can be cancelled by a trader. */
export function OrdersPanel(props: { agent: string; orders: readonly AgentOrder[] | null; canTrade: boolean; onChanged: () => void }) {
  const [scope, setScope] = createSignal<"all" | "open">("all");
  const [cancelling, setCancelling] = createSignal<ReadonlySet<string>>(new Set());
  const [error, setError] = createSignal<ApiError | null>(null);
  const working = createMemo(() => (props.orders ?? []).filter(isWorking));
  const shown = createMemo(() => (scope() === "open" ? working() : (props.orders ?? [])));

  async function cancel(order: AgentOrder) {
    setError(null);
    setCancelling((s) => new Set([...s, order.clientOrderId]));
    try {
      // One key per order: a repeated click or a retry is the same cancel.
      await api.cancelOrder(props.agent, order.clientOrderId, { idempotencyKey: `cancel-${order.clientOrderId}` });
    } catch (thrown) {
      setError(asApiError(thrown));
    } finally {
      setCancelling((s) => new Set([...s].filter((id) => id !== order.clientOrderId)));
      props.onChanged();
    }
  }

  return (
    <Panel
      title="Orders"
      testid="orders-panel"
      aside={
        <div class="segmented compact">
          <button type="button" classList={{ on: scope() === "all" }} data-testid="orders-scope-all" onClick={() => setScope("all")}>
            All
          </button>
          <button type="button" classList={{ on: scope() === "open" }} data-testid="orders-scope-open" onClick={() => setScope("open")}>
            Open <span class="count-badge" data-testid="open-order-count">{working().length}</span>
          </button>
        </div>
      }
    >
      <ErrorNote error={error()} testid="orders-error" />
      <Show when={props.orders} fallback={<div class="empty-note">Loading orders…</div>}>
        <div class="table-scroll">
          <table class="grid">
            <thead>
              <tr>
                <th>Time</th>
                <th>Market</th>
                <th>Side</th>
                <th>Type</th>
                <th class="num">Price</th>
                <th class="num">Qty</th>
                <th class="num">Filled</th>
                <th class="num">Avg</th>
                <th>Status</th>
                <Show when={props.canTrade}>
                  <th />
                </Show>
              </tr>
            </thead>
            <tbody>
              <For each={shown()} fallback={<tr><td class="empty-row" colspan="10">{scope() === "open" ? "No open orders." : "No orders yet."}</td></tr>}>
                {(o) => (
                  <tr data-testid={`order-row-${o.clientOrderId}`} title={o.clientOrderId}>
                    <td class="mono dim">{clockTime(o.createdAtMs)}</td>
                    <td class="mono">
                      {o.request.symbol} <span class="faint">{o.venue.replace(/^paper-/, "")}</span>
                    </td>
                    <td>
                      <SideTag side={o.request.side} />
                    </td>
                    <td class="mono dim">
                      {o.request.type}
                      {o.request.type === "limit" ? ` ${o.request.timeInForce}` : ""}
                    </td>
                    <td class="num amount">{o.request.price ? formatAmount(o.request.price) : "mkt"}</td>
                    <td class="num amount">{o.request.quantity}</td>
                    <td class="num amount" data-testid={`order-filled-${o.clientOrderId}`}>
                      {filledOf(o)}
                    </td>
                    <td class="num amount dim">{o.order && o.order.averagePrice !== "0" ? formatAmount(o.order.averagePrice) : "—"}</td>
                    <td>
                      <StatusTag
                        status={o.status}
                        testid={`order-status-${o.clientOrderId}`}
                        title={o.code ? `${o.code}: ${o.message ?? ""}` : undefined}
                      />
                    </td>
                    <Show when={props.canTrade}>
                      <td class="col-actions">
                        <Show when={isCancellable(o)}>
                          <button
                            type="button"
                            class="small ghost danger"
                            data-testid={`order-cancel-${o.clientOrderId}`}
                            disabled={cancelling().has(o.clientOrderId)}
                            onClick={() => void cancel(o)}
                          >
                            {cancelling().has(o.clientOrderId) ? "Cancelling…" : "Cancel"}
                          </button>
                        </Show>
                      </td>
                    </Show>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </Panel>
  );
}

/** The agent's recent fills, newest first. */
export function FillsPanel(props: { fills: readonly OrderFill[] | null }) {
  return (
    <Panel title="Recent fills" testid="fills-panel" aside={<span class="panel-note mono">{props.fills ? props.fills.length : ""}</span>}>
      <Show when={props.fills} fallback={<div class="empty-note">Loading fills…</div>}>
        <div class="table-scroll">
          <table class="grid">
            <thead>
              <tr>
                <th>Time</th>
                <th>Market</th>
                <th>Side</th>
                <th class="num">Price</th>
                <th class="num">Qty</th>
                <th class="num">Fee</th>
                <th>Liq</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.fills} fallback={<tr><td class="empty-row" colspan="7">No fills yet.</td></tr>}>
                {(f) => (
                  <tr data-testid={`fill-row-${f.fillId}`} data-order-id={f.clientOrderId}>
                    <td class="mono dim">{clockTime(f.timeMs)}</td>
                    <td class="mono">
                      {f.symbol} <span class="faint">{f.venue.replace(/^paper-/, "")}</span>
                    </td>
                    <td>
                      <SideTag side={f.side} />
                    </td>
                    <td class="num amount">{formatAmount(f.price)}</td>
                    <td class="num amount" data-testid={`fill-qty-${f.fillId}`}>
                      {f.quantity}
                    </td>
                    <td class="num">
                      <Amount value={f.fee} asset={f.feeAsset} unit muted />
                    </td>
                    <td class="mono dim">{f.liquidity}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </Panel>
  );
}
