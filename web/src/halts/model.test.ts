import { describe, expect, test } from "vitest";
import type { Halt, RiskScope } from "../../../core/risk/types.ts";
import { blockingHalt, haltedTicketReason, haltSentence } from "./model.ts";

const halt = (scope: RiskScope, rule: Halt["rule"] = "kill_switch", by = "ops"): Halt => ({ scope, rule, reason: "drill", by, atMs: 0, resumeAtMs: null });
const desk = halt({ kind: "desk" });
const farm = halt({ kind: "farm", id: "farm:momentum" });
const otherFarm = halt({ kind: "farm", id: "farm:pairs" });
const agent = halt({ kind: "agent", id: "agent:marcus-momentum" }, "max_daily_loss", "monitor");
const otherAgent = halt({ kind: "agent", id: "agent:paula-pairs" });

describe("blockingHalt", () => {
  test.each([
    ["no halt", [], null],
    ["another farm and another agent are halted", [otherFarm, otherAgent], null],
    ["the desk is halted", [desk], desk],
    ["the agent's farm is halted", [otherFarm, farm], farm],
    ["the agent itself is halted", [agent], agent],
    ["the desk, the farm and the agent are halted", [agent, farm, desk], desk],
    ["the farm and the agent are halted", [agent, farm], farm],
  ] as const)("when %s then the blocking halt is the widest that covers the agent", (_when, halts, expected) => {
    expect(blockingHalt(halts, "agent:marcus-momentum", "farm:momentum")).toBe(expected);
  });

  test("when the agent has no farm then only the desk and the agent itself can stop it", () => {
    expect(blockingHalt([farm], "agent:marcus-momentum", null)).toBeNull();
    expect(blockingHalt([farm, agent], "agent:marcus-momentum", null)).toBe(agent);
  });
});

describe("haltSentence and haltedTicketReason", () => {
  test("when the desk is halted by the kill switch then the sentence names the scope, the rule and who", () => {
    expect(haltSentence(desk)).toBe("desk halted by ops (Kill switch): “drill”");
    expect(haltedTicketReason(desk)).toBe("desk halted by ops (Kill switch): “drill”; all order entry is stopped until it is resumed");
  });

  test("when a breaker halts an agent then the monitor is who, and only that agent's entry stops", () => {
    expect(haltedTicketReason(agent)).toBe("agent:marcus-momentum halted by monitor (Daily loss): “drill”; order entry is stopped for this agent until it is resumed");
  });
});
