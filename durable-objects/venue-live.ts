import { BASE_URLS } from "../adapters/exchanges/index.js";
import { LiveAccount, publicBook } from "../adapters/exchanges/live-account.js";
import { custom, run } from "../core/events.js";
import { balanceDifferences, deskBalances, expectedBalances, liveReport, liveSubmitRefusal, pendingLiveOrder, reconcileOrder } from "../core/live-fills.js";
import type { OrderBook, OrderRequest, VenueOrder, VenueSpec } from "../core/market.js";
import type { SubmitResult } from "../core/messages.js";
import { Decimal } from "../core/money.js";
import type { OrderRecord } from "../core/paper-venue/index.js";
import { hubStub } from "./stubs.js";
import type { VenueStore } from "./venue-store.js";

/** A live book older than this is fetched again. */
const LIVE_BOOK_TTL_MS = 1_000;
/** Orders read back per reconciliation (the rest wait for the next one). */
const RECONCILE_BATCH = 50;
const OPEN_STATUSES = ["pending", "unknown", "open", "partially_filled"] as const;

/** What reconciliation found: orders read back, records corrected, the exchange's orders the desk does not know, balances that disagree. */
export interface Reconciliation {
  checked: number;
  corrected: number;
  discrepancies: string[];
  balances: Array<{ asset: string; expected: string; actual: string }>;
}

/** What live trading needs from its Venue object. */
export interface LiveContext {
  readonly env: Env;
  readonly store: VenueStore;
  readonly spec: VenueSpec;
  readonly transact: (fn: () => void) => void;
  readonly nowMs: () => number;
}

/** The exchange account with the stored keys. */
export async function liveAccount(ctx: LiveContext): Promise<LiveAccount> {
  const envelope = ctx.store.meta("keys");
  if (!envelope) throw new Error("invariant: live trading without keys");
  return LiveAccount.open(ctx.env, { spec: ctx.spec, baseUrl: ctx.store.meta("base_url") }, envelope);
}

/** Records a new report of a live order and the fill it implies, in one transaction. */
function record(ctx: LiveContext, account: string, order: VenueOrder): void {
  ctx.transact(() => {
    const prev = ctx.store.record(order.clientOrderId)?.order ?? null;
    const { fill } = liveReport(prev, order, ctx.spec, ctx.nowMs());
    ctx.store.saveOrder(account, order);
    if (fill) ctx.store.saveFills(account, [fill]);
  });
}

/** What the account holds at the exchange now, in the desk's assets: the baseline live trading is compared against. */
export async function liveBalances(ctx: LiveContext): Promise<Record<string, string>> {
  const acct = await liveAccount(ctx);
  return deskBalances(acct.usdStandIn(), await acct.balances());
}

/**
 * A real order: the record is written before the exchange is called; an answer that is lost
 * leaves the order `unknown`, and while an account has one it takes no new risk.
 */
export async function submitLive(ctx: LiveContext, account: string, order: OrderRequest): Promise<SubmitResult> {
  const refused = liveSubmitRefusal(account, ctx.store.countWithStatus(["unknown", "pending"], account));
  if (refused) return { ok: false, ...refused };
  const pending = pendingLiveOrder(order, ctx.nowMs());
  ctx.store.saveOrder(account, pending);
  const outcome = await (await liveAccount(ctx)).place(order);
  if (outcome.kind === "refused") {
    ctx.store.saveOrder(account, { ...pending, status: "rejected", updatedAtMs: ctx.nowMs() });
    return { ok: false, code: outcome.code, message: outcome.message };
  }
  if (outcome.kind === "placed") record(ctx, account, outcome.order);
  else ctx.store.saveOrder(account, { ...pending, status: "unknown", updatedAtMs: ctx.nowMs() });
  const now = ctx.store.record(order.clientOrderId);
  if (!now) throw new Error("invariant: live order vanished");
  return { ok: true, order: now.order, fills: [...now.fills] };
}

/** Cancels at the exchange and records what it then reports. */
export async function cancelLive(ctx: LiveContext, known: OrderRecord): Promise<SubmitResult> {
  const theirs = await (await liveAccount(ctx)).cancel(known.order.symbol, known.order.clientOrderId);
  if (theirs) record(ctx, known.account, theirs);
  const now = ctx.store.record(known.order.clientOrderId);
  return now ? { ok: true, order: now.order, fills: [...now.fills] } : { ok: false, code: "unknown_order", message: known.order.clientOrderId };
}

/**
 * Compares the exchange's orders with the records and corrects the records from the exchange's
 * truth: each order not yet final is read back (fills follow), and orders the exchange has that
 * the desk does not know are reported as `cival.venue.discrepancy`, as are balances that disagree.
 */
export async function reconcileLive(ctx: LiveContext): Promise<Reconciliation> {
  const acct = await liveAccount(ctx);
  const rows = ctx.store.recordsWithStatus(OPEN_STATUSES, RECONCILE_BATCH);
  let corrected = 0;
  for (const row of rows) {
    const theirs = await acct.order(row.order.symbol, row.order.clientOrderId);
    const decision = reconcileOrder(row.order, theirs, ctx.nowMs());
    if (decision.kind === "none") continue;
    if (decision.kind === "rejected") ctx.store.saveOrder(row.account, decision.order);
    else record(ctx, row.account, decision.order);
    corrected++;
  }
  const known = ctx.store.knownIds();
  const discrepancies = (await acct.openOrderIds()).filter((id) => !known.has(id));
  const baseline = JSON.parse(ctx.store.meta("baseline") ?? "{}") as Record<string, string>;
  const sides = (symbol: string) => {
    const s = ctx.spec.symbols.find((x) => x.symbol === symbol);
    return { base: s?.base ?? symbol, quote: s?.quote ?? "USD" };
  };
  // Open orders lock funds at the exchange but do not move them: free + locked is compared.
  const actual = deskBalances(acct.usdStandIn(), await acct.balances());
  const balances = balanceDifferences(expectedBalances(baseline, ctx.store.allFills(), sides), actual, new Decimal("0.00000001"));
  if (discrepancies.length > 0 || balances.length > 0) {
    const nowMs = ctx.nowMs();
    const thread = `venue:${ctx.spec.id}`;
    await hubStub(ctx.env).publish({
      source: thread,
      batch: nowMs,
      thread,
      topics: [],
      events: run(thread, `reconcile:${nowMs}`, nowMs, [custom("cival.venue.discrepancy", { venue: ctx.spec.id, unknownOpenOrders: discrepancies, balances }, nowMs)]),
    });
  }
  return { checked: rows.length, corrected, discrepancies, balances };
}

/**
 * The exchange's own books when prices come from it (cached for a second); a symbol whose book
 * cannot be fetched is left out and the failure recorded, plainly, so the machine falls back to
 * the synthetic market.
 */
export async function exchangeBooks(store: VenueStore, spec: VenueSpec, cache: Map<string, OrderBook>, symbols: readonly string[], nowMs: number): Promise<Record<string, OrderBook>> {
  if (store.meta("market_source") !== "live") return {};
  const out: Record<string, OrderBook> = {};
  const baseUrl = store.meta("base_url") ?? BASE_URLS[spec.exchange];
  for (const symbol of symbols) {
    if (!spec.symbols.some((s) => s.symbol === symbol)) continue;
    const cached = cache.get(symbol);
    if (cached && nowMs - cached.timeMs < LIVE_BOOK_TTL_MS) {
      out[symbol] = cached;
      continue;
    }
    try {
      const book = await publicBook({ spec, baseUrl }, symbol, nowMs);
      cache.set(symbol, book);
      store.setMeta("last_live", JSON.stringify({ ok: true, message: `prices from ${baseUrl}`, atMs: nowMs }));
      out[symbol] = book;
    } catch (err) {
      const message = `${baseUrl} could not be reached (${err instanceof Error ? err.message : String(err)}): prices come from the synthetic market`;
      store.setMeta("last_live", JSON.stringify({ ok: false, message, atMs: nowMs }));
    }
  }
  return out;
}
