import { z } from "zod";
import type { FarmModeRefusal, Refused } from "../refusals.js";
import { SLUG_PATTERN, WALLET_ID_PATTERN } from "../wallets.js";
import type { FarmMode } from "./types.js";

/** The five decision modes, in the order the dashboard offers them. */
export const FARM_MODES = ["independent", "collaborative", "hierarchical", "consensus", "emergency"] as const;

/** Bounds of a consensus vote's wait, ms: long enough for an object round trip, short enough for a cycle. */
export const VOTE_TIMEOUT_MS = { min: 100, max: 60_000 } as const;
/** Bounds of a view's life in netting, ms: a second to a day. */
export const VIEW_TTL_MS = { min: 1_000, max: 86_400_000 } as const;

/** The mode a farm starts in: each agent acts alone. */
export function defaultFarmMode(nowMs: number): FarmMode {
  return {
    mode: "independent",
    lead: null,
    quorum: 0.5,
    voteTimeoutMs: 2_000,
    emergency: "hold",
    viewTtlMs: 60_000,
    setBy: "default",
    reason: "the default: each agent acts alone",
    updatedAtMs: nowMs,
  };
}

/** An agent given as its wallet id ("agent:marcus-momentum") or its slug ("marcus-momentum"). */
const leadSchema = z
  .string()
  .trim()
  .transform((s) => (s.startsWith("agent:") ? s : `agent:${s}`))
  .refine((id) => WALLET_ID_PATTERN.test(id) && SLUG_PATTERN.test(id.slice("agent:".length)), 'lead is an agent id such as "agent:marcus-momentum"');

const patchShape = {
  mode: z.enum(FARM_MODES, { error: `mode is one of ${FARM_MODES.join(", ")}` }).optional(),
  lead: leadSchema.nullable().optional(),
  quorum: z.number().gt(0, "quorum is a share of the farm's agents above 0").lte(1, "quorum is at most 1 (every agent)").optional(),
  voteTimeoutMs: z.number().int().min(VOTE_TIMEOUT_MS.min).max(VOTE_TIMEOUT_MS.max).optional(),
  emergency: z.enum(["flatten", "hold"], { error: "emergency is flatten or hold" }).optional(),
  viewTtlMs: z.number().int().min(VIEW_TTL_MS.min).max(VIEW_TTL_MS.max).optional(),
};
const SAY_WHAT = "say what to change: mode, lead, quorum, voteTimeoutMs, emergency or viewTtlMs";
const changesSomething = (p: Record<string, unknown>): boolean => Object.entries(p).some(([k, v]) => k !== "reason" && v !== undefined);

/** A change to a farm's mode: any of its settings; what is left out stays as it is. */
export const farmModeSchema = z.strictObject(patchShape).refine(changesSomething, SAY_WHAT);

export type FarmModePatch = z.infer<typeof farmModeSchema>;

/** The body of `PUT /api/farms/:id/mode`: the patch and, optionally, why. */
export const farmModeBodySchema = z
  .strictObject({ ...patchShape, reason: z.string().trim().min(1, "reason must not be empty").max(200, "reason is at most 200 characters").optional() })
  .refine(changesSomething, SAY_WHAT);

export type { FarmModeRefusal };

export type ModePatchResult = { readonly ok: true; readonly mode: FarmMode; readonly changed: boolean } | Refused<FarmModeRefusal>;

/**
 * Applies a patch to a farm's mode. Hierarchical needs a lead, and a lead (in any mode) must be
 * an active member of the farm: otherwise nothing changes and the refusal says why.
 */
export function applyModePatch(current: FarmMode, patch: FarmModePatch, by: string, reason: string, nowMs: number, activeMembers: readonly string[]): ModePatchResult {
  const next: FarmMode = {
    mode: patch.mode ?? current.mode,
    lead: patch.lead === undefined ? current.lead : patch.lead,
    quorum: patch.quorum ?? current.quorum,
    voteTimeoutMs: patch.voteTimeoutMs ?? current.voteTimeoutMs,
    emergency: patch.emergency ?? current.emergency,
    viewTtlMs: patch.viewTtlMs ?? current.viewTtlMs,
    setBy: by,
    reason: reason.trim() || describeMode(patch),
    updatedAtMs: nowMs,
  };
  if (next.mode === "hierarchical" && next.lead === null) {
    return { ok: false, code: "lead_required", message: "hierarchical mode needs a lead: name the agent whose view approves the others' orders" };
  }
  if (patch.lead !== undefined && patch.lead !== null && !activeMembers.includes(patch.lead)) {
    return { ok: false, code: "lead_not_member", message: `${next.lead} is not an active agent of this farm, so it cannot lead it` };
  }
  if (next.mode === "hierarchical" && next.lead !== null && !activeMembers.includes(next.lead)) {
    return { ok: false, code: "lead_not_member", message: `the lead ${next.lead} is no longer an active agent of this farm: name another` };
  }
  const changed = (["mode", "lead", "quorum", "voteTimeoutMs", "emergency", "viewTtlMs"] as const).some((k) => next[k] !== current[k]);
  return { ok: true, mode: next, changed };
}

/** A patch in words, for a change made without a reason. */
function describeMode(patch: FarmModePatch): string {
  const parts = Object.entries(patch)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v === null ? "none" : String(v)}`);
  return `set ${parts.join(", ")}`;
}
