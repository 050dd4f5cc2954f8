import type { OpenOrderFacts } from "../core/agent/book.js";
import { CANCELLABLE_STATUSES, LIVE_STATUSES, RECONCILE_STATUSES } from "../core/agent/lifecycle.js";
import type { AgentOrderState, VenueFill } from "../core/agent/machine.js";
import type { Fill, OrderRequest, VenueOrder } from "../core/market.js";
import { dec, str } from "../core/money.js";
import type { AgentOrder } from "../core/orders.js";
import type { RefusalCode } from "../core/refusals.js";

/** The agent's order tables: its orders as they stand and the inbox of fills it applied (keyed by fill id). */
export const AGENT_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS agent_orders (client_order_id TEXT PRIMARY KEY, venue TEXT NOT NULL, request TEXT NOT NULL, order_json TEXT,
     status TEXT NOT NULL, reserved_asset TEXT NOT NULL, reserved TEXT NOT NULL, code TEXT, message TEXT, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS fills_in (fill_id TEXT PRIMARY KEY, client_order_id TEXT NOT NULL, fill_json TEXT NOT NULL)`,
];

interface OrderRow {
  client_order_id: string;
  venue: string;
  request: string;
  order_json: string | null;
  status: string;
  reserved_asset: string;
  reserved: string;
  code: string | null;
  message: string | null;
  created_ms: number;
  updated_ms: number;
  [key: string]: SqlStorageValue;
}

const inList = (statuses: readonly string[]): string => statuses.map((s) => `'${s}'`).join(", ");

function view(r: OrderRow): AgentOrder {
  return {
    clientOrderId: r.client_order_id,
    venue: r.venue,
    request: JSON.parse(r.request) as OrderRequest,
    order: r.order_json ? (JSON.parse(r.order_json) as VenueOrder) : null,
    status: r.status,
    reservedAsset: r.reserved_asset,
    reserved: r.reserved,
    code: r.code as RefusalCode | null,
    message: r.message,
    createdAtMs: r.created_ms,
    updatedAtMs: r.updated_ms,
  };
}

/** Reads the agent's machine state from its SQLite and writes the machine's rows back. Synchronous: call inside the object's transaction. */
export class AgentStore {
  constructor(private readonly sql: SqlStorage) {}

  order(id: string): AgentOrder | undefined {
    const row = this.sql.exec<OrderRow>(`SELECT * FROM agent_orders WHERE client_order_id = ?`, id).toArray()[0];
    return row ? view(row) : undefined;
  }

  /** The orders named, each with the quantity its applied fills add up to. */
  states(ids: Iterable<string>): Map<string, AgentOrderState> {
    const out = new Map<string, AgentOrderState>();
    for (const id of new Set(ids)) {
      const order = this.order(id);
      if (!order) continue;
      const filled = this.sql.exec<{ f: string }>(`SELECT fill_json AS f FROM fills_in WHERE client_order_id = ?`, id).toArray().reduce((sum, r) => sum.plus(dec((JSON.parse(r.f) as Fill).quantity)), dec("0"));
      out.set(id, { order, filledQuantity: str(filled) });
    }
    return out;
  }

  /** Which of these fills the agent has already applied. */
  seen(fills: readonly Fill[]): Set<string> {
    return new Set(fills.filter((f) => this.sql.exec(`SELECT 1 FROM fills_in WHERE fill_id = ?`, f.fillId).toArray().length > 0).map((f) => f.fillId));
  }

  /** Writes orders as the machine left them and the fills it applied. */
  write(orders: readonly AgentOrderState[], fillsIn: readonly VenueFill[]): void {
    for (const { order: o } of orders) {
      this.sql.exec(
        `INSERT INTO agent_orders (client_order_id, venue, request, order_json, status, reserved_asset, reserved, code, message, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (client_order_id) DO UPDATE SET order_json = excluded.order_json, status = excluded.status, reserved = excluded.reserved, code = excluded.code, message = excluded.message, updated_ms = excluded.updated_ms`,
        o.clientOrderId,
        o.venue,
        JSON.stringify(o.request),
        o.order ? JSON.stringify(o.order) : null,
        o.status,
        o.reservedAsset,
        o.reserved,
        o.code,
        o.message,
        o.createdAtMs,
        o.updatedAtMs,
      );
    }
    for (const { venue: _venue, ...fill } of fillsIn) {
      this.sql.exec(`INSERT INTO fills_in (fill_id, client_order_id, fill_json) VALUES (?, ?, ?)`, fill.fillId, fill.clientOrderId, JSON.stringify(fill));
    }
  }

  /** Orders that may still fill, as the book counts open buys (filled quantity as the venue last said). */
  live(): OpenOrderFacts[] {
    return this.sql.exec<OrderRow>(`SELECT * FROM agent_orders WHERE status IN (${inList(LIVE_STATUSES)})`).toArray().map((r) => {
      const o = view(r);
      return { venue: o.venue, request: o.request, filledQuantity: o.order?.filledQuantity ?? "0" };
    });
  }

  liveCount(): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM agent_orders WHERE status IN (${inList(LIVE_STATUSES)})`).one().n;
  }

  cancellable(): string[] {
    return this.sql.exec<{ id: string }>(`SELECT client_order_id AS id FROM agent_orders WHERE status IN (${inList(CANCELLABLE_STATUSES)})`).toArray().map((r) => r.id);
  }

  /** Orders of unknown outcome last updated at or before `cutoffMs`, at most `limit`. */
  toReconcile(cutoffMs: number, limit: number): AgentOrder[] {
    return this.sql.exec<OrderRow>(`SELECT * FROM agent_orders WHERE status IN (${inList(RECONCILE_STATUSES)}) AND updated_ms <= ? LIMIT ?`, cutoffMs, limit).toArray().map(view);
  }

  oldestToReconcile(): number | null {
    return this.sql.exec<{ t: number | null }>(`SELECT MIN(updated_ms) AS t FROM agent_orders WHERE status IN (${inList(RECONCILE_STATUSES)})`).one().t;
  }

  recent(limit: number): AgentOrder[] {
    return this.sql.exec<OrderRow>(`SELECT * FROM agent_orders ORDER BY created_ms DESC LIMIT ?`, limit).toArray().map(view);
  }

  /** Applied fills with their venue, oldest first (newest first with `newestFirst`); a limit of -1 takes them all. */
  fills(limit: number, newestFirst: boolean): Array<{ venue: string; fill: Fill }> {
    const order = newestFirst ? "DESC" : "ASC";
    return this.sql
      .exec<{ fill_json: string; venue: string }>(`SELECT f.fill_json, o.venue FROM fills_in f JOIN agent_orders o ON o.client_order_id = f.client_order_id ORDER BY f.rowid ${order} LIMIT ?`, limit)
      .toArray()
      .map((r) => ({ venue: r.venue, fill: JSON.parse(r.fill_json) as Fill }));
  }
}
