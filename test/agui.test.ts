import { HttpAgent } from "@ag-ui/client";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hubStub } from "../durable-objects/stubs.js";
import { api, seed, token } from "./helpers/api.js";

beforeAll(seed);

async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function agentFor(threadId: string, bearer: string): HttpAgent {
  return new HttpAgent({
    url: "https://cival.test/api/agui",
    threadId,
    headers: { Authorization: `Bearer ${bearer}` },
    fetch: (url, init) => exports.default.fetch(new Request(url, init)),
  });
}

describe("POST /api/agui for standard AG-UI clients", () => {
  it("when a stock HttpAgent runs on an agent's thread then its state follows the agent's wallet", async () => {
    const agent = agentFor("agent:marcus-momentum", await token("viewer"));
    const done = agent.runAgent({ forwardedProps: { maxEvents: 2, maxDurationMs: 10_000 } });
    await until(async () => (await hubStub(env).status()).sse === 1);
    // The snapshot is the run's first frame after RUN_STARTED; the client applies it as it reads.
    await until(async () => (agent.state as { id?: string }).id === "agent:marcus-momentum");
    expect(agent.state).toMatchObject({ id: "agent:marcus-momentum", balances: { USD: "120000" } });
    const res = await api("POST", "/api/wallets/allocations", { body: { to: "agent:marcus-momentum", amount: "10.5" } });
    expect(res.status).toBe(201);
    await done;
    expect(agent.state).toMatchObject({ id: "agent:marcus-momentum", balances: { USD: "120010.5" }, available: { USD: "120010.5" } });
    expect((await hubStub(env).status()).sse).toBe(0);
  });

  it("when the limit is zero events then the run is the snapshot alone", async () => {
    const agent = agentFor("treasury", await token("viewer"));
    await agent.runAgent({ forwardedProps: { maxEvents: 0 } });
    expect(agent.state).toMatchObject({ id: "treasury", kind: "treasury" });
  });

  it.each([
    ["a body that is not a RunAgentInput", { threadId: "treasury" }],
    ["a thread that does not exist in the naming scheme", { threadId: "nobody", runId: "r", state: {}, messages: [], tools: [], context: [], forwardedProps: {} }],
    ["limits out of range", { threadId: "treasury", runId: "r", state: {}, messages: [], tools: [], context: [], forwardedProps: { maxEvents: -1 } }],
  ])("when the client sends %s then it is a 400", async (_what, body) => {
    const res = await api("POST", "/api/agui", { role: "viewer", body });
    expect(res.status).toBe(400);
  });

  it("when the client has no token then it is a 401", async () => {
    const res = await api("POST", "/api/agui", { role: null, body: {} });
    expect(res.status).toBe(401);
  });
});
