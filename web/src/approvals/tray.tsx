import { createSignal, For, Show } from "solid-js";
import type { ApprovalRecord } from "../../../core/agents/types.ts";
import { createCommand } from "../command.ts";
import { Amount, ErrorNote, Price } from "../components.tsx";
import type { Role } from "../types.ts";
import { canAct } from "../wallet-tree.ts";
import { approvalsApi } from "./approvals-api.ts";
import { agentSlug, countdown, reasonLabel } from "./model.ts";
import { createApprovalTray } from "./tray-feed.ts";
import "./approvals.css";

/** One order waiting for the operator: what, why, how long is left, and (traders) the answer. */
function ApprovalCard(props: { approval: ApprovalRecord; nowMs: number; canAnswer: boolean; onDecided: (a: ApprovalRecord) => void }) {
  const a = () => props.approval;
  const left = () => countdown(a().expiresAtMs, props.nowMs);
  const answer = createCommand((decision: "approve" | "reject", key: string) => approvalsApi.decide(a().id, decision, key));
  async function send(decision: "approve" | "reject") {
    const out = await answer.submit(decision);
    if (out) props.onDecided(out.approval);
  }
  return (
    <article class="approval-card" role="group" aria-label={`Approval for ${agentSlug(a().agent)}`} data-testid={`approval-${a().id}`} data-approval={a().id}>
      <header class="approval-head">
        <span class="approval-flag">APPROVAL</span>
        <span class="approval-agent mono">{agentSlug(a().agent)}</span>
        <span class="approval-clock" classList={{ urgent: left().urgent }} data-clock="" data-testid="approval-countdown" title={new Date(a().expiresAtMs).toISOString()}>
          expires in {left().text}
        </span>
      </header>
      <div class="approval-order">
        <span class={`side-tag ${a().side}`}>{a().side === "buy" ? "▲ buy" : "▼ sell"}</span> <Price value={a().quantity} testid="approval-quantity" /> <span class="mono">{a().symbol}</span>
        <span class="faint"> on </span>
        <span class="mono">{a().venue}</span>
        <span class="faint"> · {a().type}</span>
        <Show when={a().price}>{(p) => <> @ <Price value={p()} /></>}</Show>
        <span class="approval-notional">
          ≈ <Amount value={a().notional} asset="USD" unit testid="approval-notional" />
        </span>
      </div>
      <div class="approval-why">
        <For each={a().reasons}>{(r) => <span class="chip approval-reason">{reasonLabel(r)}</span>}</For>
        <span class="approval-message">{a().message}</span>
      </div>
      <Show when={a().signalReason}>
        <div class="approval-signal" data-testid="approval-signal">
          <span class="faint">strategy: </span>
          {a().signalReason}
        </div>
      </Show>
      <ErrorNote error={answer.error()} testid="approval-error" />
      <Show when={props.canAnswer}>
        <div class="button-row approval-actions">
          <button type="button" class="small primary" data-testid="approval-approve" disabled={answer.busy()} onClick={() => void send("approve")}>
            Approve
          </button>
          <button type="button" class="small danger" data-testid="approval-reject" disabled={answer.busy()} onClick={() => void send("reject")}>
            Reject
          </button>
        </div>
      </Show>
    </article>
  );
}

/** Cards shown before the tray folds the rest behind a "show all" (the page stays in view). */
const FOLDED_CARDS = 6;

/** The shell's tray of pending approvals, on every page; empty, it takes no room. */
export function ApprovalTray(props: { role: Role }) {
  const tray = createApprovalTray();
  const [all, setAll] = createSignal(false);
  const shown = () => (all() ? tray.pending() : tray.pending().slice(0, FOLDED_CARDS));
  const hidden = () => tray.pending().length - shown().length;
  return (
    <Show when={tray.pending().length > 0}>
      <section class="approval-tray" aria-label="Orders waiting for approval" data-testid="approval-tray" data-count={tray.pending().length}>
        <For each={shown()}>{(a) => <ApprovalCard approval={a} nowMs={tray.now()} canAnswer={canAct(props.role)} onDecided={tray.decided} />}</For>
        <Show when={hidden() > 0 || all()}>
          <button type="button" class="small ghost approval-more" data-testid="approval-more" onClick={() => setAll(!all())}>
            {all() ? "Show fewer" : `${hidden()} more waiting: show all`}
          </button>
        </Show>
      </section>
    </Show>
  );
}
