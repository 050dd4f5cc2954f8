import { DEFAULT_APPROVAL_POLICY, approvalNeeded, approvalRecordOf, interruptFinish } from "../core/agents/approval.js";
import { type CyclePlan, type RestingOrder, applyVerdict, exposureOf, notionalOf, planCycle, proposalOf, scaleBuys, viewsOf } from "../core/agents/cycle.js";
import { type DecisionInput, cycleEvents, cycleIdOf, decisionRecord, entryTimes, signalRecords, slotStartMs } from "../core/agents/record.js";
import { type StrategyFeed, barsSince, barsWanted, createFeed, feedBars, holdNote, maxExposureFor, waitNote, warm } from "../core/agents/strategy-feed.js";
import type { AgentConfig, ApprovalRecord, DecisionOutcome, FarmModeName } from "../core/agents/types.js";
import type { Json } from "../core/events.js";
import type { AgentView, FarmVerdict } from "../core/farm/types.js";
import { type Balances, CASH } from "../core/ledger.js";
import type { Fill } from "../core/market.js";
import type { PlaceResult } from "../core/messages.js";
import { Decimal, str } from "../core/money.js";
import { HOLD, type Signal } from "../core/strategies/types.js";
import type { WalletRecord } from "../core/wallets.js";
import type { HistoryRecord } from "../adapters/db/history.js";
import { farmOf } from "../core/agent/book.js";
import type { RunEnds } from "../core/agents/approval.js";
import type { AgentOrder } from "../core/orders.js";
import { type CycleRow, CycleStore } from "./agent-cycle-store.js";
import { type CycleMarket, equityOf, instrumentSpecs, readMarket } from "./agent-market.js";
import { clock } from "./clock.js";
import { farmStub, riskStub } from "./stubs.js";

/** What the cycle needs of its AgentWallet: state to read, a transaction, events and history, and the order path. */
export interface CycleHost {
  readonly env: Env;
  readonly cycles: CycleStore;
  record(): WalletRecord | null;
  balances(): Balances;
  /** Orders still resting or pending at venues. */
  liveOrders(): AgentOrder[];
  fills(): Array<{ venue: string; fill: Fill }>;
  tx<T>(fn: () => T): T;
  emit(runId: string, events: readonly import("../core/events.js").BaseEvent[], atMs: number, ends?: RunEnds): void;
  enqueue(h: HistoryRecord): void;
  placeOrder(venueId: string, req: import("../core/market.js").OrderRequest): Promise<PlaceResult>;
  cancelOrder(clientOrderId: string): Promise<PlaceResult>;
  /** The agent's track-record weight for netting (performanceWeight). */
  weight(): number;
  /** Tests make the cycle fail here (after its plan is saved, after an order is sent). */
  fault(point: "cycle:after_plan" | "cycle:after_order"): void;
}

/** What the cycle got from the stages before the orders. */
interface Staged {
  readonly cycleId: string;
  readonly config: AgentConfig;
  readonly market: CycleMarket;
  readonly signal: Signal;
  readonly views: AgentView[];
  readonly equity: Decimal;
  readonly cash: Decimal;
  readonly resting: RestingOrder[];
  readonly startedWallMs: number;
  /** A new bar closed and the strategy spoke on it (only then are signals recorded). */
  readonly acting: boolean;
  /** What a hold means this cycle, in words (the strategy's figures, or when the next bar closes). */
  readonly note: string;
  /** The most of equity one instrument may hold now (the sizing's fraction or volatility target). */
  readonly maxExposure: number;
}

/**
 * The agent's decision cycle, run by its alarm: read the market, run the strategy, size, ask the
 * farm and the desk, wait for a person when the policy says so, then place. The plan (client order
 * ids included) is saved before any order leaves; an alarm retried after a failure half-way
 * re-sends the same ids, which the order path answers without placing twice.
 */
export class AgentCycle {
  private feed: StrategyFeed | null = null;
  private feedKey = "";
  private inflight: Promise<void> | null = null;

  constructor(private readonly host: CycleHost) {}

  /** Runs the cycle due now (paper time), or finishes the one a failure left half-done; one at a time (the alarm and a caller share it). */
  run(): Promise<void> {
    this.inflight ??= this.runOnce().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async runOnce(): Promise<void> {
    const me = this.host.record();
    const config = this.host.cycles.config();
    if (!me || me.status !== "active" || me.role === "overseer" || !config || config.paused) return;
    const unfinished = this.host.cycles.unfinished();
    if (unfinished) return this.execute(unfinished, Date.now());
    const paperNow = clock.nowMs();
    const cycleId = cycleIdOf(me.id, slotStartMs(paperNow, config.cycleMs, me.id));
    if (this.host.cycles.cycle(cycleId)) return;
    const startedWallMs = Date.now();
    let staged: Staged;
    try {
      staged = await this.stage(me, config, cycleId, startedWallMs);
    } catch (err) {
      this.finish(me, config, cycleId, HOLD, [], "failed", `the market could not be read: ${err instanceof Error ? err.message : String(err)}`, { orders: [], cancels: [] }, "independent", null, startedWallMs);
      return;
    }
    await this.decide(me, staged);
  }

  /** The market and the strategy: the signal of the newest closed bar (hold until warm, or with no new bar). */
  private async stage(me: WalletRecord, config: AgentConfig, cycleId: string, startedWallMs: number): Promise<Staged> {
    const sizingLookback = config.sizing.mode === "volatility_target" ? config.sizing.lookbackBars : 0;
    const fresh = barsWanted(this.feed?.warmup ?? 200, sizingLookback);
    const key = `${config.version}`;
    // A warm feed reads only the bars closed since its newest; a new one (or one that slept past a warm-up's worth) starts afresh.
    const since = this.feed && this.feedKey === key ? barsSince(this.feed, config, clock.nowMs(), fresh) : null;
    const market = await readMarket(this.host.env, config, this.host.balances(), since ?? fresh);
    if (!this.feed || since === null) {
      this.feed = createFeed(config, instrumentSpecs(config, market));
      this.feedKey = key;
    }
    const equity = equityOf(this.host.balances(), market);
    const cash = this.host.balances().get(CASH, "USD" as never);
    const entries = entryTimes(this.host.fills());
    const position = {
      exposure: market.instruments.map((i) => exposureOf(i, str(equity))),
      entryPrice: market.instruments.map(() => NaN),
      entryTimeMs: market.instruments.map((i) => entries.get(`${i.venue}|${i.symbol}`) ?? null),
    };
    const live = this.host.liveOrders();
    const fed = feedBars(this.feed, config, market.candles, position, market.nowMs, live.length === 0);
    const acted = Number(this.host.cycles.meta("acted_bar_ms") ?? "-Infinity");
    const acting = fed.fresh && warm(this.feed) && fed.newestBarMs > acted;
    const signal = acting ? this.feed.last : HOLD;
    const note = acting ? holdNote(this.feed) : waitNote(config, market.nowMs);
    const { maxExposure } = maxExposureFor(config, this.feed.closes);
    const views = viewsOf(signal, market.instruments, str(equity), maxExposure, { agent: me.id, farm: farmOf(me), weight: this.host.weight() }, market.nowMs);
    const resting = live.map((o) => ({ clientOrderId: o.clientOrderId, venue: o.venue, symbol: o.request.symbol, side: o.request.side, price: o.request.price, quantity: o.request.quantity }));
    if (fed.fresh && warm(this.feed)) this.host.cycles.setMeta("acted_bar_ms", String(fed.newestBarMs));
    return { cycleId, config, market, signal, views, equity, cash, resting, startedWallMs, acting, note, maxExposure };
  }

  /** Sizing, the farm, the desk, approval; then the orders. */
  private async decide(me: WalletRecord, s: Staged): Promise<void> {
    const warmNow = this.feed !== null && warm(this.feed);
    const maxExposure = s.maxExposure;
    let plan = s.signal === HOLD ? { orders: [], cancels: [] } : planCycle({ cycleId: s.cycleId, signal: s.signal, instruments: s.market.instruments, equity: str(s.equity), cash: str(s.cash), maxExposure, resting: s.resting });
    const proposal = proposalOf(s.cycleId, me.id, plan, s.views);
    const farm = farmOf(me);
    // The farm and the desk are asked at once: each judges the same proposal, and a veto makes the desk's netting moot.
    const [verdict, review] = await Promise.all([farm ? this.askFarm(farm, me.id, s, proposal) : null, riskStub(this.host.env).deskReview(s.views, proposal, s.market.nowMs)]);
    const mode: FarmModeName = verdict?.mode ?? "independent";
    plan = applyVerdict(plan, verdict, s.cycleId, s.market.instruments, s.resting);
    if (review.netting && review.netting.scale < 1) plan = scaleBuys(plan, review.netting.scale, s.market.instruments);
    const why = reasonOf(s, warmNow, verdict, review.netting?.scale ?? 1, plan);
    if (plan.orders.length === 0 && plan.cancels.length === 0) {
      const outcome: DecisionOutcome = !warmNow ? "warming_up" : verdict?.action === "veto" ? (mode === "emergency" ? "emergency" : "vetoed") : review.netting && review.netting.scale === 0 ? "netted" : s.signal === HOLD || s.signal.side === "hold" ? "hold" : "too_small";
      this.finish(me, s.config, s.cycleId, s.signal, s.views, outcome, why, plan, mode, null, s.startedWallMs, s);
      return;
    }
    const notional = plan.orders.filter((o) => !o.reducing).reduce((sum, o) => sum.plus(notionalOf(o)), new Decimal(0));
    const firstLive = plan.orders.some((o) => s.market.live.has(o.venue) && this.host.cycles.meta(`live_ordered:${o.venue}`) === null);
    const need = approvalNeeded(review.policy ?? DEFAULT_APPROVAL_POLICY, { notional, firstLiveOrder: firstLive, deskLevel: review.deskLevel });
    const waiting = need ? this.host.cycles.pendingApprovals()[0] : undefined;
    // One request at a time: while one waits, new risk waits with it rather than piling up cards.
    if (waiting) return this.finish(me, s.config, s.cycleId, s.signal, s.views, "awaiting_approval", `${why}; held: request ${waiting.id} still waits for the operator`, { orders: [], cancels: [] }, mode, waiting.id, s.startedWallMs, s);
    if (need && plan.orders.some((o) => !o.reducing)) return this.awaitApproval(me, s, plan, mode, need, review.policy?.expiresAfterMs ?? DEFAULT_APPROVAL_POLICY.expiresAfterMs, why);
    const decision = this.draft(me, s, "placed", why, plan, mode, null);
    this.host.tx(() => this.host.cycles.saveCycle({ id: s.cycleId, state: "placing", plan, decision }, Date.now()));
    this.host.fault("cycle:after_plan");
    await this.execute({ id: s.cycleId, state: "placing", plan, decision }, s.startedWallMs, s);
  }

  private async askFarm(farm: string, agent: string, s: Staged, proposal: ReturnType<typeof proposalOf>): Promise<FarmVerdict | null> {
    try {
      return await farmStub(this.host.env, farm).cycle({ agent, cycleId: s.cycleId, atMs: s.market.nowMs, equity: str(s.equity), cash: str(s.cash), views: s.views, proposal });
    } catch (err) {
      // A farm that cannot answer cannot approve: only exits go.
      return { mode: "independent", action: proposal && !proposal.reducing ? "veto" : "go", scale: 1, reason: `the farm could not be asked: ${err instanceof Error ? err.message : String(err)}`, netting: null, votes: [] };
    }
  }

  /** Sends what the plan still holds (cancels first: a quote's reservation comes back), then records the cycle. */
  async execute(row: CycleRow, startedWallMs: number, s?: Staged): Promise<void> {
    const me = this.host.record();
    if (!me) return;
    const results: string[] = [];
    for (const id of row.plan.cancels) await this.host.cancelOrder(id).catch(() => undefined);
    for (const o of row.plan.orders) {
      const out = await this.host.placeOrder(o.venue, o.request);
      results.push(out.ok ? `${o.request.side} ${o.request.quantity} ${o.request.symbol}: ${out.order.status}` : `${o.request.side} ${o.request.quantity} ${o.request.symbol} refused (${out.code}): ${out.message}`);
      if (out.ok && s?.market.live.has(o.venue)) this.host.cycles.setMeta(`live_ordered:${o.venue}`, String(Date.now()));
      this.host.fault("cycle:after_order");
    }
    const placed = results.length === 0 || results.some((r) => !r.includes("refused"));
    const allRisk = results.length > 0 && results.every((r) => r.includes("(risk_rejected)"));
    const outcome: DecisionOutcome = allRisk ? "risk_rejected" : placed ? row.decision.outcome : "failed";
    const decision = { ...row.decision, outcome, reason: results.length > 0 ? `${row.decision.reason} → ${results.join("; ")}` : row.decision.reason, latencyMs: Date.now() - startedWallMs };
    this.record(me, decision, s, row.plan, null);
    this.host.tx(() => this.host.cycles.saveCycle({ ...row, state: "done", decision }, Date.now()));
  }

  private async awaitApproval(me: WalletRecord, s: Staged, plan: CyclePlan, mode: FarmModeName, need: { reasons: ApprovalRecord["reasons"]; message: string }, ttlMs: number, why: string): Promise<void> {
    const nowMs = s.market.nowMs;
    const approval = approvalRecordOf({ cycleId: s.cycleId, agent: me.id, farm: farmOf(me), plan, reasons: need.reasons, message: need.message, signalReason: s.signal.reason, nowMs: Date.now(), ttlMs });
    const decision = this.draft(me, s, "awaiting_approval", `${why}; waits for approval: ${need.message}`, plan, mode, approval.id);
    this.host.tx(() => {
      this.host.cycles.saveApproval(approval, plan);
      this.host.cycles.saveCycle({ id: s.cycleId, state: "awaiting_approval", plan, decision }, Date.now());
      this.host.enqueue({ t: "approval", approval });
    });
    this.record(me, decision, s, plan, approval, nowMs);
  }

  private draft(me: WalletRecord, s: Staged, outcome: DecisionOutcome, reason: string, plan: CyclePlan, mode: FarmModeName, approvalId: string | null) {
    const input: DecisionInput = { agent: me.id, farm: farmOf(me), cycleId: s.cycleId, config: s.config, mode, outcome, reason, signal: s.signal, orders: plan.orders, approvalId, atMs: s.market.nowMs, latencyMs: Date.now() - s.startedWallMs };
    return decisionRecord(input);
  }

  /** A cycle that placed nothing: recorded and emitted now. */
  private finish(me: WalletRecord, config: AgentConfig, cycleId: string, signal: Signal, views: AgentView[], outcome: DecisionOutcome, reason: string, plan: CyclePlan, mode: FarmModeName, approvalId: string | null, startedWallMs: number, s?: Staged): void {
    const nowMs = s?.market.nowMs ?? clock.nowMs();
    const decision = decisionRecord({ agent: me.id, farm: farmOf(me), cycleId, config, mode, outcome, reason, signal, orders: plan.orders, approvalId, atMs: nowMs, latencyMs: Date.now() - startedWallMs });
    this.host.tx(() => this.host.cycles.saveCycle({ id: cycleId, state: "done", plan, decision }, Date.now()));
    this.record(me, decision, s, plan, null, nowMs, views);
  }

  /** Writes the decision, its signals and the equity sample, and emits the cycle's run (paused when it waits for approval). */
  private record(me: WalletRecord, decision: ReturnType<typeof decisionRecord>, s: Staged | undefined, _plan: CyclePlan, approval: ApprovalRecord | null, nowMs = decision.atMs, views = s?.views ?? []): void {
    const signals = s?.acting ? signalRecords(decision.cycleId, views, s.market.instruments, nowMs) : [];
    // A cycle between bars that did nothing is a heartbeat (its run and equity), not a decision worth a row.
    const quiet = s !== undefined && !s.acting && decision.outcome === "hold";
    this.host.tx(() => {
      if (!quiet) this.host.cycles.saveDecision(decision);
      this.host.cycles.saveViews(views);
      this.host.cycles.setMeta("last_cycle_ms", String(nowMs));
      if (s) {
        this.host.cycles.setMeta("equity", s.equity.toFixed(2));
        this.host.cycles.setMeta("marks", JSON.stringify(Object.fromEntries(s.market.instruments.map((i) => [`${i.venue}|${i.symbol}`, i.mark]))));
      }
      for (const signal of signals) this.host.enqueue({ t: "signal", signal });
      if (!quiet) this.host.enqueue({ t: "decision", decision });
      if (s) this.host.enqueue({ t: "equity", scope: me.id, atMs: nowMs, equity: s.equity.toFixed(2), cash: s.cash.toFixed(2) });
      const ends = approval ? { finish: interruptFinish(me.id, decision.cycleId, approval, decision as unknown as Json, nowMs) } : undefined;
      this.host.emit(decision.cycleId, cycleEvents(signals, decision, nowMs, quiet), nowMs, ends);
    });
  }
}

/** The cycle's reason in words: the strategy's, then what the stages did to it. */
function reasonOf(s: Staged, warmNow: boolean, verdict: FarmVerdict | null, deskScale: number, plan: CyclePlan): string {
  if (!warmNow) return `warming up: the strategy needs more bars`;
  const parts = [s.signal === HOLD ? s.note : s.signal.reason];
  if (verdict && (verdict.action !== "go" || verdict.scale < 1)) parts.push(`farm (${verdict.mode}): ${verdict.reason}`);
  if (deskScale < 1) parts.push(deskScale === 0 ? "the desk netted it out against another farm's view" : `the desk netted it to ${(deskScale * 100).toFixed(0)}%`);
  if (plan.orders.length > 0) parts.push(`${plan.orders.length} order${plan.orders.length > 1 ? "s" : ""}`);
  return parts.join("; ");
}
