import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_FARMS } from "../../core/demo.ts";
import { baseUrl, signIn, tokens, useBrowser } from "./browser.ts";

const DOCS = fileURLToPath(new URL("../../docs/", import.meta.url));
const UPDATE_TIMEOUT_MS = 15_000;
/** A cycle every 15 s: two cycles and some slack for the first decision to arrive live. */
/** Decisions come on each new one-minute bar (cycles between bars are heartbeats). */
const DECISION_TIMEOUT_MS = 90_000;
/** Signals come on 1m bar closes: with eager parameters one of two agents asks within a few bars. */
const APPROVAL_TIMEOUT_MS = 200_000;
/**
 * Parameters that make an agent want to trade on most bars (no other browser test trades with
 * their cycles): a 2-bar band at half a deviation with RSI under 50, and a pairs entry at ±0.5 z.
 */
const EAGER: Readonly<Record<string, Record<string, unknown>>> = {
  "sophia-reversion": { period: 2, k: 0.5, rsiPeriod: 2, oversold: 50, overbought: 99 },
  "paula-pairs": { lookback: 10, entryZ: 0.5, exitZ: 0.1, minCorrelation: 0 },
};
const AGENT = "marcus-momentum";
const DEMO_AGENTS = DEMO_FARMS.flatMap((f) => f.agents.map((a) => a.slug));
/** Clocks and countdowns are hidden so the committed pictures change only when the page does. */
const HIDE = "[data-clock], .approval-clock, .tv-lightweight-charts table td:last-child { visibility: hidden; }";

const browser = useBrowser();

async function api(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${tokens.admin}`,
      ...(method !== "GET" ? { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** A fresh browser profile signed in with `token`, on the Agents page (through the nav) with its list shown. */
async function onAgents(token: string): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await signIn(browser(), token);
  await page.getByTestId("nav-agents").click();
  await page.getByTestId("agents-page").waitFor();
  await page.getByTestId("agents-table").waitFor({ timeout: UPDATE_TIMEOUT_MS });
  return { context, page };
}

/** The id of the newest decision the detail panel shows, or null. */
const newestDecision = (page: Page) => page.getByTestId("decision").first().getAttribute("data-id").catch(() => null);

/** Rejects every pending approval, so nothing waits on the operator after this file. */
async function rejectPending(): Promise<void> {
  const { json } = await api("GET", "/api/approvals?state=pending");
  const approvals = (json as { approvals?: { id: string }[] } | null)?.approvals ?? [];
  for (const a of approvals) await api("POST", `/api/approvals/${encodeURIComponent(a.id)}`, { decision: "reject" });
}

/** The agent's parameters now (to put back after), then `params` laid over them. */
async function configure(slug: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { json } = await api("GET", `/api/agents/${slug}`);
  const before = (json as { agent?: { config?: { params?: Record<string, unknown> } } } | null)?.agent?.config?.params;
  if (!before) throw new Error(`${slug} has no configuration: ${JSON.stringify(json)}`);
  const set = await api("PUT", `/api/agents/${slug}/config`, { params });
  if (set.status >= 300) throw new Error(`configuring ${slug} failed: ${set.status} ${JSON.stringify(set.json)}`);
  return before;
}

describe("agents page", () => {
  let policy: unknown = null;
  const saved = new Map<string, Record<string, unknown>>();

  // The e2e desk starts with its agents paused (the other browser tests place orders by hand): they trade while this file runs.
  beforeAll(async () => {
    for (const slug of DEMO_AGENTS) {
      const res = await api("POST", `/api/agents/${slug}/resume`);
      if (res.status >= 300) throw new Error(`resuming ${slug} failed: ${res.status} ${JSON.stringify(res.json)}`);
    }
  });

  // The desk goes back as it was for the other browser tests: the policy, the parameters, nothing waiting, the agents paused.
  afterAll(async () => {
    for (const slug of DEMO_AGENTS) await api("POST", `/api/agents/${slug}/pause`).catch(() => undefined);
    if (policy !== null) await api("PUT", "/api/approvals/policy", policy).catch(() => undefined);
    for (const [slug, params] of saved) await api("PUT", `/api/agents/${slug}/config`, { params }).catch(() => undefined);
    await rejectPending().catch(() => undefined);
  });

  test("when a trader opens Agents then every demo agent has a row, and the chosen agent's decisions arrive live with their reasons beside its equity, trades, parameters and farm", async () => {
    const { context, page } = await onAgents(tokens.trader);
    for (const slug of DEMO_AGENTS) {
      const row = page.getByTestId(`agent-row-${slug}`);
      await row.waitFor();
      await expect(row.getAttribute("data-status")).resolves.toMatch(/^(running|paused|halted|awaiting_approval|warming_up)$/);
      await expect(page.getByTestId(`agent-equity-${slug}`).getAttribute("data-amount")).resolves.toMatch(/^-?\d+(\.\d+)?$/);
      await expect(page.getByTestId(`agent-realized-${slug}`).textContent()).resolves.toMatch(/^([+−]\d|0\.00)/);
    }

    await page.getByTestId(`agent-row-${AGENT}`).click();
    const detail = page.locator(`[data-testid="agent-detail"][data-agent="${AGENT}"]`);
    await detail.waitFor({ timeout: UPDATE_TIMEOUT_MS });
    // A decision made after the page opened arrives on the socket: the newest id changes.
    const before = await newestDecision(page);
    await expect.poll(() => newestDecision(page), { timeout: DECISION_TIMEOUT_MS }).toSatisfy((id: string | null) => id !== null && id !== before);
    await expect(page.getByTestId("decision-reason").first().textContent()).resolves.toMatch(/\S/);
    await expect.poll(() => page.getByTestId(`agent-last-${AGENT}`).textContent(), { timeout: UPDATE_TIMEOUT_MS }).not.toMatch(/no cycle yet/);

    await page.getByTestId("agent-equity-chart").locator("canvas").first().waitFor();
    await page.getByTestId("agent-trades").waitFor();
    await expect(page.getByTestId("cfg-strategy").inputValue()).resolves.toBe("momentum");
    await expect(page.getByTestId("farm-mode").getAttribute("data-mode")).resolves.toMatch(/^(independent|collaborative|hierarchical|consensus|emergency)$/);
    await expect(page.getByTestId("agent-pause").or(page.getByTestId("agent-resume")).count()).resolves.toBe(1);

    // A bad parameter is refused beside its field, and nothing is sent.
    await page.getByTestId("cfg-cycle").fill("0");
    await page.getByTestId("cfg-save").click();
    await expect(page.locator(".field-error").first().textContent()).resolves.toMatch(/the cycle must be at least 1/);
    await page.getByTestId("cfg-reset").click();

    await mkdir(DOCS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${DOCS}agents.png`, fullPage: true, style: HIDE });
    await context.close();
  });

  test("when orders above 1 USD need approval then a card shows on the page with the order and its reasons, and rejecting it takes it away", async () => {
    const current = await api("GET", "/api/approvals/policy");
    policy = current.status === 200 ? ((current.json as { policy?: unknown } | null)?.policy ?? current.json) : null;
    const set = await api("PUT", "/api/approvals/policy", { notionalAbove: "1" });
    expect(set.status, JSON.stringify(set.json)).toBeLessThan(300);
    for (const [slug, params] of Object.entries(EAGER)) saved.set(slug, await configure(slug, params));

    const { context, page } = await onAgents(tokens.trader);
    const card = page.locator('[data-testid^="approval-"][data-approval]').first();
    await card.waitFor({ timeout: APPROVAL_TIMEOUT_MS });
    await expect(card.getByTestId("approval-notional").getAttribute("data-amount")).resolves.toMatch(/^\d+(\.\d+)?$/);
    await expect(card.getByTestId("approval-countdown").textContent()).resolves.toMatch(/expires in \d+:\d\d/);
    await expect(card.textContent()).resolves.toMatch(/over the notional threshold/);
    await page.getByTestId("agent-detail").waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${DOCS}agents-approval.png`, style: HIDE });

    const id = await card.getAttribute("data-approval");
    if (!id) throw new Error("the card names no approval");
    await card.getByTestId("approval-reject").click();
    await page.locator(`[data-approval="${id}"]`).waitFor({ state: "detached", timeout: UPDATE_TIMEOUT_MS });
    const { json } = await api("GET", "/api/approvals?state=pending");
    expect(((json as { approvals?: { id: string }[] }).approvals ?? []).some((a) => a.id === id)).toBe(false);
    await context.close();
  }, 300_000);

  test("when a viewer opens Agents then everything reads and nothing acts", async () => {
    const { context, page } = await onAgents(tokens.viewer);
    await expect(page.getByTestId("read-only").isVisible()).resolves.toBe(true);
    await page.getByTestId(`agent-row-${AGENT}`).click();
    await page.locator(`[data-testid="agent-detail"][data-agent="${AGENT}"]`).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await page.getByTestId("agent-config").waitFor();
    for (const id of ["agent-pause", "agent-resume", "cfg-save", "farm-mode-select", "approval-approve", "approval-reject"]) {
      await expect(page.getByTestId(id).count(), id).resolves.toBe(0);
    }
    await expect(page.locator('[data-testid^="close-"]').count()).resolves.toBe(0);
    await expect(page.getByTestId("cfg-strategy").isDisabled()).resolves.toBe(true);
    await context.close();
  });
});
