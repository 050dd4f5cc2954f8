import { type Json, custom, toolCall } from "../../events.js";
import { dec, str } from "../../money.js";
import type { RefusalCode } from "../../refusals.js";
import { triggeredStops } from "../stops.js";
import type { Reduction, RiskAlert, RiskQuote, RiskScope, WatchedPosition } from "../types.js";
import { type MonitorDecision, type MonitorState, draft, finish, keepRecent, record } from "./state.js";

/** An order the monitor sends through an agent's normal order path: market, IOC, reduce-only by origin "risk". */
export interface RiskOrder {
  readonly kind: "mitigation" | "stop";
  readonly agent: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly quantity: string;
  readonly clientOrderId: string;
  readonly reason: string;
  /** For a stop: the position it closes, no longer watched once the stop fires. */
  readonly position?: WatchedPosition;
}

/** How the agent answered a risk order. */
export type RiskOrderResult = { readonly ok: true } | { readonly ok: false; readonly code: RefusalCode; readonly message: string };

/** Mitigation: each reduction as an order, with an id from the cycle. */
export function mitigationOrders(reductions: readonly Reduction[], nowMs: number): RiskOrder[] {
  return reductions.map((r, i) => ({ kind: "mitigation", agent: r.agent, venue: r.venue, symbol: r.symbol, side: r.side, quantity: r.quantity, clientOrderId: `risk-m-${nowMs}-${i}`, reason: r.reason }));
}

/** Each venue's mids by symbol: where a position's exit would trade. */
export function midsByVenue(quotes: readonly RiskQuote[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const q of quotes) {
    const m = out.get(q.venue) ?? {};
    m[q.symbol] = str(dec(q.bid).plus(q.ask).div(2));
    out.set(q.venue, m);
  }
  return out;
}

/** Protective stops: each watched position whose stop its own venue's mid has crossed is closed, whole. */
export function stopOrders(watched: readonly WatchedPosition[], quotes: readonly RiskQuote[], nowMs: number): RiskOrder[] {
  const marksAt = midsByVenue(quotes);
  const out: RiskOrder[] = [];
  for (const [venue, marks] of marksAt) {
    for (const t of triggeredStops(watched.filter((p) => p.venue === venue), marks)) {
      const p = t.position;
      const clientOrderId = `risk-s-${nowMs}-${p.agent.slice(6, 30)}-${p.asset}`.slice(0, 64);
      const reason = `stop at ${t.stop.price} (${t.stop.source}) crossed: mark ${marks[p.symbol] ?? "?"}`;
      out.push({ kind: "stop", agent: p.agent, venue: p.venue, symbol: p.symbol, side: t.side, quantity: t.quantity, clientOrderId, reason, position: p });
    }
  }
  return out;
}

/**
 * What a risk order's answer leaves behind: the action recorded, a one-off alert (warning when
 * placed, critical when not) announced and notified, and a fired stop no longer watched until the
 * next cycle reads what is left of the position (a stop fires once).
 */
export function decideOrderOutcome(state: MonitorState, order: RiskOrder, result: RiskOrderResult, nowMs: number): MonitorDecision {
  const { kind, agent, venue, symbol, side, quantity, clientOrderId, reason } = order;
  const d = draft(state);
  const detail = { agent, venue, symbol, side, quantity, clientOrderId, placed: result.ok, code: result.ok ? null : result.code, message: result.ok ? null : result.message };
  const scope: RiskScope = { kind: "agent", id: agent };
  const alert: RiskAlert = {
    key: `${kind}:${clientOrderId}`,
    level: result.ok ? "warning" : "critical",
    rule: kind === "stop" ? "stop_triggered" : "mitigation",
    scope,
    message: `${kind}: ${side} ${quantity} ${symbol} on ${venue} for ${agent} — ${reason}${result.ok ? "" : ` — not placed: ${result.message}`}`,
    firstAtMs: nowMs,
    lastAtMs: nowMs,
    clearedAtMs: nowMs,
  };
  record(d, kind, scope, "monitor", reason, detail, nowMs, clientOrderId);
  keepRecent(d, alert);
  d.effects.notify.push(alert);
  const id = `${kind}:${clientOrderId}`;
  d.effects.runs.push({ runId: id, events: [...toolCall(id, kind === "stop" ? "protective_stop" : "mitigate", { agent, venue, symbol, side, quantity, reason }, detail, nowMs), custom("cival.risk.alert", alert as unknown as Json, nowMs)] });
  const p = order.position;
  if (p && d.last) d.last = { ...d.last, positions: d.last.positions.filter((w) => !(w.agent === p.agent && w.venue === p.venue && w.symbol === p.symbol)) };
  return finish(d);
}

/** Notifications that failed: recorded as an info alert (never thrown: the action they reported is in force). */
export function decideNotifyFailure(state: MonitorState, failed: ReadonlyArray<{ readonly target: string; readonly error?: string | null }>, nowMs: number): MonitorDecision {
  const d = draft(state);
  keepRecent(d, { key: `notify:${nowMs}`, level: "info", rule: "notification_failed", scope: { kind: "desk" }, message: `could not notify ${failed.map((f) => `${f.target} (${f.error})`).join(", ")}`, firstAtMs: nowMs, lastAtMs: nowMs, clearedAtMs: nowMs });
  return finish(d);
}
