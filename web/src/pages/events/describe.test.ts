import { describe as group, expect, test } from "vitest";
import { ev } from "../../live/test-events.ts";
import { categoryOf, describe, eventName, shortType } from "./describe.ts";

group("event descriptions", () => {
  test.each([
    ["a run start", ev.runStarted("treasury", "transfer:k:1:debit"), "run transfer:k:1:debit"],
    ["a run error", ev.runError("venue down", "venue_unavailable"), "venue_unavailable: venue down"],
    ["a tool call start", ev.toolStart("transfer:k:1", "transfer"), "transfer · transfer:k:1"],
    [
      "transfer arguments",
      ev.toolArgs("transfer:k:1", JSON.stringify({ transferId: "k:1", from: "treasury", to: "farm:a", asset: "USD", amount: "1234.5" })),
      "treasury → farm:a 1,234.50 USD",
    ],
    ["a tool result", ev.toolResult("transfer:k:1", JSON.stringify({ transferId: "k:1", state: "pending" })), "pending · k:1"],
    ["a wallet snapshot", ev.snapshot({ id: "treasury", name: "Treasury", balances: { USD: "400000" } }), "Treasury · balance 400,000.00 USD"],
    [
      "a delta",
      ev.delta([
        { op: "replace", path: "/balances/USD", value: "399000" },
        { op: "add", path: "/positions/BTC~1USD", value: { qty: "1" } },
        { op: "remove", path: "/orders/0" },
        { op: "replace", path: "/available/USD", value: "1" },
      ]),
      '/balances/USD = 399,000.00  + /positions/BTC~1USD = {"qty":"1"}  − /orders/0  +1 more',
    ],
    [
      "a custom transfer fact",
      ev.custom("cival.transfer.received", { transferId: "k:1", from: "treasury", to: "farm:a", asset: "USD", amount: "10" }),
      "cival.transfer.received · treasury → farm:a 10.00 USD",
    ],
    ["another custom event", ev.custom("cival.risk.alert", { level: "warn" }), 'cival.risk.alert {"level":"warn"}'],
  ])("when the event is %s then the log line reads as expected", (_what, event, line) => {
    expect(describe(event)).toBe(line);
  });

  test("when tool arguments are not JSON then they are shown as sent, clipped", () => {
    expect(describe(ev.toolArgs("t", "x".repeat(500)))).toHaveLength(160);
  });

  test.each([
    ["RUN_STARTED", "run"],
    ["STEP_FINISHED", "step"],
    ["TOOL_CALL_RESULT", "tool"],
    ["STATE_DELTA", "state"],
    ["MESSAGES_SNAPSHOT", "state"],
    ["CUSTOM", "custom"],
    ["TEXT_MESSAGE_CONTENT", "text"],
    ["REASONING_MESSAGE_START", "reasoning"],
    ["SUBAGENT_STARTED", "other"],
  ])("when the type is %s then its family is %s", (type, category) => {
    expect(categoryOf(type)).toBe(category);
  });

  test("when labelling then types read short and names come from custom events and tools", () => {
    expect(shortType("TOOL_CALL_START")).toBe("tool start");
    expect(shortType("TEXT_MESSAGE_CONTENT")).toBe("text content");
    expect(eventName(ev.custom("cival.transfer.completed", {}))).toBe("cival.transfer.completed");
    expect(eventName(ev.toolStart("t", "transfer"))).toBe("transfer");
    expect(eventName(ev.step("x"))).toBeNull();
  });
});
