import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MAX_FUNCTION_LINES, MAX_OBJECT_FILE_LINES, checkSource, layerOf, resolveImport } from "./house.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const LAYERS = ["core", "adapters", "durable-objects", "worker", "web/src"];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    if (name === "node_modules" || name === "dist") continue;
    const rel = `${dir}/${name}`;
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|tsx|mjs|js)$/.test(name) && !/\.test\.(ts|tsx)$/.test(name)) out.push(rel);
  }
  return out;
}

const lines = (n: number, body = "const x = 1;") => Array.from({ length: n }, () => body).join("\n") + "\n";
const fn = (n: number) => `export function long(): number {\n${lines(n - 3, "  void 0;")}  return 1;\n}\n`;

describe("the house", () => {
  it("when the repository is checked then no import points up, no file is too long and no function passes the limit", () => {
    const violations = LAYERS.flatMap((dir) => sources(dir)).flatMap((file) => checkSource(file, readFileSync(path.join(ROOT, file), "utf8")));
    expect(violations.map((v) => v.message)).toEqual([]);
  });
});

describe("the tidy checker itself", () => {
  it("when core imports a Durable Object then it is an import pointing the wrong way", () => {
    const v = checkSource("core/agent/book.ts", `import { x } from "../../durable-objects/agent-wallet.js";\n`);
    expect(v).toMatchObject([{ rule: "import_direction", line: 1 }]);
  });
  it("when an adapter imports the worker, or an object imports the worker, then both are refused", () => {
    expect(checkSource("adapters/db/history.ts", `import type { AppEnv } from "../../worker/types.js";\n`)).toMatchObject([{ rule: "import_direction" }]);
    expect(checkSource("durable-objects/venue.ts", `import { x } from "../worker/http/errors.js";\n`)).toMatchObject([{ rule: "import_direction" }]);
  });
  it("when web imports anything but core then it is refused, and core is allowed", () => {
    expect(checkSource("web/src/api.ts", `import { x } from "../../worker/app.js";\n`)).toMatchObject([{ rule: "import_direction" }]);
    expect(checkSource("web/src/api.ts", `import { x } from "../../core/schemas.js";\n`)).toEqual([]);
  });
  it("when a layer imports downward or a package then nothing is reported", () => {
    expect(checkSource("worker/http/orders.ts", `import { a } from "../../durable-objects/stubs.js";\nimport { b } from "../../adapters/db/history.js";\nimport { c } from "../../core/money.js";\nimport { Hono } from "hono";\n`)).toEqual([]);
  });
  it("when core imports a cloudflare: module, or a type from an object, then it is refused", () => {
    expect(checkSource("core/x.ts", `import { DurableObject } from "cloudflare:workers";\n`)).toMatchObject([{ rule: "platform_in_core" }]);
    expect(checkSource("core/x.ts", `export type T = import("../durable-objects/venue.js").Venue;\n`)).toMatchObject([{ rule: "import_direction" }]);
  });
  it("when a file passes 400 lines, or an object file 250, then it is too long", () => {
    expect(checkSource("core/big.ts", lines(401))).toMatchObject([{ rule: "file_length" }]);
    expect(checkSource("core/ok.ts", lines(400))).toEqual([]);
    expect(checkSource("durable-objects/big.ts", lines(MAX_OBJECT_FILE_LINES + 1))).toMatchObject([{ rule: "file_length" }]);
  });
  it("when a function passes 80 lines then it is named with its length, and one of 80 passes", () => {
    expect(checkSource("adapters/x.ts", fn(MAX_FUNCTION_LINES + 1))).toMatchObject([{ rule: "function_length", message: expect.stringContaining("long has 81 lines") }]);
    expect(checkSource("adapters/x.ts", fn(MAX_FUNCTION_LINES))).toEqual([]);
    const method = `export class A {\n  run(): void {\n${lines(85, "    void 0;")}  }\n}\n`;
    expect(checkSource("durable-objects/a.ts", method)).toMatchObject([{ rule: "function_length", message: expect.stringContaining("run has 87 lines") }]);
  });
  it("when a long function is in web then only the file limit applies (web joins the function limit later)", () => {
    expect(checkSource("web/src/page.tsx", fn(120))).toEqual([]);
  });
  it("resolves layers and relative imports", () => {
    expect(resolveImport("worker/http/orders.ts", "../../core/money.js")).toBe("core/money.js");
    expect(layerOf("test/orders.test.ts")).toBeNull();
  });
});
