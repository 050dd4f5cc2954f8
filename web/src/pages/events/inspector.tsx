import { createSignal, Show } from "solid-js";
import { Panel } from "../../components.tsx";
import type { LogEntry } from "../../live/log.ts";
import type { RunRecord } from "../../live/threads.ts";
import { clockTime } from "./describe.ts";
import { runLabel } from "./filters.ts";

/** One event in full: its envelope as JSON, and the run it belongs to. */
export function Inspector(props: { entry: LogEntry | null; run: RunRecord | undefined; onClose: () => void }) {
  const [copied, setCopied] = createSignal(false);
  const json = () => {
    const e = props.entry;
    return e ? JSON.stringify({ seq: e.seq, thread: e.thread, at: e.at, event: e.event }, null, 2) : "";
  };
  async function copy() {
    try {
      await navigator.clipboard.writeText(json());
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1200);
    } catch {
      // No clipboard (insecure context): the JSON is selectable anyway.
    }
  }
  return (
    <Panel
      title="Event"
      testid="event-inspector"
      aside={
        <Show when={props.entry}>
          <span class="button-row tight">
            <button type="button" class="small ghost" onClick={() => void copy()}>
              {copied() ? "Copied" : "Copy JSON"}
            </button>
            <button type="button" class="small ghost" data-testid="inspector-close" onClick={() => props.onClose()}>
              Close
            </button>
          </span>
        </Show>
      }
    >
      <Show when={props.entry} fallback={<div class="empty-note">Click an event to see it whole.</div>}>
        {(entry) => (
          <>
            <dl class="facts">
              <dt>seq</dt>
              <dd class="mono">{entry().seq}</dd>
              <dt>thread</dt>
              <dd class="mono">{entry().thread}</dd>
              <dt>hub time</dt>
              <dd class="mono">
                {clockTime(entry().at)} <span class="faint">({new Date(entry().at).toISOString().slice(0, 10)})</span>
              </dd>
              <Show when={props.run}>
                {(run) => (
                  <>
                    <dt>run</dt>
                    <dd class="mono">
                      {run().runId ?? "(start not seen)"} <span class={`run-tag ${runLabel(run()).tone}`}>{runLabel(run()).text}</span>
                    </dd>
                    <dt>run events</dt>
                    <dd class="mono">
                      {run().events} · seq {run().startedSeq}–{run().lastSeq}
                    </dd>
                  </>
                )}
              </Show>
            </dl>
            <pre class="json" data-testid="event-json">
              {json()}
            </pre>
          </>
        )}
      </Show>
    </Panel>
  );
}
