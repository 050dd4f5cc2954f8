import { describe, expect, it } from "vitest";
import { DEFAULT_APPROVAL_POLICY, applyPolicyPatch, approvalNeeded, decideApproval, approvalRecordOf } from "../../core/agents/approval.js";
import { instrumentsOf, resolveConfig, withPaused } from "../../core/agents/config.js";
import { agentVote } from "../../core/agents/control.js";
import { type CycleInstrument, applyVerdict, planCycle, scaleBuys, viewsOf } from "../../core/agents/cycle.js";
import { cycleIdOf, cycleOffsetMs, entryTimes, slotStartMs } from "../../core/agents/record.js";
import { maxExposureFor } from "../../core/agents/strategy-feed.js";
import type { AgentConfig } from "../../core/agents/types.js";
import type { AgentView, Proposal } from "../../core/farm/types.js";
import { Decimal } from "../../core/money.js";
import { paperVenueSpec } from "../../core/paper-venues.js";

const NOW = 1_796_400_000_000;
const binance = paperVenueSpec("paper-binance");
if (!binance) throw new Error("no paper-binance");
const btc = binance.symbols.find((s) => s.symbol === "BTC-USD");
if (!btc) throw new Error("no BTC-USD");

function instrument(position = "0", mark = "60000"): CycleInstrument {
  return { venue: "paper-binance", symbol: "BTC-USD", spec: btc as NonNullable<typeof btc>, venueSpec: binance as NonNullable<typeof binance>, mark, position };
}

function config(): AgentConfig {
  const out = resolveConfig(null, {}, "momentum", NOW);
  if (!out.ok) throw new Error(out.message);
  return out.config;
}

describe("agent configuration", () => {
  it("when a new agent takes its farm's strategy then the defaults come whole and version 1", () => {
    const c = config();
    expect(c).toMatchObject({ strategy: "momentum", symbols: ["BTC-USD"], venues: ["paper-binance"], barInterval: "1m", cycleMs: 15_000, paused: false, version: 1 });
    expect(c.params.fast).toBe(12);
  });

  it("when a patch does not fit the strategy then it is refused with why, and a good one bumps the version", () => {
    const c = config();
    expect(resolveConfig(c, { symbols: ["BTC-USD", "ETH-USD"] }, null, NOW)).toMatchObject({ ok: false, code: "invalid_config" });
    expect(resolveConfig(c, { params: { fast: 1 } }, null, NOW)).toMatchObject({ ok: false });
    expect(resolveConfig(c, { venues: ["paper-binance"], symbols: ["DOGE-USD"] }, null, NOW)).toMatchObject({ ok: false });
    const pairs = resolveConfig(c, { strategy: "pairs" }, null, NOW);
    expect(pairs.ok && pairs.config.symbols).toEqual(["BTC-USD", "ETH-USD"]);
    expect(pairs.ok && pairs.config.version).toBe(2);
    expect(withPaused(c, true, NOW).version).toBe(2);
    expect(withPaused(c, false, NOW)).toBe(c);
  });

  it("when instruments are listed then one venue spreads over the symbols and one symbol over the venues", () => {
    expect(instrumentsOf({ symbols: ["BTC-USD", "ETH-USD"], venues: ["paper-binance"] })).toEqual([
      { venue: "paper-binance", symbol: "BTC-USD" },
      { venue: "paper-binance", symbol: "ETH-USD" },
    ]);
    expect(instrumentsOf({ symbols: ["BTC-USD"], venues: ["paper-binance", "paper-kraken"] }).map((i) => i.venue)).toEqual(["paper-binance", "paper-kraken"]);
  });
});

describe("cycle ids and slots", () => {
  it("when two agents cycle then their slots are offset within the cycle, and a slot's id is stable", () => {
    const a = cycleOffsetMs("agent:marcus-momentum", 15_000);
    const b = cycleOffsetMs("agent:sophia-reversion", 15_000);
    expect(a).not.toBe(b);
    const slot = slotStartMs(NOW, 15_000, "agent:marcus-momentum");
    expect(slot).toBeLessThanOrEqual(NOW);
    expect(NOW - slot).toBeLessThan(15_000);
    expect(slotStartMs(slot + 14_999, 15_000, "agent:marcus-momentum")).toBe(slot);
    expect(slotStartMs(slot + 15_000, 15_000, "agent:marcus-momentum")).toBe(slot + 15_000);
    expect(cycleIdOf("agent:marcus-momentum", slot)).toBe(cycleIdOf("agent:marcus-momentum", slot));
    expect(`${cycleIdOf("agent:a-very-long-agent-name-that-goes-on-for-forty-eight", slot)}.12`.length).toBeLessThanOrEqual(64);
  });

  it("when fills open, close and reopen a position then its entry time is the last opening", () => {
    const f = (side: "buy" | "sell", q: string, t: number) => ({ venue: "v", fill: { fillId: `${t}`, clientOrderId: "c", symbol: "BTC-USD", side, price: "1", quantity: q, fee: "0", feeAsset: "USD", liquidity: "taker" as const, timeMs: t } });
    expect(entryTimes([f("buy", "1", 1), f("buy", "1", 2), f("sell", "2", 3), f("buy", "1", 4)]).get("v|BTC-USD")).toBe(4);
    expect(entryTimes([f("buy", "1", 1), f("sell", "1", 2)]).has("v|BTC-USD")).toBe(false);
  });
});

describe("planning a cycle", () => {
  it("when a buy is sized then it is cut to what cash reserves at the mark plus the buffer and fee, on the lot", () => {
    const plan = planCycle({ cycleId: "x.t1", signal: { side: "buy", strength: 1, confidence: 1, reason: "r" }, instruments: [instrument()], equity: "10000", cash: "1000", maxExposure: 1, resting: [] });
    const o = plan.orders[0];
    expect(o?.request.clientOrderId).toBe("x.t1.0");
    const reserve = new Decimal(o?.request.quantity ?? "0").times(60000).times(1.05).times(new Decimal(binance?.takerFeeRate ?? "0").plus(1));
    expect(reserve.lte(1000)).toBe(true);
    expect(new Decimal(o?.request.quantity ?? "0").mod(btc?.lotSize ?? "1").isZero()).toBe(true);
  });

  it("when quotes stand as asked then they are kept, and quotes no longer asked for are cancelled", () => {
    const signal = { side: "buy" as const, strength: 0, confidence: 1, reason: "q", quotes: { bidPrice: 59000, askPrice: 61000, bidSize: 0.1, askSize: 0 } };
    const first = planCycle({ cycleId: "m.t1", signal, instruments: [instrument()], equity: "100000", cash: "100000", maxExposure: 1, resting: [] });
    const bid = first.orders[0]?.request;
    expect(bid?.timeInForce).toBe("post_only");
    const resting = [{ clientOrderId: "m.t1.0", venue: "paper-binance", symbol: "BTC-USD", side: "buy" as const, price: bid?.price ?? null, quantity: bid?.quantity ?? "0" }];
    expect(planCycle({ cycleId: "m.t2", signal, instruments: [instrument()], equity: "100000", cash: "100000", maxExposure: 1, resting })).toEqual({ orders: [], cancels: [] });
    const moved = planCycle({ cycleId: "m.t3", signal: { ...signal, quotes: { ...signal.quotes, bidPrice: 58000 } }, instruments: [instrument()], equity: "100000", cash: "100000", maxExposure: 1, resting });
    expect(moved.cancels).toEqual(["m.t1.0"]);
    expect(moved.orders).toHaveLength(1);
  });

  it("when a farm vetoes, scales or flattens then buys go, shrink or turn into sells of everything held", () => {
    const inst = [instrument("0.5")];
    const plan = planCycle({ cycleId: "p.t1", signal: { side: "buy", strength: 1, confidence: 1, reason: "r" }, instruments: inst, equity: "100000", cash: "50000", maxExposure: 0.6, resting: [] });
    expect(plan.orders[0]?.request.side).toBe("buy");
    const verdict = (action: "go" | "veto" | "flatten", scale: number) => ({ mode: "collaborative" as const, action, scale, reason: "", netting: null, votes: [] });
    expect(applyVerdict(plan, verdict("veto", 0), "p.t1", inst, []).orders).toHaveLength(0);
    const half = applyVerdict(plan, verdict("go", 0.5), "p.t1", inst, []).orders[0];
    expect(new Decimal(half?.request.quantity ?? "0").lt(plan.orders[0]?.request.quantity ?? "0")).toBe(true);
    const flat = applyVerdict(plan, verdict("flatten", 1), "p.t1", inst, [{ clientOrderId: "q", venue: "paper-binance", symbol: "BTC-USD", side: "buy", price: "1", quantity: "1" }]);
    expect(flat.orders.map((o) => [o.request.side, o.request.type, o.request.quantity])).toEqual([["sell", "market", "0.5"]]);
    expect(flat.cancels).toEqual(["q"]);
    expect(scaleBuys(plan, 0.0000001, inst).orders).toHaveLength(0);
  });

  it("when views are drawn then targets say buy or sell by the gap, and quotes are market-neutral", () => {
    const who = { agent: "agent:a", farm: "farm:f", weight: 1 };
    const [v] = viewsOf({ side: "buy", strength: 0, confidence: 0.8, reason: "t", targets: [0.2] }, [instrument("0")], "10000", 0.4, who, NOW);
    expect(v).toMatchObject({ side: "buy", strength: 0.5, confidence: 0.8 });
    const [q] = viewsOf({ side: "buy", strength: 0.3, confidence: 0.9, reason: "q", quotes: null }, [instrument()], "10000", 0.4, who, NOW);
    expect(q?.side).toBe("hold");
  });

  it("when volatility is targeted then the exposure is target over realized, never above the cap", () => {
    const c: AgentConfig = { ...config(), sizing: { mode: "volatility_target", targetVolatility: 0.2, maxFraction: 0.5, lookbackBars: 60 } };
    const calm = Array.from({ length: 61 }, (_, i) => 100 * (1 + 0.00001 * (i % 2)));
    const wild = Array.from({ length: 61 }, (_, i) => 100 * (1 + 0.01 * (i % 2)));
    expect(maxExposureFor(c, calm).maxExposure).toBe(0.5);
    const w = maxExposureFor(c, wild);
    expect(w.maxExposure).toBeCloseTo(0.2 / (w.realizedVol ?? 1), 9);
    expect(w.maxExposure).toBeLessThan(0.5);
    expect(maxExposureFor({ ...c, sizing: { mode: "fixed_fraction", fraction: 0.1 } }, wild).maxExposure).toBe(0.1);
  });
});

describe("approvals", () => {
  it("when an order crosses a rule of the policy then it waits, with every reason in words", () => {
    const policy = applyPolicyPatch(DEFAULT_APPROVAL_POLICY, { notionalAbove: "1000", whenDesk: ["warning"] });
    expect(approvalNeeded(policy, { notional: new Decimal("999"), firstLiveOrder: false, deskLevel: "calm" })).toBeNull();
    const need = approvalNeeded(policy, { notional: new Decimal("1001"), firstLiveOrder: true, deskLevel: "warning" });
    expect(need?.reasons).toEqual(["notional_above_threshold", "first_live_order", "desk_state"]);
    expect(need?.message).toContain("1000 USD threshold");
    expect(approvalNeeded({ ...policy, firstLiveOrder: false }, { notional: new Decimal("1"), firstLiveOrder: true, deskLevel: "critical" })).toBeNull();
  });

  it("when a request is answered then it is decided once, and one answered late has expired", () => {
    const plan = planCycle({ cycleId: "a.t1", signal: { side: "buy", strength: 1, confidence: 1, reason: "r" }, instruments: [instrument()], equity: "100000", cash: "100000", maxExposure: 0.5, resting: [] });
    const r = approvalRecordOf({ cycleId: "a.t1", agent: "agent:a", farm: null, plan, reasons: ["notional_above_threshold"], message: "m", signalReason: "r", nowMs: NOW, ttlMs: 60_000 });
    const approved = decideApproval(r, "approve", "op", NOW + 1);
    expect(approved.record).toMatchObject({ state: "approved", decidedBy: "op" });
    expect(decideApproval(approved.record, "reject", "op", NOW + 2).changed).toBe(false);
    expect(decideApproval(r, "approve", "op", NOW + 60_000).record.state).toBe("expired");
  });
});

describe("votes", () => {
  it("when an agent votes then its own latest view decides: same side approves, the other rejects, none abstains", () => {
    const view = (side: AgentView["side"], atMs: number): AgentView => ({ agent: "agent:b", farm: "farm:f", symbol: "BTC-USD", venue: "paper-binance", side, strength: 1, confidence: 0.7, weight: 1, reason: side, atMs });
    const proposal: Proposal = { cycleId: "a.t1", agent: "agent:a", view: { ...view("buy", NOW), agent: "agent:a" }, side: "buy", reducing: false };
    expect(agentVote("agent:b", [view("buy", NOW - 1000)], proposal, NOW)).toMatchObject({ vote: "approve", confidence: 0.7 });
    expect(agentVote("agent:b", [view("buy", NOW - 5000), view("sell", NOW - 1000)], proposal, NOW).vote).toBe("reject");
    expect(agentVote("agent:b", [view("buy", NOW - 600_000)], proposal, NOW).vote).toBe("abstain");
    expect(agentVote("agent:b", [], proposal, NOW).vote).toBe("abstain");
  });
});

describe("attribution roll-up", () => {
  it("when agents are rolled up then each farm and strategy adds its agents' figures, and the desk all of them", async () => {
    const { rollUp } = await import("../../core/trades/attribution.js");
    const a = (scope: string, realized: string, wins: number, closed: number) => ({ scope, realizedPnl: realized, unrealizedPnl: "1", fees: "0.5", slippage: "0", closedTrades: closed, wins, hitRate: closed ? wins / closed : null });
    const out = rollUp([
      { farm: "farm:x", strategy: "momentum", attribution: a("agent:a", "10", 1, 2) },
      { farm: "farm:x", strategy: "momentum", attribution: a("agent:b", "-4", 1, 1) },
      { farm: "farm:y", strategy: "pairs", attribution: a("agent:c", "2.5", 0, 1) },
    ]);
    const x = out.farms.find((f) => f.scope === "farm:x");
    expect(new Decimal(x?.realizedPnl ?? "0").eq(6)).toBe(true);
    expect(x?.closedTrades).toBe(3);
    expect(x?.hitRate).toBeCloseTo(2 / 3, 12);
    expect(out.strategies.map((s) => s.scope).sort()).toEqual(["momentum", "pairs"]);
    expect(new Decimal(out.desk.realizedPnl).eq(8.5)).toBe(true);
    expect(new Decimal(out.desk.fees).eq(1.5)).toBe(true);
    expect(out.agents).toHaveLength(3);
  });
});
