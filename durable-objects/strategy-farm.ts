import { type Asset, dec, str } from "../core/money.js";
import { type RebalanceMode, planRebalance, rebalanceState } from "../core/rebalance.js";
import { type ReceiveRequest, type Refusal, type SendResult, admitToFarm } from "../core/transfers/index.js";
import { TREASURY, type WalletRecord, type WalletStatus } from "../core/wallets.js";
import { agentStub } from "./stubs.js";
import { WalletActor } from "./wallet-actor.js";
import type { RebalanceMoveResult, RebalanceResult, FarmArchiveResult } from "../core/messages.js";

/** A strategy farm: its own cash, its member agents, and the allocation among them. */
export class StrategyFarm extends WalletActor {
  protected override schema() {
    return [[`CREATE TABLE IF NOT EXISTS members (agent_id TEXT PRIMARY KEY, status TEXT NOT NULL)`]];
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
      const states = await Promise.all(active.map((m) => agentStub(this.env, m.id).state()));
      const plan = planRebalance(
        this.walletId,
        this.available(asset),
        active.map((m, i) => {
          const s = states[i];
          const record = s?.trackRecord;
          return {
            id: m.id,
            available: dec(s?.available[asset] ?? "0"),
            trackRecord: record ? { pnl: dec(record.pnl), capital: dec(record.capital) } : null,
          };
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
