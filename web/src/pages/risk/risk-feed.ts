import { createEffect, createMemo, createSignal, onCleanup, untrack } from "solid-js";
import type { Halt, RiskAlert, RiskReport } from "../../../../core/risk/types.ts";
import type { ApiError } from "../../api.ts";
import { asApiError } from "../../command.ts";
import { liveEntries, liveStatus, liveThread, useLiveTopics } from "../../live/live.ts";
import { usePoll } from "../../poll.ts";
import {
  applyHaltChanges,
  asRiskReport,
  type HaltChange,
  haltChangesSince,
  liveAlerts,
  mergeAlerts,
  newerReport,
  pendingHaltChanges,
  type Received,
  RISK_THREAD,
} from "./model.ts";
import { riskApi } from "./risk-api.ts";

/** While the socket is down (or the risk thread has no state yet), GET /api/risk this often. */
const FALLBACK_POLL_MS = 5_000;
/** A halt or resume event: reload the report after this pause (they tend to come with a state change). */
const EVENT_RELOAD_MS = 250;
/** How often pending halt changes are checked for expiry. */
const CHANGE_TICK_MS = 1_000;

/**
 * The risk report the page shows: GET /api/risk on load, then the `risk` thread's live state
 * whenever it is newer (by `asOfMs`), with REST polling while the socket is down. Halts and
 * resumes the page learns of first (its own commands, live events) are laid over the report until
 * a report shows them.
 */
export function createRiskFeed() {
  const [rest, setRest] = createSignal<Received | null>(null);
  const [error, setError] = createSignal<ApiError | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [changes, setChanges] = createSignal<readonly HaltChange[]>([]);
  const [now, setNow] = createSignal(Date.now());
  let latest = 0;
  let lastLoadMs = 0;
  let disposed = false;
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  let tickTimer: ReturnType<typeof setInterval> | undefined;
  onCleanup(() => {
    disposed = true;
    clearTimeout(reloadTimer);
    clearInterval(tickTimer);
  });

  async function load(): Promise<void> {
    const attempt = ++latest;
    lastLoadMs = Date.now();
    setLoading(true);
    try {
      const reply = await riskApi.report();
      if (disposed || attempt !== latest) return;
      setRest({ report: reply.risk, atMs: Date.now() });
      setError(null);
    } catch (thrown) {
      if (!disposed && attempt === latest) setError(asApiError(thrown));
    } finally {
      if (attempt === latest) setLoading(false);
    }
  }
  void load();

  function reloadSoon(): void {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void load(), EVENT_RELOAD_MS);
  }

  useLiveTopics(() => [RISK_THREAD]);

  const live = createMemo((): Received | null => {
    const thread = liveThread(RISK_THREAD);
    const report = asRiskReport(thread?.state);
    return report && thread ? { report, atMs: thread.stateAtMs, current: thread.fresh && liveStatus().kind === "live" } : null;
  });
  const shown = createMemo(() => newerReport(rest(), live()));
  const report = createMemo((): RiskReport | null => shown()?.report ?? null);
  const source = createMemo((): "live" | "rest" | null => {
    const s = shown();
    if (!s) return null;
    return s === live() ? "live" : "rest";
  });

  const fallbackKey = createMemo(() => (liveStatus().kind === "live" && live() ? null : "risk"));
  usePoll(fallbackKey, FALLBACK_POLL_MS, async () => {
    if (Date.now() - lastLoadMs >= FALLBACK_POLL_MS / 2) await load();
  });

  // Halts and resumes announced on the thread after the page opened (earlier ones are in the REST report).
  let seenId = untrack(liveEntries).reduce((m, e) => Math.max(m, e.id), 0);
  createEffect(() => {
    const { changes: fresh, lastId } = haltChangesSince(liveEntries(), seenId, Date.now());
    seenId = lastId;
    if (fresh.length === 0) return;
    addChanges(fresh);
    reloadSoon();
  });

  function addChanges(fresh: readonly HaltChange[]): void {
    setNow(Date.now());
    setChanges((c) => [...c, ...fresh]);
    if (tickTimer === undefined) tickTimer = setInterval(() => setNow(Date.now()), CHANGE_TICK_MS);
  }

  const pending = createMemo(() => pendingHaltChanges(report()?.halts ?? [], changes(), now()));
  // A change a report agrees with (or too old) is done: drop it, so a later report can overrule it.
  createEffect(() => {
    const p = pending();
    if (p.length === untrack(changes).length) return;
    setChanges(p);
    if (p.length === 0 && tickTimer !== undefined) {
      clearInterval(tickTimer);
      tickTimer = undefined;
    }
  });

  const halts = createMemo((): Halt[] => applyHaltChanges(report()?.halts ?? [], pending()));
  const alerts = createMemo((): RiskAlert[] => mergeAlerts(report()?.alerts ?? [], liveAlerts(liveEntries())));

  return {
    report,
    /** Where the shown report came from: the live thread or GET /api/risk. */
    source,
    halts,
    alerts,
    error,
    loading,
    reload: () => void load(),
    /** A halt or resume this page made: shown at once, and the report reloaded. */
    applyChange(change: HaltChange): void {
      addChanges([change]);
      reloadSoon();
    },
  };
}

export type RiskFeed = ReturnType<typeof createRiskFeed>;
