import { describe, expect, test } from "vitest";
import type { AgentStatus } from "../../../../core/agents/types.ts";
import type { LogEntry } from "../../live/log.ts";
import { decision, summary, T0 } from "./fixtures.ts";
import {
  agentSlug,
  equitySeries,
  farmSlug,
  formatDuration,
  formatWinRate,
  liveDecisions,
  mergeDecisions,
  outcomeLabel,
  signedMoney,
  signedPct,
  sortAgents,
  statusBadge,
  touched,
} from "./model.ts";

let nextId = 1;
function entry(thread: string, event: Record<string, unknown>): LogEntry {
  const id = nextId++;
  return { id, seq: id, thread, at: T0, event: event as unknown as LogEntry["event"], runKey: null };
}

describe("status badges", () => {
  test("when an agent is in any status then the badge names it in words, with a distinct tone for trouble", () => {
    const all: AgentStatus[] = ["running", "paused", "halted", "awaiting_approval", "warming_up", "archived", "unconfigured"];
    const labels = all.map((s) => statusBadge(s).label);
    expect(new Set(labels).size).toBe(all.length);
    expect(statusBadge("awaiting_approval")).toMatchObject({ label: "awaiting approval", tone: "warn" });
    expect(statusBadge("halted").tone).toBe("bad");
    expect(statusBadge("running").tone).toBe("ok");
    expect(statusBadge("warming_up").label).toBe("warming up");
    for (const s of all) expect(statusBadge(s).glyph.length).toBeGreaterThan(0);
  });
});

describe("P&L formatting", () => {
  test("when P&L is positive, negative or zero then the text carries the sign and the tone repeats it", () => {
    expect(signedMoney("1234.5")).toEqual({ text: "+1,234.50", tone: "up" });
    expect(signedMoney("-12.3")).toEqual({ text: "−12.30", tone: "down" });
    expect(signedMoney("0")).toEqual({ text: "0.00", tone: "flat" });
    expect(signedMoney("-0.004")).toEqual({ text: "0.00", tone: "flat" });
    expect(signedMoney("0.129")).toEqual({ text: "+0.12", tone: "up" });
  });

  test("when a percentage or win rate is shown then it is signed or a dash before there is one", () => {
    expect(signedPct(1.234)).toBe("+1.23%");
    expect(signedPct(-0.5)).toBe("−0.50%");
    expect(signedPct(0.001)).toBe("0.00%");
    expect(signedPct(null)).toBe("—");
    expect(formatWinRate(null)).toBe("—");
    expect(formatWinRate(0.625)).toBe("62.5%");
    expect(formatWinRate(1)).toBe("100%");
    expect(formatWinRate(0)).toBe("0%");
  });
});

describe("decisions", () => {
  test("when live decisions arrive over the fetched ones then each id shows once, newest first, capped", () => {
    const a = decision({ id: "m.1", atMs: T0 });
    const b = decision({ id: "m.2", atMs: T0 + 15_000 });
    const bAgain = decision({ id: "m.2", atMs: T0 + 15_000, outcome: "placed" });
    const c = decision({ id: "m.3", atMs: T0 + 30_000 });
    const merged = mergeDecisions([b, a], [bAgain, c]);
    expect(merged.map((d) => d.id)).toEqual(["m.3", "m.2", "m.1"]);
    expect(merged[1]?.outcome).toBe("placed");
    expect(mergeDecisions([a, b], [c], 2).map((d) => d.id)).toEqual(["m.3", "m.2"]);
  });

  test("when the log holds decisions of several agents then only the chosen agent's well-formed ones come back", () => {
    const mine = decision({ id: "m.9" });
    const entries = [
      entry("agent:marcus-momentum", { type: "CUSTOM", name: "cival.agent.decision", value: mine }),
      entry("agent:sophia-reversion", { type: "CUSTOM", name: "cival.agent.decision", value: decision({ id: "s.1" }) }),
      entry("agent:marcus-momentum", { type: "CUSTOM", name: "cival.agent.signal", value: { id: "sig" } }),
      entry("agent:marcus-momentum", { type: "CUSTOM", name: "cival.agent.decision", value: { id: "broken" } }),
    ];
    expect(liveDecisions(entries, "marcus-momentum").map((d) => d.id)).toEqual(["m.9"]);
  });

  test("when outcomes are labelled then refusals read as trouble and holds as quiet", () => {
    expect(outcomeLabel("risk_rejected")).toEqual({ label: "risk rejected", tone: "bad" });
    expect(outcomeLabel("placed").tone).toBe("ok");
    expect(outcomeLabel("hold").tone).toBe("muted");
  });
});

describe("live refresh", () => {
  test("when events arrive then the agents and farms that spoke are named once each", () => {
    const t = touched([
      entry("agent:marcus-momentum", { type: "RUN_STARTED" }),
      entry("agent:marcus-momentum", { type: "RUN_FINISHED" }),
      entry("farm:momentum", { type: "CUSTOM", name: "cival.farm.verdict" }),
      entry("risk", { type: "STATE_DELTA" }),
    ]);
    expect([...t.agents]).toEqual(["marcus-momentum"]);
    expect([...t.farms]).toEqual(["farm:momentum"]);
  });
});

describe("equity and durations", () => {
  test("when points share a second or go back in time then the series stays strictly increasing, the later value winning", () => {
    const s = equitySeries([
      { atMs: T0, equity: "100" },
      { atMs: T0 + 400, equity: "101" },
      { atMs: T0 + 15_000, equity: "99.5" },
      { atMs: T0 + 10_000, equity: "500" },
      { atMs: T0 + 30_000, equity: "oops" },
    ]);
    expect(s).toEqual([
      { time: T0 / 1000, value: 101 },
      { time: T0 / 1000 + 15, value: 99.5 },
    ]);
  });

  test("when a duration is shown then it uses the two largest units", () => {
    expect(formatDuration(45_000)).toBe("45s");
    expect(formatDuration(725_000)).toBe("12m 05s");
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe("3h 05m");
    expect(formatDuration(52 * 3_600_000)).toBe("2d 4h");
    expect(formatDuration(-1)).toBe("—");
  });

  test("when agents are listed then they go by farm then name, and ids of either form give the slug", () => {
    const list = sortAgents([summary({ id: "b", name: "B", farm: "farm:z" }), summary({ id: "a", name: "A", farm: null }), summary({ id: "c", name: "C", farm: "farm:a" })]);
    expect(list.map((a) => a.id)).toEqual(["c", "b", "a"]);
    expect(agentSlug("agent:marcus-momentum")).toBe("marcus-momentum");
    expect(agentSlug("marcus-momentum")).toBe("marcus-momentum");
    expect(farmSlug("farm:momentum")).toBe("momentum");
  });
});
