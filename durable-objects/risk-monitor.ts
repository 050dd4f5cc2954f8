import { DurableObject } from "cloudflare:workers";
import { type Json, custom, toolCall } from "../core/events.js";
import { resolveMarketParams } from "../core/market-sim.js";
import { Decimal, dec, str } from "../core/money.js";
import { PAPER_MARKET, PAPER_VENUES, paperVenueSpec } from "../core/paper-venues.js";
import { type AlertCondition, reconcileAlerts, scopeLabel } from "../core/risk/alerts.js";
import { RISK_HISTORY_SOURCE, paperHistory } from "../core/risk/history.js";
import { quoteFromBook } from "../core/risk/metrics.js";
import type {
  Halt,
  LimitsConfig,
  PreTradeDecision,
  PreTradeOrder,
  Reduction,
  ReturnMatrix,
  RiskAlert,
  RiskPosition,
  RiskQuote,
  RiskReport,
  RiskScope,
  StressResult,
  StressScenario,
  VarConfidence,
  VarFigure,
  VarHorizon,
  VarMethod,
} from "../core/risk/types.js";
import type { RiskRefusal } from "../core/refusals.js";
import type { AgentRiskView, HeldPosition, WalletState } from "../core/messages.js";
import { Outbox, OUTBOX_SCHEMA } from "./outbox.js";
import { agentStub, farmStub, openVenue, treasuryStub } from "./stubs.js";
import { notifyAll, notifyTargets } from "../adapters/notify/alerts.js";
import { type RiskComputation, type RiskInputs, type ScopeMark, computeRisk, usageConditions } from "../core/risk/report.js";
import { DEFAULT_LIMITS, type LimitsPatch, applyLimitsPatch } from "../core/risk/limits.js";
import { PreTradeState, limitUsage, preTrade } from "../core/risk/pretrade.js";
import { isHalted, scopeKey } from "../core/risk/breakers.js";
import { STRESS_SCENARIOS, type StressRequest, runStress } from "../core/risk/stress.js";
import { triggeredStops } from "../core/risk/stops.js";

export type { RiskReport };

const DEFAULT_CYCLE_SECONDS = 10;
/** Lot sizes, minimum notionals and ticks of the paper symbols: what mitigation orders and stops are rounded to. */
const SYMBOLS = paperVenueSpec(PAPER_VENUES[0]?.id ?? "paper-binance")?.symbols ?? [];
const LOTS = Object.fromEntries(SYMBOLS.map((s) => [s.symbol, { lotSize: s.lotSize, minNotional: s.minNotional }]));
const TICKS = Object.fromEntries(SYMBOLS.map((s) => [s.symbol, s.tickSize]));
/** Stops are checked on every step of the market clock while there are positions to protect. */
const STOP_CHECK_MS = 1_000;
/** A venue error older than this no longer counts towards the breaker. */
const VENUE_ERROR_WINDOW_MS = 5 * 60_000;
/** Cleared alerts kept in memory (and in the report) besides the active ones. */
const RECENT_ALERTS = 50;

const SCHEMA: readonly string[] = [
  ...OUTBOX_SCHEMA,
  `CREATE TABLE IF NOT EXISTS risk_config (id INTEGER PRIMARY KEY CHECK (id = 1), config TEXT NOT NULL, updated_ms INTEGER NOT NULL, updated_by TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS halts (scope TEXT PRIMARY KEY, halt TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS alerts (key TEXT PRIMARY KEY, alert TEXT NOT NULL, active INTEGER NOT NULL, last_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS marks (scope TEXT PRIMARY KEY, day_ms INTEGER NOT NULL, day_start_perf TEXT NOT NULL, peak_perf TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS report (id INTEGER PRIMARY KEY CHECK (id = 1), report TEXT NOT NULL, positions TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS venue_errors (id INTEGER PRIMARY KEY AUTOINCREMENT, venue TEXT NOT NULL, agent TEXT NOT NULL, code TEXT NOT NULL, at_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS loop (id INTEGER PRIMARY KEY CHECK (id = 1), started INTEGER NOT NULL, next_cycle_ms INTEGER NOT NULL)`,
];

type Outcome<T> = ({ ok: true } & T) | { ok: false; code: RiskRefusal; message: string };

/**
 * The desk's risk monitor. It holds what every order's pre-trade check needs (limits, positions,
 * marks, VaR sensitivities, halts) in memory, so `preTrade` answers without any I/O; an alarm loop
 * reads the agents' books and the venues' prices, recomputes every metric, stores a snapshot, trips
 * breakers, sends mitigation and stop orders through the agents' normal order path, and raises
 * alerts. Its thread, `risk`, carries the report as state and every decision as an event.
 */
export class RiskMonitor extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly outbox: Outbox;
  private config: LimitsConfig = DEFAULT_LIMITS;
  private readonly halts = new Map<string, Halt>();
  private active = new Map<string, RiskAlert>();
  private recent: RiskAlert[] = [];
  private readonly pre: PreTradeState;
  private history: ReturnMatrix | null = null;
  private last: RiskReport | null = null;
  private positions: readonly RiskPosition[] = [];
  private cycling: Promise<RiskReport> | null = null;
  private watching: Promise<void> | null = null;
  /** Each agent's open buy orders, as it sent them with its last order (in memory: the next order resends them). */
  private readonly openBuys = new Map<string, readonly HeldPosition[]>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.outbox = new Outbox(this.sql, env, { thread: () => "risk", state: () => this.threadState(), topics: () => [] }, () => void this.armAlarm());
    this.pre = new PreTradeState(DEFAULT_LIMITS);
    void ctx.blockConcurrencyWhile(async () => {
      for (const statement of SCHEMA) this.sql.exec(statement);
      this.load();
    });
  }

  private load(): void {
    const cfg = this.sql.exec<{ config: string }>(`SELECT config FROM risk_config WHERE id = 1`).toArray()[0];
    this.config = cfg ? (JSON.parse(cfg.config) as LimitsConfig) : DEFAULT_LIMITS;
    this.halts.clear();
    for (const r of this.sql.exec<{ scope: string; halt: string }>(`SELECT scope, halt FROM halts`)) this.halts.set(r.scope, JSON.parse(r.halt) as Halt);
    this.active = new Map();
    this.recent = [];
    for (const r of this.sql.exec<{ key: string; alert: string; active: number }>(`SELECT key, alert, active FROM alerts ORDER BY last_ms DESC LIMIT ?`, RECENT_ALERTS * 4)) {
      const alert = JSON.parse(r.alert) as RiskAlert;
      if (r.active) this.active.set(r.key, alert);
      else if (this.recent.length < RECENT_ALERTS) this.recent.push(alert);
    }
    const rep = this.sql.exec<{ report: string; positions: string }>(`SELECT report, positions FROM report WHERE id = 1`).toArray()[0];
    this.last = rep ? (JSON.parse(rep.report) as RiskReport) : null;
    this.positions = rep ? (JSON.parse(rep.positions) as RiskPosition[]) : [];
    this.pre.setConfig(this.config);
    this.pre.setHalts([...this.halts.values()]);
    if (this.last) this.feedPreTrade(null);
  }

  private cycleMs(): number {
    const s = Number(this.env.RISK_CYCLE_SECONDS ?? DEFAULT_CYCLE_SECONDS);
    return Number.isFinite(s) && s >= 1 ? Math.round(s * 1000) : DEFAULT_CYCLE_SECONDS * 1000;
  }

  // ───────────────────────── pre-trade ─────────────────────────

  /**
   * Every order's check, from state held in memory: approve, resize to fit, or reject with the rule.
   * A dry run answers by the same rules and counts nothing (POST /api/orders/check).
   */
  async preTrade(order: PreTradeOrder, held?: readonly HeldPosition[], openBuys?: readonly HeldPosition[], dryRun = false): Promise<PreTradeDecision> {
    this.ensureLoop();
    // A fresh monitor knows nothing yet: it reads the desk once before it answers (fail closed, never blind).
    if (!this.last) await this.runCycle();
    let changed = held ? this.refreshAgent(order.agent, held) : false;
    if (openBuys) changed = this.refreshOpenBuys(order.agent, openBuys) || changed;
    if (changed) this.pre.setPositions(this.checkedPositions());
    return preTrade(this.pre, order, Date.now(), dryRun);
  }

  /** An agent's open buys as it last sent them; true when they changed. */
  private refreshOpenBuys(agent: string, buys: readonly HeldPosition[]): boolean {
    const before = this.openBuys.get(agent) ?? [];
    if (before.length === buys.length && before.every((b, i) => b.venue === buys[i]?.venue && b.symbol === buys[i]?.symbol && b.quantity === buys[i]?.quantity)) return false;
    if (buys.length === 0) this.openBuys.delete(agent);
    else this.openBuys.set(agent, buys);
    return true;
  }

  /**
   * What pre-trade checks count as held: the positions, plus what open buy orders would add if they
   * filled (at the marks), so that resting orders cannot add up past a limit.
   */
  private checkedPositions(): RiskPosition[] {
    const out: RiskPosition[] = [...this.positions];
    for (const buys of this.openBuys.values()) {
      for (const b of buys) {
        const mark = this.pre.markOf(b.symbol);
        if (mark) out.push({ ...b, price: str(mark), entryPrice: null });
      }
    }
    return out;
  }

  /**
   * The agent's own positions as it sent them with its order: fills since the last cycle count at
   * once, so a fast agent cannot outrun its limits between cycles. Priced at the monitor's marks.
   */
  private refreshAgent(agent: string, held: readonly HeldPosition[]): boolean {
    const mine = this.positions.filter((p) => p.agent === agent);
    const same = mine.length === held.length && mine.every((p, i) => p.venue === held[i]?.venue && p.symbol === held[i]?.symbol && p.quantity === held[i]?.quantity);
    if (same) return false;
    const priced: RiskPosition[] = held.map((h) => {
      const before = mine.find((p) => p.venue === h.venue && p.symbol === h.symbol);
      const mark = this.pre.markOf(h.symbol);
      return { ...h, price: mark ? str(mark) : (before?.price ?? "0"), entryPrice: before?.entryPrice ?? null };
    });
    this.positions = [...this.positions.filter((p) => p.agent !== agent), ...priced].sort((a, b) => (a.agent + a.venue + a.symbol < b.agent + b.venue + b.symbol ? -1 : 1));
    return true;
  }

  /** An agent's venue call failed: counted towards the venue-error breaker. */
  async reportVenueError(venue: string, agent: string, code: string): Promise<void> {
    this.sql.exec(`INSERT INTO venue_errors (venue, agent, code, at_ms) VALUES (?, ?, ?, ?)`, venue, agent, code, Date.now());
  }

  // ───────────────────────── queries ─────────────────────────

  /** The last report; computed now if the monitor has never run a cycle. */
  async report(): Promise<RiskReport> {
    this.ensureLoop();
    // Halts, limits and alerts change between cycles: the figures are the last cycle's, the rest is current.
    return this.withState(this.last ?? (await this.runCycle()));
  }

  async varFigure(method: VarMethod, confidence: VarConfidence, horizon: VarHorizon): Promise<VarFigure> {
    const report = await this.report();
    const figure = report.var.find((v) => v.method === method && v.confidence === confidence && v.horizon === horizon);
    if (!figure) throw new Error(`invariant: the report has every VaR figure, missing ${method} ${confidence} ${horizon}`);
    return figure;
  }

  /** A named or custom stress scenario on the desk as it stands. */
  async stress(req: StressRequest): Promise<Outcome<{ result: StressResult }>> {
    const report = await this.report();
    let scenario: StressScenario | undefined;
    if ("scenario" in req) {
      scenario = STRESS_SCENARIOS.find((s) => s.id === req.scenario);
      if (!scenario) return { ok: false, code: "unknown_scenario", message: `no scenario ${req.scenario}; the named ones are ${STRESS_SCENARIOS.map((s) => s.id).join(", ")}` };
    } else scenario = req.custom;
    const result = runStress(scenario, { positions: this.positions, quotes: this.quotes, returns: this.returns(), equity: dec(report.equity), cov: this.covariance });
    return { ok: true, result };
  }

  // ───────────────────────── commands ─────────────────────────

  async setLimits(patch: LimitsPatch, by: string): Promise<Outcome<{ limits: LimitsConfig }>> {
    let next: LimitsConfig;
    try {
      next = applyLimitsPatch(this.config, patch);
    } catch (err) {
      return { ok: false, code: "invalid_limits", message: err instanceof Error ? err.message : String(err) };
    }
    const nowMs = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(`INSERT OR REPLACE INTO risk_config (id, config, updated_ms, updated_by) VALUES (1, ?, ?, ?)`, JSON.stringify(next), nowMs, by);
      this.config = next;
      this.pre.setConfig(next);
      if (this.last) this.last = { ...this.last, limits: next };
      this.record("limits", { kind: "desk" }, by, "limits changed", patch as unknown as Json, nowMs);
      this.outbox.emit(`limits:${nowMs}`, toolCall(`limits:${nowMs}`, "set_limits", { by, patch: patch as unknown as Json }, { limits: next as unknown as Json }, nowMs), nowMs);
    });
    await this.outbox.drain();
    return { ok: true, limits: next };
  }

  /** The kill switch: halts a scope now (every preTrade for it refuses) and cancels its agents' open orders. */
  async halt(scope: RiskScope, reason: string, by: string): Promise<Outcome<{ halt: Halt }>> {
    const known = await this.knownScope(scope);
    if (!known) return { ok: false, code: "unknown_scope", message: `no ${scope.kind} ${scopeLabel(scope)}` };
    const nowMs = Date.now();
    const halt: Halt = { scope, rule: "kill_switch", reason, by, atMs: nowMs, resumeAtMs: null };
    const raised = this.ctx.storage.transactionSync(() => this.applyHalts([halt], nowMs));
    await this.outbox.drain();
    await this.cancelHalted();
    this.notify(raised);
    return { ok: true, halt: this.halts.get(scopeKey(scope)) ?? halt };
  }

  /** Ends a halt (an admin's explicit action, recorded with who and why). */
  async resume(scope: RiskScope, reason: string, by: string): Promise<Outcome<{ resumed: RiskScope }>> {
    const key = scopeKey(scope);
    const existing = this.halts.get(key);
    if (!existing) return { ok: false, code: "not_halted", message: `${scopeLabel(scope)} is not halted` };
    const nowMs = Date.now();
    this.ctx.storage.transactionSync(() => this.liftHalt(existing, by, reason, nowMs));
    await this.outbox.drain();
    return { ok: true, resumed: scope };
  }

  /** Runs a full cycle now (tests and operators); the alarm runs the same. */
  async runCycle(): Promise<RiskReport> {
    if (this.cycling) return this.cycling;
    const work = this.cycle().finally(() => {
      this.cycling = null;
    });
    this.cycling = work;
    return work;
  }

  // ───────────────────────── the loop ─────────────────────────

  private ensureLoop(): void {
    const row = this.sql.exec<{ started: number }>(`SELECT started FROM loop WHERE id = 1`).toArray()[0];
    if (row) return;
    this.sql.exec(`INSERT INTO loop (id, started, next_cycle_ms) VALUES (1, 1, ?)`, Date.now() + this.cycleMs());
    void this.armAlarm();
  }

  private nextCycleMs(): number | null {
    return this.sql.exec<{ next_cycle_ms: number }>(`SELECT next_cycle_ms FROM loop WHERE id = 1`).toArray()[0]?.next_cycle_ms ?? null;
  }

  private async armAlarm(): Promise<void> {
    const nextCycle = this.nextCycleMs();
    let due = nextCycle;
    if (this.positions.length > 0 && due !== null) due = Math.min(due, Date.now() + STOP_CHECK_MS);
    if (this.outbox.pending() > 0) due = Math.min(due ?? Infinity, Date.now() + 2_000);
    if (due === null) return;
    await this.ctx.storage.setAlarm(due);
  }

  override async alarm(): Promise<void> {
    try {
      const nowMs = Date.now();
      const next = this.nextCycleMs();
      if (next !== null && nowMs >= next - 50) await this.runCycle();
      else if (this.positions.length > 0) await this.watchStops(nowMs);
      await this.outbox.drain();
    } finally {
      await this.armAlarm();
    }
  }

  /**
   * One cycle: read the desk, compute every metric (core/risk/report), store the snapshot, trip or
   * clear breakers, cancel what halted agents have open, send mitigation orders, raise and clear
   * alerts, tell the dashboard, then notify the operator (never before the halt is in force).
   */
  private async cycle(): Promise<RiskReport> {
    const nowMs = Date.now();
    this.sql.exec(`UPDATE loop SET next_cycle_ms = ? WHERE id = 1`, nowMs + this.cycleMs());
    const inputs = await this.gather(nowMs);
    const marks = this.loadMarks();
    const venueErrors = this.venueErrorCounts(nowMs);
    const out: RiskComputation = computeRisk(inputs, {
      config: this.config,
      halts: [...this.halts.values()],
      marks,
      venueErrors,
      returns: this.returns(),
      historySource: RISK_HISTORY_SOURCE,
      lots: LOTS,
      ticks: TICKS,
    });
    this.quotes = inputs.quotes;
    this.covariance = out.covariance;
    this.positions = inputs.positions;
    this.feedPreTrade(out);
    const usage = limitUsage(this.pre, nowMs);
    const raised = this.ctx.storage.transactionSync(() => {
      this.saveMarks(out.marks);
      const tripped = this.applyHalts(out.trips, nowMs);
      for (const scope of out.clears) {
        const h = this.halts.get(scopeKey(scope));
        if (h) this.liftHalt(h, "monitor", "cool-down elapsed and the condition has cleared", nowMs);
      }
      // Alerts from the figures and from the gauges (warning from 80% of a limit, critical over it), deduplicated.
      const changes = reconcileAlerts(this.active, [...out.conditions, ...usageConditions(usage)], nowMs);
      this.active = changes.active;
      for (const a of [...changes.raised, ...changes.continued]) this.saveAlert(a, true);
      for (const a of changes.cleared) this.saveAlert(a, false);
      this.recent = [...changes.cleared, ...this.recent].slice(0, RECENT_ALERTS);
      const report = this.withState({ ...out.report, usage });
      this.last = report;
      this.sql.exec(`INSERT OR REPLACE INTO report (id, report, positions) VALUES (1, ?, ?)`, JSON.stringify(report), JSON.stringify(inputs.positions));
      this.outbox.enqueue({
        t: "risk_snapshot",
        snapshot: {
          asOfMs: nowMs,
          equity: report.equity,
          grossExposure: report.grossExposure,
          dailyPnl: report.dailyPnl,
          var99: report.var.find((v) => v.method === "parametric" && v.confidence === 0.99 && v.horizon === "1d")?.var ?? "0",
          halted: this.halts.size > 0,
          report: JSON.stringify(report),
        },
      });
      // The cycle is a run on the risk thread: its alerts, then the report's change as a state delta.
      this.outbox.emit(`cycle:${nowMs}`, changes.raised.map((a) => custom("cival.risk.alert", a as unknown as Json, nowMs)), nowMs);
      return [...tripped, ...changes.raised];
    });
    await this.outbox.drain();
    await this.cancelHalted(inputs);
    await this.mitigate(out.reductions, nowMs);
    await this.watchStops(nowMs);
    this.notify(raised);
    return this.last ?? out.report;
  }

  /** The report with what the monitor holds itself: limits, halts, alerts. */
  private withState(report: RiskReport): RiskReport {
    const alerts = [...this.active.values()].sort((a, b) => b.lastAtMs - a.lastAtMs);
    return { ...report, limits: this.config, halts: [...this.halts.values()], alerts: [...alerts, ...this.recent].slice(0, RECENT_ALERTS) };
  }

  private threadState(): Json {
    return (this.last ? this.withState(this.last) : { asOfMs: 0, halts: [...this.halts.values()], limits: this.config }) as unknown as Json;
  }

  /** Tells the pre-trade state what this cycle found (positions are `this.positions`): marks, depth, VaR sensitivities, P&L. */
  private feedPreTrade(out: RiskComputation | null): void {
    if (out) this.pre.setMarks(out.marksBySymbol);
    this.pre.setPositions(this.checkedPositions());
    if (!out) return;
    this.pre.setDepth(this.quotes);
    this.pre.setRiskSensitivities(out.scopes.filter((s) => s.var !== null).map((s) => ({ scope: s.scope, var: s.var ?? "0", marginal: s.marginal })));
    this.pre.setPnl(out.scopes.map((s) => ({ scope: s.scope, dailyPnl: str(s.dailyPnl), drawdown: s.drawdown })));
  }

  // ───────────────────────── halts ─────────────────────────

  /** Puts halts in force (inside a transaction): stored, told to preTrade, recorded, announced. Answers the alerts raised. */
  private applyHalts(halts: readonly Halt[], nowMs: number): RiskAlert[] {
    const raised: RiskAlert[] = [];
    for (const h of halts) {
      const key = scopeKey(h.scope);
      if (this.halts.has(key)) continue;
      this.halts.set(key, h);
      this.sql.exec(`INSERT OR REPLACE INTO halts (scope, halt) VALUES (?, ?)`, key, JSON.stringify(h));
      this.record("halt", h.scope, h.by, h.reason, { rule: h.rule, resumeAtMs: h.resumeAtMs }, nowMs);
      const alert: RiskAlert = { key: `halt:${key}:${nowMs}`, level: "critical", rule: h.rule, scope: h.scope, message: `${scopeLabel(h.scope)} halted: ${h.reason}`, firstAtMs: nowMs, lastAtMs: nowMs, clearedAtMs: null };
      this.saveAlert(alert, false);
      this.recent = [alert, ...this.recent].slice(0, RECENT_ALERTS);
      raised.push(alert);
      this.outbox.emit(`halt:${key}:${nowMs}`, [...toolCall(`halt:${key}:${nowMs}`, "halt_trading", { scope: h.scope as unknown as Json, reason: h.reason, by: h.by }, h as unknown as Json, nowMs), custom("cival.risk.halted", h as unknown as Json, nowMs)], nowMs);
    }
    this.pre.setHalts([...this.halts.values()]);
    return raised;
  }

  private liftHalt(h: Halt, by: string, reason: string, nowMs: number): void {
    const key = scopeKey(h.scope);
    this.halts.delete(key);
    this.sql.exec(`DELETE FROM halts WHERE scope = ?`, key);
    this.pre.setHalts([...this.halts.values()]);
    this.record("resume", h.scope, by, reason, { halted: h as unknown as Json }, nowMs);
    const alert: RiskAlert = { key: `resume:${key}:${nowMs}`, level: "info", rule: "resumed", scope: h.scope, message: `${scopeLabel(h.scope)} resumed by ${by}: ${reason}`, firstAtMs: nowMs, lastAtMs: nowMs, clearedAtMs: nowMs };
    this.saveAlert(alert, false);
    this.recent = [alert, ...this.recent].slice(0, RECENT_ALERTS);
    this.outbox.emit(`resume:${key}:${nowMs}`, [...toolCall(`resume:${key}:${nowMs}`, "resume_trading", { scope: h.scope as unknown as Json, reason, by }, { resumed: true }, nowMs), custom("cival.risk.resumed", { scope: h.scope as unknown as Json, by, reason }, nowMs)], nowMs);
  }

  /** Agents under a halt cancel whatever they have open. */
  private async cancelHalted(inputs?: RiskInputs): Promise<void> {
    if (this.halts.size === 0) return;
    const directory = inputs?.agents ?? (await treasuryStub(this.env).directory()).filter((w) => w.kind === "agent" && w.status === "active").map((w) => ({ agent: w.id, farm: w.parent, openOrders: 1 }));
    const halted = directory.filter((a) => a.openOrders > 0 && isHalted([...this.halts.values()], a.agent, a.farm?.startsWith("farm:") ? a.farm : null));
    await Promise.all(
      halted.map((a) =>
        agentStub(this.env, a.agent)
          .cancelOpenOrders()
          .catch((err: unknown) => console.warn(`cival: cancelling ${a.agent}'s orders under a halt failed; the next cycle retries`, err)),
      ),
    );
  }

  private async knownScope(scope: RiskScope): Promise<boolean> {
    if (scope.kind === "desk") return true;
    const w = await treasuryStub(this.env).lookup(scope.id);
    return w !== null && w.kind === scope.kind;
  }

  // ───────────────────────── orders the monitor sends ─────────────────────────

  /** Mitigation: each reduction goes through the agent's normal order path, reduce-only, with an id from the cycle. */
  private async mitigate(reductions: readonly Reduction[], nowMs: number): Promise<void> {
    let i = 0;
    for (const r of reductions) {
      const clientOrderId = `risk-m-${nowMs}-${i++}`;
      await this.riskOrder("mitigation", r.agent, r.venue, r.symbol, r.side, r.quantity, clientOrderId, r.reason, nowMs);
    }
  }

  /** Protective stops: on every market step, a position whose stop is crossed is closed, reduce-only. */
  private watchStops(nowMs: number): Promise<void> {
    // One watch at a time: the alarm's and a cycle's must not both fire the same stop.
    if (this.watching) return this.watching;
    const work = this.watchStopsOnce(nowMs).finally(() => {
      this.watching = null;
    });
    this.watching = work;
    return work;
  }

  private async watchStopsOnce(nowMs: number): Promise<void> {
    if (this.positions.length === 0) return;
    const quotes = await this.readQuotes();
    // Each position is watched at its own venue's mid: that is where its exit would trade.
    const marksAt = new Map<string, Record<string, string>>();
    for (const q of quotes) {
      const m = marksAt.get(q.venue) ?? {};
      m[q.symbol] = str(dec(q.bid).plus(q.ask).div(2));
      marksAt.set(q.venue, m);
    }
    const watched = this.last?.positions ?? [];
    const triggered = [...marksAt].flatMap(([venue, marks]) => triggeredStops(watched.filter((p) => p.venue === venue), marks));
    for (const t of triggered) {
      const marks = marksAt.get(t.position.venue) ?? {};
      const p = t.position;
      const clientOrderId = `risk-s-${nowMs}-${p.agent.slice(6, 30)}-${p.asset}`.slice(0, 64);
      await this.riskOrder("stop", p.agent, p.venue, p.symbol, t.side, t.quantity, clientOrderId, `stop at ${t.stop.price} (${t.stop.source}) crossed: mark ${marks[p.symbol] ?? "?"}`, nowMs);
      // The position is no longer watched until the next cycle reads what is left of it: a stop fires once.
      if (this.last) this.last = { ...this.last, positions: this.last.positions.filter((w) => !(w.agent === p.agent && w.venue === p.venue && w.symbol === p.symbol)) };
      const held = await agentStub(this.env, p.agent).riskView().catch(() => null);
      if (held && this.refreshAgent(p.agent, held.positions.map((h) => ({ agent: p.agent, farm: held.farm, venue: h.venue, symbol: h.symbol, asset: h.asset, quantity: h.quantity })))) this.pre.setPositions(this.checkedPositions());
    }
  }

  private async riskOrder(kind: "mitigation" | "stop", agent: string, venue: string, symbol: string, side: "buy" | "sell", quantity: string, clientOrderId: string, reason: string, nowMs: number): Promise<void> {
    const out = await agentStub(this.env, agent)
      .placeOrder(venue, { clientOrderId, symbol, side, type: "market", quantity, price: null, timeInForce: "ioc" }, { origin: "risk" })
      .catch((err: unknown) => ({ ok: false as const, code: "unavailable", message: err instanceof Error ? err.message : String(err) }));
    const detail = { agent, venue, symbol, side, quantity, clientOrderId, placed: out.ok, code: out.ok ? null : out.code, message: out.ok ? null : out.message };
    const scope: RiskScope = { kind: "agent", id: agent };
    const alert: RiskAlert = {
      key: `${kind}:${clientOrderId}`,
      level: out.ok ? "warning" : "critical",
      rule: kind === "stop" ? "stop_triggered" : "mitigation",
      scope,
      message: `${kind === "stop" ? "stop" : "mitigation"}: ${side} ${quantity} ${symbol} on ${venue} for ${agent} — ${reason}${out.ok ? "" : ` — not placed: ${out.message}`}`,
      firstAtMs: nowMs,
      lastAtMs: nowMs,
      clearedAtMs: nowMs,
    };
    this.ctx.storage.transactionSync(() => {
      this.record(kind, scope, "monitor", reason, detail, nowMs, clientOrderId);
      this.saveAlert(alert, false);
      this.recent = [alert, ...this.recent].slice(0, RECENT_ALERTS);
      this.outbox.emit(`${kind}:${clientOrderId}`, [...toolCall(`${kind}:${clientOrderId}`, kind === "stop" ? "protective_stop" : "mitigate", { agent, venue, symbol, side, quantity, reason }, detail, nowMs), custom("cival.risk.alert", alert as unknown as Json, nowMs)], nowMs);
    });
    await this.outbox.drain();
    this.notify([alert]);
  }

  // ───────────────────────── records ─────────────────────────

  private record(kind: "halt" | "resume" | "limits" | "mitigation" | "stop", scope: RiskScope, by: string, reason: string, detail: Json, nowMs: number, id?: string): void {
    this.outbox.enqueue({ t: "risk_action", action: { id: id ?? `${kind}:${scopeKey(scope)}:${nowMs}`, kind, scope: scopeKey(scope), by, reason, detail: JSON.stringify(detail), atMs: nowMs } });
  }

  private saveAlert(a: RiskAlert, active: boolean): void {
    this.sql.exec(`INSERT OR REPLACE INTO alerts (key, alert, active, last_ms) VALUES (?, ?, ?, ?)`, a.key, JSON.stringify(a), active ? 1 : 0, a.lastAtMs);
    this.outbox.enqueue({ t: "risk_alert", alert: { key: a.key, firstAtMs: a.firstAtMs, level: a.level, rule: a.rule, scope: JSON.stringify(a.scope), message: a.message, lastAtMs: a.lastAtMs, clearedAtMs: a.clearedAtMs } });
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
        const nowMs = Date.now();
        const alert: RiskAlert = { key: `notify:${nowMs}`, level: "info", rule: "notification_failed", scope: { kind: "desk" }, message: `could not notify ${failed.map((f) => `${f.target} (${f.error})`).join(", ")}`, firstAtMs: nowMs, lastAtMs: nowMs, clearedAtMs: nowMs };
        this.ctx.storage.transactionSync(() => {
          this.saveAlert(alert, false);
          this.recent = [alert, ...this.recent].slice(0, RECENT_ALERTS);
        });
        return this.outbox.flushHistory();
      }),
    );
  }

  private loadMarks(): Map<string, { dayMs: number; dayStartPerf: string; peakPerf: string }> {
    const out = new Map<string, { dayMs: number; dayStartPerf: string; peakPerf: string }>();
    for (const r of this.sql.exec<{ scope: string; day_ms: number; day_start_perf: string; peak_perf: string }>(`SELECT * FROM marks`)) out.set(r.scope, { dayMs: r.day_ms, dayStartPerf: r.day_start_perf, peakPerf: r.peak_perf });
    return out;
  }

  private saveMarks(marks: ReadonlyMap<string, { dayMs: number; dayStartPerf: string; peakPerf: string }>): void {
    for (const [scope, m] of marks) this.sql.exec(`INSERT OR REPLACE INTO marks (scope, day_ms, day_start_perf, peak_perf) VALUES (?, ?, ?, ?)`, scope, m.dayMs, m.dayStartPerf, m.peakPerf);
  }

  private venueErrorCounts(nowMs: number): Map<string, { count: number; agents: string[] }> {
    this.sql.exec(`DELETE FROM venue_errors WHERE at_ms < ?`, nowMs - VENUE_ERROR_WINDOW_MS);
    const out = new Map<string, { count: number; agents: string[] }>();
    for (const r of this.sql.exec<{ venue: string; agent: string }>(`SELECT venue, agent FROM venue_errors`)) {
      const e = out.get(r.venue) ?? { count: 0, agents: [] };
      e.count++;
      if (!e.agents.includes(r.agent)) e.agents.push(r.agent);
      out.set(r.venue, e);
    }
    return out;
  }

  /** The return history the statistics use (drawn once per object lifetime: tens of milliseconds). */
  private returns(): ReturnMatrix {
    this.history ??= paperHistory();
    return this.history;
  }

  private quotes: readonly RiskQuote[] = [];
  private covariance: Float64Array | undefined;

  /** Reads every agent's book, the wallets' cash, and every paper venue's prices. */
  private async gather(nowMs: number): Promise<RiskInputs> {
    const directory = await treasuryStub(this.env).directory();
    const agents = directory.filter((w) => w.kind === "agent" && w.status === "active" && w.role !== "overseer");
    const farms = directory.filter((w) => w.kind === "farm" && w.status === "active");
    const [views, treasury, farmStates] = await Promise.all([
      Promise.all(agents.map((a) => agentStub(this.env, a.id).riskView())),
      treasuryStub(this.env).state(),
      Promise.all(farms.map((f) => farmStub(this.env, f.id).state())),
    ]);
    const books = views.filter((v): v is AgentRiskView => v !== null);
    const quotes = await this.readQuotes();
    const mark = new Map(quotes.map((q) => [`${q.venue}|${q.symbol}`, dec(q.bid).plus(q.ask).div(2)]));
    const positions: RiskPosition[] = [];
    for (const b of books) {
      for (const p of b.positions) {
        const m = mark.get(`${p.venue}|${p.symbol}`);
        positions.push({ agent: b.agent, farm: b.farm, venue: p.venue, symbol: p.symbol, asset: p.asset, quantity: p.quantity, price: m ? str(m.toDecimalPlaces(8)) : (p.entryPrice ?? "0"), entryPrice: p.entryPrice });
      }
    }
    const cashOf = (w: WalletState): Decimal => dec(w.balances.USD ?? "0").plus(w.inTransit.USD ?? "0");
    return {
      nowMs,
      positions,
      quotes,
      agents: books.map((b) => ({ agent: b.agent, farm: b.farm, cash: b.cash, capital: b.capital, openOrders: b.openOrders })),
      otherCash: str(farmStates.reduce((sum, f) => sum.plus(cashOf(f)), cashOf(treasury))),
      farms: farms.map((f) => f.id),
    };
  }

  /** Best bid and ask and the depth within 1% of mid, for every symbol on every paper venue. */
  private async readQuotes(): Promise<RiskQuote[]> {
    const params = resolveMarketParams(PAPER_MARKET);
    const jobs: Promise<RiskQuote[]>[] = [];
    for (const v of PAPER_VENUES) {
      const spec = paperVenueSpec(v.id);
      if (!spec) continue;
      jobs.push(
        openVenue(this.env, v.id).then(async (venue) => {
          const out: RiskQuote[] = [];
          for (const s of spec.symbols) {
            const book = await venue.book(s.symbol);
            const perMinute = params.assets.find((a) => a.symbol === s.symbol)?.volumePerMinute ?? 0;
            // The paper market's model trades this much per minute on average; a day is 1,440 of them.
            const quote = book ? quoteFromBook(v.id, book, dec(String(perMinute)).times(1440)) : null;
            if (quote) out.push(quote);
          }
          return out;
        }).catch((err: unknown) => {
          // A venue that cannot be read keeps its positions at their last mark; the venue-error breaker watches it.
          console.warn(`cival: risk monitor could not read ${v.id}`, err);
          return [];
        }),
      );
    }
    return (await Promise.all(jobs)).flat();
  }
}
