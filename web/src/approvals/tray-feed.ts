import { createEffect, createSignal, on, onCleanup } from "solid-js";
import type { ApprovalRecord } from "../../../core/agents/types.ts";
import { liveEntries, liveStatus, useLiveTopics } from "../live/live.ts";
import { DESK_TOPIC } from "../live/protocol.ts";
import { approvalsApi, farmTopic } from "./approvals-api.ts";
import { entriesSince } from "./events.ts";
import { approvalActions, EMPTY_TRAY, type TrayAction, trayReducer, type TrayState } from "./model.ts";

const TICK_MS = 1_000;

/**
 * The pending approvals for the shell: GET /api/approvals on start (and again whenever the
 * socket comes back, for what it missed), then the live requests and answers on the farms'
 * topics (an agent's events reach its farm's). A clock ticks only while a card is showing.
 */
export function createApprovalTray() {
  const [state, setState] = createSignal<TrayState>(EMPTY_TRAY);
  const [now, setNow] = createSignal(Date.now());
  const [topics, setTopics] = createSignal<readonly string[]>([]);
  let disposed = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  onCleanup(() => {
    disposed = true;
    clearInterval(timer);
  });

  const dispatch = (action: TrayAction) => setState((s) => trayReducer(s, action));

  async function load(): Promise<void> {
    const requestedAtMs = Date.now();
    try {
      const reply = await approvalsApi.pending();
      if (!disposed) dispatch({ type: "loaded", approvals: reply.approvals, requestedAtMs, nowMs: Date.now() });
    } catch {
      // The tray is an aid: the Agents page shows the API's errors; the next reconnect retries.
    }
  }
  void approvalsApi.farms().then(
    (r) => !disposed && setTopics(r.farms.map((f) => farmTopic(f.id))),
    () => !disposed && setTopics([DESK_TOPIC]),
  );
  useLiveTopics(topics);
  createEffect(on(() => liveStatus().kind === "live", (live) => live && void load(), { defer: true }));
  void load();

  let seen = 0;
  createEffect(() => {
    const { fresh, lastId } = entriesSince(liveEntries(), seen);
    seen = lastId;
    const actions = approvalActions(fresh, Date.now());
    if (actions.length > 0) setState((s) => actions.reduce(trayReducer, s));
  });

  createEffect(() => {
    const any = state().pending.length > 0;
    if (any && timer === undefined) {
      setNow(Date.now());
      timer = setInterval(() => {
        setNow(Date.now());
        dispatch({ type: "tick", nowMs: Date.now() });
      }, TICK_MS);
    } else if (!any && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  });

  return {
    pending: (): readonly ApprovalRecord[] => state().pending,
    now,
    /** An answer this browser gave: the card leaves at once. */
    decided: (approval: ApprovalRecord) => dispatch({ type: "decided", approval }),
  };
}

export type ApprovalTrayFeed = ReturnType<typeof createApprovalTray>;
