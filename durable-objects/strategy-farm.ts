import { CASH } from "../core/ledger.js";
import { type Json, custom, toolCall } from "../core/events.js";
import { type FarmModePatch, applyModePatch, farmModeSchema } from "../core/farm/mode.js";
import { decideVerdict, flattenVerdict } from "../core/farm/modes.js";
import { performanceRecord } from "../core/farm/performance.js";
import { parseFarmReport } from "../core/farm/report.js";
import { type MemberSnapshot, farmEquity, farmSummary } from "../core/farm/summary.js";
import type { FarmMode, FarmReport, FarmSummary, FarmVerdict, Proposal, Vote } from "../core/farm/types.js";
import { type Asset, dec, str } from "../core/money.js";
import { type RebalanceMode, planRebalance, rebalanceState } from "../core/rebalance.js";
import type { Refused } from "../core/refusals.js";
import { type ReceiveRequest, type Refusal, type SendResult, admitToFarm } from "../core/transfers/index.js";
import { TREASURY, type WalletRecord, type WalletStatus } from "../core/wallets.js";
import { FARM_SCHEMA, FarmStore, askVotes, attributionOf } from "./farm-store.js";
import { agentStub } from "./stubs.js";
import { WalletActor } from "./wallet-actor.js";
import type { RebalanceMoveResult, RebalanceResult, FarmArchiveResult } from "../core/messages.js";

/** The farm samples its equity into D1 at most this often. */
const EQUITY_SAMPLE_MS = 10_000;

/** A strategy farm: its own cash, its member agents, and the allocation among them. */
export class StrategyFarm extends WalletActor {
  private readonly store = new FarmStore(this.sql);
  /** Set by tests (through runInDurableObject) to answer votes in place of the members' objects. */
  voter: ((agent: string, proposal: Proposal) => Promise<Vote>) | null = null;

  protected override schema() {
    return [[`CREATE TABLE IF NOT EXISTS members (agent_id TEXT PRIMARY KEY, status TEXT NOT NULL)`], FARM_SCHEMA];
  }

  /** The farm's thread shows its mode beside its wallet: a mode change is a STATE_DELTA on it. */
  protected override threadState(): Json {
    const base = super.threadState() as { [key: string]: Json };
    return { ...base, mode: JSON.parse(JSON.stringify(this.currentMode())) as Json };
  }

  private currentMode(): FarmMode {
    return this.store.mode(this.record?.createdAtMs ?? 0).mode;
  }

  private activeMembers(): string[] {
    return this.sql.exec<{ agent_id: string }>(`SELECT agent_id FROM members WHERE status = 'active' ORDER BY agent_id`).toArray().map((r) => r.agent_id);
  }

  /**
   * An agent's report of its cycle: its views and equity are kept, and a proposal gets the
   * farm's verdict in its mode (consensus asks the other members first). In emergency flatten
   * every report is answered "flatten". A repeat of a cycle id answers the first verdict.
   */
  async cycle(input: FarmReport): Promise<FarmVerdict | null> {
    const parsed = parseFarmReport(input);
    const mode = this.currentMode();
    const refuse = (reason: string): FarmVerdict => ({ mode: mode.mode, action: "veto", scale: 0, reason, netting: null, votes: [] });
    // A report the farm cannot read is a bug of its sender: nothing of it is kept and nothing it proposes goes.
    if (!parsed.ok) return refuse(`the farm could not read this report (${parsed.message}), so nothing goes`);
    const report = parsed.report;
    const seen = this.store.verdict(report.cycleId);
    if (seen !== undefined) return seen;
    const members = this.activeMembers();
    const proposal = report.proposal;
    if (!members.includes(report.agent)) return proposal ? refuse(`${report.agent} is not an active agent of ${this.walletId}`) : null;
    this.tx(() => this.store.writeReport(report));
    let verdict: FarmVerdict | null = null;
    if (mode.mode === "emergency" && mode.emergency === "flatten") verdict = flattenVerdict(mode);
    else if (proposal) {
      const others = members.filter((m) => m !== report.agent);
      const votes = mode.mode === "consensus" && !proposal.reducing ? await askVotes(others, proposal, mode.voteTimeoutMs, this.voter ?? ((a, p) => agentStub(this.env, a).vote(p))) : [];
      const views = this.store.views(proposal.view.symbol);
      verdict = decideVerdict(mode, { views, proposal, votes, members, nowMs: report.atMs });
    }
    // A repeat of this cycle that raced us (while votes were awaited) may have answered first: its verdict stands.
    const answered = this.tx(() => {
      const first = this.store.verdict(report.cycleId);
      if (first !== undefined) return first;
      if (verdict) this.recordVerdict(report, verdict);
      this.sampleEquity(report.atMs);
      return verdict;
    });
    this.armAlarm();
    // The verdict is kept and queued in the same transaction: the agent need not wait for D1 and the hub (the alarm retries them).
    this.ctx.waitUntil(this.drain());
    return answered;
  }

  /** Keeps the verdict for retries and tells the farm's thread. Call inside `tx`. */
  private recordVerdict(report: FarmReport, verdict: FarmVerdict): void {
    const p = report.proposal;
    this.store.writeVerdict(report.cycleId, report.agent, report.atMs, verdict);
    const value = { cycleId: report.cycleId, agent: report.agent, symbol: p?.view.symbol ?? null, venue: p?.view.venue ?? null, side: p?.side ?? null, reducing: p?.reducing ?? false, ...verdict };
    this.emit(`verdict:${report.cycleId}`, [custom("cival.farm.verdict", JSON.parse(JSON.stringify(value)) as Json, report.atMs)], report.atMs);
  }

  /** Samples the farm's equity (cash + its agents' last equity) into D1, at most every EQUITY_SAMPLE_MS. Call inside `tx`. */
  private sampleEquity(atMs: number): void {
    if (atMs - this.store.lastSampleMs() < EQUITY_SAMPLE_MS) return;
    const cash = str(this.balances.get(CASH, "USD"));
    this.store.setLastSampleMs(atMs);
    this.enqueue({ t: "equity", scope: this.walletId, atMs, equity: str(farmEquity(cash, this.snapshots())), cash });
  }

  private snapshots(): MemberSnapshot[] {
    const reports = new Map(this.store.members().map((m) => [m.agent, m]));
    return this.sql.exec<{ agent_id: string; status: string }>(`SELECT agent_id, status FROM members ORDER BY agent_id`).toArray().map((r) => {
      const last = reports.get(r.agent_id);
      return { id: r.agent_id, status: r.status, equity: last?.equity ?? null, weight: last?.weight ?? null };
    });
  }

  /** The farm's latest verdicts, newest first (it keeps the last 500). */
  async verdicts(limit = 20): Promise<Array<{ cycleId: string; agent: string; atMs: number; verdict: FarmVerdict }>> {
    return this.store.recentVerdicts(Math.max(1, Math.min(500, Math.trunc(limit) || 20)));
  }

  /** The farm's decision mode now. */
  async mode(): Promise<FarmMode> {
    return this.currentMode();
  }

  /**
   * Changes the mode (the operator, or "monitor" for the risk monitor's emergency), as a run on
   * the farm's thread: a `set_farm_mode` tool call and the state's delta. A refusal changes nothing.
   */
  async setMode(patch: FarmModePatch, by: string, reason: string): Promise<{ ok: true; mode: FarmMode } | Refused> {
    if (!this.record) return { ok: false, code: "unknown_wallet", message: "no such farm: it was never created" };
    // Checked here too: the risk monitor calls this over RPC, not through the route's schema.
    const checked = farmModeSchema.safeParse(patch);
    if (!checked.success) return { ok: false, code: "invalid_request", message: `invalid farm mode: ${checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
    const nowMs = Date.now();
    const out = this.tx(() => {
      const { mode: current, version } = this.store.mode(this.record?.createdAtMs ?? nowMs);
      const applied = applyModePatch(current, checked.data, by.slice(0, 120), reason.slice(0, 200), nowMs, this.activeMembers());
      if (!applied.ok) return applied;
      this.store.writeMode(applied.mode, version + 1);
      const args = JSON.parse(JSON.stringify({ patch, by, reason })) as Json;
      const result = JSON.parse(JSON.stringify({ mode: applied.mode, changed: applied.changed })) as Json;
      this.emit(`mode:${version + 1}`, toolCall(`set_farm_mode:${version + 1}`, "set_farm_mode", args, result, nowMs), nowMs);
      return { ok: true as const, mode: applied.mode };
    });
    await this.drain();
    return out;
  }

  /** The farm as the API lists it; null before the treasury has told it who it is. */
  async summary(): Promise<FarmSummary | null> {
    const r = this.record;
    return r ? farmSummary(r, this.currentMode(), str(this.balances.get(CASH, "USD")), this.snapshots()) : null;
  }

  private member(agentId: string): { status: WalletStatus } | undefined {
    return this.sql.exec<{ status: WalletStatus }>(`SELECT status FROM members WHERE agent_id = ?`, agentId).toArray()[0];
  }

  /** Adds an agent to the farm or updates its status; the treasury's directory calls it. */
  async syncMember(agent: WalletRecord): Promise<void> {
    if (agent.parent !== this.walletId) throw new Error(`invariant: ${agent.id} belongs to ${agent.parent}, not ${this.walletId}`);
    this.sql.exec(`INSERT OR REPLACE INTO members (agent_id, status) VALUES (?, ?)`, agent.id, agent.status);
  }

  async members(): Promise<Array<{ id: string; status: string }>> {
    return this.sql.exec<{ agent_id: string; status: string }>(`SELECT agent_id, status FROM members ORDER BY agent_id`).toArray().map((r) => ({ id: r.agent_id, status: r.status }));
  }

  /** A farm takes money from the treasury and from its own agents (core/transfers). */
  protected admit(req: ReceiveRequest): Refusal | null {
    return admitToFarm(this.record, req, (id) => this.member(id) ?? null);
  }

  /**
   * Spreads the farm's capital (its cash and its active agents' cash) over its agents, equally
   * or by performance. Idempotent on `commandId`: the plan is saved before the first move and a
   * repeat resumes it; every move is a transfer whose id derives from the command.
   */
  async rebalance(commandId: string, mode: RebalanceMode, asset: Asset): Promise<RebalanceResult> {
    let result = this.commandResult<RebalanceResult>(commandId);
    if (!result) {
      const active = (await this.members()).filter((m) => m.status === "active");
      const [states, attributions] = await Promise.all([Promise.all(active.map((m) => agentStub(this.env, m.id).state())), Promise.all(active.map((m) => attributionOf(this.env, m.id)))]);
      const plan = planRebalance(
        this.walletId,
        this.available(asset),
        active.map((m, i) => {
          const s = states[i];
          return { id: m.id, available: dec(s?.available[asset] ?? "0"), trackRecord: performanceRecord(attributions[i] ?? null, s?.trackRecord ?? null) };
        }),
        mode,
        asset,
      );
      result = {
        id: commandId,
        farm: this.walletId,
        mode,
        state: "pending",
        total: str(plan.total),
        targets: plan.targets.map((t) => ({ id: t.id, weight: t.weight, target: str(t.target) })),
        moves: plan.moves.map((m) => ({ from: m.from, to: m.to, amount: str(m.amount), transfer: null, refusal: null })),
      };
      // A concurrent repeat may have saved its plan while we read the agents: the first plan wins.
      const saved = this.commandResult<RebalanceResult>(commandId);
      if (saved) result = saved;
      else this.saveCommandResult(commandId, result);
    }
    const moves: RebalanceMoveResult[] = [];
    for (const [i, move] of result.moves.entries()) {
      const transferId = `${commandId}:${i}`;
      const request = { transferId, to: move.to, asset, amount: move.amount, forwardTo: null, memo: `rebalance ${commandId}` };
      const sent: SendResult = move.from === this.walletId ? await this.send(request) : await agentStub(this.env, move.from).send(request);
      moves.push({ ...move, transfer: sent.ok ? sent.transfer : null, refusal: sent.ok ? null : { code: sent.code, message: sent.message } });
    }
    const done: RebalanceResult = { ...result, state: rebalanceState(moves), moves };
    this.saveCommandResult(commandId, done);
    return done;
  }

  /**
   * Archives the farm: every agent is archived and sends its money home, which goes on to the
   * treasury, then the farm sends what it still holds. Idempotent on `commandId`.
   */
  async archive(record: WalletRecord, agents: readonly WalletRecord[], commandId: string): Promise<FarmArchiveResult> {
    this.tx(() => {
      this.saveRecord(record);
      for (const a of agents) this.sql.exec(`INSERT OR REPLACE INTO members (agent_id, status) VALUES (?, ?)`, a.id, a.status);
    });
    const returnedByAgents: FarmArchiveResult["agents"][number][] = [];
    for (const agent of agents) {
      const sent = await agentStub(this.env, agent.id).archive(agent, `${commandId}:${agent.id}`);
      returnedByAgents.push({ id: agent.id, returned: sent?.ok ? sent.transfer : null });
    }
    const ownId = `${commandId}:${this.walletId}`;
    let returned = await this.transfer(ownId);
    if (!returned && this.available("USD").gt(0)) {
      const sent = await this.send({ transferId: ownId, to: TREASURY, asset: "USD", amount: null, forwardTo: null, memo: "archived: funds return to the treasury" });
      returned = sent.ok ? sent.transfer : null;
    }
    return { agents: returnedByAgents, returned };
  }
}
