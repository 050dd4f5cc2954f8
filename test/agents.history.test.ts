import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_ROWS, equitySeries, fillsOf, queryApprovals, querySignals, recentDecisions } from "../adapters/db/agents.js";
import { type HistoryRecord, writeHistory } from "../adapters/db/history.js";
import type { ApprovalRecord, DecisionRecord, SignalRecord } from "../core/agents/types.js";
import { tradesOf } from "../core/trades/trades.js";

const T0 = 1_796_000_000_000;
let n = 0;
/** A name no other test uses (D1 may be shared between tests). */
const fresh = (prefix: string) => `${prefix}-${++n}-${Math.floor(Math.random() * 1e9)}`;

function signal(agent: string, i: number, over: Partial<SignalRecord> = {}): SignalRecord {
  return { id: `${agent}.c${i}.BTC-USD`, agent, farm: "farm:momentum", cycleId: `${agent}.c${i}`, venue: "paper-binance", symbol: "BTC-USD", side: "buy", strength: 0.5, confidence: 0.75, reason: "RSI 24 under 30", price: "60000.5", atMs: T0 + i * 15_000, ...over };
}

function decision(agent: string, i: number, over: Partial<DecisionRecord> = {}): DecisionRecord {
  return { id: `${agent}.c${i}`, agent, farm: "farm:momentum", cycleId: `${agent}.c${i}`, strategy: "momentum", mode: "independent", outcome: "placed", reason: "buy 0.1 BTC", side: "buy", symbol: "BTC-USD", venue: "paper-binance", quantity: "0.1", price: "60000", notional: "6000", orders: [`${agent}.c${i}.0`], approvalId: null, atMs: T0 + i * 15_000, latencyMs: 12, ...over };
}

function approval(agent: string, over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return { id: `${agent}.c1`, agent, farm: null, cycleId: `${agent}.c1`, venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "1", price: null, notional: "60000", reasons: ["notional_above_threshold"], message: "notional 60,000 USD is above the 50,000 USD threshold", signalReason: "momentum up", state: "pending", createdAtMs: T0, expiresAtMs: T0 + 300_000, decidedAtMs: null, decidedBy: null, clientOrderId: null, result: null, ...over };
}

async function count(table: string, column: string, value: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).bind(value).first<{ n: number }>();
  return row?.n ?? 0;
}

describe("agents' history: upserts", () => {
  it("when signals, decisions, approvals and equity are written twice then one row each stays, as first written", async () => {
    const agent = fresh("agent:idem");
    const records: HistoryRecord[] = [
      { t: "signal", signal: signal(agent, 1) },
      { t: "decision", decision: decision(agent, 1) },
      { t: "approval", approval: approval(agent) },
      { t: "equity", scope: agent, atMs: T0, equity: "10000.5", cash: "4000" },
    ];
    await writeHistory(env.DB, records);
    await writeHistory(env.DB, records);
    await writeHistory(env.DB, [
      { t: "signal", signal: signal(agent, 1, { reason: "changed" }) },
      { t: "equity", scope: agent, atMs: T0, equity: "1", cash: "1" },
    ]);
    expect(await count("signals", "agent", agent)).toBe(1);
    expect(await count("decisions", "agent", agent)).toBe(1);
    expect(await count("approvals", "agent", agent)).toBe(1);
    expect(await count("equity_samples", "scope", agent)).toBe(1);
    expect(await querySignals(env.DB, { agent, limit: 10 })).toEqual([signal(agent, 1)]);
    expect(await recentDecisions(env.DB, agent, 10)).toEqual([decision(agent, 1)]);
    expect(await queryApprovals(env.DB, { agent, limit: 10 })).toEqual([approval(agent)]);
    expect(await equitySeries(env.DB, agent, { limit: 10 })).toEqual([{ atMs: T0, equity: "10000.5", cash: "4000" }]);
  });

  it("when a decision awaiting approval is resolved then its row takes the outcome, and a late replay does not undo it", async () => {
    const agent = fresh("agent:dec");
    const waiting = decision(agent, 1, { outcome: "awaiting_approval", orders: [], approvalId: `${agent}.c1` });
    const placed = decision(agent, 1, { outcome: "placed", reason: "approved by ops: bought 0.1 BTC", approvalId: `${agent}.c1` });
    await writeHistory(env.DB, [{ t: "decision", decision: waiting }]);
    await writeHistory(env.DB, [{ t: "decision", decision: placed }]);
    await writeHistory(env.DB, [{ t: "decision", decision: waiting }]);
    expect(await recentDecisions(env.DB, agent, 5)).toEqual([placed]);
  });

  it("when an approval is decided then a replayed pending or a different decision never moves it back, and the order's result is added", async () => {
    const agent = fresh("agent:appr");
    const pending = approval(agent);
    const approved = approval(agent, { state: "approved", decidedAtMs: T0 + 5_000, decidedBy: "ops" });
    const placed = { ...approved, clientOrderId: `${agent}.c1.0`, result: "filled 1 at 60010" };
    await writeHistory(env.DB, [{ t: "approval", approval: pending }]);
    await writeHistory(env.DB, [{ t: "approval", approval: approved }]);
    await writeHistory(env.DB, [{ t: "approval", approval: pending }]);
    await writeHistory(env.DB, [{ t: "approval", approval: approval(agent, { state: "expired", decidedAtMs: T0 + 300_000, decidedBy: "system" }) }]);
    expect(await queryApprovals(env.DB, { agent, limit: 5 })).toEqual([approved]);
    await writeHistory(env.DB, [{ t: "approval", approval: placed }]);
    await writeHistory(env.DB, [{ t: "approval", approval: approved }]);
    expect(await queryApprovals(env.DB, { agent, limit: 5 })).toEqual([placed]);
    expect(await queryApprovals(env.DB, { agent, state: "pending", limit: 5 })).toEqual([]);
    expect((await queryApprovals(env.DB, { agent, state: "approved", limit: 5 })).map((a) => a.id)).toEqual([placed.id]);
  });
});

describe("agents' history: reads", () => {
  it("when decisions are paged then they come newest first, strictly before the bound", async () => {
    const agent = fresh("agent:page");
    await writeHistory(env.DB, Array.from({ length: 7 }, (_, i) => ({ t: "decision" as const, decision: decision(agent, i) })));
    const first = await recentDecisions(env.DB, agent, 3);
    expect(first.map((d) => d.atMs)).toEqual([6, 5, 4].map((i) => T0 + i * 15_000));
    const next = await recentDecisions(env.DB, agent, 3, first[2]?.atMs);
    expect(next.map((d) => d.atMs)).toEqual([3, 2, 1].map((i) => T0 + i * 15_000));
    expect(next[0]?.orders).toEqual([`${agent}.c3.0`]);
  });

  it("when signals are filtered by agent, symbol and farm then only matching rows come back", async () => {
    const agent = fresh("agent:sig");
    const farm = fresh("farm:sig");
    const rows = [signal(agent, 1, { farm }), signal(agent, 2, { id: "x", symbol: "ETH-USD", farm }), signal(agent, 3, { farm: null })];
    await writeHistory(env.DB, rows.map((s) => ({ t: "signal" as const, signal: s })));
    expect((await querySignals(env.DB, { agent, symbol: "ETH-USD", limit: 10 })).map((s) => s.id)).toEqual(["x"]);
    expect((await querySignals(env.DB, { farm, limit: 10 })).map((s) => s.cycleId)).toEqual([`${agent}.c2`, `${agent}.c1`]);
    expect((await querySignals(env.DB, { agent, limit: 10, beforeMs: T0 + 2 * 15_000 })).map((s) => s.cycleId)).toEqual([`${agent}.c1`]);
    const [one] = await querySignals(env.DB, { agent, limit: 1 });
    expect(one).toEqual(rows[2]);
    expect(typeof one?.strength).toBe("number");
  });

  it("when there are more equity samples than the limit then they are thinned evenly, first and last kept, in time order", async () => {
    const scope = fresh("farm:eq");
    const total = 997;
    const records: HistoryRecord[] = Array.from({ length: total }, (_, i) => ({ t: "equity", scope, atMs: T0 + i * 15_000, equity: String(10_000 + i), cash: "0" }));
    for (let i = 0; i < records.length; i += 100) await writeHistory(env.DB, records.slice(i, i + 100));
    for (const limit of [2, 10, 33, 500]) {
      const series = await equitySeries(env.DB, scope, { limit });
      const idx = series.map((p) => (p.atMs - T0) / 15_000);
      expect(series).toHaveLength(limit);
      expect(idx[0]).toBe(0);
      expect(idx[idx.length - 1]).toBe(total - 1);
      const gaps = idx.slice(1).map((x, i) => x - (idx[i] ?? 0));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.floor((total - 1) / (limit - 1)));
      expect(Math.max(...gaps)).toBeLessThanOrEqual(Math.ceil((total - 1) / (limit - 1)));
      expect(series.every((p) => p.equity === String(10_000 + (p.atMs - T0) / 15_000))).toBe(true);
    }
    expect((await equitySeries(env.DB, scope, { limit: 1 })).map((p) => p.equity)).toEqual([String(10_000 + total - 1)]);
    const since = await equitySeries(env.DB, scope, { sinceMs: T0 + (total - 5) * 15_000, limit: 100 });
    expect(since.map((p) => p.equity)).toEqual([5, 4, 3, 2, 1].map((k) => String(10_000 + total - k)));
  });

  it("when fills are read then the latest come oldest first with their decision prices, ready for trades", async () => {
    const agent = fresh("agent:fills");
    const fill = (i: number, side: "buy" | "sell", decisionPrice: string | null) => ({ fillId: `${agent}.f${i}`, clientOrderId: `${agent}.o${i}`, agent, venue: "paper-binance", symbol: "BTC-USD", side, price: "100", quantity: "1", fee: "0.1", feeAsset: "USD", liquidity: "taker", timeMs: T0 + i, decisionPrice });
    await writeHistory(env.DB, [fill(1, "buy", "99"), fill(2, "buy", null), fill(3, "sell", "101")].map((f) => ({ t: "fill" as const, fill: f })));
    const got = await fillsOf(env.DB, agent, 2);
    expect(got.map((f) => [f.fillId, f.side, f.decisionPrice])).toEqual([
      [`${agent}.f2`, "buy", null],
      [`${agent}.f3`, "sell", "101"],
    ]);
    expect(tradesOf(got, () => null, T0).closed).toHaveLength(1);
  });
});

describe("agents' history: bad input", () => {
  it("when limits and bounds are nonsense then reads never throw and limits are clamped", async () => {
    const scope = fresh("agent:bad");
    await writeHistory(env.DB, Array.from({ length: 5 }, (_, i) => ({ t: "equity" as const, scope, atMs: T0 + i, equity: "1", cash: "1" })));
    await writeHistory(env.DB, Array.from({ length: 3 }, (_, i) => ({ t: "decision" as const, decision: decision(scope, i) })));
    for (const limit of [Number.NaN, -5, 0, 0.5, Number.POSITIVE_INFINITY, 1e15]) {
      const series = await equitySeries(env.DB, scope, { limit, sinceMs: Number.NaN });
      expect(series.length).toBeGreaterThanOrEqual(1);
      expect(series.length).toBeLessThanOrEqual(5);
      const ds = await recentDecisions(env.DB, scope, limit, Number.POSITIVE_INFINITY);
      expect(ds.length).toBeGreaterThanOrEqual(1);
      expect(ds.length).toBeLessThanOrEqual(MAX_ROWS.decisions);
    }
    expect(await recentDecisions(env.DB, scope, 1e15)).toHaveLength(3);
    expect(await querySignals(env.DB, { agent: "x' OR 1=1 --", symbol: "\u0000", limit: -1, beforeMs: 1e300 })).toEqual([]);
    expect(await queryApprovals(env.DB, { agent: "%", limit: Number.NaN })).toEqual([]);
    expect(await fillsOf(env.DB, "'; DROP TABLE fills; --", -3)).toEqual([]);
    expect(await equitySeries(env.DB, "nobody", { limit: 10 })).toEqual([]);
  });
});
