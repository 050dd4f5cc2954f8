import { createEffect, createMemo, createSignal, For, Show, untrack } from "solid-js";
import type { ApiError } from "../../api.ts";
import { asApiError } from "../../command.ts";
import { ErrorNote } from "../../components.tsx";
import { fileOlder } from "../../live/history.ts";
import {
  liveEntries,
  liveReceived,
  liveRuns,
  liveSeq,
  liveStatus,
  liveSubscribed,
  liveThread,
  liveThreadNames,
  liveTrimmed,
  loadOlderEvents,
  useLiveTopics,
} from "../../live/live.ts";
import { LOG_CAPACITY, type LogEntry } from "../../live/log.ts";
import type { Envelope } from "../../live/protocol.ts";
import type { RunRecord } from "../../live/threads.ts";
import { CATEGORIES, type Category } from "./describe.ts";
import { EventLogTable } from "./event-log.tsx";
import { entryFilter, groupByRun } from "./filters.ts";
import { Inspector } from "./inspector.tsx";
import { RunList } from "./run-list.tsx";
import { expandRows, routineRuns, summariseGroups, summariseRoutine } from "./summarise.ts";

/** Rows rendered at first; more on request, so a wide filter does not build thousands of rows at once. */
const ROWS_PAGE = 500;
/** History kept below the live log, at most. */
const OLDER_CAPACITY = 2_000;
const FIXED_TOPICS = ["desk", "treasury", "risk", "coordinator"];
/**
 * History loaded when the page opens. A fresh connection brings each thread's state, not what
 * happened before it: without this, orders and fills placed a minute earlier are nowhere in
 * the log, its search or its topics until the operator thinks to load older events.
 */
const BACKFILL_EVENTS = 1_000;

interface Paused {
  readonly entries: readonly LogEntry[];
  readonly received: number;
}

interface Older {
  readonly envelopes: readonly Envelope[];
  readonly entries: readonly LogEntry[];
  readonly runs: ReadonlyMap<string, RunRecord>;
  /** The live log's trim count when loaded: if it moves on, the two no longer meet. */
  readonly trimmedAt: number;
  readonly exhausted: boolean;
}

function parentOf(thread: string): string | null {
  const state = untrack(() => liveThread(thread))?.state;
  const parent = typeof state === "object" && state !== null ? (state as { parent?: unknown }).parent : null;
  return typeof parent === "string" ? parent : null;
}

/** The Events page: the live AG-UI log, filtered, pausable, with runs delimited and any event in full. */
export function EventsPage() {
  const [topic, setTopic] = createSignal("desk");
  const [thread, setThread] = createSignal("");
  const [categories, setCategories] = createSignal<ReadonlySet<Category>>(new Set());
  const [text, setText] = createSignal("");
  const [view, setView] = createSignal<"log" | "runs">("log");
  const [paused, setPaused] = createSignal<Paused | null>(null);
  const [older, setOlder] = createSignal<Older | null>(null);
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const [olderError, setOlderError] = createSignal<ApiError | null>(null);
  const [selected, setSelected] = createSignal<LogEntry | null>(null);
  const [rowLimit, setRowLimit] = createSignal(ROWS_PAGE);

  useLiveTopics(() => [topic()]);

  const base = () => paused()?.entries ?? liveEntries();
  const olderShown = createMemo(() => {
    const o = older();
    if (!o) return null;
    return paused() || liveTrimmed() === o.trimmedAt ? o : null;
  });
  const all = createMemo(() => {
    const newestFirst = [...base()].reverse();
    const o = olderShown();
    return o ? newestFirst.concat([...o.entries].reverse()) : newestFirst;
  });
  const filtered = createMemo(() => all().filter(entryFilter({ topic: topic(), thread: thread(), categories: categories(), text: text() }, parentOf)));
  const shown = createMemo(() => filtered().slice(0, rowLimit()));
  // Routine runs are judged on every entry kept, not only the filtered ones: a search must not make a fill's run look routine.
  const routine = createMemo(() => routineRuns(all()));
  const [expanded, setExpanded] = createSignal<ReadonlySet<string>>(new Set());
  const rows = createMemo(() => expandRows(summariseRoutine(shown(), routine()), expanded()));
  const groups = createMemo(() => (view() === "runs" ? summariseGroups(groupByRun(shown(), runOf), routine()) : []));
  function toggleSummary(key: string) {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }
  const pending = () => {
    const p = paused();
    return p ? liveReceived() - p.received : 0;
  };

  function runOf(key: string): RunRecord | undefined {
    return liveRuns().get(key) ?? olderShown()?.runs.get(key);
  }

  const threads = createMemo(() => [...new Set(all().map((e) => e.thread))].sort());
  const topics = createMemo(() => {
    const seen = liveThreadNames().filter((t) => t.startsWith("farm:") || t.startsWith("agent:") || t.startsWith("venue:"));
    return [...new Set([...FIXED_TOPICS, ...seen.sort(), topic()])];
  });

  function pause() {
    setPaused({ entries: liveEntries(), received: liveReceived() });
  }

  function resume() {
    setPaused(null);
    const o = older();
    if (o && liveTrimmed() !== o.trimmedAt) setOlder(null);
    setRowLimit(ROWS_PAGE);
  }

  function toggleCategory(id: Category) {
    setCategories((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  // Once per visit, as soon as the feed is live: recent history below the live log.
  let backfilled = false;
  createEffect(() => {
    if (backfilled || liveStatus().kind !== "live" || liveEntries().length === 0 || liveEntries().length >= LOG_CAPACITY) return;
    backfilled = true;
    untrack(() => void loadOlder(BACKFILL_EVENTS));
  });

  async function loadOlder(want?: number) {
    const current = olderShown();
    const seqs = [...base().map((e) => e.seq), ...(current?.envelopes.map((e) => e.seq) ?? [])];
    if (seqs.length === 0) return;
    // A full log keeps trimming while live; browsing history holds it still.
    if (!paused() && liveEntries().length >= LOG_CAPACITY) pause();
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const before = Math.min(...seqs);
      const result = await loadOlderEvents(before, liveSubscribed().length > 0 ? liveSubscribed() : [topic()], want);
      const envelopes = [...result.events, ...(current?.envelopes ?? [])].slice(-OLDER_CAPACITY);
      const filed = fileOlder(envelopes);
      setOlder({
        envelopes,
        entries: filed.entries,
        runs: filed.runs,
        trimmedAt: current?.trimmedAt ?? liveTrimmed(),
        exhausted: result.exhausted || envelopes.length >= OLDER_CAPACITY,
      });
      setRowLimit((n) => n + result.events.length);
    } catch (thrown) {
      setOlderError(asApiError(thrown));
    } finally {
      setLoadingOlder(false);
    }
  }

  const selectedRun = () => {
    const key = selected()?.runKey;
    return key ? runOf(key) : undefined;
  };

  return (
    <div class="page events-page" data-testid="events-page">
      <header class="page-head">
        <div>
          <h1>Events</h1>
          <p class="sub">
            AG-UI stream · {liveSubscribed().join(", ") || "not subscribed"}
            <Show when={liveSeq() !== null}> · seq {liveSeq()}</Show> · {liveEntries().length} kept (last {LOG_CAPACITY.toLocaleString()})
          </p>
        </div>
        <div class="page-tools">
          <label class="inline-field">
            <span>Topic</span>
            <select data-testid="events-topic" onChange={(e) => setTopic(e.currentTarget.value)}>
              <For each={topics()}>{(t) => <option value={t} selected={t === topic()}>{t}</option>}</For>
            </select>
          </label>
          <Show
            when={paused()}
            fallback={
              <button type="button" class="small" data-testid="events-pause" onClick={pause}>
                ❚❚ Pause
              </button>
            }
          >
            <button type="button" class="small primary" data-testid="events-resume" onClick={resume}>
              ▶ Resume
              <Show when={pending() > 0}>
                <span class="count" data-testid="events-pending">
                  {pending().toLocaleString()} new
                </span>
              </Show>
            </button>
          </Show>
        </div>
      </header>

      <div class="filter-bar">
        <label class="inline-field">
          <span>Thread</span>
          <select data-testid="events-thread" onChange={(e) => setThread(e.currentTarget.value)}>
            <option value="" selected={thread() === ""}>
              all threads
            </option>
            <For each={threads()}>{(t) => <option value={t} selected={t === thread()}>{t}</option>}</For>
          </select>
        </label>
        <div class="chips" role="group" aria-label="Event types">
          <For each={CATEGORIES}>
            {(c) => (
              <button
                type="button"
                class={`chip ${c.id}`}
                classList={{ on: categories().has(c.id) }}
                aria-pressed={categories().has(c.id)}
                data-testid={`events-type-${c.id}`}
                onClick={() => toggleCategory(c.id)}
              >
                {c.label}
              </button>
            )}
          </For>
          <Show when={categories().size > 0}>
            <button type="button" class="link" onClick={() => setCategories(new Set<Category>())}>
              all types
            </button>
          </Show>
        </div>
        <input
          class="search"
          type="search"
          placeholder="search: transfer, farm:momentum, cival.…"
          data-testid="events-search"
          value={text()}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <div class="segmented view-toggle">
          <button type="button" classList={{ on: view() === "log" }} data-testid="events-view-log" onClick={() => setView("log")}>
            Log
          </button>
          <button type="button" classList={{ on: view() === "runs" }} data-testid="events-view-runs" onClick={() => setView("runs")}>
            Runs
          </button>
        </div>
      </div>

      <Show when={paused()}>
        <div class="paused-banner" data-testid="events-paused">
          Paused: the view holds still while events keep arriving ({pending().toLocaleString()} since). Resume to catch up.
        </div>
      </Show>

      <div class="events-layout" classList={{ inspecting: selected() !== null }}>
        <div class="events-scroll">
          <Show
            when={shown().length > 0}
            fallback={
              <div class="panel-body empty" data-testid="events-empty">
                {all().length === 0
                  ? liveStatus().kind === "live"
                    ? "Connected. Events will appear here as the desk acts."
                    : "Waiting for the event feed…"
                  : "No event matches these filters."}
              </div>
            }
          >
            <Show
              when={view() === "runs"}
              fallback={<EventLogTable rows={rows()} expanded={expanded()} onToggle={toggleSummary} runOf={runOf} selected={selected()?.id ?? null} onSelect={setSelected} />}
            >
              <RunList rows={groups()} expanded={expanded()} onToggle={toggleSummary} selected={selected()?.id ?? null} onSelect={setSelected} />
            </Show>
          </Show>
          <div class="log-foot">
            <Show when={filtered().length > shown().length}>
              <button type="button" class="small" onClick={() => setRowLimit((n) => n + ROWS_PAGE)}>
                Show {Math.min(ROWS_PAGE, filtered().length - shown().length)} more
              </button>
            </Show>
            <Show
              when={!olderShown()?.exhausted}
              fallback={<span class="faint" data-testid="events-no-older">{older()?.envelopes.length ? "No older events kept." : "Nothing older."}</span>}
            >
              <button type="button" class="small" data-testid="events-load-older" disabled={loadingOlder() || all().length === 0} onClick={() => void loadOlder()}>
                {loadingOlder() ? "Loading…" : "Load older"}
              </button>
            </Show>
            <span class="faint">
              {filtered().length.toLocaleString()} of {all().length.toLocaleString()} events
              <Show when={olderShown()}>{(o) => ` · ${o().entries.length} from history`}</Show>
            </span>
            <ErrorNote error={olderError()} testid="events-older-error" />
          </div>
        </div>
        <Show when={selected()}>
          <Inspector entry={selected()} run={selectedRun()} onClose={() => setSelected(null)} />
        </Show>
      </div>
    </div>
  );
}
