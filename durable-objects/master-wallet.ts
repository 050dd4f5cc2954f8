import { DEMO_CAPITAL_USD, DEMO_FARMS, DEMO_OVERSEER, demoAllocations } from "../core/demo.js";
import { custom } from "../core/events.js";
import { depositEntry } from "../core/ledger.js";
import { dec, str } from "../core/money.js";
import { type ReceiveRequest, type Refusal, type SendResult, type TransferView, admitToTreasury } from "../core/transfers/index.js";
import {
  type AgentRole,
  type CreateDecision,
  type PlanResult,
  TREASURY,
  type WalletRecord,
  agentWalletId,
  archivedRecord,
  decideCreateAgent,
  decideCreateFarm,
  decideRename,
  defaultCollectionTarget,
  farmWalletId,
  planAllocation,
  planCollection,
} from "../core/wallets.js";
import { agentStub, farmStub } from "./stubs.js";
import { WalletActor } from "./wallet-actor.js";
import type { DirectoryResult, FarmArchiveResult } from "../core/messages.js";

/** How soon the alarm retries telling a wallet about its record after that failed. */
const SYNC_RETRY_MS = 2_000;

/**
 * The treasury: the desk's master wallet, and the directory of every farm and agent (names,
 * parents, status). Routes ask it to plan money moves; it tells each wallet its own record.
 */
export class MasterWallet extends WalletActor {
  protected override schema() {
    return [[`CREATE TABLE IF NOT EXISTS directory (id TEXT PRIMARY KEY, record TEXT NOT NULL, synced INTEGER NOT NULL)`]];
  }

  protected override onLoad(): void {
    if (this.record) return;
    const nowMs = Date.now();
    const treasury: WalletRecord = { id: TREASURY, kind: "treasury", name: "Treasury", parent: null, status: "active", strategy: null, role: null, createdAtMs: nowMs, updatedAtMs: nowMs };
    this.saveRecord(treasury);
    this.writeDirectory(treasury, true);
  }

  private writeDirectory(record: WalletRecord, synced: boolean): void {
    const before = this.find(record.id);
    if ((before && JSON.stringify(before) !== JSON.stringify(record)) || (!before && record.id !== TREASURY)) {
      // Clients that draw the tree learn of new, renamed and archived wallets on the treasury's thread.
      this.emit(`directory:${record.id}:${record.updatedAtMs}`, [custom("cival.directory.changed", { ...record, created: !before }, record.updatedAtMs)], record.updatedAtMs);
    }
    this.sql.exec(`INSERT OR REPLACE INTO directory (id, record, synced) VALUES (?, ?, ?)`, record.id, JSON.stringify(record), synced ? 1 : 0);
    this.enqueue({ t: "wallet", wallet: record });
  }

  private find(id: string): WalletRecord | undefined {
    const row = this.sql.exec<{ record: string }>(`SELECT record FROM directory WHERE id = ?`, id).toArray()[0];
    return row ? (JSON.parse(row.record) as WalletRecord) : undefined;
  }

  /** Every wallet of the desk, the treasury first. */
  async directory(): Promise<WalletRecord[]> {
    return this.sql.exec<{ record: string }>(`SELECT record FROM directory ORDER BY id = 'treasury' DESC, id`).toArray().map((r) => JSON.parse(r.record) as WalletRecord);
  }

  async lookup(id: string): Promise<WalletRecord | null> {
    return this.find(id) ?? null;
  }

  /** Plans an allocation (down the tree) or a collection (up it) against the directory. */
  async planMove(kind: "allocation" | "collection", from: string, to: string | null): Promise<PlanResult> {
    const lookup = (id: string) => this.find(id);
    if (kind === "allocation") return planAllocation(from, to ?? TREASURY, lookup);
    const sender = this.find(from);
    if (!sender) return { ok: false, code: "unknown_wallet", message: `no wallet ${from}` };
    return planCollection(from, to ?? defaultCollectionTarget(sender), lookup);
  }

  /** The treasury takes money from the wallets of its directory (core/transfers). */
  protected admit(req: ReceiveRequest): Refusal | null {
    return admitToTreasury(req, (id) => this.find(id) ?? null);
  }

  /** Tells the wallet (and its farm, for an agent) its record; the alarm retries what fails. */
  private async propagate(record: WalletRecord): Promise<void> {
    if (record.kind === "farm") await farmStub(this.env, record.id).init(record);
    if (record.kind === "agent") {
      if (record.parent && record.parent !== TREASURY) await farmStub(this.env, record.parent).syncMember(record);
      await agentStub(this.env, record.id).init(record);
    }
    this.sql.exec(`UPDATE directory SET synced = 1 WHERE id = ? AND record = ?`, record.id, JSON.stringify(record));
  }

  private async register(record: WalletRecord): Promise<WalletRecord> {
    this.tx(() => this.writeDirectory(record, false));
    this.armAlarm();
    try {
      await this.propagate(record);
    } finally {
      await this.drain();
    }
    return record;
  }

  protected override nextDueMs(): number | null {
    const unsynced = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM directory WHERE synced = 0`).one().n;
    return unsynced > 0 ? Date.now() + SYNC_RETRY_MS : null;
  }

  protected override async onAlarm(): Promise<void> {
    const rows = this.sql.exec<{ record: string }>(`SELECT record FROM directory WHERE synced = 0 LIMIT 50`).toArray();
    for (const row of rows) {
      try {
        await this.propagate(JSON.parse(row.record) as WalletRecord);
      } catch (err) {
        console.warn("cival: directory sync failed, will retry", err);
      }
    }
  }

  /** Registers what a create or rename decided; a repeat of the same create answers the existing record. */
  private async answer(decision: CreateDecision): Promise<DirectoryResult<WalletRecord>> {
    if (decision.t === "refused") return { ok: false, code: decision.code, message: decision.message };
    if (decision.t === "existing") {
      await this.propagate(decision.record);
      return { ok: true, value: decision.record, created: false };
    }
    return { ok: true, value: await this.register(decision.record), created: true };
  }

  /** Creates a farm; creating it again with the same name and strategy answers the existing one. */
  async createFarm(slug: string, name: string, strategy: string): Promise<DirectoryResult<WalletRecord>> {
    return this.answer(decideCreateFarm((id) => this.find(id), slug, name, strategy, Date.now()));
  }

  /** Creates an agent in a farm, or an overseer (no capital) under the treasury. */
  async createAgent(slug: string, name: string, farmSlug: string | null, role: AgentRole = "trader"): Promise<DirectoryResult<WalletRecord>> {
    return this.answer(decideCreateAgent((id) => this.find(id), slug, name, farmSlug, role, Date.now()));
  }

  async rename(id: string, name: string): Promise<DirectoryResult<WalletRecord>> {
    const decision = decideRename(this.find(id), id, name, Date.now());
    if (decision.t === "existing") return { ok: true, value: decision.record };
    if (decision.t === "refused") return { ok: false, code: decision.code, message: decision.message };
    return { ok: true, value: await this.register(decision.record) };
  }

  /** Archives an agent; its funds return to its farm. A repeat of the same command moves nothing twice. */
  async archiveAgent(id: string, commandId: string): Promise<DirectoryResult<{ wallet: WalletRecord; returned: TransferView | null }>> {
    const existing = this.find(id);
    if (!existing || existing.kind !== "agent") return { ok: false, code: "unknown_wallet", message: `no agent ${id}` };
    const record = archivedRecord(existing, Date.now());
    this.tx(() => this.writeDirectory(record, true));
    if (record.parent && record.parent !== TREASURY) await farmStub(this.env, record.parent).syncMember(record);
    const sent: SendResult | null = await agentStub(this.env, id).archive(record, commandId);
    await this.drain();
    return { ok: true, value: { wallet: record, returned: sent?.ok ? sent.transfer : null } };
  }

  /** Archives a farm and its agents; all their money returns to the treasury. */
  async archiveFarm(id: string, commandId: string): Promise<DirectoryResult<{ wallet: WalletRecord } & FarmArchiveResult>> {
    const existing = this.find(id);
    if (!existing || existing.kind !== "farm") return { ok: false, code: "unknown_wallet", message: `no farm ${id}` };
    const record = archivedRecord(existing, Date.now());
    const agents = (await this.directory()).filter((w) => w.parent === id).map((a) => archivedRecord(a, Date.now()));
    this.tx(() => {
      this.writeDirectory(record, true);
      for (const a of agents) this.writeDirectory(a, true);
    });
    const result = await farmStub(this.env, id).archive(record, agents, commandId);
    await this.drain();
    return { ok: true, value: { wallet: record, ...result } };
  }

  /**
   * Seeds the demo desk: paper capital, the demo farms and agents, and the initial allocation.
   * Every step is idempotent, so a seed interrupted half-way completes when run again.
   */
  async seedDemo(): Promise<{ seeded: boolean; transfers: TransferView[] }> {
    const out = this.commandResult<boolean>("seed:demo") ? { seeded: false, transfers: [] } : await this.seedCapital();
    // Agents of a desk seeded before they had configurations get their strategy's defaults (never overwritten).
    for (const farm of DEMO_FARMS) for (const a of farm.agents) await agentStub(this.env, agentWalletId(a.slug)).configure({}, farm.strategy, true, this.env.CIVAL_AGENTS_START === "paused");
    return out;
  }

  private async seedCapital(): Promise<{ seeded: boolean; transfers: TransferView[] }> {
    const nowMs = Date.now();
    this.tx(() => {
      const deposited = this.sql.exec(`SELECT 1 FROM journal WHERE kind = 'deposit' AND ref = 'seed:capital'`).toArray().length > 0;
      if (!deposited) {
        this.post(depositEntry("seed:capital", "USD", dec(DEMO_CAPITAL_USD)), nowMs);
        this.emit("deposit:seed:capital", [custom("cival.deposit", { ref: "seed:capital", asset: "USD", amount: DEMO_CAPITAL_USD }, nowMs)], nowMs);
      }
    });
    for (const farm of DEMO_FARMS) {
      await this.createFarm(farm.slug, farm.name, farm.strategy);
      for (const agent of farm.agents) await this.createAgent(agent.slug, agent.name, farm.slug);
    }
    await this.createAgent(DEMO_OVERSEER.slug, DEMO_OVERSEER.name, null, "overseer");
    const transfers: TransferView[] = [];
    for (const a of demoAllocations()) {
      const sent = await this.send({
        transferId: `seed:allocation:${a.agent}`,
        to: farmWalletId(a.farm),
        asset: "USD",
        amount: str(a.amount),
        forwardTo: agentWalletId(a.agent),
        memo: "demo desk seed",
      });
      if (!sent.ok) throw new Error(`invariant: seed allocation to ${a.agent} refused: ${sent.message}`);
      transfers.push(sent.transfer);
    }
    this.tx(() => this.saveCommandResult("seed:demo", true));
    await this.drain();
    return { seeded: true, transfers };
  }
}
