import { defineConfig } from "vitest/config";

/**
 * Node-side tests: the dashboard's pure modules, the house rules, the risk reference checks on real candles, and
 * the browser tests, which drive Chromium against a real `wrangler dev` started by the e2e
 * project's global setup.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "web",
          include: ["web/src/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          // The risk mathematics checked against independent computations on real candles
          // (../shared/data), which only Node can read.
          name: "reference",
          include: ["test/reference/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
        },
      },
      {
        test: {
          // The house rules (import direction, file and function lengths: test/tidy/house.ts) and the scripts.
          name: "tidy",
          include: ["test/tidy/**/*.test.ts", "test/scripts/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.e2e.test.ts"],
          environment: "node",
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One desk, one browser: files run one after another against the same server.
          fileParallelism: false,
        },
      },
    ],
  },
});
