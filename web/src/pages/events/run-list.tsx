import { For, Show } from "solid-js";
import type { LogEntry } from "../../live/log.ts";
import { categoryOf, clockTime, describe, shortType } from "./describe.ts";
import { runHue } from "./event-log.tsx";
import { type RunGroup, runLabel } from "./filters.ts";
import { type GroupRow, summaryLabel } from "./summarise.ts";

/** The log grouped by run: one card per run, newest activity first, its events inside; routine stretches fold into one card. */
export function RunList(props: { rows: readonly GroupRow[]; expanded: ReadonlySet<string>; onToggle: (key: string) => void; selected: number | null; onSelect: (entry: LogEntry) => void }) {
  return (
    <div class="run-list" data-testid="run-list">
      <For each={props.rows}>
        {(row) =>
          row.kind === "run" ? (
            <RunCard group={row.group} selected={props.selected} onSelect={props.onSelect} />
          ) : (
            <section class="run-card summary" data-testid="run-summary" data-thread={row.thread} data-runs={row.runs}>
              <header class="run-head">
                <button type="button" class="link" aria-expanded={props.expanded.has(row.key)} onClick={() => props.onToggle(row.key)}>
                  {props.expanded.has(row.key) ? "▾" : "▸"} {summaryLabel(row)}
                </button>
              </header>
              <Show when={props.expanded.has(row.key)}>
                <For each={row.groups}>{(group) => <RunCard group={group} selected={props.selected} onSelect={props.onSelect} />}</For>
              </Show>
            </section>
          )
        }
      </For>
    </div>
  );
}

function RunCard(props: { group: RunGroup; selected: number | null; onSelect: (entry: LogEntry) => void }) {
  const group = props.group;
  const label = () => runLabel(group.run);
  const newest = () => group.entries[0];
  const oldest = () => group.entries[group.entries.length - 1];
  return (
    <section
      class="run-card"
      classList={{ truncated: group.run?.status === "truncated", error: group.run?.status === "error" }}
      style={{ "--run-hue": String(runHue(group.run ? group.key : null)) }}
      data-testid="run-card"
      data-thread={group.thread}
      data-run-status={group.run?.status ?? ""}
    >
      <header class="run-head">
        <span class="mono run-thread">{group.thread}</span>
        <span class="mono run-id">{group.run?.runId ?? (group.run ? "(start not seen)" : "no run")}</span>
        <Show when={label().text}>
          <span class={`run-tag ${label().tone}`}>{label().text}</span>
        </Show>
        <span class="run-meta mono">
          {group.entries.length} event{group.entries.length === 1 ? "" : "s"} · seq {oldest()?.seq}
          {oldest()?.seq !== newest()?.seq ? `–${newest()?.seq}` : ""} · {oldest() ? clockTime(oldest()?.at ?? 0) : ""}
        </span>
      </header>
      <Show when={group.run?.error}>
        <div class="run-error-text">{group.run?.error}</div>
      </Show>
      <ol class="run-events">
        <For each={[...group.entries].reverse()}>
          {(entry) => (
            <li
              classList={{ selected: props.selected === entry.id }}
              tabIndex={0}
              data-testid="run-event"
              data-type={entry.event.type}
              onClick={() => props.onSelect(entry)}
              onKeyDown={(e) => {
                if (e.key === "Enter") props.onSelect(entry);
              }}
            >
              <span class={`type-tag ${categoryOf(entry.event.type)}`}>{shortType(entry.event.type)}</span>
              <span class="detail">{describe(entry.event)}</span>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}
