import { describe, expect, test } from "vitest";
import { ackFrame, covers, isFinalClose, parseFrame, socketPath, socketProtocols, socketTopics } from "./protocol.ts";

describe("parseFrame", () => {
  test("when the frame is a well-formed envelope then it is read as one", () => {
    const frame = parseFrame(JSON.stringify({ seq: 7, thread: "treasury", at: 1700, event: { type: "RUN_STARTED", threadId: "treasury", runId: "r1" } }));
    expect(frame).toEqual({ kind: "envelope", envelope: { seq: 7, thread: "treasury", at: 1700, event: { type: "RUN_STARTED", threadId: "treasury", runId: "r1" } } });
  });

  test("when the server answers a ping then the frame is a pong", () => {
    expect(parseFrame("pong")).toEqual({ kind: "pong" });
  });

  test.each([
    ["not json", "{"],
    ["no seq", JSON.stringify({ thread: "t", at: 1, event: { type: "CUSTOM", name: "x" } })],
    ["negative seq", JSON.stringify({ seq: -1, thread: "t", at: 1, event: { type: "CUSTOM", name: "x" } })],
    ["fractional seq", JSON.stringify({ seq: 1.5, thread: "t", at: 1, event: { type: "CUSTOM", name: "x" } })],
    ["empty thread", JSON.stringify({ seq: 1, thread: "", at: 1, event: { type: "CUSTOM", name: "x" } })],
    ["no at", JSON.stringify({ seq: 1, thread: "t", event: { type: "CUSTOM", name: "x" } })],
    ["unknown type", JSON.stringify({ seq: 1, thread: "t", at: 1, event: { type: "NOPE" } })],
    ["delta not an array", JSON.stringify({ seq: 1, thread: "t", at: 1, event: { type: "STATE_DELTA", delta: { op: "add" } } })],
    ["snapshot missing", JSON.stringify({ seq: 1, thread: "t", at: 1, event: { type: "STATE_SNAPSHOT" } })],
    ["run without runId", JSON.stringify({ seq: 1, thread: "t", at: 1, event: { type: "RUN_STARTED", threadId: "t" } })],
    ["an array", "[]"],
  ])("when the frame has %s then it is refused", (_why, data) => {
    expect(parseFrame(data).kind).toBe("invalid");
  });
});

describe("topics", () => {
  test("when views want overlapping topics then the socket asks for each once, sorted", () => {
    expect(socketTopics(["treasury", "farm:b", "farm:a", "treasury", " "])).toEqual(["farm:a", "farm:b", "treasury"]);
  });

  test("when any view wants desk then the socket asks for desk alone", () => {
    expect(socketTopics(["treasury", "desk", "risk"])).toEqual(["desk"]);
  });

  test("when views want more than ten topics then the socket asks for desk instead", () => {
    const many = Array.from({ length: 11 }, (_, i) => `agent:a${i}`);
    expect(socketTopics(many)).toEqual(["desk"]);
    expect(socketTopics(many.slice(0, 10))).toHaveLength(10);
  });

  test("when the socket has desk then it covers anything; otherwise only what it names", () => {
    expect(covers(["desk"], ["farm:a", "risk"])).toBe(true);
    expect(covers(["farm:a", "treasury"], ["treasury"])).toBe(true);
    expect(covers(["farm:a"], ["farm:a", "risk"])).toBe(false);
  });

  test("when resuming then the path carries since; a fresh connection leaves it out", () => {
    expect(socketPath(["farm:a", "treasury"], 41)).toBe("/api/events/ws?topics=farm%3Aa%2Ctreasury&since=41");
    expect(socketPath(["desk"], null)).toBe("/api/events/ws?topics=desk");
  });

  test("when a browser connects then the token rides in the second subprotocol", () => {
    expect(socketProtocols("a.b.c")).toEqual(["cival.v1", "bearer.a.b.c"]);
  });
});

describe("frames the client sends", () => {
  test("when acking then the frame names the highest applied seq", () => {
    expect(JSON.parse(ackFrame(1234))).toEqual({ type: "ack", seq: 1234 });
  });

  test.each([
    [4001, true],
    [4400, true],
    [1001, false],
    [4008, false],
    [1006, false],
  ])("when the server closes with %i then final is %s", (code, final) => {
    expect(isFinalClose(code)).toBe(final);
  });
});
