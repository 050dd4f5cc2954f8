import { EventType } from "@ag-ui/core";
import { Decimal, str } from "../../../../core/money.ts";
import type { LogEntry } from "../../live/log.ts";
import type { AgentOrder } from "../../types.ts";

/** Statuses of an order that may still fill; of those, the ones a cancel can reach. */
const WORKING: ReadonlySet<string> = new Set(["pending", "open", "partially_filled", "unknown"]);
const CANCELLABLE: ReadonlySet<string> = new Set(["open", "partially_filled"]);

/** Not yet done: it may still fill. */
export const isWorking = (o: AgentOrder): boolean => WORKING.has(o.status);
/** Resting at the venue, so a cancel can reach it. */
export const isCancellable = (o: AgentOrder): boolean => CANCELLABLE.has(o.status);

/** How much of the order has filled so far, as the venue last said ("0" before it answered). */
export const filledOf = (o: AgentOrder): string => o.order?.filledQuantity ?? "0";

export interface PositionRow {
  readonly asset: string;
  readonly balance: string;
  readonly available: string;
  /** What open orders hold: balance − available. */
  readonly reserved: string;
}

/** One row per asset the agent holds or has held, cash first, then alphabetical. */
export function positionRows(balances: Readonly<Record<string, string>>, available: Readonly<Record<string, string>>): PositionRow[] {
  const assets = [...new Set([...Object.keys(balances), ...Object.keys(available)])];
  assets.sort((a, b) => (a === "USD" ? -1 : b === "USD" ? 1 : a.localeCompare(b)));
  return assets.map((asset) => {
    const balance = balances[asset] ?? "0";
    const free = available[asset] ?? "0";
    return { asset, balance, available: free, reserved: str(new Decimal(balance).minus(free)) };
  });
}

/**
 * The newest log entry on the agent's thread that can change its orders, fills or balances
 * (an order tool call, an order update or fill, a balance delta); 0 when there is none.
 */
export function lastAccountEventId(entries: readonly LogEntry[], agent: string): number {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (!e || e.thread !== agent) continue;
    const type = e.event.type;
    if (type === EventType.STATE_DELTA || type === EventType.TOOL_CALL_RESULT || type === EventType.TOOL_CALL_END) return e.id;
    if (type === EventType.CUSTOM) {
      const name = (e.event as { name?: unknown }).name;
      if (typeof name === "string" && name.startsWith("cival.order.")) return e.id;
    }
  }
  return 0;
}
