import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs module of the start script, without types
import { portFrom } from "../../scripts/port.mjs";

const port = portFrom as (argv: string[], env: Record<string, string | undefined>) => number;

describe("npm start's port", () => {
  it("when nothing is given then it serves on 8787", () => expect(port([], {})).toBe(8787));
  it("when PORT is set then it is used", () => expect(port([], { PORT: "9100" })).toBe(9100));
  it("when `npm start -- --port N` passes the option through then it wins over PORT, in every spelling", () => {
    expect(port(["--port", "9001"], { PORT: "9100" })).toBe(9001);
    expect(port(["--port=9002"], {})).toBe(9002);
    expect(port(["-p", "9003"], {})).toBe(9003);
  });
  it("when `npm start --port=N` keeps the option as npm config then it is used", () => expect(port([], { npm_config_port: "9004", PORT: "9100" })).toBe(9004));
  it("when `npm start --port N` makes --port a flag and N an argument then N is used", () => expect(port(["9005"], { npm_config_port: "true" })).toBe(9005));
  it("when the port is not a whole number in range, or an option is unknown, then it is refused with the reason", () => {
    expect(() => port(["--port", "abc"], {})).toThrow(/whole number/);
    expect(() => port(["--port"], {})).toThrow(/whole number/);
    expect(() => port(["--port", "70000"], {})).toThrow(/1 to 65535/);
    expect(() => port(["--host", "x"], {})).toThrow(/unknown option --host/);
    expect(() => port(["9005"], {})).toThrow(/unknown option 9005/);
  });
});
