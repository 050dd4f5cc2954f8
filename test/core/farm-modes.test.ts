import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyModePatch, defaultFarmMode, farmModeBodySchema, farmModeSchema } from "../../core/farm/mode.js";
import { decideVerdict, flattenVerdict, quorumNeeded } from "../../core/farm/modes.js";
import { contribution, netViews } from "../../core/farm/netting.js";
import { performanceRecord } from "../../core/farm/performance.js";
import { farmEquity } from "../../core/farm/summary.js";
import { str } from "../../core/money.js";
import { performanceWeight } from "../../core/rebalance.js";
import type { Attribution } from "../../core/trades/types.js";
import { parseFarmReport } from "../../core/farm/report.js";
import type { AgentView, FarmMode, Proposal, Vote } from "../../core/farm/types.js";

const NOW = 1_000_000;
const TTL = 60_000;

/** A view: `view("marcus", "buy", 0.8, 1)` — agent, side, strength, confidence, then weight, age and symbol. */
function view(agent: string, side: AgentView["side"], strength: number, confidence: number, weight = 1, ageMs = 0, symbol = "BTC-USD"): AgentView {
  return { agent: `agent:${agent}`, farm: "farm:f", symbol, venue: "paper-binance", side, strength, confidence, weight, reason: `${agent} says ${side}`, atMs: NOW - ageMs };
}

function proposal(v: AgentView, reducing = false, side: "buy" | "sell" = v.side === "sell" ? "sell" : "buy"): Proposal {
  return { cycleId: `${v.agent}:c1`, agent: v.agent, view: v, side, reducing };
}

const mode = (patch: Partial<FarmMode>): FarmMode => ({ ...defaultFarmMode(0), ...patch });

function decide(m: Partial<FarmMode>, p: Proposal, views: readonly AgentView[] = [], votes: readonly Vote[] = [], members: readonly string[] = []) {
  return decideVerdict(mode(m), { views, proposal: p, votes, members, nowMs: NOW });
}

const vote = (agent: string, v: Vote["vote"]): Vote => ({ agent: `agent:${agent}`, vote: v, confidence: 0.5, reason: `${agent} ${v}s` });

describe("netting", () => {
  it("when views pull both ways then net, gross and scale follow sign × strength × confidence × weight", () => {
    const mine = view("marcus", "buy", 0.8, 1, 1);
    const n = netViews([mine, view("sophia", "sell", 0.6, 0.5, 1), view("alex", "buy", 0.5, 0.4, 2)], proposal(mine), NOW, TTL);
    // buy 0.8 + buy 0.4 − sell 0.3
    expect(n.gross).toBeCloseTo(1.2, 12);
    expect(n.net).toBeCloseTo(0.9, 12);
    expect(n.scale).toBeCloseTo(0.75, 12);
    expect(n.against.map((v) => v.agent)).toEqual(["agent:sophia"]);
  });

  it("when the other side outweighs the proposal then the scale is 0", () => {
    const mine = view("marcus", "buy", 0.3, 1);
    const n = netViews([view("sophia", "sell", 0.9, 1)], proposal(mine), NOW, TTL);
    expect(n.net).toBeCloseTo(-0.6, 12);
    expect(n.scale).toBe(0);
  });

  it("when a sell is proposed then its gross counts the sells and buys pull against it", () => {
    const mine = view("marcus", "sell", 1, 1);
    const n = netViews([view("sophia", "buy", 0.25, 1), view("alex", "hold", 1, 1)], proposal(mine), NOW, TTL);
    expect(n.gross).toBeCloseTo(1, 12);
    expect(n.scale).toBeCloseTo(0.75, 12);
    expect(n.against.map((v) => v.agent)).toEqual(["agent:sophia"]);
  });

  it("when a view is as old as the ttl or older, or of another symbol, then it does not count", () => {
    const mine = view("marcus", "buy", 1, 1);
    const n = netViews([view("sophia", "sell", 1, 1, 1, TTL), view("alex", "sell", 1, 1, 1, 0, "ETH-USD"), view("paula", "sell", 0.5, 1, 1, TTL - 1)], proposal(mine), NOW, TTL);
    expect(n.against.map((v) => v.agent)).toEqual(["agent:paula"]);
    expect(n.scale).toBeCloseTo(0.5, 12);
  });

  it("when an agent published several views then only its newest counts", () => {
    const mine = view("marcus", "buy", 1, 1);
    const older = view("sophia", "buy", 1, 1, 1, 5_000);
    const newer = view("sophia", "sell", 0.5, 1, 1, 1_000);
    const n = netViews([newer, older], proposal(mine), NOW, TTL);
    expect(n.against).toEqual([newer]);
    expect(n.scale).toBeCloseTo(0.5, 12);
    // The proposer's stored older view is replaced by the proposal's own.
    const stale = view("marcus", "sell", 1, 1, 1, 10_000);
    expect(netViews([stale], proposal(mine), NOW, TTL).scale).toBe(1);
  });

  it("when the proposal reduces a position then it is never scaled", () => {
    const exit = view("marcus", "sell", 0.2, 1);
    const n = netViews([view("sophia", "buy", 1, 1, 3)], proposal(exit, true), NOW, TTL);
    expect(n.scale).toBe(1);
    expect(n.against).toHaveLength(1);
  });

  it("when views are random then the scale stays in [0, 1] and equals the net's share of the gross", () => {
    const side = fc.constantFrom<AgentView["side"]>("buy", "sell", "hold");
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(side, unit, unit, fc.double({ min: 0, max: 3, noNaN: true })), { maxLength: 8 }), unit, (vs, strength) => {
        const views = vs.map(([s, st, c, w], i) => view(`a${i}`, s, st, c, w));
        const mine = view("me", "buy", strength, 1);
        const n = netViews(views, proposal(mine), NOW, TTL);
        const all = [...views, mine];
        const net = all.reduce((s, v) => s + contribution(v), 0);
        const gross = all.reduce((s, v) => s + Math.max(0, contribution(v)), 0);
        expect(n.net).toBeCloseTo(net, 9);
        expect(n.scale).toBeGreaterThanOrEqual(0);
        expect(n.scale).toBeLessThanOrEqual(1);
        expect(n.scale).toBeCloseTo(net <= 0 || gross <= 0 ? 0 : Math.min(1, net / gross), 9);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe("independent and collaborative", () => {
  it("when the farm is independent then every proposal goes whole", () => {
    const mine = view("marcus", "buy", 0.1, 0.1);
    const v = decide({ mode: "independent" }, proposal(mine), [view("sophia", "sell", 1, 1, 3)]);
    expect(v).toMatchObject({ mode: "independent", action: "go", scale: 1, netting: null });
  });

  it("when a sell pulls against a buy then the buy goes scaled and the reason names who netted it", () => {
    const mine = view("marcus-momentum", "buy", 1, 1);
    const v = decide({ mode: "collaborative" }, proposal(mine), [view("sophia-reversion", "sell", 0.6, 1)]);
    expect(v.action).toBe("go");
    expect(v.scale).toBeCloseTo(0.4, 12);
    expect(v.reason).toBe("collaborative: sophia-reversion's sell 0.6 nets marcus-momentum's buy BTC-USD to 40%");
  });

  it("when the other side wins then the proposal is vetoed", () => {
    const mine = view("marcus", "buy", 0.5, 1);
    const v = decide({ mode: "collaborative" }, proposal(mine), [view("sophia", "sell", 0.6, 1), view("alex", "sell", 0.2, 1)]);
    expect(v).toMatchObject({ action: "veto", scale: 0 });
    expect(v.reason).toContain("sophia's sell 0.6 and alex's sell 0.2 net marcus's buy BTC-USD out");
  });

  it("when an exit meets opposite views then it goes whole", () => {
    const exit = view("marcus", "sell", 0.1, 1);
    expect(decide({ mode: "collaborative" }, proposal(exit, true), [view("sophia", "buy", 1, 1, 3)])).toMatchObject({ action: "go", scale: 1 });
  });
});

describe("hierarchical", () => {
  const lead = { mode: "hierarchical" as const, lead: "agent:lead" };

  it("when the lead proposes then it goes without anyone's view", () => {
    expect(decide(lead, proposal(view("lead", "buy", 1, 1)))).toMatchObject({ action: "go", scale: 1 });
  });

  it("when the lead's view agrees then the order goes; when it opposes then it is vetoed", () => {
    const mine = proposal(view("marcus", "buy", 1, 1));
    expect(decide(lead, mine, [view("lead", "buy", 0.2, 0.2)]).action).toBe("go");
    const vetoed = decide(lead, mine, [view("lead", "sell", 0.2, 0.2)]);
    expect(vetoed.action).toBe("veto");
    expect(vetoed.reason).toContain("lead (lead) says sell");
  });

  it("when the lead holds then a new position is vetoed but an exit goes", () => {
    const holds = [view("lead", "hold", 0, 0)];
    expect(decide(lead, proposal(view("marcus", "buy", 1, 1)), holds).action).toBe("veto");
    expect(decide(lead, proposal(view("marcus", "sell", 1, 1), true), holds).action).toBe("go");
  });

  it("when the lead has no view of the symbol within the ttl then the order is vetoed with that reason", () => {
    const mine = proposal(view("marcus", "buy", 1, 1));
    const v = decide(lead, mine, [view("lead", "buy", 1, 1, 1, TTL), view("lead", "buy", 1, 1, 1, 0, "ETH-USD")]);
    expect(v.action).toBe("veto");
    expect(v.reason).toContain("has no view of BTC-USD in the last 60 s");
  });
});

describe("consensus", () => {
  const members = ["agent:a", "agent:b", "agent:c", "agent:d"];
  const mine = proposal(view("a", "buy", 1, 1));

  it("when a quorum approves (the proposer counting itself) then the order goes", () => {
    // 4 members × 0.5 → 2: the proposer and one approval.
    expect(decide({ mode: "consensus" }, mine, [], [vote("b", "approve"), vote("c", "reject")], members).action).toBe("go");
  });

  it("when abstentions and missing votes leave it short then it is vetoed, naming who did not agree", () => {
    const v = decide({ mode: "consensus", quorum: 0.75 }, mine, [], [vote("b", "approve"), vote("c", "abstain")], members);
    expect(v.action).toBe("veto");
    expect(v.reason).toContain("2 of 4 agree, 3 needed");
    expect(v.reason).toContain("c abstains (c abstains)");
    expect(v.reason).toContain("d abstains (no vote)");
  });

  it("when votes come from outsiders, twice from one agent or from the proposer then they are not counted", () => {
    const v = decide({ mode: "consensus", quorum: 0.75 }, mine, [], [vote("b", "approve"), vote("b", "approve"), vote("x", "approve"), vote("a", "approve")], members);
    expect(v.action).toBe("veto");
    expect(v.votes.map((x) => x.agent)).toEqual(["agent:b"]);
  });

  it("when the quorum is 1 then every member must approve", () => {
    const some = [vote("b", "approve"), vote("c", "approve")];
    expect(decide({ mode: "consensus", quorum: 1 }, mine, [], some, members).action).toBe("veto");
    expect(decide({ mode: "consensus", quorum: 1 }, mine, [], [...some, vote("d", "approve")], members).action).toBe("go");
  });

  it("when the farm has one agent then it is its own quorum", () => {
    expect(decide({ mode: "consensus", quorum: 1 }, mine, [], [], ["agent:a"]).action).toBe("go");
  });

  it("when quorum × members is whole but for float dust then no extra vote is asked", () => {
    expect(0.28 * 25).toBeGreaterThan(7);
    expect(quorumNeeded(0.28, 25)).toBe(7);
    expect(quorumNeeded(0.5, 3)).toBe(2);
    expect(quorumNeeded(0.01, 3)).toBe(1);
  });

  it("when the order is an exit then it goes with no quorum", () => {
    const exit = proposal(view("a", "sell", 1, 1), true);
    expect(decide({ mode: "consensus", quorum: 1 }, exit, [], [vote("b", "reject")], members)).toMatchObject({ action: "go", scale: 1 });
  });
});

describe("emergency", () => {
  it("when holding then new risk is vetoed and exits go", () => {
    expect(decide({ mode: "emergency", emergency: "hold" }, proposal(view("a", "buy", 1, 1))).action).toBe("veto");
    expect(decide({ mode: "emergency", emergency: "hold" }, proposal(view("a", "sell", 1, 1), true)).action).toBe("go");
  });

  it("when flattening then every answer is flatten", () => {
    expect(decide({ mode: "emergency", emergency: "flatten" }, proposal(view("a", "buy", 1, 1))).action).toBe("flatten");
    expect(decide({ mode: "emergency", emergency: "flatten" }, proposal(view("a", "sell", 1, 1), true)).action).toBe("flatten");
    expect(flattenVerdict(mode({ mode: "emergency", emergency: "flatten", reason: "drawdown" })).reason).toContain("drawdown");
  });
});

describe("mode changes", () => {
  const current = defaultFarmMode(5);
  const active = ["agent:a", "agent:b"];

  it("when a patch is valid then only what it names changes, with who and when", () => {
    const out = applyModePatch(current, farmModeSchema.parse({ mode: "consensus", quorum: 0.6 }), "ops@desk", "debate first", 99, active);
    expect(out).toEqual({ ok: true, changed: true, mode: { ...current, mode: "consensus", quorum: 0.6, setBy: "ops@desk", reason: "debate first", updatedAtMs: 99 } });
  });

  it("when hierarchical has no lead then it is refused with lead_required", () => {
    expect(applyModePatch(current, { mode: "hierarchical" }, "ops", "", 1, active)).toMatchObject({ ok: false, code: "lead_required" });
  });

  it("when the lead is not an active member then it is refused with lead_not_member", () => {
    expect(applyModePatch(current, farmModeSchema.parse({ mode: "hierarchical", lead: "zed" }), "ops", "", 1, active)).toMatchObject({ ok: false, code: "lead_not_member" });
    const led = mode({ mode: "independent", lead: "agent:gone" });
    expect(applyModePatch(led, { mode: "hierarchical" }, "ops", "", 1, active)).toMatchObject({ ok: false, code: "lead_not_member" });
  });

  it("when a lead is given as a slug then it is read as the agent's wallet id", () => {
    const out = applyModePatch(current, farmModeSchema.parse({ mode: "hierarchical", lead: "b" }), "ops", "", 1, active);
    expect(out.ok && out.mode.lead).toBe("agent:b");
  });

  it("when the patch is empty, unknown or out of bounds then the schema refuses it", () => {
    for (const bad of [{}, { mode: "chaos" }, { quorum: 0 }, { quorum: 1.5 }, { voteTimeoutMs: 99 }, { voteTimeoutMs: 60_001 }, { viewTtlMs: 10 }, { emergency: "panic" }, { lead: "Not A Slug!" }, { extra: 1 }]) {
      expect(farmModeSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(farmModeBodySchema.safeParse({ reason: "only a reason" }).success).toBe(false);
    expect(farmModeBodySchema.parse({ mode: "emergency", reason: " drawdown " })).toEqual({ mode: "emergency", reason: "drawdown" });
  });

  it("when nothing but who and why changes then the result says unchanged", () => {
    const out = applyModePatch(current, { mode: "independent" }, "ops", "", 1, active);
    expect(out.ok && out.changed).toBe(false);
  });
});

describe("farm reports", () => {
  const v = view("a", "buy", 1, 1);
  const report = { agent: "agent:a", cycleId: "c1", atMs: NOW, equity: "100.5", cash: "20", views: [v], proposal: proposal(v) };

  it("when a report is well formed then it parses", () => {
    expect(parseFarmReport(report)).toEqual({ ok: true, report });
  });

  it("when it carries another agent's view, a bad number or a bad amount then it is refused with the reason", () => {
    expect(parseFarmReport({ ...report, views: [view("b", "buy", 1, 1)] })).toMatchObject({ ok: false, message: "agent:a reported a view of agent:b" });
    expect(parseFarmReport({ ...report, views: [{ ...v, strength: 2 }] }).ok).toBe(false);
    expect(parseFarmReport({ ...report, equity: "lots" }).ok).toBe(false);
  });
});

describe("performance and equity", () => {
  const attribution = (realizedPnl: string, unrealizedPnl: string, fees: string): Attribution => ({ scope: "agent:a", realizedPnl, unrealizedPnl, fees, slippage: "0", closedTrades: 1, wins: 1, hitRate: 1 });

  it("when an agent has an attribution then its weight is 1 + (realized + unrealized) / capital, fees not taken twice", () => {
    const record = performanceRecord(attribution("150", "-50", "30"), { pnl: "7", capital: "1000" });
    expect(record && str(record.pnl)).toBe("100");
    expect(str(performanceWeight(record))).toBe("1.1");
  });

  it("when there is no attribution then the track record stands, and with neither the weight is 1", () => {
    expect(str(performanceWeight(performanceRecord(null, { pnl: "-500", capital: "1000" })))).toBe("0.5");
    expect(performanceRecord(attribution("1", "1", "0"), null)).toBeNull();
    expect(str(performanceWeight(null))).toBe("1");
  });

  it("when members reported then the farm's equity adds the active ones' last equity to its cash", () => {
    const members = [
      { id: "agent:a", status: "active", equity: "100.1", weight: 1 },
      { id: "agent:b", status: "archived", equity: "999", weight: 1 },
      { id: "agent:c", status: "active", equity: null, weight: null },
    ];
    expect(str(farmEquity("0.2", members))).toBe("100.3");
  });
});
