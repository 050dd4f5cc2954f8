import { DurableObject } from "cloudflare:workers";
import type { HeldPosition } from "../core/messages.js";
import { dec } from "../core/money.js";
import type { RiskRefusal } from "../core/refusals.js";
import type { Halt, LimitsConfig, PreTradeDecision, PreTradeOrder, RiskAlert, RiskReport, RiskScope, StressResult, VarConfidence, VarFigure, VarHorizon, VarMethod } from "../core/risk/types.js";
import { scopeLabel } from "../core/risk/alerts.js";
import { type RiskComputation, computeRisk } from "../core/risk/report.js";
import { DEFAULT_LIMITS, type LimitsPatch } from "../core/risk/limits.js";
import { limitUsage, preTrade } from "../core/risk/pretrade.js";
import { type StressRequest, runStress } from "../core/risk/stress.js";
import * as machine from "../core/risk/monitor/index.js";
import { notifyAll, notifyTargets } from "../adapters/notify/alerts.js";
import { Outbox } from "./outbox.js";
import { RiskBook } from "./risk-book.js";
import { NoticeQueue } from "./risk-notices.js";
import { activeAgents, cycleMs, cancelOpenOrders, gather, knownScope, placeRiskOrder, readQuotes, riskViewOf } from "./risk-io.js";
import * as store from "./risk-store.js";
import { DeskBoard, syncEmergencies, type DeskReview, type AgentView, type ApprovalPolicy, type ApprovalPolicyPatch, type Proposal } from "./risk-desk.js";

/** Stops are checked on every step of the market clock while there are positions to protect. */
const STOP_CHECK_MS = 1_000;

type Outcome<T> = ({ ok: true } & T) | { ok: false; code: RiskRefusal; message: string };

/**
 * The desk's risk monitor, a shell around core/risk/monitor: `preTrade` answers from memory with no
 * I/O; an alarm loop gathers books and prices, decides, persists in one transaction, then cancels,
 * mitigates, watches stops and notifies. Its thread, `risk`, carries the report and every decision.
 */
export class RiskMonitor extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly outbox: Outbox;
  private state: machine.MonitorState = { config: DEFAULT_LIMITS, halts: new Map(), active: new Map(), recent: [], last: null };
  private readonly book = new RiskBook();
  private readonly notices: NoticeQueue;
  private noticeSeq = 0;
  private cycling: Promise<RiskReport> | null = null;
  private watching: Promise<void> | null = null;
  private readonly desk: DeskBoard;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.notices = new NoticeQueue(this.sql, env);
    this.desk = new DeskBoard(this.sql);
    this.outbox = new Outbox(this.sql, env, { thread: () => "risk", state: () => machine.threadState(this.state), topics: () => [] }, () => void this.armAlarm());
    void ctx.blockConcurrencyWhile(async () => {
      for (const statement of store.RISK_SCHEMA) this.sql.exec(statement);
      const loaded = store.loadState(this.sql);
      this.state = loaded.state;
      this.book.positions = loaded.positions;
      this.book.pre.setConfig(this.state.config);
      this.book.pre.setHalts([...this.state.halts.values()]);
      if (this.state.last) this.book.feed(null);
    });
  }

  /**
   * Every order's check, from state held in memory: approve, resize to fit, or reject with the rule.
   * A dry run answers by the same rules and counts nothing (POST /api/orders/check).
   */
  async preTrade(order: PreTradeOrder, held?: readonly HeldPosition[], openBuys?: readonly HeldPosition[], dryRun = false): Promise<PreTradeDecision> {
    this.ensureLoop();
    // A fresh monitor knows nothing yet: it reads the desk once before it answers (fail closed, never blind).
    if (!this.state.last) await this.runCycle();
    this.book.refreshAgent(order.agent, held, openBuys);
    const nowMs = Date.now();
    const decision = preTrade(this.book.pre, order, nowMs, dryRun);
    const notice = machine.decisionNotice(order, decision, dryRun, nowMs, ++this.noticeSeq);
    if (notice) {
      // Queued with the answer, published after it: a denial's event never slows the order.
      this.notices.enqueue(notice);
      this.ctx.waitUntil(this.notices.drain().finally(() => this.armAlarm()));
    }
    return decision;
  }

  /** The desk's part of a decision cycle: netting across farms, the alert level, the approval policy. */
  async deskReview(views: readonly AgentView[], proposal: Proposal | null, nowMs: number): Promise<DeskReview> {
    return this.desk.review(views, proposal, nowMs, this.state.active.values(), this.state.halts.values());
  }

  /** The approval policy, changed by `patch` first when one is given (admins). */
  async approvalPolicy(patch?: ApprovalPolicyPatch): Promise<ApprovalPolicy> {
    return patch ? this.desk.setPolicy(patch) : this.desk.policy();
  }

  /** An agent's venue call failed: counted towards the venue-error breaker. */
  async reportVenueError(venue: string, agent: string, code: string): Promise<void> {
    store.addVenueError(this.sql, venue, agent, code, Date.now());
  }

  /** The last report; computed now if the monitor has never run a cycle. */
  async report(): Promise<RiskReport> {
    this.ensureLoop();
    // Halts, limits and alerts change between cycles: the figures are the last cycle's, the rest is current.
    return machine.withState(this.state, this.state.last ?? (await this.runCycle()));
  }

  async varFigure(method: VarMethod, confidence: VarConfidence, horizon: VarHorizon): Promise<VarFigure> {
    return machine.findVar((await this.report()).var, method, confidence, horizon);
  }

  /** A named or custom stress scenario on the desk as it stands. */
  async stress(req: StressRequest): Promise<Outcome<{ result: StressResult }>> {
    const report = await this.report();
    const named = machine.stressScenario(req);
    if (!named.ok) return named;
    const result = runStress(named.scenario, { positions: this.book.positions, quotes: this.book.quotes, returns: this.book.returns(), equity: dec(report.equity), cov: this.book.covariance });
    return { ok: true, result };
  }

  async setLimits(patch: LimitsPatch, by: string): Promise<Outcome<{ limits: LimitsConfig }>> {
    const decided = machine.decideLimits(this.state, patch, by, Date.now());
    if ("ok" in decided) return decided;
    this.ctx.storage.transactionSync(() => this.apply(decided));
    await this.outbox.drain();
    return { ok: true, limits: decided.limits };
  }

  /** The kill switch: halts a scope now (every preTrade for it refuses) and cancels its agents' open orders. */
  async halt(scope: RiskScope, reason: string, by: string): Promise<Outcome<{ halt: Halt }>> {
    if (!(await knownScope(this.env, scope))) return { ok: false, code: "unknown_scope", message: `no ${scope.kind} ${scopeLabel(scope)}` };
    const decided = machine.decideHalt(this.state, scope, reason, by, Date.now());
    this.ctx.storage.transactionSync(() => this.apply(decided));
    await this.outbox.drain();
    await cancelOpenOrders(this.env, machine.haltedWithOrders(this.state, await activeAgents(this.env)));
    this.notify(decided.effects.notify);
    return { ok: true, halt: decided.halt };
  }

  /** Ends a halt (an admin's explicit action, recorded with who and why). */
  async resume(scope: RiskScope, reason: string, by: string): Promise<Outcome<{ resumed: RiskScope }>> {
    const decided = machine.decideResume(this.state, scope, reason, by, Date.now());
    if ("ok" in decided) return decided;
    this.ctx.storage.transactionSync(() => this.apply(decided));
    await this.outbox.drain();
    return { ok: true, resumed: scope };
  }

  /** Runs a full cycle now (tests and operators); the alarm runs the same. */
  async runCycle(): Promise<RiskReport> {
    this.cycling ??= this.cycle().finally(() => (this.cycling = null));
    return this.cycling;
  }

  /** Makes a decision current and persists it (inside a transaction): the state first, so the runs carry its change. */
  private apply(decided: machine.MonitorDecision): void {
    this.state = decided.state;
    const fx = decided.effects;
    if (fx.config) this.book.pre.setConfig(fx.config.config);
    if (fx.haltsPut.length > 0 || fx.haltsRemoved.length > 0) {
      this.book.pre.setHalts([...this.state.halts.values()]);
      this.ctx.waitUntil(syncEmergencies(this.env, this.sql, fx.haltsPut, fx.haltsRemoved).catch((err: unknown) => console.warn("cival: farms' emergency mode not synced", err)));
    }
    store.persistEffects(this.sql, this.outbox, fx, Date.now());
  }

  private ensureLoop(): void {
    if (store.startLoop(this.sql, Date.now() + cycleMs(this.env))) void this.armAlarm();
  }

  private async armAlarm(): Promise<void> {
    let due = store.nextCycleMs(this.sql);
    if (this.book.positions.length > 0 && due !== null) due = Math.min(due, Date.now() + STOP_CHECK_MS);
    if (this.outbox.pending() + this.notices.pending() > 0) due = Math.min(due ?? Infinity, Date.now() + 2_000);
    if (due === null) return;
    await this.ctx.storage.setAlarm(due);
  }

  override async alarm(): Promise<void> {
    try {
      const nowMs = Date.now();
      const next = store.nextCycleMs(this.sql);
      if (next !== null && nowMs >= next - 50) await this.runCycle();
      else if (this.book.positions.length > 0) await this.watchStops(nowMs);
      await Promise.all([this.outbox.drain(), this.notices.drain()]);
    } finally {
      await this.armAlarm();
    }
  }

  /** One cycle: gather, compute the figures, decide, persist, then cancel, mitigate, watch stops and notify (never before a halt is in force). */
  private async cycle(): Promise<RiskReport> {
    const nowMs = Date.now();
    store.setNextCycle(this.sql, nowMs + cycleMs(this.env));
    const inputs = await gather(this.env, nowMs);
    const out: RiskComputation = computeRisk(inputs, {
      config: this.state.config,
      halts: [...this.state.halts.values()],
      marks: store.loadMarks(this.sql),
      venueErrors: store.venueErrorCounts(this.sql, nowMs),
      ...this.book.context(),
    });
    this.book.feed(out, inputs);
    const decided = machine.decideCycle(this.state, out, limitUsage(this.book.pre, nowMs), nowMs);
    this.ctx.storage.transactionSync(() => {
      store.saveMarks(this.sql, decided.marks);
      store.saveReport(this.sql, decided.report, inputs.positions);
      this.apply(decided);
    });
    await this.outbox.drain();
    await cancelOpenOrders(this.env, machine.haltedWithOrders(this.state, inputs.agents));
    for (const order of decided.orders) await this.riskOrder(order, nowMs);
    await this.watchStops(nowMs);
    this.notify(decided.effects.notify);
    return this.state.last ?? decided.report;
  }

  /** Protective stops, one watch at a time: the alarm's and a cycle's must not both fire the same stop. */
  private watchStops(nowMs: number): Promise<void> {
    this.watching ??= this.watchStopsOnce(nowMs).finally(() => (this.watching = null));
    return this.watching;
  }

  private async watchStopsOnce(nowMs: number): Promise<void> {
    if (this.book.positions.length === 0) return;
    const orders = machine.stopOrders(this.state.last?.positions ?? [], await readQuotes(this.env), nowMs);
    for (const order of orders) {
      await this.riskOrder(order, nowMs);
      const view = await riskViewOf(this.env, order.agent);
      if (view) this.book.refreshView(view);
    }
  }

  /** A mitigation or stop order, sent; its outcome recorded, announced and notified. */
  private async riskOrder(order: machine.RiskOrder, nowMs: number): Promise<void> {
    const result = await placeRiskOrder(this.env, order);
    const decided = machine.decideOrderOutcome(this.state, order, result, nowMs);
    this.ctx.storage.transactionSync(() => this.apply(decided));
    await this.outbox.drain();
    this.notify(decided.effects.notify);
  }

  /** Warning and critical alerts go to the operator's channels, after the action they report is in force. A failure is recorded, never thrown. */
  private notify(alerts: readonly RiskAlert[]): void {
    const worth = alerts.filter((a) => a.level !== "info");
    const targets = notifyTargets(this.env);
    if (worth.length === 0 || targets.length === 0) return;
    this.ctx.waitUntil(
      notifyAll(targets, worth).then((outcomes) => {
        const failed = outcomes.filter((o) => !o.ok);
        if (failed.length === 0) return;
        const decided = machine.decideNotifyFailure(this.state, failed, Date.now());
        this.ctx.storage.transactionSync(() => this.apply(decided));
        return this.outbox.flushHistory();
      }),
    );
  }
}
