import { EventType } from "@ag-ui/core";
import type { LogEntry } from "../../live/log.ts";
import type { RunGroup } from "./filters.ts";

/**
 * Routine state updates, summarised for the log. The risk monitor re-prices the desk every few
 * seconds and tells it as a run holding one STATE_DELTA; dozens of those in a row bury the
 * orders, fills and transfers a person looks for. The socket still carries every one (views
 * need the state); the log folds consecutive routine runs of one thread into one line.
 */

/** Event types a routine run is made of: its start and end, and the state change. */
const ROUTINE_TYPES: ReadonlySet<string> = new Set([EventType.RUN_STARTED, EventType.RUN_FINISHED, EventType.STATE_DELTA]);

/** A row of the summarised log: one event, or a folded stretch of routine runs on one thread. */
export type LogRow =
  | { readonly kind: "entry"; readonly entry: LogEntry; /** The summary this entry was unfolded from. */ readonly inside?: string }
  | {
      readonly kind: "summary";
      /** Stable while newer runs join the stretch: the oldest run's key. */
      readonly key: string;
      readonly thread: string;
      readonly runs: number;
      /** Newest first, like the log. */
      readonly entries: readonly LogEntry[];
    };

/** Row objects per entry, kept so a list that did not change renders the same rows (Solid's For keys by identity). */
const plainRows = new WeakMap<LogEntry, LogRow>();
const unfoldedRows = new WeakMap<LogEntry, LogRow>();

function rowOf(entry: LogEntry): LogRow {
  let row = plainRows.get(entry);
  if (!row) plainRows.set(entry, (row = { kind: "entry", entry }));
  return row;
}

function unfoldedRowOf(entry: LogEntry, inside: string): LogRow {
  let row = unfoldedRows.get(entry);
  if (!row || (row.kind === "entry" && row.inside !== inside)) unfoldedRows.set(entry, (row = { kind: "entry", entry, inside }));
  return row;
}

/** Runs (by key) that only changed state: every entry a start, an end or a STATE_DELTA, and at least one delta. */
export function routineRuns(entries: readonly LogEntry[]): Set<string> {
  const routine = new Set<string>();
  const broken = new Set<string>();
  for (const e of entries) {
    const key = e.runKey;
    if (key === null || broken.has(key)) continue;
    if (!ROUTINE_TYPES.has(e.event.type)) {
      broken.add(key);
      routine.delete(key);
    } else if (e.event.type === EventType.STATE_DELTA) routine.add(key);
  }
  return routine;
}

/** The summary line's words: "risk state updated ×12". */
export function summaryLabel(row: { readonly thread: string; readonly runs: number }): string {
  return `${row.thread} state updated ×${row.runs}`;
}

/**
 * Folds consecutive entries (newest first) of routine runs on one thread into summary rows,
 * when they span at least `minRuns` runs; anything else in between ends a stretch.
 */
export function summariseRoutine(entries: readonly LogEntry[], routine: ReadonlySet<string>, minRuns = 2): LogRow[] {
  const rows: LogRow[] = [];
  let stretch: LogEntry[] = [];
  const close = () => {
    if (stretch.length === 0) return;
    const runs = new Set(stretch.map((e) => e.runKey));
    const oldest = stretch[stretch.length - 1];
    if (runs.size >= minRuns && oldest?.runKey) rows.push({ kind: "summary", key: `summary:${oldest.runKey}`, thread: oldest.thread, runs: runs.size, entries: stretch });
    else for (const entry of stretch) rows.push(rowOf(entry));
    stretch = [];
  };
  for (const entry of entries) {
    const isRoutine = entry.runKey !== null && routine.has(entry.runKey);
    if (isRoutine && (stretch.length === 0 || stretch[0]?.thread === entry.thread)) {
      stretch.push(entry);
      continue;
    }
    close();
    if (isRoutine) stretch.push(entry);
    else rows.push(rowOf(entry));
  }
  close();
  return rows;
}

/** The rows to render: summaries whose key is in `expanded` open into their entries, after the summary line. */
export function expandRows(rows: readonly LogRow[], expanded: ReadonlySet<string>): LogRow[] {
  const out: LogRow[] = [];
  for (const row of rows) {
    out.push(row);
    if (row.kind === "summary" && expanded.has(row.key)) for (const entry of row.entries) out.push(unfoldedRowOf(entry, row.key));
  }
  return out;
}

/** A card of the grouped view: one run, or a folded stretch of routine runs on one thread. */
export type GroupRow =
  | { readonly kind: "run"; readonly group: RunGroup }
  | { readonly kind: "summary"; readonly key: string; readonly thread: string; readonly runs: number; readonly groups: readonly RunGroup[] };

const groupRows = new WeakMap<RunGroup, GroupRow>();

function groupRowOf(group: RunGroup): GroupRow {
  let row = groupRows.get(group);
  if (!row) groupRows.set(group, (row = { kind: "run", group }));
  return row;
}

/** The grouped view's twin of `summariseRoutine`: consecutive routine runs of one thread fold into one card. */
export function summariseGroups(groups: readonly RunGroup[], routine: ReadonlySet<string>, minRuns = 2): GroupRow[] {
  const rows: GroupRow[] = [];
  let stretch: RunGroup[] = [];
  const close = () => {
    const oldest = stretch[stretch.length - 1];
    if (oldest && stretch.length >= minRuns) rows.push({ kind: "summary", key: `summary:${oldest.key}`, thread: oldest.thread, runs: stretch.length, groups: stretch });
    else for (const g of stretch) rows.push(groupRowOf(g));
    stretch = [];
  };
  for (const group of groups) {
    const isRoutine = routine.has(group.key);
    if (isRoutine && (stretch.length === 0 || stretch[0]?.thread === group.thread)) {
      stretch.push(group);
      continue;
    }
    close();
    if (isRoutine) stretch.push(group);
    else rows.push(groupRowOf(group));
  }
  close();
  return rows;
}
