import { formatAmount } from "../../format.ts";
import type { Move } from "../../types.ts";

/** One choice of a wallet select; disabled choices are shown so the operator sees why. */
export interface WalletOption {
  readonly id: string;
  readonly label: string;
  readonly disabled: boolean;
  readonly note?: string | undefined;
}

/** One line saying what a move did, leg by leg when a leg did not go through. */
export function moveSummary(move: Move, asset: string): string {
  const first = move.legs[0];
  const amount = first ? formatAmount(first.amount) : "";
  const last = move.legs[move.legs.length - 1];
  const route = first && last ? `${first.from} → ${last.to}` : "";
  const rejected = move.legs.find((leg) => leg.state === "rejected");
  const verb = move.kind === "allocation" ? "Allocated" : "Collected";
  if (rejected) return `${verb} ${amount} ${asset} ${route}: rejected at ${rejected.to} (${rejected.message ?? rejected.code ?? "no reason"})`;
  return `${verb} ${amount} ${asset} ${route} · ${move.state}`;
}
