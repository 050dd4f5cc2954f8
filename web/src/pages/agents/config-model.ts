import type { AgentConfig, BarInterval, SizingConfig } from "../../../../core/agents/types.ts";
import type { FarmModeName } from "../../../../core/farm/types.ts";
import type { ParamField } from "../backtests/model.ts";
import type { ConfigBody, FarmModeBody } from "./agents-api.ts";

/**
 * The agent's parameter form and the farm's mode switch as plain data: filled from the current
 * configuration, checked field by field (a problem names its field, shown beside it), and turned
 * into the body the API takes. Every strategy parameter is sent, so the server's copy is the form's.
 */

export const BAR_INTERVALS: readonly BarInterval[] = ["1m", "5m", "15m", "1h", "4h", "1d"];
export const FARM_MODES: readonly FarmModeName[] = ["independent", "collaborative", "hierarchical", "consensus", "emergency"];

export interface ConfigForm {
  readonly strategy: string;
  readonly params: Readonly<Record<string, string | boolean>>;
  /** Comma-separated, in the strategy's instrument order. */
  readonly symbols: string;
  readonly venues: string;
  readonly barInterval: BarInterval;
  readonly cycleSeconds: string;
  readonly sizingMode: SizingConfig["mode"];
  readonly fraction: string;
  readonly targetVolatility: string;
  readonly maxFraction: string;
  readonly lookbackBars: string;
}

/** A problem with one field of the form. */
export interface FormProblem {
  readonly field: string;
  readonly message: string;
}

function paramText(value: unknown): string | boolean {
  return typeof value === "boolean" ? value : value === undefined || value === null ? "" : String(value);
}

/** The form as the configuration stands (sizing fields the other mode uses get sensible defaults). */
export function formFromConfig(config: AgentConfig): ConfigForm {
  const s = config.sizing;
  return {
    strategy: config.strategy,
    params: Object.fromEntries(Object.entries(config.params).map(([k, v]) => [k, paramText(v)])),
    symbols: config.symbols.join(", "),
    venues: config.venues.join(", "),
    barInterval: config.barInterval,
    cycleSeconds: String(config.cycleMs / 1000),
    sizingMode: s.mode,
    fraction: s.mode === "fixed_fraction" ? String(s.fraction) : "0.1",
    targetVolatility: s.mode === "volatility_target" ? String(s.targetVolatility) : "0.2",
    maxFraction: s.mode === "volatility_target" ? String(s.maxFraction) : "0.25",
    lookbackBars: s.mode === "volatility_target" ? String(s.lookbackBars) : "60",
  };
}

const list = (text: string) => text.split(/[,\s]+/).map((x) => x.trim()).filter(Boolean);

/** How a field reads in a message (parameters read as their own names). */
const LABELS: Readonly<Record<string, string>> = { cycleSeconds: "the cycle", fraction: "the fraction", targetVolatility: "the target volatility", maxFraction: "the max fraction", lookbackBars: "the lookback", quorum: "the quorum" };

function numberIn(text: string, field: string, min: number, max: number, opts: { integer?: boolean; exclusiveMin?: boolean } = {}): number | FormProblem {
  const n = Number(text.trim());
  const name = LABELS[field] ?? field;
  const kind = opts.integer ? "a whole number" : "a number";
  if (text.trim() === "" || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n))) return { field, message: `${name} is ${kind}` };
  if (opts.exclusiveMin ? n <= min : n < min) return { field, message: `${name} must be ${opts.exclusiveMin ? "above" : "at least"} ${min}` };
  if (n > max) return { field, message: `${name} must be at most ${max}` };
  return n;
}

function typedParams(fields: readonly ParamField[], values: ConfigForm["params"]): { params: Record<string, unknown> } | { problem: FormProblem } {
  const params: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name] ?? f.defaultValue;
    if (f.kind === "boolean") params[f.name] = Boolean(v);
    else if (f.kind === "enum") params[f.name] = String(v);
    else {
      const n = numberIn(String(v), f.name, f.min ?? -Infinity, f.max ?? Infinity, { integer: f.kind === "integer" });
      if (typeof n !== "number") return { problem: { field: `param:${f.name}`, message: n.message } };
      params[f.name] = n;
    }
  }
  return { params };
}

function sizingOf(form: ConfigForm): SizingConfig | FormProblem {
  if (form.sizingMode === "fixed_fraction") {
    const fraction = numberIn(form.fraction, "fraction", 0, 1, { exclusiveMin: true });
    return typeof fraction === "number" ? { mode: "fixed_fraction", fraction } : fraction;
  }
  const targetVolatility = numberIn(form.targetVolatility, "targetVolatility", 0, 5, { exclusiveMin: true });
  if (typeof targetVolatility !== "number") return targetVolatility;
  const maxFraction = numberIn(form.maxFraction, "maxFraction", 0, 1, { exclusiveMin: true });
  if (typeof maxFraction !== "number") return maxFraction;
  const lookbackBars = numberIn(form.lookbackBars, "lookbackBars", 5, 1_000, { integer: true });
  if (typeof lookbackBars !== "number") return lookbackBars;
  return { mode: "volatility_target", targetVolatility, maxFraction, lookbackBars };
}

/** The PUT body for the form, or the first problem found (by field). */
export function configBody(form: ConfigForm, fields: readonly ParamField[]): { body: ConfigBody } | { problem: FormProblem } {
  const typed = typedParams(fields, form.params);
  if ("problem" in typed) return typed;
  const params = typed.params;
  // Empty lists are left out: the server keeps the current instruments, or a new strategy's defaults.
  const symbols = list(form.symbols);
  const bad = symbols.find((x) => !/^[A-Z0-9]{2,12}-[A-Z0-9]{2,12}$/.test(x));
  if (bad) return { problem: { field: "symbols", message: `${bad} is not a symbol like BTC-USD` } };
  if (symbols.length > 2) return { problem: { field: "symbols", message: "at most two symbols" } };
  const venues = list(form.venues);
  if (venues.length > 2) return { problem: { field: "venues", message: "at most two venues" } };
  // The server's bounds (core/agents/config.ts): a second to an hour, whole ms.
  const seconds = numberIn(form.cycleSeconds, "cycleSeconds", 1, 3_600);
  if (typeof seconds !== "number") return { problem: seconds };
  const sizing = sizingOf(form);
  if ("field" in sizing) return { problem: sizing };
  const instruments = { ...(symbols.length > 0 ? { symbols } : {}), ...(venues.length > 0 ? { venues } : {}) };
  return { body: { strategy: form.strategy, params, ...instruments, barInterval: form.barInterval, cycleMs: Math.round(seconds * 1000), sizing } };
}

/** The mode switch's body, or why it cannot be sent; a reason (optional) says why in the farm's record. */
export function farmModeBody(mode: FarmModeName, lead: string, quorum: string, emergency: "flatten" | "hold", reason = ""): { body: FarmModeBody } | { problem: FormProblem } {
  const why = reason.trim();
  if (why.length > 200) return { problem: { field: "reason", message: `the reason is at most 200 characters (${why.length})` } };
  const withReason = why ? { reason: why } : {};
  if (mode === "hierarchical") {
    if (!lead) return { problem: { field: "lead", message: "choose the lead agent" } };
    return { body: { mode, lead, ...withReason } };
  }
  if (mode === "consensus") {
    const q = numberIn(quorum, "quorum", 0, 1, { exclusiveMin: true });
    return typeof q === "number" ? { body: { mode, quorum: q, ...withReason } } : { problem: q };
  }
  if (mode === "emergency") return { body: { mode, emergency, ...withReason } };
  return { body: { mode, ...withReason } };
}
