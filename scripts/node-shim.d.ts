/**
 * The few Node APIs the command-line tools (scripts/backtest.ts, bench/core-*.ts) use, declared
 * here: @types/node would change the Workers types the rest of the project checks against.
 */
declare module "node:fs" {
  export function readFileSync(path: string, encoding: "utf8"): string;
  export function writeFileSync(path: string, data: string): void;
  export function existsSync(path: string): boolean;
  export function mkdirSync(path: string, options?: { recursive?: boolean }): void;
}
declare module "node:path" {
  export function resolve(...parts: string[]): string;
  export function join(...parts: string[]): string;
  export function basename(path: string): string;
  export function extname(path: string): string;
}
declare module "node:util" {
  interface Option {
    type: "string" | "boolean";
    multiple?: boolean;
  }
  export function parseArgs<T extends Record<string, Option>>(config: { options: T; allowPositionals?: boolean; args?: string[] }): {
    values: { [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : T[K]["multiple"] extends true ? string[] : string };
  };
}
declare const process: {
  readonly argv: string[];
  readonly env: Record<string, string | undefined>;
  readonly version: string;
  readonly stdout: { write(s: string): boolean };
  readonly stderr: { write(s: string): boolean };
  exit(code?: number): never;
};
