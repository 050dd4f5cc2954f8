import type { AgentStatus, DecisionOutcome } from "../../../../core/agents/types.ts";
import { outcomeLabel, signedMoney, statusBadge } from "./model.ts";

/** The agent's status: glyph and word (the tone only repeats them). */
export function StatusBadge(props: { status: AgentStatus; testid?: string }) {
  const b = () => statusBadge(props.status);
  return (
    <span class={`agent-badge tone-${b().tone}`} data-status={props.status} data-testid={props.testid}>
      <span class="agent-badge-glyph" aria-hidden="true">
        {b().glyph}
      </span>
      {b().label}
    </span>
  );
}

/** A P&L figure with its sign written out; green or red repeats the sign. */
export function Pnl(props: { value: string; asset?: string; testid?: string }) {
  const p = () => signedMoney(props.value, props.asset ?? "USD");
  return (
    <span class={`amount pnl pnl-${p().tone}`} data-amount={props.value} data-testid={props.testid} title={`${props.value} ${props.asset ?? "USD"}`}>
      {p().text}
    </span>
  );
}

/** What became of a decision cycle, as a tag. */
export function OutcomeTag(props: { outcome: DecisionOutcome; testid?: string }) {
  const o = () => outcomeLabel(props.outcome);
  return (
    <span class={`outcome-tag tone-${o().tone}`} data-outcome={props.outcome} data-testid={props.testid}>
      {o().label}
    </span>
  );
}
