import { type Decimal, dec, str } from "../money.js";
import type { FarmMode, FarmSummary } from "./types.js";

/** What the farm knows of one member: its status and, once it has reported, its last equity and weight. */
export interface MemberSnapshot {
  readonly id: string;
  readonly status: string;
  readonly equity: string | null;
  readonly weight: number | null;
}

/** The farm's equity: its own cash plus what its active agents last reported (archived ones returned theirs). */
export function farmEquity(cash: string, members: readonly MemberSnapshot[]): Decimal {
  let total = dec(cash);
  for (const m of members) if (m.status === "active" && m.equity !== null) total = total.plus(dec(m.equity));
  return total;
}

/** The farm as `GET /api/farms` lists it. */
export function farmSummary(
  record: { readonly id: string; readonly name: string; readonly strategy: string | null; readonly status: string },
  mode: FarmMode,
  cash: string,
  members: readonly MemberSnapshot[],
): FarmSummary {
  return {
    id: record.id,
    name: record.name,
    strategy: record.strategy,
    status: record.status,
    mode,
    cash,
    equity: str(farmEquity(cash, members)),
    agents: members.map((m) => ({ id: m.id, status: m.status, equity: m.equity, weight: m.weight ?? 1 })),
  };
}
