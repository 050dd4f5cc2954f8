import { dec } from "../money.js";
import type { TrackRecord } from "../rebalance.js";
import type { Attribution } from "../trades/types.js";

/**
 * What an agent earned on its capital, for the farm's rebalance by performance: its attribution
 * (realized + unrealized P&L, both already net of fees: core/trades prices trades at their fills
 * and fees, so fees are not taken off a second time) over the capital its track record names.
 * Without an attribution or a capital, the track record itself stands.
 */
export function performanceRecord(attribution: Attribution | null, record: { readonly pnl: string; readonly capital: string } | null): TrackRecord | null {
  if (attribution && record) return { pnl: dec(attribution.realizedPnl).plus(dec(attribution.unrealizedPnl)), capital: dec(record.capital) };
  return record ? { pnl: dec(record.pnl), capital: dec(record.capital) } : null;
}
