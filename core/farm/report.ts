import { z } from "zod";
import type { FarmReport, Vote } from "./types.js";

const unitSchema = z.number().min(0).max(1);
const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/, "a decimal number as text");
const walletId = z.string().min(1).max(64);

const viewSchema = z.strictObject({
  agent: walletId,
  farm: walletId.nullable(),
  symbol: z.string().min(1).max(32),
  venue: z.string().min(1).max(64),
  side: z.enum(["buy", "sell", "hold"]),
  strength: unitSchema,
  confidence: unitSchema,
  weight: z.number().min(0).max(3),
  reason: z.string().max(1000),
  atMs: z.number().int().nonnegative(),
});

/** What an agent reports to its farm each cycle, checked where it enters the farm (an RPC from another object). */
export const farmReportSchema = z.strictObject({
  agent: walletId,
  cycleId: z.string().min(1).max(200),
  atMs: z.number().int().nonnegative(),
  equity: decimalText,
  cash: decimalText,
  views: z.array(viewSchema).max(64),
  proposal: z
    .strictObject({
      cycleId: z.string().min(1).max(200),
      agent: walletId,
      view: viewSchema,
      side: z.enum(["buy", "sell"]),
      reducing: z.boolean(),
    })
    .nullable(),
});

/** The report, or what is wrong with it in one sentence. Views and the proposal must be the reporting agent's own. */
export function parseFarmReport(input: unknown): { ok: true; report: FarmReport } | { ok: false; message: string } {
  const parsed = farmReportSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const r = parsed.data;
  const foreign = [...r.views, ...(r.proposal ? [r.proposal.view] : [])].find((v) => v.agent !== r.agent);
  if (foreign) return { ok: false, message: `${r.agent} reported a view of ${foreign.agent}` };
  if (r.proposal && r.proposal.agent !== r.agent) return { ok: false, message: `${r.agent} reported a proposal of ${r.proposal.agent}` };
  return { ok: true, report: r };
}

const voteSchema = z.strictObject({
  agent: walletId,
  vote: z.enum(["approve", "reject", "abstain"]),
  confidence: unitSchema,
  reason: z.string().max(1000),
});

/** A member's vote as the farm counts it: well formed and from the member asked, else an abstention saying why. */
export function voteOf(agent: string, input: unknown): Vote {
  const parsed = voteSchema.safeParse(input);
  if (!parsed.success) return abstention(agent, "its vote was malformed");
  if (parsed.data.agent !== agent) return abstention(agent, `its answer spoke for ${parsed.data.agent}`);
  return parsed.data;
}

/** A member that did not vote in time, or could not. */
export function abstention(agent: string, reason: string): Vote {
  return { agent, vote: "abstain", confidence: 0, reason };
}
