import { z } from "zod";
import { AMOUNT_PATTERN, Decimal } from "../money.js";
import { SLUG_PATTERN } from "../wallets.js";
import type { LimitsConfig, RiskLimits, RiskScope } from "./types.js";

/**
 * Limits for a small paper desk funded with 100k to 1M USD. The figures are chosen to hold
 * together: a position at its limit is a quarter of the gross limit, gross at its limit carries
 * about the VaR limit, and the daily loss limit is a bad day for a full book, not a normal one.
 */
export const DEFAULT_LIMITS: LimitsConfig = {
  desk: {
    // 2.5% to 25% of equity in one order: a fat-fingered size cannot take a whole book at once.
    maxOrderNotional: "25000",
    // Four orders at the order limit: a position builds over several decisions, never one.
    maxPositionNotional: "100000",
    // At most 4x a 100k desk (0.4x a 1M desk): room for ~3 symbols near their position limit.
    maxGrossExposure: "400000",
    // Crypto moves 3-4% a day (1σ); 99% 1-day VaR is ~2.33σ ≈ 8-10% of exposure, so a full
    // 400k book sits at about this figure: the VaR limit binds with the gross limit, not before.
    maxVar: "40000",
    // Roughly 1σ-2σ of a full book's daily move: a bad day stops new risk, a normal one does not.
    maxDailyLoss: "25000",
    // A fifth of peak equity: past this, a desk's process (not its luck) is in question.
    maxDrawdown: "0.2",
    // Two a second per agent: far above a decision cycle's pace, low enough to catch a loop.
    maxOrdersPerMinute: 120,
    // One asset may be at most 60% of gross: a three-asset desk cannot become a one-asset bet.
    maxConcentration: "0.6",
    // A position must be closable within 1% of mid on its venue's book.
    maxDepthMultiple: "1",
    // About two days of crypto's daily volatility: a stop outside ordinary noise.
    stopDistance: "0.08",
  },
  farms: {},
  agents: {},
  // Only an admin resumes a tripped breaker unless the operator opts into a cool-down.
  coolDownMinutes: null,
  venueErrorThreshold: 5,
};

/** The limit fields, in the order the dashboard shows them. */
export const LIMIT_FIELDS = [
  "maxOrderNotional",
  "maxPositionNotional",
  "maxGrossExposure",
  "maxVar",
  "maxDailyLoss",
  "maxDrawdown",
  "maxOrdersPerMinute",
  "maxConcentration",
  "maxDepthMultiple",
  "stopDistance",
] as const satisfies readonly (keyof RiskLimits)[];

/** More orders than this per minute is no limit at all (and bounds each agent's rate window). */
export const MAX_ORDERS_PER_MINUTE = 6_000;
/** Overrides per patch and per config: a limit on everything. */
export const MAX_OVERRIDES = 1_000;

/** Farm and agent ids are wallet ids: the prefix and the slug the desk creates them with. */
export const FARM_ID_PATTERN = new RegExp(`^farm:${SLUG_PATTERN.source.slice(1, -1)}$`);
export const AGENT_ID_PATTERN = new RegExp(`^agent:${SLUG_PATTERN.source.slice(1, -1)}$`);
const FARM_ID = FARM_ID_PATTERN;
const AGENT_ID = AGENT_ID_PATTERN;
const FRACTION_PATTERN = /^(0(\.\d{1,18})?|1(\.0{1,18})?)$/;

function missingOr(field: string, wrong: string) {
  return (iss: { input?: unknown }) => (iss.input === undefined ? `${field} is required` : `${field} ${wrong}`);
}

/** A positive USD amount or multiple: a plain decimal string (no sign, exponent, NaN or Infinity). */
function positiveDecimal(field: string, example: string) {
  const wrong = `must be a positive decimal string such as "${example}"`;
  return z.string({ error: missingOr(field, wrong) }).superRefine((value, ctx) => {
    if (!AMOUNT_PATTERN.test(value)) ctx.addIssue({ code: "custom", message: `${field} ${wrong}, got ${JSON.stringify(value)}` });
    else if (new Decimal(value).lte(0)) ctx.addIssue({ code: "custom", message: `${field} must be greater than zero, got "${value}"` });
  });
}

/** A fraction in (0, 1] as a decimal string: "0.2" is 20%. */
function fraction(field: string, example: string) {
  const wrong = `must be a fraction greater than 0 and at most 1, as a decimal string such as "${example}"`;
  return z.string({ error: missingOr(field, wrong) }).superRefine((value, ctx) => {
    if (!FRACTION_PATTERN.test(value) || new Decimal(value).lte(0)) {
      ctx.addIssue({ code: "custom", message: `${field} ${wrong}, got ${JSON.stringify(value)}` });
    }
  });
}

function wholeNumber(field: string, min: number, max: number) {
  const wrong = `must be a whole number from ${min} to ${max}`;
  return z
    .number({ error: missingOr(field, wrong) })
    .int({ error: (iss) => `${field} ${wrong}, got ${String(iss.input)}` })
    .min(min, { error: (iss) => `${field} ${wrong}, got ${String(iss.input)}` })
    .max(max, { error: (iss) => `${field} ${wrong}, got ${String(iss.input)}` });
}

const limitsShape = {
  maxOrderNotional: positiveDecimal("maxOrderNotional", "25000"),
  maxPositionNotional: positiveDecimal("maxPositionNotional", "100000"),
  maxGrossExposure: positiveDecimal("maxGrossExposure", "400000"),
  maxVar: positiveDecimal("maxVar", "40000"),
  maxDailyLoss: positiveDecimal("maxDailyLoss", "25000"),
  maxDrawdown: fraction("maxDrawdown", "0.2"),
  maxOrdersPerMinute: wholeNumber("maxOrdersPerMinute", 1, MAX_ORDERS_PER_MINUTE),
  maxConcentration: fraction("maxConcentration", "0.6"),
  // A multiple of depth, not a fraction: "2" lets a position be twice the 1% depth.
  maxDepthMultiple: positiveDecimal("maxDepthMultiple", "1"),
  stopDistance: fraction("stopDistance", "0.08"),
};

function unknownKeys(what: string) {
  return (iss: { code?: string; keys?: string[] }) =>
    iss.code === "unrecognized_keys" ? `${what} has unknown field${(iss.keys?.length ?? 0) > 1 ? "s" : ""} ${(iss.keys ?? []).join(", ")}` : undefined;
}

/** A full set of limits (the desk's): every field required, unknown fields refused. */
export const riskLimitsSchema = z.strictObject(limitsShape, { error: unknownKeys("limits") });

/** An override: any subset of the limits. */
export const partialLimitsSchema = z.strictObject(limitsShape, { error: unknownKeys("limits override") }).partial();

/** An id for a farm ("farm:<slug>") or an agent ("agent:<slug>"). */
export const farmIdSchema = z.string({ error: missingOr("id", "must be a farm id such as \"farm:momentum\"") }).regex(FARM_ID, "a farm id is \"farm:<slug>\", such as \"farm:momentum\"");
export const agentIdSchema = z.string({ error: missingOr("id", "must be an agent id such as \"agent:marcus-momentum\"") }).regex(AGENT_ID, "an agent id is \"agent:<slug>\", such as \"agent:marcus-momentum\"");

/** Overrides keyed by id; null removes the id's override. Keys are checked with a message that names them. */
function overridesSchema(field: "farms" | "agents", pattern: RegExp, example: string) {
  return z
    .record(z.string(), partialLimitsSchema.nullable())
    .superRefine((record, ctx) => {
      const ids = Object.keys(record);
      if (ids.length > MAX_OVERRIDES) ctx.addIssue({ code: "custom", message: `${field} holds at most ${MAX_OVERRIDES} overrides, got ${ids.length}` });
      for (const id of ids) {
        if (!pattern.test(id)) ctx.addIssue({ code: "custom", path: [id], message: `${field} key ${JSON.stringify(id)} is not an id such as "${example}"` });
      }
    });
}

/** `PUT /api/risk/limits`: the desk's limits merged field by field, overrides merged or removed (null). */
export const limitsPatchSchema = z.strictObject(
  {
    desk: partialLimitsSchema.optional(),
    farms: overridesSchema("farms", FARM_ID, "farm:momentum").optional(),
    agents: overridesSchema("agents", AGENT_ID, "agent:marcus-momentum").optional(),
    coolDownMinutes: wholeNumber("coolDownMinutes", 1, 10_080).nullable().optional(),
    venueErrorThreshold: wholeNumber("venueErrorThreshold", 1, 1_000).optional(),
  },
  { error: unknownKeys("the limits patch") },
).refine((patch) => Object.keys(patch).length > 0, { message: "a limits patch names at least one of desk, farms, agents, coolDownMinutes or venueErrorThreshold" });
export type LimitsPatch = z.infer<typeof limitsPatchSchema>;

/** A whole limits config, as stored: the desk's full set and the overrides. */
export const limitsConfigSchema = z.strictObject(
  {
    desk: riskLimitsSchema,
    farms: overridesSchema("farms", FARM_ID, "farm:momentum").transform(dropNulls),
    agents: overridesSchema("agents", AGENT_ID, "agent:marcus-momentum").transform(dropNulls),
    coolDownMinutes: wholeNumber("coolDownMinutes", 1, 10_080).nullable(),
    venueErrorThreshold: wholeNumber("venueErrorThreshold", 1, 1_000),
  },
  { error: unknownKeys("the limits config") },
);

function dropNulls(record: Record<string, Partial<RiskLimits> | null>): Record<string, Partial<RiskLimits>> {
  const out: Record<string, Partial<RiskLimits>> = {};
  for (const [id, v] of Object.entries(record)) if (v) out[id] = v;
  return out;
}

/** `{ scope: "desk" } | { scope: "farm", id } | { scope: "agent", id }` as a RiskScope. */
export const riskScopeSchema = z
  .discriminatedUnion(
    "scope",
    [
      z.strictObject({ scope: z.literal("desk") }),
      z.strictObject({ scope: z.literal("farm"), id: farmIdSchema }),
      z.strictObject({ scope: z.literal("agent"), id: agentIdSchema }),
    ],
    { error: "scope must be \"desk\", \"farm\" (with a farm id) or \"agent\" (with an agent id)" },
  )
  .transform((body): RiskScope => (body.scope === "desk" ? { kind: "desk" } : { kind: body.scope, id: body.id }));

/** A USD amount in a reason: cents, thousands separated, ".00" dropped ("40,000", "1,234.50"). */
export function formatUsd(value: Decimal): string {
  const fixed = value.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed(2);
  const [whole = "0", cents = "00"] = fixed.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${grouped}${cents === "00" ? "" : `.${cents}`}`;
}

/** A fraction in a reason as a percentage with at most one decimal ("0.6" → "60%"). */
export function formatFraction(value: number | Decimal): string {
  const pct = Math.round(Number(value) * 1_000) / 10;
  return `${pct}%`;
}

/** The fields of an override that are set (an explicit undefined never clears a limit). */
function definedFields(partial: Partial<RiskLimits> | undefined): Partial<RiskLimits> {
  const out: Record<string, unknown> = {};
  if (partial) for (const field of LIMIT_FIELDS) if (partial[field] !== undefined) out[field] = partial[field];
  return out as Partial<RiskLimits>;
}

function patchOverrides(
  current: Readonly<Record<string, Partial<RiskLimits>>>,
  patch: Readonly<Record<string, Partial<RiskLimits> | null>> | undefined,
): Record<string, Partial<RiskLimits>> {
  const out: Record<string, Partial<RiskLimits>> = { ...current };
  if (!patch) return out;
  for (const [id, override] of Object.entries(patch)) {
    if (override === null) {
      delete out[id];
      continue;
    }
    const merged = { ...definedFields(out[id]), ...definedFields(override) };
    // An override with no field left is no override: dropping it keeps the config canonical.
    if (Object.keys(merged).length === 0) delete out[id];
    else out[id] = merged;
  }
  return out;
}

/**
 * Applies a validated patch. The desk's limits and each override are merged field by field (a
 * patch says what changes, not the whole document); null removes a farm's or agent's override,
 * so to drop one field of an override send null and then the fields to keep.
 */
export function applyLimitsPatch(config: LimitsConfig, patch: LimitsPatch): LimitsConfig {
  return {
    desk: { ...config.desk, ...definedFields(patch.desk) },
    farms: patchOverrides(config.farms, patch.farms),
    agents: patchOverrides(config.agents, patch.agents),
    coolDownMinutes: patch.coolDownMinutes === undefined ? config.coolDownMinutes : patch.coolDownMinutes,
    venueErrorThreshold: patch.venueErrorThreshold ?? config.venueErrorThreshold,
  };
}

/**
 * The limits in force for a scope: the desk's, overlaid by the farm's override for a farm, and by
 * the farm's then the agent's for an agent (an agent's farm is not part of its id, so the caller
 * names it; null for an agent outside any farm). An override may loosen a limit: the operator set it.
 */
export function effectiveLimits(config: LimitsConfig, scope: RiskScope, farm: string | null = null): RiskLimits {
  if (scope.kind === "desk") return config.desk;
  const farmId = scope.kind === "farm" ? scope.id : farm;
  const farmOverride = farmId === null ? undefined : config.farms[farmId];
  const agentOverride = scope.kind === "agent" ? config.agents[scope.id] : undefined;
  if (!farmOverride && !agentOverride) return config.desk;
  return { ...config.desk, ...definedFields(farmOverride), ...definedFields(agentOverride) };
}
