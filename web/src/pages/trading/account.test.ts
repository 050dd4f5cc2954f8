import { EventType } from "@ag-ui/core";
import { describe, expect, test } from "vitest";
import type { LogEntry } from "../../live/log.ts";
import { lastAccountEventId, positionRows } from "./account.ts";

describe("positionRows", () => {
  test("when an agent holds cash and coins with open orders then rows show cash first and reserved as the exact difference", () => {
    expect(positionRows({ USD: "119391.3981061", SOL: "2", BTC: "0.3" }, { USD: "119091.0981061", BTC: "0.1", SOL: "2" })).toEqual([
      { asset: "USD", balance: "119391.3981061", available: "119091.0981061", reserved: "300.3" },
      { asset: "BTC", balance: "0.3", available: "0.1", reserved: "0.2" },
      { asset: "SOL", balance: "2", available: "2", reserved: "0" },
    ]);
  });
});

describe("lastAccountEventId", () => {
  const entry = (id: number, thread: string, event: Record<string, unknown>): LogEntry =>
    ({ id, seq: id, thread, at: 0, runKey: null, event }) as unknown as LogEntry;

  test.each([
    ["an order update", { type: EventType.CUSTOM, name: "cival.order.updated" }, 3],
    ["a fill", { type: EventType.CUSTOM, name: "cival.order.filled" }, 3],
    ["a balance delta", { type: EventType.STATE_DELTA, delta: [] }, 3],
    ["a tool call result", { type: EventType.TOOL_CALL_RESULT }, 3],
    ["some other custom event", { type: EventType.CUSTOM, name: "cival.transfer.sent" }, 1],
    ["a run start", { type: EventType.RUN_STARTED }, 1],
  ])("when the newest event on the agent's thread is %s then it counts as %s", (_name, event, expected) => {
    const entries = [
      entry(1, "agent:a", { type: EventType.CUSTOM, name: "cival.order.filled" }),
      entry(2, "agent:b", { type: EventType.STATE_DELTA, delta: [] }),
      entry(3, "agent:a", event),
    ];
    expect(lastAccountEventId(entries, "agent:a")).toBe(expected);
  });

  test("when the agent's thread has nothing then it is 0", () => {
    expect(lastAccountEventId([entry(5, "agent:b", { type: EventType.STATE_DELTA })], "agent:a")).toBe(0);
  });
});
