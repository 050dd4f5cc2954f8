import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        remoteBindings: false,
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            JWT_SECRET: "test-secret-of-at-least-32-characters!!",
            VENUE_KEYS_SECRET: "test-venue-keys-secret-0123456789abcdef",
            // The demo agents would trade during tests of other things: seeded paused, resumed by the tests of the cycle.
            CIVAL_AGENTS_START: "paused",
            CIVAL_PROPERTY_RUNS: process.env.CIVAL_PROPERTY_RUNS ?? "1000",
            CIVAL_PROPERTY_SEED: process.env.CIVAL_PROPERTY_SEED ?? "20261124",
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**", "test/reference/**", "test/tidy/**", "test/scripts/**"],
      setupFiles: ["./test/setup.ts"],
    },
  };
});
