/**
 * A replay venue (named `replay:<paper venue id>:<run>`): the Venue object fed with history by a
 * backtest's loop instead of a market. It answers the loop's requests with the same machine calls
 * a backtest in memory makes, but through the object's storage, so a replay shows the object and
 * a backtest trade alike. Its time is the history's; its fills are the replay's own (never
 * delivered to agents), and it has no alarm: nothing rests between requests but what history feeds.
 */
import type { VenueReply, VenueRequest } from "../core/backtest/engine.js";
import type { Fill } from "../core/market.js";
import { type PaperVenueState, type VenueStep, cancelPaper, feedBook, submitPaper } from "../core/paper-venue/index.js";
import type { VenueStore } from "./venue-store.js";

/** The replay venue's name prefix. */
export const REPLAY_PREFIX = "replay:";

/** The paper venue a replay venue's name stands for (null: not a replay venue). */
export function replayedVenue(name: string | undefined): string | null {
  if (!name?.startsWith(REPLAY_PREFIX)) return null;
  return name.slice(REPLAY_PREFIX.length).split(":")[0] ?? null;
}

export type ReplayRequest = VenueRequest;
export type ReplayReply = VenueReply;

export interface ReplayHost {
  readonly name: string | undefined;
  readonly store: VenueStore;
  state(resting: PaperVenueState["resting"], records: ReadonlyArray<PaperVenueState["orders"][string]>): PaperVenueState;
  persist(step: VenueStep): void;
}

const OPEN = ["open", "partially_filled"] as const;

/** One request of a backtest's loop, answered by the object. */
export function answerReplay(host: ReplayHost, req: VenueRequest): VenueReply {
  if (replayedVenue(host.name) === null) throw new Error("invariant: only a replay venue replays history");
  const { store } = host;
  if (req.kind === "feed") {
    const fills: Fill[] = [];
    const symbols = [...new Set(req.books.map((b) => b.symbol))];
    let state = host.state(Object.fromEntries(symbols.map((s) => [s, store.resting(s)])), store.recordsWithStatus(OPEN, Number.MAX_SAFE_INTEGER));
    for (const book of req.books) {
      const step = feedBook(state, book);
      host.persist(step);
      state = step.state;
      for (const f of step.fills) fills.push(f.fill);
    }
    store.markDelivered(fills);
    return { fills, answer: null };
  }
  if (req.kind === "submit") {
    const known = store.record(req.order.clientOrderId);
    const state = host.state({ [req.order.symbol]: store.resting(req.order.symbol) }, known ? [known] : []);
    const out = submitPaper(state, req.account, req.order, req.nowMs, { quoteBudget: req.quoteBudget, books: { [req.order.symbol]: req.book } });
    host.persist(out.step);
    store.markDelivered(out.step.fills.map((f) => f.fill));
    return { fills: [], answer: out.reply };
  }
  const known = store.record(req.clientOrderId);
  const symbol = known?.order.symbol;
  const out = cancelPaper(host.state(symbol ? { [symbol]: store.resting(symbol) } : {}, known ? [known] : []), req.account, req.clientOrderId, req.nowMs);
  host.persist(out.step);
  return { fills: [], answer: out.reply };
}
