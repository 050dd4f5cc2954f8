import { type Asset, type Decimal, ZERO, dec, str } from "./money.js";

/**
 * A wallet's double-entry journal. Every entry's lines sum to zero per asset; a balance is the
 * sum of an account's lines. The accounts a wallet uses:
 *   cash            money the wallet holds
 *   transit         money sent and not yet acknowledged by its receiver
 *   capital         paper capital deposited from outside the desk (the other side of a deposit)
 *   peer:<wallet>   net money moved to (+) or from (-) another wallet of the desk
 */
export const CASH = "cash";
export const TRANSIT = "transit";
export const CAPITAL = "capital";
export const peer = (walletId: string): string => `peer:${walletId}`;

export type EntryKind =
  | "deposit"
  | "transfer_out"
  | "transfer_delivered"
  | "transfer_returned"
  | "transfer_in";

export interface JournalLine {
  readonly account: string;
  readonly asset: Asset;
  readonly amount: string;
}

export interface JournalEntry {
  readonly kind: EntryKind;
  /** The transfer (or deposit) the entry belongs to: with kind, a natural key for the entry. */
  readonly ref: string;
  readonly counterparty: string | null;
  readonly lines: readonly JournalLine[];
}

function line(account: string, asset: Asset, amount: Decimal): JournalLine {
  return { account, asset, amount: str(amount) };
}

/** Asserts the invariant every entry must keep: per asset, its lines sum to zero. */
export function assertBalanced(entry: JournalEntry): void {
  const sums = new Map<string, Decimal>();
  for (const l of entry.lines) sums.set(l.asset, (sums.get(l.asset) ?? ZERO).plus(dec(l.amount)));
  for (const [asset, sum] of sums) {
    if (!sum.isZero()) throw new Error(`invariant: entry ${entry.kind}/${entry.ref} is unbalanced in ${asset} by ${str(sum)}`);
  }
}

function entry(kind: EntryKind, ref: string, counterparty: string | null, lines: JournalLine[]): JournalEntry {
  const e: JournalEntry = { kind, ref, counterparty, lines };
  assertBalanced(e);
  return e;
}

/** Paper capital enters the desk. */
export function depositEntry(ref: string, asset: Asset, amount: Decimal): JournalEntry {
  return entry("deposit", ref, null, [line(CASH, asset, amount), line(CAPITAL, asset, amount.neg())]);
}

/** The sender's debit: cash leaves, and is in transit until the receiver acknowledges it. */
export function transferOutEntry(ref: string, to: string, asset: Asset, amount: Decimal): JournalEntry {
  return entry("transfer_out", ref, to, [line(CASH, asset, amount.neg()), line(TRANSIT, asset, amount)]);
}

/** The receiver credited the transfer: it is no longer in transit. */
export function transferDeliveredEntry(ref: string, to: string, asset: Asset, amount: Decimal): JournalEntry {
  return entry("transfer_delivered", ref, to, [line(TRANSIT, asset, amount.neg()), line(peer(to), asset, amount)]);
}

/** The receiver refused the transfer: the money comes back to cash. */
export function transferReturnedEntry(ref: string, to: string, asset: Asset, amount: Decimal): JournalEntry {
  return entry("transfer_returned", ref, to, [line(TRANSIT, asset, amount.neg()), line(CASH, asset, amount)]);
}

/** The receiver's credit. */
export function transferInEntry(ref: string, from: string, asset: Asset, amount: Decimal): JournalEntry {
  return entry("transfer_in", ref, from, [line(CASH, asset, amount), line(peer(from), asset, amount.neg())]);
}

/** The change an entry makes to the wallet's cash in one asset (what a statement shows). */
export function cashDelta(e: JournalEntry, asset: Asset): Decimal {
  let d = ZERO;
  for (const l of e.lines) if (l.account === CASH && l.asset === asset) d = d.plus(dec(l.amount));
  return d;
}

/** Account balances, keyed `account|asset`, kept as Decimals in memory. */
export class Balances {
  readonly #sums = new Map<string, Decimal>();

  static key(account: string, asset: string): string {
    return `${account}|${asset}`;
  }

  get(account: string, asset: Asset): Decimal {
    return this.#sums.get(Balances.key(account, asset)) ?? ZERO;
  }

  set(account: string, asset: string, amount: Decimal): void {
    this.#sums.set(Balances.key(account, asset), amount);
  }

  /** Applies an entry; returns the keys it touched so a caller can persist only those. */
  apply(e: JournalEntry): string[] {
    const touched: string[] = [];
    for (const l of e.lines) {
      const k = Balances.key(l.account, l.asset);
      this.#sums.set(k, (this.#sums.get(k) ?? ZERO).plus(dec(l.amount)));
      touched.push(k);
    }
    return touched;
  }

  entries(): IterableIterator<[string, Decimal]> {
    return this.#sums.entries();
  }

  /** Per-asset totals of one account, as strings. */
  byAsset(account: string): Record<string, string> {
    const out: Record<string, string> = {};
    const prefix = `${account}|`;
    for (const [k, v] of this.#sums) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = str(v);
    return out;
  }
}
