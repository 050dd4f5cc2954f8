import { type Decimal, dec, str } from "../money.js";
import { TREASURY, type WalletKind, type WalletRecord, type WalletStatus } from "../wallets.js";
import type { ReceiveRequest, Refusal, SendRequest } from "./protocol.js";

/**
 * Who may move money, in one place. A sender checks its own state (`checkSend`); a receiver
 * admits by its kind and its members (`admitTransfer`). The checks of each function run in the
 * order written, and the first that fails is the answer.
 */

/** What a wallet knows of another: the treasury its directory, a farm its members. null: a stranger. */
export type Lookup = (walletId: string) => { readonly status: WalletStatus } | null;

/**
 * A send against the sender's state, in this order: the wallet exists; an archived wallet sends
 * only to its parent; the amount (null: all available) is positive; it is available.
 */
export function checkSend(record: WalletRecord | null, available: Decimal, req: SendRequest): { readonly amount: Decimal } | Refusal {
  if (!record) return { code: "wallet_not_initialised", message: "this wallet does not exist yet" };
  if (record.status === "archived" && req.to !== record.parent) {
    return { code: "wallet_archived", message: `${record.id} is archived: it may only send its money to ${record.parent}` };
  }
  const amount = req.amount === null ? available : dec(req.amount);
  if (amount.lte(0)) return { code: "zero_amount", message: `${record.id} has no ${req.asset} available to move` };
  if (amount.gt(available)) {
    return { code: "insufficient_funds", message: `${record.id} has ${str(available)} ${req.asset} available, ${str(amount)} asked` };
  }
  return { amount };
}

/** The treasury takes money from any wallet of its directory, and forwards none. */
export function admitToTreasury(req: ReceiveRequest, directory: Lookup): Refusal | null {
  if (!directory(req.from)) return { code: "not_member", message: `${req.from} is not a wallet of this desk` };
  if (req.forwardTo) return { code: "invalid_route", message: "the treasury does not forward money" };
  return null;
}

/**
 * A farm takes money from the treasury (while active, and forwards it only to an active member)
 * and from its own agents (forwarding it only to the treasury).
 */
export function admitToFarm(me: WalletRecord | null, req: ReceiveRequest, members: Lookup): Refusal | null {
  if (!me) return { code: "wallet_not_initialised", message: "this farm does not exist yet" };
  if (req.from === TREASURY) {
    if (me.status === "archived") return { code: "wallet_archived", message: `${me.id} is archived` };
    if (req.forwardTo) {
      const target = members(req.forwardTo);
      if (!target) return { code: "not_member", message: `${req.forwardTo} is not an agent of ${me.id}` };
      if (target.status === "archived") return { code: "wallet_archived", message: `${req.forwardTo} is archived` };
    }
    return null;
  }
  if (!members(req.from)) return { code: "not_member", message: `${me.id} takes money only from the treasury and its own agents, not ${req.from}` };
  if (req.forwardTo && req.forwardTo !== TREASURY) return { code: "invalid_route", message: "money from an agent goes on only to the treasury" };
  return null;
}

/** An active trading agent takes money only from its parent farm, and forwards none. */
export function admitToAgent(me: WalletRecord | null, req: ReceiveRequest): Refusal | null {
  if (!me) return { code: "wallet_not_initialised", message: "this agent does not exist yet" };
  if (me.role === "overseer") return { code: "overseer_holds_no_capital", message: `${me.id} oversees risk and holds no trading capital` };
  if (me.status === "archived") return { code: "wallet_archived", message: `${me.id} is archived` };
  if (req.from !== me.parent) return { code: "not_member", message: `${me.id} takes money only from its farm ${me.parent}` };
  if (req.forwardTo) return { code: "invalid_route", message: "an agent does not forward money" };
  return null;
}

/** Admission by the receiver's kind; `known` is its directory (treasury) or members (farm). */
export function admitTransfer(kind: WalletKind, me: WalletRecord | null, req: ReceiveRequest, known: Lookup): Refusal | null {
  switch (kind) {
    case "treasury":
      return admitToTreasury(req, known);
    case "farm":
      return admitToFarm(me, req, known);
    case "agent":
      return admitToAgent(me, req);
  }
}

/** Where a credit goes on when its sender did not say: an archived farm sends its agents' money home. */
export function autoForwardTo(me: WalletRecord | null, req: ReceiveRequest): string | null {
  return me?.kind === "farm" && me.status === "archived" && req.from !== TREASURY ? TREASURY : null;
}
