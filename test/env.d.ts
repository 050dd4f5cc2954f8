declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    CIVAL_PROPERTY_RUNS: string;
    CIVAL_PROPERTY_SEED: string;
  }
}
