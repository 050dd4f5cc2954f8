import { createMemo, For, Show } from "solid-js";
import type { LogEntry } from "../../live/log.ts";
import type { RunRecord } from "../../live/threads.ts";
import { categoryOf, clockTime, describe, eventName, shortType } from "./describe.ts";
import { runLabel } from "./filters.ts";
import { type LogRow, summaryLabel } from "./summarise.ts";

/**
 * A stable hue per run, so interleaved runs tell apart by their gutter colour: the run's
 * number (keys end in `#n`) steps by the golden angle, so consecutive runs never look alike.
 */
export function runHue(key: string | null): number {
  if (!key) return 0;
  const hash = key.indexOf("#");
  const n = hash >= 0 ? Number(key.slice(hash + 1)) : Number.NaN;
  let h = 0;
  const base = hash >= 0 ? key.slice(0, hash) : key;
  for (let i = 0; i < base.length; i++) h = (Math.imul(h, 31) + base.charCodeAt(i)) >>> 0;
  return Math.round((h % 360) + (Number.isFinite(n) ? n * 137.508 : 0)) % 360;
}

/** A folded stretch of routine state updates: one line that opens into its events. */
function SummaryRow(props: { row: Extract<LogRow, { kind: "summary" }>; open: boolean; onToggle: (key: string) => void }) {
  const newest = () => props.row.entries[0];
  const oldest = () => props.row.entries[props.row.entries.length - 1];
  return (
    <tr class="cat-state summary" data-testid="event-summary" data-thread={props.row.thread} data-runs={props.row.runs} data-open={props.open ? "true" : "false"}>
      <td class="col-gutter" />
      <td class="col-seq mono">{newest()?.seq}</td>
      <td class="col-time mono">{clockTime(newest()?.at ?? 0)}</td>
      <td class="col-thread mono">{props.row.thread}</td>
      <td class="col-type">
        <span class="type-tag state">summary</span>
      </td>
      <td class="detail">
        <button type="button" class="link" aria-expanded={props.open} data-testid="event-summary-toggle" onClick={() => props.onToggle(props.row.key)}>
          {props.open ? "▾" : "▸"} {summaryLabel(props.row)}
        </button>
        <span class="faint"> · since {clockTime(oldest()?.at ?? 0)}</span>
      </td>
      <td class="col-run" />
    </tr>
  );
}

/**
 * The flat log, newest first: one row per event; runs delimited by a coloured gutter and their
 * start and end rows; stretches of routine state updates folded into one line (see summarise.ts).
 */
export function EventLogTable(props: {
  rows: readonly LogRow[];
  expanded: ReadonlySet<string>;
  onToggle: (key: string) => void;
  runOf: (key: string) => RunRecord | undefined;
  selected: number | null;
  onSelect: (entry: LogEntry) => void;
}) {
  // The newest row of each run carries the run's label.
  const heads = createMemo(() => {
    const seen = new Set<string>();
    const out = new Set<number>();
    for (const row of props.rows) {
      const e = row.kind === "entry" ? row.entry : null;
      if (e?.runKey && !seen.has(e.runKey)) {
        seen.add(e.runKey);
        out.add(e.id);
      }
    }
    return out;
  });

  return (
    <table class="events" data-testid="event-log">
      <thead>
        <tr>
          <th class="col-gutter" />
          <th class="col-seq">Seq</th>
          <th class="col-time">Time</th>
          <th class="col-thread">Thread</th>
          <th class="col-type">Event</th>
          <th>Detail</th>
          <th class="col-run">Run</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.rows}>
          {(row) => {
            if (row.kind === "summary") return <SummaryRow row={row} open={props.expanded.has(row.key)} onToggle={props.onToggle} />;
            const entry = row.entry;
            const run = () => (entry.runKey ? props.runOf(entry.runKey) : undefined);
            const label = () => runLabel(run());
            const type = entry.event.type;
            const category = categoryOf(type);
            const detail = describe(entry.event);
            return (
              <tr
                class={`cat-${category}`}
                classList={{
                  selected: props.selected === entry.id,
                  "run-start": type === "RUN_STARTED",
                  "run-end": type === "RUN_FINISHED" || type === "RUN_ERROR",
                  "run-error": type === "RUN_ERROR",
                  truncated: run()?.status === "truncated",
                  history: entry.id < 0,
                  unfolded: row.inside !== undefined,
                }}
                tabIndex={0}
                data-testid="event-row"
                data-seq={entry.seq}
                data-type={type}
                data-thread={entry.thread}
                data-name={eventName(entry.event) ?? ""}
                data-run-status={run()?.status ?? ""}
                onClick={() => props.onSelect(entry)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" || e.key === " ") {
                    e.preventDefault();
                    props.onSelect(entry);
                  }
                }}
              >
                <td class="col-gutter">
                  <span class="gutter" style={{ "--run-hue": String(runHue(entry.runKey)) }} classList={{ none: !entry.runKey }} />
                </td>
                <td class="col-seq mono">{entry.seq}</td>
                <td class="col-time mono">{clockTime(entry.at)}</td>
                <td class="col-thread mono">{entry.thread}</td>
                <td class="col-type">
                  <span class={`type-tag ${category}`}>{shortType(type)}</span>
                </td>
                <td class="detail" title={detail}>
                  {detail}
                </td>
                <td class="col-run">
                  <Show when={heads().has(entry.id) && label().text}>
                    <span class={`run-tag ${label().tone}`} title={run()?.runId ?? "events outside a run"}>
                      {label().text}
                    </span>
                  </Show>
                </td>
              </tr>
            );
          }}
        </For>
      </tbody>
    </table>
  );
}
