import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { baseUrl, signIn, tokens, useBrowser } from "./browser.ts";
import { dec } from "../../core/money.ts";

const SCREENSHOT = fileURLToPath(new URL("../../docs/risk.png", import.meta.url));
const UPDATE_TIMEOUT_MS = 15_000;
/** The monitor recomputes on its own schedule: a new position may take a few of its rounds to show. */
const REPORT_TIMEOUT_MS = 30_000;
/** An agent no other browser test trades with, so its positions are this file's own. */
const AGENT = "agent:paula-pairs";
const VENUE = "paper-binance";
const REASON = "e2e: kill switch drill";

const browser = useBrowser();

async function api(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${tokens.admin}`,
      ...(method === "POST" ? { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** A market buy through the API, as an agent would place it: gives the desk something to be at risk on. */
async function buy(symbol: string, quantity: string): Promise<void> {
  const { status, json } = await api("POST", "/api/orders", { agent: AGENT, venue: VENUE, symbol, side: "buy", type: "market", quantity });
  if (status >= 300) throw new Error(`buying ${quantity} ${symbol} failed: ${status} ${JSON.stringify(json)}`);
}

/** A fresh browser profile signed in with `token`, on the Risk page (reached through the nav) with its report shown. */
async function onRisk(token: string): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await signIn(browser(), token);
  await page.getByTestId("nav-risk").click();
  await page.getByTestId("risk-page").waitFor();
  await page.getByTestId("var-table").waitFor({ timeout: UPDATE_TIMEOUT_MS });
  return { context, page };
}

const deskBanner = (page: Page) => page.locator('[data-testid="halt-banner"][data-scope="desk"]');

describe("risk page", () => {
  beforeAll(async () => {
    await buy("BTC-USD", "0.01");
    await buy("ETH-USD", "0.1");
  });

  // Whatever happens above, the desk must not stay halted for the other browser tests.
  afterAll(async () => {
    await api("POST", "/api/risk/resume", { scope: "desk", reason: "e2e: cleanup" }).catch(() => undefined);
  });

  test("when an admin opens Risk then VaR, correlations and the positions show; a stress run shows its loss; halting the desk shows the banner on every page and closes the ticket, and resuming clears both", async () => {
    const { context, page } = await onRisk(tokens.admin);

    // Every method × horizon × confidence has a VaR and an ES.
    for (const method of ["historical", "parametric", "monte_carlo"]) {
      for (const cell of ["1h-95", "1h-99", "1d-95", "1d-99"]) {
        await expect(page.getByTestId(`var-${method}-${cell}-var`).getAttribute("data-amount")).resolves.toMatch(/^\d+(\.\d+)?$/);
        await expect(page.getByTestId(`var-${method}-${cell}-es`).getAttribute("data-amount")).resolves.toMatch(/^\d+(\.\d+)?$/);
      }
    }

    // The monitor sees the agent's positions, and correlates what the desk holds.
    await page.getByTestId(`risk-position-${AGENT}|${VENUE}|BTC-USD`).waitFor({ timeout: REPORT_TIMEOUT_MS });
    const heatmap = page.getByTestId("correlation-heatmap");
    await heatmap.waitFor({ timeout: REPORT_TIMEOUT_MS });
    await expect.poll(() => heatmap.locator("td.heatmap-cell").count(), { timeout: REPORT_TIMEOUT_MS }).toBeGreaterThanOrEqual(4);
    await expect(page.getByTestId("corr-BTC-ETH").getAttribute("aria-label")).resolves.toMatch(/^BTC and ETH: correlation −?\d\.\d\d$/);
    await expect(page.getByTestId("gauge-desk-max_gross_exposure").getAttribute("data-tone")).resolves.toMatch(/^(ok|warn|breach)$/);

    // Run a stress scenario: the row shows the loss the API answered with.
    const answered = page.waitForResponse((r) => r.url().endsWith("/api/risk/stress") && r.request().method() === "POST");
    await page.getByTestId("stress-run-btc_crash").click();
    const reply = (await (await answered).json()) as { result?: { scenario: string; loss: string; drivers: unknown[] } };
    const result = reply.result;
    if (!result) throw new Error(`POST /api/risk/stress answered ${JSON.stringify(reply)}`);
    expect(result.scenario).toBe("btc_crash");
    expect(dec(result.loss).gt(0)).toBe(true);
    const loss = page.getByTestId("stress-loss-btc_crash");
    const row = page.getByTestId("stress-row-btc_crash");
    // The run stands until the monitor computes the scenario again; then the monitor's figure shows.
    await expect
      .poll(async () => {
        const source = await row.getAttribute("data-source");
        const shown = await loss.getAttribute("data-amount").catch(() => null);
        return source === "report" ? (shown !== null && /^\d+(\.\d+)?$/.test(shown)) : shown === result.loss;
      }, { timeout: UPDATE_TIMEOUT_MS })
      .toBe(true);
    await expect(page.getByTestId("stress-error-btc_crash").count()).resolves.toBe(0);
    await page.getByTestId("stress-toggle-btc_crash").click();
    await page.getByTestId("stress-drivers-btc_crash").waitFor();

    // Halt the desk: a reason is required, then a confirmation.
    await expect(deskBanner(page).count()).resolves.toBe(0);
    await page.getByTestId("halt-submit").click();
    await expect(page.getByTestId("halt-reason-error").textContent()).resolves.toMatch(/required/);
    await expect(page.getByTestId("halt-confirm").count()).resolves.toBe(0);
    await page.getByTestId("halt-reason").fill(REASON);
    await page.getByTestId("halt-submit").click();
    await page.getByTestId("halt-confirm").click();
    await deskBanner(page).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await expect(deskBanner(page).getByTestId("halt-reason-text").textContent()).resolves.toContain(REASON);
    await expect(deskBanner(page).textContent()).resolves.toContain("e2e-admin");
    await expect(page.getByTestId("kill-error").count()).resolves.toBe(0);
    // The API agrees: the report holds the halt (by the monitor's next cycle at the latest).
    const deskHalted = async () => {
      const { json } = await api("GET", "/api/risk");
      const halts = (json as { risk?: { halts?: { scope: { kind: string }; reason: string }[] } } | null)?.risk?.halts ?? [];
      return halts.some((h) => h.scope.kind === "desk" && h.reason === REASON);
    };
    await expect.poll(deskHalted, { timeout: REPORT_TIMEOUT_MS, interval: 1_000 }).toBe(true);

    await mkdir(fileURLToPath(new URL("../../docs/", import.meta.url)), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    // Clocks are hidden so the committed picture only changes when the page does.
    await page.screenshot({
      path: SCREENSHOT,
      fullPage: true,
      style: '[data-testid="risk-updated"], [data-clock], [data-testid="kill-result"] { visibility: hidden; }',
    });

    // Every page says so, and the ticket is closed with the reason.
    await page.getByTestId("nav-wallets").click();
    await page.getByTestId("wallet-row-treasury").waitFor();
    await deskBanner(page).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await expect(deskBanner(page).getByTestId("halt-reason-text").textContent()).resolves.toContain(REASON);
    await expect(deskBanner(page).textContent()).resolves.toMatch(/Kill switch · by e2e-admin/);
    await page.getByTestId("nav-trading").click();
    await page.getByTestId("trading-page").waitFor();
    await deskBanner(page).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    const halted = page.getByTestId("ticket-halted");
    await halted.waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await expect(halted.textContent()).resolves.toMatch(/^desk halted by e2e-admin \(Kill switch\): “e2e: kill switch drill”; all order entry is stopped/);
    await expect(page.getByTestId("ticket-submit").isDisabled()).resolves.toBe(true);
    await page.getByTestId("nav-risk").click();
    await page.getByTestId("risk-page").waitFor();

    // Resume: the banner goes, and stays gone.
    await page.getByTestId("halt-reason").fill("e2e: drill over");
    await page.getByTestId("resume-submit").click();
    await deskBanner(page).waitFor({ state: "detached", timeout: UPDATE_TIMEOUT_MS });
    await expect(page.getByTestId("kill-error").count()).resolves.toBe(0);
    await page.waitForTimeout(1_000);
    await expect(deskBanner(page).count()).resolves.toBe(0);
    // And on the other pages: no banner, the ticket open again.
    await page.getByTestId("nav-trading").click();
    await page.getByTestId("trading-page").waitFor();
    await page.getByTestId("ticket-submit").waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await expect(page.getByTestId("ticket-halted").count()).resolves.toBe(0);
    await expect(page.getByTestId("ticket-submit").isEnabled()).resolves.toBe(true);
    await expect(deskBanner(page).count()).resolves.toBe(0);
    await page.getByTestId("nav-wallets").click();
    await page.getByTestId("wallet-row-treasury").waitFor();
    await expect(deskBanner(page).count()).resolves.toBe(0);
    await context.close();
  });

  test("when a viewer opens Risk then everything reads and nothing acts", async () => {
    const { context, page } = await onRisk(tokens.viewer);
    await expect(page.getByTestId("read-only").isVisible()).resolves.toBe(true);
    await page.getByTestId("stress-table").waitFor();
    await page.getByTestId("limits-panel").waitFor();
    await page.getByTestId("alerts-panel").waitFor();
    await expect(page.getByTestId("kill-switch").count()).resolves.toBe(0);
    await expect(page.locator('[data-testid^="stress-run-"]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid^="halt-resume-"]').count()).resolves.toBe(0);
    await context.close();
  });

  test("when a trader opens Risk then stress tests run and the kill switch is not there", async () => {
    const { context, page } = await onRisk(tokens.trader);
    await expect(page.getByTestId("stress-run-crypto_crash").isVisible()).resolves.toBe(true);
    await expect(page.getByTestId("kill-switch").count()).resolves.toBe(0);
    await context.close();
  });
});
