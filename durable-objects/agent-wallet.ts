import { CASH } from "../core/ledger.js";
import { decideApproval, resumeStart } from "../core/agents/approval.js";
import { type AgentConfigPatch, resolveConfig, withPaused } from "../core/agents/config.js";
import { agentStatus, agentVote, closeOrder, shortHash } from "../core/agents/control.js";
import { slotStartMs } from "../core/agents/record.js";
import type { AgentConfig, AgentSummary, ApprovalRecord, DecisionRecord } from "../core/agents/types.js";
import type { Json } from "../core/events.js";
import { custom } from "../core/events.js";
import type { Proposal, Vote } from "../core/farm/types.js";
import type { PlaceResult } from "../core/messages.js";
import { str } from "../core/money.js";
import { performanceWeight } from "../core/rebalance.js";
import type { Refused } from "../core/refusals.js";
import type { StrategyId } from "../core/strategies/types.js";
import { attribute } from "../core/trades/attribution.js";
import { tradesOf } from "../core/trades/trades.js";
import type { AgentTrades, Attribution, TradeFill } from "../core/trades/types.js";
import { dec } from "../core/money.js";
import { AgentBook } from "./agent-book.js";
import { CYCLE_SCHEMA, CycleStore } from "./agent-cycle-store.js";
import { AgentCycle } from "./agent-cycle.js";
import { AGENT_SCHEMA } from "./agent-store.js";
import { clock } from "./clock.js";

export { PNL } from "../core/agent/book.js";

/** After a cycle that threw, the next try waits this long (no alarm storm). */
const CYCLE_RETRY_MS = 5_000;

/**
 * One autonomous agent: its book (AgentBook: cash, positions, orders) and its decision cycle, run
 * by the alarm every `cycleMs` of paper time, with its configuration, approvals, trades and votes.
 */
export class AgentWallet extends AgentBook {
  private readonly cycles = new CycleStore(this.sql);
  private readonly cycle = new AgentCycle({
    env: this.env,
    cycles: this.cycles,
    record: () => this.record,
    balances: () => this.balances,
    liveOrders: () => this.store.recent(200).filter((o) => o.status === "open" || o.status === "partially_filled"),
    fills: () => this.store.fills(-1, false),
    tx: (fn) => this.tx(fn),
    emit: (runId, events, atMs, ends) => this.emit(runId, events, atMs, ends),
    enqueue: (h) => this.enqueue(h),
    placeOrder: (venue, req) => this.placeOrder(venue, req, { origin: "agent" }),
    cancelOrder: (id) => this.cancelOrder(id),
    weight: () => performanceWeight(this.trackRecordDecimal()).toNumber(),
    fault: (point) => this.fault(point),
  });

  protected override schema() {
    return [AGENT_SCHEMA, CYCLE_SCHEMA];
  }

  private trackRecordDecimal() {
    const t = this.trackRecord();
    return t ? { pnl: dec(t.pnl), capital: dec(t.capital) } : null;
  }

  /** The earliest of: orders to look up, the next cycle (paper time, as a wall-clock alarm), an approval's expiry, a retry. */
  protected override nextDueMs(): number | null {
    let due = super.nextDueMs() ?? Infinity;
    const config = this.cycles.config();
    if (config && !config.paused && this.record?.status === "active") {
      const last = this.cycles.meta("last_cycle_ms");
      const paperDue = last === null ? clock.nowMs() : slotStartMs(Number(last), config.cycleMs, this.walletId) + config.cycleMs;
      const failed = Number(this.cycles.meta("cycle_failed_ms") ?? 0);
      due = Math.min(due, Math.max(Date.now() + Math.max(0, paperDue - clock.nowMs()), failed + CYCLE_RETRY_MS));
    }
    const expiry = this.cycles.nextExpiryMs();
    if (expiry !== null) due = Math.min(due, expiry);
    return Number.isFinite(due) ? due : null;
  }

  protected override async onAlarm(): Promise<void> {
    await this.reconcileOrders();
    this.expireApprovals(Date.now());
    try {
      await this.cycle.run();
    } catch (err) {
      this.cycles.setMeta("cycle_failed_ms", String(Date.now()));
      console.warn(`cival: ${this.record?.id ?? "an agent"}'s cycle failed; it resumes with the same orders`, err);
    }
  }

  /** Answers at once: a bare round trip (the benchmark's floor). */
  async ping(): Promise<number> {
    return 1;
  }

  /** Runs a decision cycle now if one is due (tests and benchmarks; the alarm does the same). */
  async runCycle(): Promise<DecisionRecord | null> {
    await this.cycle.run();
    this.armAlarm();
    await this.drain();
    return this.cycles.decisions(1)[0] ?? null;
  }

  /** Sets the agent's configuration from a patch (a new agent starts from its farm's strategy). */
  async configure(patch: AgentConfigPatch, fallbackStrategy: StrategyId | null = null, onlyIfNew = false, startPaused = false): Promise<{ ok: true; config: AgentConfig } | Refused> {
    const current = this.cycles.config();
    if (onlyIfNew && current) return { ok: true, config: current };
    if (!this.record || this.record.kind !== "agent") return { ok: false, code: "unknown_wallet", message: "no such agent: it was never created" };
    if (this.record.role === "overseer") return { ok: false, code: "overseer_holds_no_capital", message: `${this.record.id} oversees risk and does not trade` };
    const out = resolveConfig(current, patch, fallbackStrategy, Date.now());
    if (!out.ok) return out;
    const config = !current && startPaused ? withPaused(out.config, true, Date.now()) : out.config;
    this.saveConfig(config, "configured");
    return { ok: true, config };
  }

  /** Pauses or resumes the cycle; positions and resting orders stay as they are. */
  async setPaused(paused: boolean): Promise<{ ok: true; config: AgentConfig } | Refused> {
    const config = this.cycles.config();
    if (!this.record) return { ok: false, code: "unknown_wallet", message: "no such agent: it was never created" };
    if (!config) return { ok: false, code: "unconfigured", message: "the agent has no configuration yet: PUT /api/agents/:id/config first" };
    const next = withPaused(config, paused, Date.now());
    if (next !== config) this.saveConfig(next, paused ? "paused" : "resumed");
    return { ok: true, config: next };
  }

  private saveConfig(config: AgentConfig, what: string): void {
    const nowMs = Date.now();
    this.tx(() => {
      this.cycles.saveConfig(config);
      this.emit(`config:${config.version}`, [custom("cival.agent.configured", { what, config: config as unknown as Json }, nowMs)], nowMs);
    });
    this.armAlarm();
    void this.drain();
  }

  /** The operator's answer: an approved order goes through the normal path (risk checked again); a rejected one is dropped. Once. */
  async answerApproval(id: string, decision: "approve" | "reject", by: string): Promise<{ ok: true; approval: ApprovalRecord } | Refused> {
    const found = this.cycles.approval(id);
    if (!found) return { ok: false, code: "unknown_approval", message: `no approval ${id}` };
    if (found.record.state !== "pending") return { ok: false, code: "approval_closed", message: `approval ${id} was already ${found.record.state}` };
    const decided = decideApproval(found.record, decision, by, Date.now());
    this.closeApproval(decided.record, found.plan);
    if (decided.record.state !== "approved") return { ok: true, approval: decided.record };
    const results: string[] = [];
    for (const id2 of found.plan.cancels) await this.cancelOrder(id2).catch(() => undefined);
    for (const o of found.plan.orders) {
      const out: PlaceResult = await this.placeOrder(o.venue, o.request, { origin: "agent" });
      results.push(out.ok ? `${o.request.clientOrderId}: ${out.order.status}` : `${o.request.clientOrderId} refused (${out.code}): ${out.message}`);
    }
    const settled = { ...decided.record, result: results.join("; ") };
    this.tx(() => {
      this.cycles.saveApproval(settled, found.plan);
      this.enqueue({ t: "approval", approval: settled });
    });
    await this.drain();
    return { ok: true, approval: settled };
  }

  /** Records a decided request and emits the run that resumes (or cancels) the cycle's interrupt. */
  private closeApproval(r: ApprovalRecord, plan: Parameters<CycleStore["saveApproval"]>[1]): void {
    const nowMs = Date.now();
    this.tx(() => {
      this.cycles.saveApproval(r, plan);
      // The cycle that asked is over either way (its row may now be pruned like any other).
      const cycle = this.cycles.cycle(r.cycleId);
      if (cycle?.state === "awaiting_approval") this.cycles.saveCycle({ ...cycle, state: "done" }, nowMs);
      this.enqueue({ t: "approval", approval: r });
      const runId = `${r.id}:${r.state}`;
      this.emit(runId, [custom("cival.approval.decided", r as unknown as Json, nowMs)], nowMs, { start: resumeStart(this.walletId, runId, r, nowMs) });
    });
    this.armAlarm();
  }

  /** Drops requests nobody answered in time. */
  private expireApprovals(nowMs: number): void {
    for (const r of this.cycles.pendingApprovals()) {
      if (r.expiresAtMs > nowMs) continue;
      const found = this.cycles.approval(r.id);
      if (found) this.closeApproval(decideApproval(r, "reject", "expiry", nowMs).record, found.plan);
    }
  }

  async approvals(limit = 50): Promise<ApprovalRecord[]> {
    return this.cycles.approvals(limit);
  }

  async decisions(limit = 50): Promise<DecisionRecord[]> {
    return this.cycles.decisions(limit);
  }

  /** The agent's fills as trades: open positions (at the last cycle's marks) and closed trades, with its attribution. */
  async trades(): Promise<AgentTrades | null> {
    const me = this.record;
    if (!me) return null;
    const marks = JSON.parse(this.cycles.meta("marks") ?? "{}") as Record<string, string>;
    const fills = await this.tradeFills();
    const { open, closed } = tradesOf(fills, (v, s) => marks[`${v}|${s}`] ?? null, clock.nowMs());
    return { agent: me.id, open, closed, attribution: attribute(me.id, fills, open, closed) };
  }

  /** Every fill, oldest first, with the price its order was decided at when a cycle placed it. */
  async tradeFills(): Promise<TradeFill[]> {
    const decided = this.cycles.marks();
    return this.store.fills(-1, false).map(({ venue, fill }) => ({ ...fill, venue, decisionPrice: decided.get(fill.clientOrderId) ?? null }));
  }

  async attribution(): Promise<Attribution | null> {
    return (await this.trades())?.attribution ?? null;
  }

  /** This agent's vote on another's proposal: from its own latest view of the symbol. */
  async vote(proposal: Proposal): Promise<Vote> {
    return agentVote(this.record?.id ?? "unknown", this.cycles.views(), proposal, clock.nowMs());
  }

  /** Sells the whole position at a venue: a reduce-only market order through the normal path (a halt lets it through). */
  async closePosition(venue: string, symbol: string, commandId: string): Promise<PlaceResult> {
    const req = closeOrder(this.balances, this.record, venue, symbol, `${this.walletId.slice(6)}.c${await shortHash(commandId)}`);
    if (!req.ok) return req;
    return this.placeOrder(venue, req.request, { origin: "close" });
  }

  /** The agent as the dashboard lists it. */
  async summary(): Promise<AgentSummary | null> {
    const me = this.record;
    if (!me || me.kind !== "agent") return null;
    const config = this.cycles.config();
    const trades = await this.trades();
    const last = this.cycles.decisions(1)[0] ?? null;
    const pending = this.cycles.pendingApprovals().length;
    const lastMs = this.cycles.meta("last_cycle_ms");
    const a = trades?.attribution;
    return {
      id: me.id,
      name: me.name,
      farm: me.parent,
      status: agentStatus(me, config, last, pending),
      config,
      equity: this.cycles.meta("equity") ?? str(this.balances.get(CASH, "USD" as never)),
      cash: str(this.balances.get(CASH, "USD" as never)),
      realizedPnl: a?.realizedPnl ?? "0",
      unrealizedPnl: a?.unrealizedPnl ?? "0",
      fees: a?.fees ?? "0",
      winRate: a?.hitRate ?? null,
      trades: a?.closedTrades ?? 0,
      openTrades: trades?.open.length ?? 0,
      lastDecision: last,
      pendingApprovals: pending,
      lastCycleAtMs: lastMs === null ? null : Number(lastMs),
      nextCycleAtMs: config && !config.paused && lastMs !== null ? slotStartMs(Number(lastMs), config.cycleMs, me.id) + config.cycleMs : null,
    };
  }
}
