import { createSignal, onCleanup, Show } from "solid-js";
import type { LiveStatus } from "./connection.ts";
import { liveStatus, reconnectNow } from "./live.ts";

/** What the pill says for a status; `nowMs` counts down a pending reconnect. */
export function statusText(status: LiveStatus, nowMs: number): string {
  switch (status.kind) {
    case "idle":
      return "not subscribed";
    case "connecting":
      return status.attempt > 0 ? "reconnecting…" : "connecting…";
    case "live":
      return "live";
    case "reconnecting":
      return `reconnecting in ${Math.max(1, Math.ceil((status.atMs - nowMs) / 1000))}s`;
    case "offline":
      return `offline · ${status.reason}`;
  }
}

/** The event socket's state, for the header; when it is down, a click reconnects now. */
export function LiveStatusPill() {
  const [now, setNow] = createSignal(Date.now());
  const ticker = window.setInterval(() => {
    if (liveStatus().kind === "reconnecting") setNow(Date.now());
  }, 250);
  onCleanup(() => window.clearInterval(ticker));
  const status = liveStatus;
  const retryable = () => status().kind === "reconnecting" || status().kind === "offline";
  const title = () => {
    const s = status();
    if (s.kind === "reconnecting") return `${s.reason} · attempt ${s.attempt} · click to reconnect now`;
    if (s.kind === "offline") return `${s.reason} · click to try again`;
    return "the desk's live event feed";
  };
  return (
    <button
      type="button"
      class={`live-pill ${status().kind}`}
      data-testid="live-status"
      data-status={status().kind}
      title={title()}
      disabled={!retryable()}
      onClick={() => reconnectNow()}
    >
      <span class="live-dot" />
      {statusText(status(), now())}
      <Show when={retryable()}>
        <span class="live-retry"> retry</span>
      </Show>
    </button>
  );
}
