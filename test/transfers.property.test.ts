import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { FaultPoint } from "../core/messages.js";
import type { Envelope } from "../core/events.js";
import { hubStub, walletStub } from "../durable-objects/stubs.js";
import { assertValidStreams } from "./helpers/streams.js";
import { api, seed } from "./helpers/api.js";
import { assertInvariants, assertJournalsAgree, clearFault, directory, injectFault, settle } from "./helpers/desk.js";

const TOTAL = "1000000";
const RUNS = Number(env.CIVAL_PROPERTY_RUNS);
const MAX_AGENTS = 24;

const FAULT_POINTS: readonly FaultPoint[] = ["send:after_debit", "deliver:before_call", "deliver:after_call", "receive:before_credit", "receive:after_credit"];

/** Amounts from dust (1e-18) to more than the desk holds, as decimal strings with up to 18 decimals. */
const amountArb = fc.oneof(
  fc.bigInt({ min: 1n, max: 10n ** 24n }).map((n) => {
    const s = n.toString().padStart(19, "0");
    const int = s.slice(0, -18).replace(/^0+(?=\d)/, "");
    const frac = s.slice(-18).replace(/0+$/, "");
    return frac ? `${int}.${frac}` : int;
  }),
  fc.integer({ min: 1, max: 50_000 }).map(String),
);

type Op =
  | { t: "allocate-treasury"; target: number; toAgent: boolean; amount: string }
  | { t: "allocate-farm"; agent: number; amount: string }
  | { t: "collect"; source: number; fromFarm: boolean; toTreasury: boolean; amount: string | null }
  | { t: "rebalance"; farm: number; mode: "equal" | "performance" }
  | { t: "archive-agent"; agent: number }
  | { t: "create-agent"; farm: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("allocate-treasury" as const), target: fc.nat(), toAgent: fc.boolean(), amount: amountArb }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("allocate-farm" as const), agent: fc.nat(), amount: amountArb }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("collect" as const), source: fc.nat(), fromFarm: fc.boolean(), toTreasury: fc.boolean(), amount: fc.option(amountArb, { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("rebalance" as const), farm: fc.nat(), mode: fc.constantFrom("equal" as const, "performance" as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("archive-agent" as const), agent: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("create-agent" as const), farm: fc.nat() }) },
);

const stepArb = fc.record({
  op: opArb,
  fault: fc.option(fc.record({ wallet: fc.nat(), point: fc.constantFrom(...FAULT_POINTS) }), { freq: 2, nil: null }),
  /** After the step: run every alarm, or leave pending transfers for the next steps. */
  settle: fc.boolean(),
});

let created = 0;

/** Turns an op into an API call against the desk as it is now (indexes pick among current wallets). */
async function request(op: Op): Promise<{ method: string; path: string; body?: unknown; role: "admin" | "trader" } | null> {
  const wallets = await directory();
  const farms = wallets.filter((w) => w.kind === "farm" && w.status === "active");
  const agents = wallets.filter((w) => w.kind === "agent" && w.role === "trader" && w.status === "active");
  const pick = <T>(list: readonly T[], i: number): T | undefined => list[i % Math.max(1, list.length)];
  switch (op.t) {
    case "allocate-treasury": {
      const to = op.toAgent ? pick(agents, op.target)?.id : pick(farms, op.target)?.id;
      return to ? { method: "POST", path: "/api/wallets/allocations", body: { to, amount: op.amount }, role: "admin" } : null;
    }
    case "allocate-farm": {
      const agent = pick(agents, op.agent);
      return agent ? { method: "POST", path: "/api/wallets/allocations", body: { from: agent.parent, to: agent.id, amount: op.amount }, role: "trader" } : null;
    }
    case "collect": {
      const from = op.fromFarm ? pick(farms, op.source)?.id : pick(agents, op.source)?.id;
      if (!from) return null;
      const body: Record<string, string> = { from };
      if (op.toTreasury) body.to = "treasury";
      if (op.amount) body.amount = op.amount;
      return { method: "POST", path: "/api/wallets/collections", body, role: "admin" };
    }
    case "rebalance": {
      const farm = pick(farms, op.farm);
      return farm ? { method: "POST", path: "/api/wallets/rebalances", body: { farm: farm.id, mode: op.mode }, role: "trader" } : null;
    }
    case "archive-agent": {
      const agent = pick(agents, op.agent);
      if (!agent || agents.filter((a) => a.parent === agent.parent).length < 2) return null;
      return { method: "POST", path: `/api/agents/${agent.id.slice("agent:".length)}/archive`, role: "trader" };
    }
    case "create-agent": {
      const farm = pick(farms, op.farm);
      if (!farm || wallets.filter((w) => w.kind === "agent").length >= MAX_AGENTS) return null;
      created++;
      return { method: "POST", path: "/api/agents", body: { id: `prop-${created}`, name: `Prop Agent ${created}`, farm: farm.id.slice("farm:".length) }, role: "trader" };
    }
  }
}

describe("wallet hierarchy under random operations and injected failures", () => {
  beforeAll(async () => {
    await seed();
    // A second agent in two farms, so that rebalances and archives have something to do.
    await api("POST", "/api/agents", { body: { id: "mia-momentum", name: "Mia Momentum", farm: "momentum" } });
    await api("POST", "/api/agents", { body: { id: "pete-pairs", name: "Pete Pairs", farm: "pairs" } });
  });

  it(`conserves money and never goes negative over ${RUNS} random sequences`, { timeout: 900_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 6 }), async (steps) => {
        for (const step of steps) {
          const call = await request(step.op);
          let faulted: string | null = null;
          if (step.fault) {
            const wallets = await directory();
            const target = wallets[step.fault.wallet % wallets.length];
            if (target) {
              faulted = target.id;
              await injectFault(target.id, step.fault.point);
            }
          }
          if (call) {
            const res = await api(call.method, call.path, { role: call.role, body: call.body });
            // Refusals are fine (4xx); a 500 only where a fault was injected into the sender.
            if (res.status >= 500 && !faulted) throw new Error(`${call.method} ${call.path} → ${res.status} ${JSON.stringify(res.body)}`);
          }
          if (faulted) await clearFault(faulted);
          if (step.settle) await settle();
          await assertInvariants(TOTAL);
        }
        await settle();
        const snap = await assertInvariants(TOTAL);
        if (snap.inTransit !== "0" || snap.pending !== 0) throw new Error(`unsettled: ${JSON.stringify(snap)}`);
      }),
      { numRuns: RUNS, seed: Number(env.CIVAL_PROPERTY_SEED), endOnFailure: true },
    );
    await assertJournalsAgree();
    // Every event all of it produced is valid AG-UI, run by run and delta by delta, on every thread.
    const hub = hubStub(env);
    await hub.flush();
    const rows = await env.DB.prepare("SELECT seq, thread, event, at_ms FROM events ORDER BY seq").all<{ seq: number; thread: string; event: string; at_ms: number }>();
    const frames: Envelope[] = rows.results.map((r) => ({ seq: r.seq, thread: r.thread, event: JSON.parse(r.event), at: r.at_ms }));
    expect(frames.length).toBe((await hub.status()).seq);
    await assertValidStreams(frames);
    // Every wallet's available cash is what its balance says (no reservations yet) and not negative.
    for (const w of await directory()) {
      const s = await walletStub(env, w.id).state();
      if (s.available.USD !== s.balances.USD) throw new Error(`${w.id}: available ${s.available.USD} != balance ${s.balances.USD}`);
    }
  });
});
