import type { Halt, RiskScope } from "../../../core/risk/types.ts";
import { ruleLabel, scopeLabel } from "../pages/risk/risk-format.ts";

/**
 * Halts as every page sees them: which one stops an agent's orders, and how a halt reads in the
 * banner and beside a disabled ticket. The halts come from the risk thread's state (risk-feed.ts).
 */

function isScope(scope: RiskScope, kind: RiskScope["kind"], id: string | null): boolean {
  if (scope.kind !== kind) return false;
  return scope.kind === "desk" || scope.id === id;
}

/** The halt that stops `agent` (of `farm`) from trading: the desk's, else its farm's, else its own; null when none. */
export function blockingHalt(halts: readonly Halt[], agent: string, farm: string | null): Halt | null {
  return (
    halts.find((h) => isScope(h.scope, "desk", null)) ??
    (farm ? halts.find((h) => isScope(h.scope, "farm", farm)) : undefined) ??
    halts.find((h) => isScope(h.scope, "agent", agent)) ??
    null
  );
}

/** Who and what stopped trading, in a sentence: "desk halted by ops (Kill switch): “drill”". */
export function haltSentence(halt: Halt): string {
  return `${scopeLabel(halt.scope)} halted by ${halt.by} (${ruleLabel(halt.rule)}): “${halt.reason}”`;
}

/** Why the ticket is closed while `halt` is in force, naming the scope, the rule and who. */
export function haltedTicketReason(halt: Halt): string {
  const what = halt.scope.kind === "desk" ? "all order entry is stopped" : "order entry is stopped for this agent";
  return `${haltSentence(halt)}; ${what} until it is resumed`;
}
