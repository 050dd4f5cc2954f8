import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { equitySeries } from "../adapters/db/agents.js";
import { EventType } from "../core/events.js";
import type { AgentView, FarmReport, Proposal, Vote } from "../core/farm/types.js";
import { farmStub } from "../durable-objects/stubs.js";
import type { StrategyFarm } from "../durable-objects/strategy-farm.js";
import { api, seed } from "./helpers/api.js";
import { onThread, openSocket } from "./helpers/socket.js";
import { assertValidStreams } from "./helpers/streams.js";

const COUNCIL = "farm:council";
const MEMBERS = ["agent:cara", "agent:dev", "agent:eli"];
let clockMs = 1_800_000_000_000;

beforeAll(async () => {
  await seed();
  expect((await api("POST", "/api/farms", { body: { id: "council", name: "Council", strategy: "momentum" } })).status).toBe(201);
  for (const id of MEMBERS) {
    const slug = id.slice("agent:".length);
    expect((await api("POST", "/api/agents", { body: { id: slug, name: slug, farm: "council" } })).status).toBe(201);
  }
});

function view(agent: string, side: AgentView["side"], strength = 1, symbol = "BTC-USD"): AgentView {
  return { agent, farm: COUNCIL, symbol, venue: "paper-binance", side, strength, confidence: 1, weight: 1, reason: `${agent}: ${side}`, atMs: clockMs };
}

/** A report of a fresh cycle (paper time moves 15 s per report), with a proposal when `side` is given. */
function report(agent: string, side: "buy" | "sell" | null, opts: { reducing?: boolean; views?: AgentView[]; equity?: string } = {}): FarmReport {
  clockMs += 15_000;
  const cycleId = `${agent}:${clockMs}`;
  const own = view(agent, side ?? "hold");
  const proposal: Proposal | null = side ? { cycleId, agent, view: own, side, reducing: opts.reducing ?? false } : null;
  return { agent, cycleId, atMs: clockMs, equity: opts.equity ?? "1000", cash: "400", views: opts.views ?? [own], proposal };
}

async function setMode(farm: string, body: unknown, key = crypto.randomUUID()) {
  return api("PUT", `/api/farms/${farm}/mode`, { role: "trader", body, idempotencyKey: key });
}

/** Answers the council's votes in place of the members' objects (their own votes come with the decision cycle). */
async function votes(answer: (agent: string, proposal: Proposal) => Promise<Vote>): Promise<void> {
  await runInDurableObject(farmStub(env, COUNCIL) as unknown as DurableObjectStub<StrategyFarm>, (farm: StrategyFarm) => {
    farm.voter = answer;
  });
}

describe("GET /api/farms", () => {
  it("when the desk is seeded then every farm is listed with its default mode, cash, equity and agents", async () => {
    const res = await api("GET", "/api/farms", { role: "viewer" });
    expect(res.status).toBe(200);
    const ids = res.body.farms.map((f: { id: string }) => f.id);
    expect(ids).toEqual(expect.arrayContaining(["farm:momentum", "farm:mean-reversion", "farm:arbitrage", "farm:pairs", "farm:market-making", COUNCIL]));
    const momentum = res.body.farms.find((f: { id: string }) => f.id === "farm:momentum");
    expect(momentum).toMatchObject({ name: expect.any(String), strategy: "momentum", status: "active", mode: { mode: "independent", quorum: 0.5, voteTimeoutMs: 2000, emergency: "hold", viewTtlMs: 60000 } });
    expect(momentum.agents).toEqual([{ id: "agent:marcus-momentum", status: "active", equity: null, weight: 1 }]);
    expect(momentum.equity).toBe(momentum.cash);
  });

  it("when one farm is asked for by slug or wallet id then it answers; an unknown one is 404, a bad id 400", async () => {
    expect((await api("GET", "/api/farms/council", { role: "viewer" })).body.farm.agents.map((a: { id: string }) => a.id)).toEqual(MEMBERS);
    expect((await api("GET", "/api/farms/farm:council", { role: "viewer" })).status).toBe(200);
    expect((await api("GET", "/api/farms/nope", { role: "viewer" })).body.error.code).toBe("unknown_wallet");
    expect((await api("GET", "/api/farms/Not!An!Id", { role: "viewer" })).status).toBe(400);
  });
});

describe("PUT /api/farms/:id/mode", () => {
  it("when a viewer asks then it is forbidden; bad bodies are 400; an unknown farm is 404", async () => {
    expect((await api("PUT", "/api/farms/pairs/mode", { role: "viewer", body: { mode: "collaborative" } })).status).toBe(403);
    for (const bad of [{}, { mode: "chaos" }, { quorum: 2 }, { voteTimeoutMs: 5 }, { mode: "consensus", extra: true }]) {
      const res = await setMode("pairs", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
    }
    expect((await api("PUT", "/api/farms/pairs/mode", { role: "trader", rawBody: "{nope" })).status).toBe(400);
    expect((await setMode("nope", { mode: "collaborative" })).status).toBe(404);
  });

  it("when hierarchical has no lead, or a lead from another farm, then it is refused and nothing changes", async () => {
    expect((await setMode("council", { mode: "hierarchical" })).body.error.code).toBe("lead_required");
    const foreign = await setMode("council", { mode: "hierarchical", lead: "marcus-momentum" });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.code).toBe("lead_not_member");
    expect((await api("GET", "/api/farms/council", { role: "viewer" })).body.farm.mode.mode).toBe("independent");
  });

  it("when another object sets a mode over RPC with a bad patch then it is refused, not stored", async () => {
    const out = await farmStub(env, "farm:arbitrage").setMode({ mode: "emergency", voteTimeoutMs: 1 }, "monitor", "drawdown");
    expect(out).toMatchObject({ ok: false, code: "invalid_request" });
    expect((await farmStub(env, "farm:arbitrage").mode()).mode).toBe("independent");
    expect(await farmStub(env, "farm:arbitrage").setMode({ mode: "emergency", emergency: "flatten" }, "monitor", "desk drawdown 12%")).toMatchObject({ ok: true, mode: { mode: "emergency", setBy: "monitor" } });
  });

  it("when a trader sets a mode then it is stored with who and why, and a repeat with the same key replays it", async () => {
    const key = crypto.randomUUID();
    const res = await setMode("pairs", { mode: "collaborative", viewTtlMs: 30_000, reason: "pairs and mean reversion disagree" }, key);
    expect(res.status).toBe(200);
    expect(res.body.mode).toMatchObject({ mode: "collaborative", viewTtlMs: 30_000, setBy: "trader@test", reason: "pairs and mean reversion disagree" });
    const again = await setMode("pairs", { mode: "collaborative", viewTtlMs: 30_000, reason: "pairs and mean reversion disagree" }, key);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body).toEqual(res.body);
    expect((await api("GET", "/api/farms/pairs", { role: "viewer" })).body.farm.mode.mode).toBe("collaborative");
  });
});

describe("the farm's cycle", () => {
  it("when the mode is switched live then the next report is answered in the new mode", async () => {
    const farm = farmStub(env, COUNCIL);
    expect(await farm.cycle(report("agent:cara", "buy"))).toMatchObject({ mode: "independent", action: "go", scale: 1 });
    expect((await setMode("council", { mode: "emergency", emergency: "hold", reason: "drawdown" })).status).toBe(200);
    expect(await farm.cycle(report("agent:cara", "buy"))).toMatchObject({ mode: "emergency", action: "veto" });
    expect(await farm.cycle(report("agent:cara", "sell", { reducing: true }))).toMatchObject({ action: "go" });
    expect((await setMode("council", { emergency: "flatten" })).status).toBe(200);
    expect(await farm.cycle(report("agent:dev", null))).toMatchObject({ action: "flatten" });
    expect((await setMode("council", { mode: "independent" })).status).toBe(200);
    expect(await farm.cycle(report("agent:dev", null))).toBeNull();
  });

  it("when a cycle is retried then it gets its first verdict, even after the mode changed", async () => {
    const farm = farmStub(env, COUNCIL);
    const first = report("agent:eli", "buy");
    const verdict = await farm.cycle(first);
    expect((await setMode("council", { mode: "emergency", emergency: "hold" })).status).toBe(200);
    expect(await farm.cycle(first)).toEqual(verdict);
    expect((await setMode("council", { mode: "independent" })).status).toBe(200);
  });

  it("when collaborative then another member's opposite view scales the proposal down", async () => {
    const farm = farmStub(env, COUNCIL);
    expect((await setMode("council", { mode: "collaborative" })).status).toBe(200);
    // Earlier tests' views expire first.
    clockMs += 60_000;
    await farm.cycle(report("agent:dev", null, { views: [view("agent:dev", "sell", 0.25)] }));
    const verdict = await farm.cycle(report("agent:cara", "buy"));
    expect(verdict?.action).toBe("go");
    expect(verdict?.scale).toBeCloseTo(0.75, 12);
    expect(verdict?.reason).toContain("dev's sell 0.25 nets cara's buy BTC-USD to 75%");
    const detail = await api("GET", "/api/farms/council", { role: "viewer" });
    expect(detail.body.verdicts[0]).toMatchObject({ agent: "agent:cara", verdict: { mode: "collaborative", action: "go", reason: verdict?.reason } });
  });

  it("when a report is malformed or from an outsider then it is refused and nothing is kept", async () => {
    const farm = farmStub(env, COUNCIL);
    expect(await farm.cycle({ ...report("agent:cara", null), equity: "lots" })).toMatchObject({ action: "veto", reason: expect.stringContaining("could not read this report (equity") });
    expect(await farm.cycle(report("agent:marcus-momentum", "buy"))).toMatchObject({ action: "veto", reason: expect.stringContaining("not an active agent") });
    const summary = await farm.summary();
    expect(summary?.agents.map((a) => a.id)).toEqual(MEMBERS);
  });

  it("when agents report then the farm's equity is its cash plus their last equity", async () => {
    const farm = farmStub(env, COUNCIL);
    for (const [agent, equity] of [["agent:cara", "100.5"], ["agent:dev", "200.25"], ["agent:eli", "0.25"]] as const) await farm.cycle(report(agent, null, { equity }));
    const s = await farm.summary();
    expect(s?.equity).toBe("301");
    const samples = await equitySeries(env.DB, COUNCIL, { sinceMs: clockMs - 45_000, limit: 100 });
    expect(samples.at(-1)).toMatchObject({ atMs: clockMs, equity: "301", cash: "0" });
    expect((await api("GET", "/api/farms/council", { role: "viewer" })).body.farm.equity).toBe("301");
    expect(s?.agents.find((a) => a.id === "agent:dev")).toMatchObject({ equity: "200.25", weight: 1 });
  });

  it("when reports come closer than 10 s apart then the farm's equity is sampled into D1 once", async () => {
    const farm = farmStub(env, COUNCIL);
    clockMs += 60_000;
    const from = clockMs;
    for (let i = 0; i < 4; i++) {
      clockMs += 3_000 - 15_000;
      await farm.cycle(report("agent:cara", null, { equity: String(500 + i) }));
    }
    const samples = await equitySeries(env.DB, COUNCIL, { sinceMs: from, limit: 100 });
    expect(samples.map((p) => p.atMs)).toEqual([from + 3_000]);
    expect(samples[0]?.equity).toBe("700.5");
  });
});

describe("consensus", () => {
  it("when a member's vote is late then it abstains, the wait ends at the timeout and the verdict says why", async () => {
    expect((await setMode("council", { mode: "consensus", quorum: 1, voteTimeoutMs: 100 })).status).toBe(200);
    await votes(async (agent) => {
      if (agent === "agent:eli") await new Promise((r) => setTimeout(r, 1_000));
      return { agent, vote: "approve", confidence: 0.9, reason: "my view agrees" };
    });
    const started = Date.now();
    const verdict = await farmStub(env, COUNCIL).cycle(report("agent:cara", "buy"));
    expect(Date.now() - started).toBeLessThan(900);
    expect(verdict).toMatchObject({ mode: "consensus", action: "veto", scale: 0 });
    expect(verdict?.votes).toEqual([
      { agent: "agent:dev", vote: "approve", confidence: 0.9, reason: "my view agrees" },
      { agent: "agent:eli", vote: "abstain", confidence: 0, reason: "no vote within 100 ms" },
    ]);
    expect(verdict?.reason).toContain("2 of 3 agree, 3 needed");
    expect(verdict?.reason).toContain("eli abstains (no vote within 100 ms)");
  });

  it("when the quorum is met despite a member that throws then the order goes", async () => {
    expect((await setMode("council", { mode: "consensus", quorum: 0.6, voteTimeoutMs: 1_000 })).status).toBe(200);
    await votes(async (agent) => {
      if (agent === "agent:eli") throw new Error("strategy not warmed up");
      return { agent, vote: "approve", confidence: 0.5, reason: "agree" };
    });
    const verdict = await farmStub(env, COUNCIL).cycle(report("agent:cara", "buy"));
    expect(verdict?.action).toBe("go");
    expect(verdict?.votes.find((v) => v.agent === "agent:eli")).toMatchObject({ vote: "abstain", reason: "could not vote: strategy not warmed up" });
  });

  it("when a cycle is retried while its first attempt still awaits votes then both get one verdict", async () => {
    expect((await setMode("council", { mode: "consensus", quorum: 1, voteTimeoutMs: 1_000 })).status).toBe(200);
    let calls = 0;
    await votes(async (agent) => {
      // The first attempt's votes approve slowly; the retry's reject at once and settle first.
      const first = calls++ < 2;
      await new Promise((r) => setTimeout(r, first ? 200 : 10));
      return { agent, vote: first ? "approve" : "reject", confidence: 0.5, reason: first ? "agree" : "disagree" };
    });
    const r = report("agent:cara", "buy");
    const farm = farmStub(env, COUNCIL);
    const [a, b] = await Promise.all([farm.cycle(r), new Promise((res) => setTimeout(res, 20)).then(() => farm.cycle(r))]);
    expect(b?.action).toBe("veto");
    expect(a).toEqual(b);
  });

  it("when the members' own objects are asked (no stub) then their failures count as abstentions", async () => {
    await runInDurableObject(farmStub(env, COUNCIL) as unknown as DurableObjectStub<StrategyFarm>, (farm: StrategyFarm) => {
      farm.voter = null;
    });
    const verdict = await farmStub(env, COUNCIL).cycle(report("agent:cara", "buy"));
    expect(verdict?.votes).toHaveLength(2);
    for (const v of verdict?.votes ?? []) expect(["approve", "reject", "abstain"]).toContain(v.vote);
  });
});

describe("the farm's thread", () => {
  it("when verdicts are given and the mode changes then they arrive as runs on farm:council", async () => {
    const { socket } = await openSocket({ topics: COUNCIL });
    if (!socket) throw new Error("no socket");
    expect((await setMode("council", { mode: "independent", reason: "back to normal" })).status).toBe(200);
    const r = report("agent:dev", "sell");
    await farmStub(env, COUNCIL).cycle(r);
    const isVerdict = (f: { event: unknown }) => (f.event as { name?: string; value?: { cycleId?: string } }).name === "cival.farm.verdict" && (f.event as { value: { cycleId: string } }).value.cycleId === r.cycleId;
    await socket.waitFor((fs) => fs.some(isVerdict));
    const frames = onThread(socket.frames, COUNCIL);
    const verdict = frames.find(isVerdict)?.event as unknown as { value: Record<string, unknown> };
    expect(verdict.value).toMatchObject({ agent: "agent:dev", symbol: "BTC-USD", side: "sell", mode: "independent", action: "go", scale: 1 });
    const modeCall = frames.find((f) => f.event.type === EventType.TOOL_CALL_START && (f.event as { toolCallName?: string }).toolCallName === "set_farm_mode");
    expect(modeCall).toBeDefined();
    const delta = frames.find((f) => f.event.type === EventType.STATE_DELTA && JSON.stringify(f.event).includes("back to normal"));
    expect(delta).toBeDefined();
    await assertValidStreams(socket.frames);
    socket.close();
  });
});
