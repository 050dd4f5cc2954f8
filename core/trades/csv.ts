/**
 * Trades and fills as CSV (RFC 4180): a header row, CRLF line ends, a field quoted when it holds
 * a comma, a quote or a line break (quotes doubled). Times are ISO-8601 UTC with a ms column beside
 * them; decimals are written as they are stored.
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula, so
 * such a text field gets a leading apostrophe. A plain number ("-12.5") is left alone: it cannot be
 * a formula, and a P&L column must stay numeric.
 */
import type { ClosedTrade, OpenTrade, TradeFill } from "./types.js";

type Field = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, guarded against formula injection and quoted when RFC 4180 needs it. */
export function csvField(value: Field): string {
  if (value === null) return "";
  let text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value;
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: readonly string[], rows: ReadonlyArray<readonly Field[]>): string {
  const lines = [header.map(csvField).join(",")];
  for (const row of rows) lines.push(row.map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** ISO-8601 UTC of a time in ms, or empty when the time is not a valid date. */
function iso(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "";
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

export const TRADE_COLUMNS = [
  "status",
  "id",
  "venue",
  "symbol",
  "quantity",
  "entry_time",
  "entry_time_ms",
  "entry_price",
  "exit_time",
  "exit_time_ms",
  "exit_price",
  "current_price",
  "pnl",
  "pnl_pct",
  "fees",
  "duration_ms",
  "stop",
] as const;

/** Open and closed trades in one table: `status` says which; `pnl` is unrealized for open ones. */
export function tradesCsv(open: readonly OpenTrade[], closed: readonly ClosedTrade[]): string {
  const rows: Field[][] = [];
  for (const t of open) {
    rows.push(["open", t.id, t.venue, t.symbol, t.quantity, iso(t.entryTimeMs), t.entryTimeMs, t.entryPrice, "", null, null, t.currentPrice, t.unrealizedPnl, t.unrealizedPct, t.fees, t.durationMs, t.stop]);
  }
  for (const t of closed) {
    rows.push(["closed", t.id, t.venue, t.symbol, t.quantity, iso(t.entryTimeMs), t.entryTimeMs, t.entryPrice, iso(t.exitTimeMs), t.exitTimeMs, t.exitPrice, null, t.realizedPnl, t.realizedPct, t.fees, t.durationMs, null]);
  }
  return csv(TRADE_COLUMNS, rows);
}

export const FILL_COLUMNS = [
  "fill_id",
  "client_order_id",
  "venue",
  "symbol",
  "side",
  "price",
  "quantity",
  "fee",
  "fee_asset",
  "liquidity",
  "time",
  "time_ms",
  "decision_price",
] as const;

/** Fills, one a row, in the order given. */
export function fillsCsv(fills: readonly TradeFill[]): string {
  const rows: Field[][] = fills.map((f) => [f.fillId, f.clientOrderId, f.venue, f.symbol, f.side, f.price, f.quantity, f.fee, f.feeAsset, f.liquidity, iso(f.timeMs), f.timeMs, f.decisionPrice ?? null]);
  return csv(FILL_COLUMNS, rows);
}
