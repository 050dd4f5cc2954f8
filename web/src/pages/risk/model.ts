import { dec, str } from "../../../../core/money.ts";
import type { Halt, RiskAlert, RiskReport, RiskScope, WatchedPosition } from "../../../../core/risk/types.ts";
import { sameScope, scopeKey } from "./risk-format.ts";

/**
 * The Risk page's model: which report to show (REST or live), halts as changed by this page or
 * by events not yet in a report, alerts merged from the report and the live feed, positions with
 * their stops and liquidity, exposure bars, the kill switch's scopes and reason.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isScope(value: unknown): value is RiskScope {
  if (!isRecord(value)) return false;
  if (value.kind === "desk") return true;
  return (value.kind === "farm" || value.kind === "agent") && typeof value.id === "string" && value.id.length > 0;
}

/**
 * The live thread's state when it has the shape of a RiskReport (the fields the page reads
 * without guarding); null otherwise: no state yet, or a broken one.
 */
export function asRiskReport(value: unknown): RiskReport | null {
  if (!isRecord(value)) return null;
  const v = value;
  if (typeof v.asOfMs !== "number" || typeof v.equity !== "string" || typeof v.dailyPnl !== "string") return null;
  if (typeof v.grossExposure !== "string" || typeof v.netExposure !== "string" || typeof v.drawdown !== "number") return null;
  if (!isRecord(v.leverage) || !isRecord(v.correlation) || !isRecord(v.exposure) || !isRecord(v.limits) || !isRecord(v.concentration)) return null;
  if (!Array.isArray(v.correlation.assets) || !Array.isArray(v.correlation.matrix)) return null;
  if (!Array.isArray(v.exposure.byAsset) || !Array.isArray(v.exposure.byVenue)) return null;
  for (const list of [v.var, v.usage, v.halts, v.positions, v.stress, v.alerts, v.liquidity]) if (!Array.isArray(list)) return null;
  return value as unknown as RiskReport;
}

/** A report and when it reached the page (client clock). */
export interface Received {
  readonly report: RiskReport;
  readonly atMs: number;
  /** For the live thread's: the socket is up and has sent this connection's snapshot. */
  readonly current?: boolean;
}

/**
 * The report to show: the one computed later. A halt, a resume or new limits change the report
 * without a new computation (same `asOfMs`); the monitor announces those on its thread at once,
 * so on a tie a current live state wins; otherwise the one that reached the page last.
 */
export function newerReport(rest: Received | null, live: Received | null): Received | null {
  if (!rest) return live;
  if (!live) return rest;
  if (rest.report.asOfMs !== live.report.asOfMs) return rest.report.asOfMs > live.report.asOfMs ? rest : live;
  if (live.current) return live;
  return rest.atMs > live.atMs ? rest : live;
}

// Halts

/** A halt or resume the page knows of before a report shows it (its own command, or a live event). */
export type HaltChange =
  | { readonly kind: "halted"; readonly halt: Halt; readonly atMs: number }
  | { readonly kind: "resumed"; readonly scope: RiskScope; readonly by: string | null; readonly atMs: number };

/** How long a change is laid over reports that do not show it yet. */
export const HALT_CHANGE_TTL_MS = 15_000;

/** Halts with the changes applied in order: a halt replaces its scope's, a resume removes it. */
export function applyHaltChanges(halts: readonly Halt[], changes: readonly HaltChange[]): Halt[] {
  let out = [...halts];
  for (const c of changes) {
    const scope = c.kind === "halted" ? c.halt.scope : c.scope;
    out = out.filter((h) => !sameScope(h.scope, scope));
    if (c.kind === "halted") out.push(c.halt);
  }
  return sortHalts(out);
}

/**
 * The changes still worth laying over `halts`: those the report does not show yet, younger than
 * the TTL. A change the report agrees with is done (the report is the truth from then on).
 */
export function pendingHaltChanges(halts: readonly Halt[], changes: readonly HaltChange[], nowMs: number): HaltChange[] {
  return changes.filter((c) => {
    if (nowMs - c.atMs > HALT_CHANGE_TTL_MS) return false;
    if (c.kind === "halted") return !halts.some((h) => sameScope(h.scope, c.halt.scope));
    return halts.some((h) => sameScope(h.scope, c.scope));
  });
}

/** The desk first, then farms, then agents; each by id. */
export function sortHalts(halts: readonly Halt[]): Halt[] {
  const rank = { desk: 0, farm: 1, agent: 2 } as const;
  return [...halts].sort((a, b) => rank[a.scope.kind] - rank[b.scope.kind] || scopeKey(a.scope).localeCompare(scopeKey(b.scope)));
}

export function haltOf(halts: readonly Halt[], scope: RiskScope): Halt | null {
  return halts.find((h) => sameScope(h.scope, scope)) ?? null;
}

function isHalt(value: unknown): value is Halt {
  return isRecord(value) && isScope(value.scope) && typeof value.reason === "string" && typeof value.by === "string" && typeof value.atMs === "number";
}

/**
 * A `cival.risk.halted` / `cival.risk.resumed` event's value as a change; null when it has
 * neither shape. A resume names its scope as `scope` or `resumed` (the REST reply's name).
 */
export function haltChangeFromEvent(name: string, value: unknown, atMs: number): HaltChange | null {
  if (name === "cival.risk.halted") {
    if (isHalt(value)) return { kind: "halted", halt: value, atMs };
    if (isRecord(value) && isHalt(value.halt)) return { kind: "halted", halt: value.halt, atMs };
    return null;
  }
  if (name === "cival.risk.resumed" && isRecord(value)) {
    const scope = isScope(value.resumed) ? value.resumed : isScope(value.scope) ? value.scope : null;
    if (!scope) return null;
    return { kind: "resumed", scope, by: typeof value.by === "string" ? value.by : null, atMs };
  }
  return null;
}

/** What POST /api/risk/halt and /resume take for a scope. */
export type ScopeBody = { scope: "desk" } | { scope: "farm"; id: string } | { scope: "agent"; id: string };

export function scopeBody(scope: RiskScope): ScopeBody {
  return scope.kind === "desk" ? { scope: "desk" } : { scope: scope.kind, id: scope.id };
}

export const REASON_MAX = 200;

/** Why a halt or resume reason is refused, or null when it will do. */
export function reasonProblem(reason: string): string | null {
  const t = reason.trim();
  if (t.length === 0) return "A reason is required.";
  if (t.length > REASON_MAX) return `At most ${REASON_MAX} characters (${t.length}).`;
  return null;
}

/** The scopes the kill switch offers: the desk, then every farm and agent the report mentions. */
export function knownScopes(report: RiskReport | null, halts: readonly Halt[]): RiskScope[] {
  const farms = new Set<string>();
  const agents = new Set<string>();
  const add = (s: RiskScope) => {
    if (s.kind === "farm") farms.add(s.id);
    else if (s.kind === "agent") agents.add(s.id);
  };
  if (report) {
    for (const p of report.positions) {
      agents.add(p.agent);
      if (p.farm) farms.add(p.farm);
    }
    for (const u of report.usage) add(u.scope);
    for (const id of Object.keys(report.limits.farms)) farms.add(id);
    for (const id of Object.keys(report.limits.agents)) agents.add(id);
  }
  for (const h of halts) add(h.scope);
  return [
    { kind: "desk" },
    ...[...farms].sort().map((id): RiskScope => ({ kind: "farm", id })),
    ...[...agents].sort().map((id): RiskScope => ({ kind: "agent", id })),
  ];
}

// Alerts

export function isAlert(value: unknown): value is RiskAlert {
  return (
    isRecord(value) &&
    typeof value.key === "string" &&
    (value.level === "info" || value.level === "warning" || value.level === "critical") &&
    typeof value.rule === "string" &&
    isScope(value.scope) &&
    typeof value.message === "string" &&
    typeof value.firstAtMs === "number" &&
    typeof value.lastAtMs === "number" &&
    (value.clearedAtMs === null || typeof value.clearedAtMs === "number")
  );
}

/** The latest moment an alert tells of: its last sighting, or its clearing. */
const alertTime = (a: RiskAlert) => Math.max(a.lastAtMs, a.clearedAtMs ?? 0);

/**
 * The report's alerts with the live feed's laid over them: one per key (the most recent word on
 * it wins), newest first, at most `limit`.
 */
export function mergeAlerts(reported: readonly RiskAlert[], live: readonly RiskAlert[], limit = 200): RiskAlert[] {
  const byKey = new Map<string, RiskAlert>();
  for (const a of [...reported, ...live]) {
    const had = byKey.get(a.key);
    if (!had || alertTime(a) >= alertTime(had)) byKey.set(a.key, a);
  }
  return [...byKey.values()].sort((a, b) => b.lastAtMs - a.lastAtMs || a.key.localeCompare(b.key)).slice(0, limit);
}

export function isActiveAlert(alert: RiskAlert): boolean {
  return alert.clearedAtMs === null;
}

// Positions

export interface PositionRow {
  readonly key: string;
  readonly position: WatchedPosition;
  /** Room to the stop as a fraction of the mark: > 0 before it, ≤ 0 at or through it; null with no stop. */
  readonly stopDistance: number | null;
  readonly depthMultiple: number | null;
  readonly daysToLiquidate: number | null;
}

export function positionKey(p: { agent: string; venue: string; symbol: string }): string {
  return `${p.agent}|${p.venue}|${p.symbol}`;
}

/** How far the mark is from the stop, on the side that loses: long below, short above. */
export function stopDistance(p: WatchedPosition): number | null {
  if (!p.stop) return null;
  const mark = Number(p.price);
  const stop = Number(p.stop.price);
  const qty = Number(p.quantity);
  if (!Number.isFinite(mark) || !Number.isFinite(stop) || mark <= 0 || qty === 0) return null;
  return qty > 0 ? (mark - stop) / mark : (stop - mark) / mark;
}

/** Positions with their stop distance and liquidity, the largest notional first. */
export function positionRows(positions: readonly WatchedPosition[], liquidity: RiskReport["liquidity"]): PositionRow[] {
  const liq = new Map(liquidity.map((l) => [positionKey(l), l]));
  return positions
    .map((position) => {
      const key = positionKey(position);
      const l = liq.get(key);
      return { key, position, stopDistance: stopDistance(position), depthMultiple: l?.depthMultiple ?? null, daysToLiquidate: l?.daysToLiquidate ?? null };
    })
    .sort((a, b) => absCompare(b.position.notional, a.position.notional) || a.key.localeCompare(b.key));
}

function absCompare(a: string, b: string): number {
  try {
    return dec(a).abs().comparedTo(dec(b).abs());
  } catch {
    return 0;
  }
}

// Exposure

export interface ExposureBar {
  readonly label: string;
  readonly notional: string;
  /** |notional| over the largest |notional| of the set, in [0, 1]. */
  readonly share: number;
  readonly side: "long" | "short" | "flat";
}

/** Bars for exposure by asset or venue: scaled to the largest, the largest first. */
export function exposureBars(items: readonly { label: string; notional: string }[]): ExposureBar[] {
  const parsed = items.map((i) => {
    let n = 0;
    try {
      n = dec(i.notional).toNumber();
    } catch {
      n = 0;
    }
    return { ...i, n };
  });
  const max = parsed.reduce((m, i) => Math.max(m, Math.abs(i.n)), 0);
  return parsed
    .sort((a, b) => Math.abs(b.n) - Math.abs(a.n) || a.label.localeCompare(b.label))
    .map((i) => ({
      label: i.label,
      notional: i.notional,
      share: max > 0 ? Math.abs(i.n) / max : 0,
      side: i.n > 0 ? "long" : i.n < 0 ? "short" : "flat",
    }));
}

/** Equity minus the day's P&L: what the day started with (for the P&L's percentage). */
export function dayOpenEquity(report: Pick<RiskReport, "equity" | "dailyPnl">): string | null {
  try {
    return str(dec(report.equity).minus(dec(report.dailyPnl)));
  } catch {
    return null;
  }
}

/** The day's P&L as a fraction of the day's opening equity; NaN when that is not positive. */
export function dailyPnlFraction(report: Pick<RiskReport, "equity" | "dailyPnl">): number {
  const open = dayOpenEquity(report);
  if (open === null) return Number.NaN;
  const base = Number(open);
  return base > 0 ? Number(report.dailyPnl) / base : Number.NaN;
}

// The live feed

/** The thread (and topic) the risk monitor speaks on. */
export const RISK_THREAD = "risk";

interface CustomEntry {
  readonly id: number;
  readonly thread: string;
  readonly event: { readonly type: string; readonly name?: unknown; readonly value?: unknown };
}

function customOf(entry: CustomEntry): { name: string; value: unknown } | null {
  if (entry.thread !== RISK_THREAD || entry.event.type !== "CUSTOM" || typeof entry.event.name !== "string") return null;
  return { name: entry.event.name, value: entry.event.value };
}

/** Every `cival.risk.alert` the log holds, oldest first. */
export function liveAlerts(entries: readonly CustomEntry[]): RiskAlert[] {
  const out: RiskAlert[] = [];
  for (const e of entries) {
    const c = customOf(e);
    if (c?.name === "cival.risk.alert" && isAlert(c.value)) out.push(c.value);
  }
  return out;
}

/**
 * Halts and resumes the log reports after entry `afterId`, as changes stamped `nowMs` (the
 * client's clock, which the TTL is measured on); `lastId` is where to continue from.
 */
export function haltChangesSince(entries: readonly CustomEntry[], afterId: number, nowMs: number): { changes: HaltChange[]; lastId: number } {
  const changes: HaltChange[] = [];
  let lastId = afterId;
  for (const e of entries) {
    if (e.id <= afterId) continue;
    lastId = Math.max(lastId, e.id);
    const c = customOf(e);
    if (!c) continue;
    const change = haltChangeFromEvent(c.name, c.value, nowMs);
    if (change) changes.push(change);
  }
  return { changes, lastId };
}
