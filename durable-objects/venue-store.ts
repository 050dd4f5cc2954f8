import type { Candle, Fill, VenueOrder } from "../core/market.js";
import type { MarketState } from "../core/market-sim.js";
import { marketStartMs } from "../core/paper-venue/history.js";
import { HOURS_KEPT, type OrderRecord, type RestingBook, type VenueStep, emptyRestingBook, rollUpHours } from "../core/paper-venue/index.js";
import { HOUR_MS } from "../core/paper-venue/market-clock.js";

interface CandleRow {
  symbol: string;
  open_time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  [key: string]: SqlStorageValue;
}

const candleOf = (r: CandleRow): Candle => ({ openTimeMs: r.open_time, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume });

/** The Venue object's SQLite: the rows its machine's state is loaded from and its steps are written to. */
export class VenueStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Idempotent schema set-up, run on every wake. */
  migrate(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS venue_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS resting (symbol TEXT PRIMARY KEY, book TEXT NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS orders (client_order_id TEXT PRIMARY KEY, account TEXT NOT NULL, symbol TEXT NOT NULL, status TEXT NOT NULL, order_json TEXT NOT NULL, updated_ms INTEGER NOT NULL)`);
    this.sql.exec(`CREATE INDEX IF NOT EXISTS orders_account ON orders (account, updated_ms)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS fills (fill_id TEXT PRIMARY KEY, client_order_id TEXT NOT NULL, account TEXT NOT NULL, fill_json TEXT NOT NULL, delivered INTEGER NOT NULL, time_ms INTEGER NOT NULL)`);
    this.sql.exec(`CREATE INDEX IF NOT EXISTS fills_order ON fills (client_order_id)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS candles (symbol TEXT NOT NULL, open_time INTEGER NOT NULL, open TEXT NOT NULL, high TEXT NOT NULL, low TEXT NOT NULL, close TEXT NOT NULL, volume TEXT NOT NULL, PRIMARY KEY (symbol, open_time))`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS candles_hourly (symbol TEXT NOT NULL, open_time INTEGER NOT NULL, open TEXT NOT NULL, high TEXT NOT NULL, low TEXT NOT NULL, close TEXT NOT NULL, volume TEXT NOT NULL, PRIMARY KEY (symbol, open_time))`);
  }

  meta(key: string): string | null {
    return this.sql.exec<{ value: string }>(`SELECT value FROM venue_meta WHERE key = ?`, key).toArray()[0]?.value ?? null;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.sql.exec(`DELETE FROM venue_meta WHERE key = ?`, key);
    else this.sql.exec(`INSERT OR REPLACE INTO venue_meta (key, value) VALUES (?, ?)`, key, value);
  }

  market(): MarketState | null {
    const raw = this.meta("market");
    return raw ? (JSON.parse(raw) as MarketState) : null;
  }

  resting(symbol: string): RestingBook {
    const row = this.sql.exec<{ book: string }>(`SELECT book FROM resting WHERE symbol = ?`, symbol).toArray()[0];
    return row ? (JSON.parse(row.book) as RestingBook) : emptyRestingBook(symbol);
  }

  /** Every symbol's resting book that has any. */
  allResting(): Record<string, RestingBook> {
    const out: Record<string, RestingBook> = {};
    for (const r of this.sql.exec<{ symbol: string; book: string }>(`SELECT symbol, book FROM resting`)) out[r.symbol] = JSON.parse(r.book) as RestingBook;
    return out;
  }

  /** The newest kept minute per symbol. */
  latestCandles(): Record<string, Candle> {
    const rows = this.sql.exec<CandleRow>(`SELECT c.* FROM candles c JOIN (SELECT symbol, MAX(open_time) AS t FROM candles GROUP BY symbol) m ON c.symbol = m.symbol AND c.open_time = m.t`).toArray();
    return Object.fromEntries(rows.map((r) => [r.symbol, candleOf(r)]));
  }

  /** A symbol's kept minutes from `sinceMs` on (and before `beforeMs`), oldest first. */
  candles(symbol: string, sinceMs = Number.MIN_SAFE_INTEGER, beforeMs = Number.MAX_SAFE_INTEGER): Candle[] {
    return this.sql.exec<CandleRow>(`SELECT * FROM candles WHERE symbol = ? AND open_time >= ? AND open_time < ? ORDER BY open_time`, symbol, sinceMs, beforeMs).toArray().map(candleOf);
  }

  /** A symbol's hourly candles of minutes no longer kept, from `sinceMs` on, oldest first. */
  hourlyCandles(symbol: string, sinceMs: number): Candle[] {
    return this.sql.exec<CandleRow>(`SELECT * FROM candles_hourly WHERE symbol = ? AND open_time >= ? ORDER BY open_time`, symbol, sinceMs).toArray().map(candleOf);
  }

  /** Rolls the minutes before `beforeMs` up into hourly rows, then drops them (and hours past retention). */
  private dropMinutes(symbol: string, beforeMs: number): void {
    const dropped = this.candles(symbol, Number.MIN_SAFE_INTEGER, beforeMs);
    if (dropped.length === 0) return;
    const firstHour = Math.floor((dropped[0] as Candle).openTimeMs / HOUR_MS) * HOUR_MS;
    const kept = new Map(this.hourlyCandles(symbol, firstHour).map((c) => [c.openTimeMs, c]));
    for (const c of rollUpHours(kept, dropped)) this.writeCandle("candles_hourly", symbol, c);
    this.sql.exec(`DELETE FROM candles WHERE symbol = ? AND open_time < ?`, symbol, beforeMs);
    this.sql.exec(`DELETE FROM candles_hourly WHERE symbol = ? AND open_time < ?`, symbol, beforeMs - HOURS_KEPT * HOUR_MS);
  }

  private writeCandle(table: "candles" | "candles_hourly", symbol: string, c: Candle): void {
    this.sql.exec(`INSERT OR REPLACE INTO ${table} (symbol, open_time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)`, symbol, c.openTimeMs, c.open, c.high, c.low, c.close, c.volume);
  }

  /** The open time of the oldest minute kept of any symbol (null: none). */
  oldestCandleMs(): number | null {
    return this.sql.exec<{ t: number | null }>(`SELECT MIN(open_time) AS t FROM candles`).one().t;
  }

  record(clientOrderId: string): OrderRecord | null {
    const row = this.sql.exec<{ account: string; order_json: string }>(`SELECT account, order_json FROM orders WHERE client_order_id = ?`, clientOrderId).toArray()[0];
    return row ? { account: row.account, order: JSON.parse(row.order_json) as VenueOrder, fills: this.fillsOf(clientOrderId) } : null;
  }

  /** Orders not yet final, by status set, oldest first. */
  recordsWithStatus(statuses: readonly string[], limit: number): OrderRecord[] {
    const marks = statuses.map(() => "?").join(", ");
    const rows = this.sql.exec<{ account: string; order_json: string; client_order_id: string }>(`SELECT account, order_json, client_order_id FROM orders WHERE status IN (${marks}) ORDER BY updated_ms LIMIT ?`, ...statuses, limit).toArray();
    return rows.map((r) => ({ account: r.account, order: JSON.parse(r.order_json) as VenueOrder, fills: this.fillsOf(r.client_order_id) }));
  }

  countWithStatus(statuses: readonly string[], account: string | null = null): number {
    const marks = statuses.map(() => "?").join(", ");
    if (account === null) return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM orders WHERE status IN (${marks})`, ...statuses).one().n;
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM orders WHERE account = ? AND status IN (${marks})`, account, ...statuses).one().n;
  }

  knownIds(): Set<string> {
    return new Set(this.sql.exec<{ client_order_id: string }>(`SELECT client_order_id FROM orders`).toArray().map((r) => r.client_order_id));
  }

  orders(account: string | null, limit: number): Array<{ account: string; order: VenueOrder }> {
    const rows =
      account === null
        ? this.sql.exec<{ account: string; order_json: string }>(`SELECT account, order_json FROM orders ORDER BY updated_ms DESC LIMIT ?`, limit).toArray()
        : this.sql.exec<{ account: string; order_json: string }>(`SELECT account, order_json FROM orders WHERE account = ? ORDER BY updated_ms DESC LIMIT ?`, account, limit).toArray();
    return rows.map((r) => ({ account: r.account, order: JSON.parse(r.order_json) as VenueOrder }));
  }

  fillsOf(clientOrderId: string): Fill[] {
    return this.sql.exec<{ fill_json: string }>(`SELECT fill_json FROM fills WHERE client_order_id = ? ORDER BY time_ms`, clientOrderId).toArray().map((r) => JSON.parse(r.fill_json) as Fill);
  }

  fills(account: string | null, limit: number): Fill[] {
    const rows =
      account === null
        ? this.sql.exec<{ fill_json: string }>(`SELECT fill_json FROM fills ORDER BY time_ms DESC LIMIT ?`, limit).toArray()
        : this.sql.exec<{ fill_json: string }>(`SELECT fill_json FROM fills WHERE account = ? ORDER BY time_ms DESC LIMIT ?`, account, limit).toArray();
    return rows.map((r) => JSON.parse(r.fill_json) as Fill);
  }

  allFills(): Fill[] {
    return this.sql.exec<{ fill_json: string }>(`SELECT fill_json FROM fills`).toArray().map((r) => JSON.parse(r.fill_json) as Fill);
  }

  /** Fills not yet delivered to their agents, oldest first, grouped by account. */
  undelivered(limit: number): Map<string, Fill[]> {
    const byAccount = new Map<string, Fill[]>();
    for (const p of this.sql.exec<{ account: string; fill_json: string }>(`SELECT account, fill_json FROM fills WHERE delivered = 0 ORDER BY time_ms LIMIT ?`, limit)) {
      byAccount.set(p.account, [...(byAccount.get(p.account) ?? []), JSON.parse(p.fill_json) as Fill]);
    }
    return byAccount;
  }

  undeliveredCount(): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM fills WHERE delivered = 0`).one().n;
  }

  markDelivered(fills: readonly Fill[]): void {
    for (const f of fills) this.sql.exec(`UPDATE fills SET delivered = 1 WHERE fill_id = ?`, f.fillId);
  }

  saveOrder(account: string, order: VenueOrder): void {
    this.sql.exec(`INSERT OR REPLACE INTO orders (client_order_id, account, symbol, status, order_json, updated_ms) VALUES (?, ?, ?, ?, ?, ?)`, order.clientOrderId, account, order.symbol, order.status, JSON.stringify(order), order.updatedAtMs);
  }

  /** Inserts fills once each (a fill id seen again is ignored). */
  saveFills(account: string, fills: readonly Fill[]): void {
    for (const f of fills) this.sql.exec(`INSERT OR IGNORE INTO fills (fill_id, client_order_id, account, fill_json, delivered, time_ms) VALUES (?, ?, ?, ?, 0, ?)`, f.fillId, f.clientOrderId, account, JSON.stringify(f), f.timeMs);
  }

  /** Writes a machine's step. Call inside one transaction. */
  persist(step: VenueStep): void {
    if (step.marketChanged && step.state.market) {
      // When the market began (its history ends there): a new market's day; a market kept from before this was stored, its oldest minute's day.
      if (this.meta("market_start") === null) this.setMeta("market_start", String(marketStartMs(this.oldestCandleMs() ?? step.state.market.timeMs)));
      this.setMeta("market", JSON.stringify(step.state.market));
    }
    for (const r of step.resting) this.sql.exec(`INSERT OR REPLACE INTO resting (symbol, book) VALUES (?, ?)`, r.symbol, JSON.stringify(r));
    for (const r of step.orders) this.saveOrder(r.account, r.order);
    for (const { account, fill } of step.fills) this.saveFills(account, [fill]);
    for (const { symbol, candle } of step.candles) this.writeCandle("candles", symbol, candle);
    for (const [symbol, beforeMs] of Object.entries(step.dropCandlesBeforeMs)) this.dropMinutes(symbol, beforeMs);
  }
}
