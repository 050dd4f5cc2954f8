import { Balances, peer } from "../core/ledger.js";
import { str } from "../core/money.js";
import type { ReceiveRequest, SendResult } from "../core/transfers.js";
import type { WalletRecord } from "../core/wallets.js";
import { type WalletState, WalletActor } from "./wallet-actor.js";

/** Realized trading P&L: cash on one side, this account on the other (credit-negative, like income). */
export const PNL = "pnl";

/** One agent's wallet: cash (and, with the markets issue, positions and orders) and its P&L. */
export class AgentWallet extends WalletActor {
  protected admit(req: ReceiveRequest) {
    const me = this.record;
    if (!me) return { code: "wallet_not_initialised" as const, message: "this agent does not exist yet" };
    if (me.role === "overseer") return { code: "overseer_holds_no_capital" as const, message: `${me.id} oversees risk and holds no trading capital` };
    if (me.status === "archived") return { code: "wallet_archived" as const, message: `${me.id} is archived` };
    if (req.from !== me.parent) return { code: "not_member" as const, message: `${me.id} takes money only from its farm ${me.parent}` };
    if (req.forwardTo) return { code: "invalid_route" as const, message: "an agent does not forward money" };
    return null;
  }

  protected override trackRecord(): WalletState["trackRecord"] {
    const me = this.record;
    if (!me?.parent) return null;
    const key = Balances.key(PNL, "USD");
    const hasRecord = [...this.balances.entries()].some(([k]) => k === key);
    if (!hasRecord) return null;
    return {
      pnl: str(this.balances.get(PNL, "USD").neg()),
      capital: str(this.balances.get(peer(me.parent), "USD").neg()),
    };
  }

  /**
   * Archives the agent and sends everything it holds back to its farm, as transfer `transferId`.
   * Idempotent: a repeat re-sends nothing and answers the same transfer.
   */
  async archive(record: WalletRecord, transferId: string): Promise<SendResult | null> {
    this.tx(() => this.saveRecord(record));
    const me = this.record;
    if (!me?.parent) return null;
    const existing = await this.transfer(transferId);
    if (existing) return { ok: true, transfer: existing, forward: null };
    if (this.available("USD").lte(0)) return null;
    return this.send({ transferId, to: me.parent, asset: "USD", amount: null, forwardTo: null, memo: "archived: funds return to the farm" });
  }
}
