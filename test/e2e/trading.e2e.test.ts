import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { baseUrl, signIn, tokens, useBrowser } from "./browser.ts";
import { dec, str } from "../../core/money.ts";

const SCREENSHOT = fileURLToPath(new URL("../../docs/trading.png", import.meta.url));
const UPDATE_TIMEOUT_MS = 15_000;
const AGENT = "agent:marcus-momentum";


const browser = useBrowser();

/** A fresh browser profile signed in with `token`, on the Trading page with marcus on paper-binance BTC-USD. */
async function onTrading(token: string): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await signIn(browser(), token);
  await page.getByTestId("nav-trading").click();
  await page.getByTestId("trading-page").waitFor();
  await page.getByTestId("trading-agent").locator(`option[value="${AGENT}"]`).waitFor({ state: "attached" });
  await page.getByTestId("trading-agent").selectOption(AGENT);
  await page.getByTestId("trading-venue").selectOption("paper-binance");
  await page.getByTestId("trading-symbol").selectOption("BTC-USD");
  await page.getByTestId("book-bid-0").waitFor();
  await page.getByTestId("position-USD").waitFor();
  return { context, page };
}

/** Places what the ticket holds and returns the new order's client order id. */
async function submitTicket(page: Page, previousId: string | null): Promise<string> {
  await page.getByTestId("ticket-submit").click();
  const placed = page.getByTestId("ticket-result").locator("[data-order-id]");
  await expect
    .poll(() => placed.getAttribute("data-order-id").catch(() => null), { timeout: UPDATE_TIMEOUT_MS })
    .toSatisfy((id: string | null) => id !== null && id !== previousId);
  const id = await placed.getAttribute("data-order-id");
  if (!id) throw new Error("the ticket shows no order id");
  return id;
}

const statusOf = (page: Page, id: string) => page.getByTestId(`order-status-${id}`).getAttribute("data-status").catch(() => null);
const amountOf = (page: Page, testId: string) => page.getByTestId(testId).getAttribute("data-amount").catch(() => null);

describe("trading page", () => {
  test("when an admin buys 0.01 BTC at market then the order is filled, the fill is listed and the position is exactly 0.01; a far limit buy rests and cancels", async () => {
    const { context, page } = await onTrading(tokens.admin);
    await expect(page.getByTestId("position-BTC").count()).resolves.toBe(0);

    await page.getByTestId("ticket-side-buy").click();
    await page.getByTestId("ticket-type-market").click();
    await page.getByTestId("ticket-quantity").fill("0.01");
    const marketId = await submitTicket(page, null);

    await expect.poll(() => statusOf(page, marketId), { timeout: UPDATE_TIMEOUT_MS }).toBe("filled");
    await expect(page.getByTestId(`order-filled-${marketId}`).textContent()).resolves.toBe("0.01");
    const fill = page.locator(`[data-testid^="fill-row-"][data-order-id="${marketId}"]`);
    await expect.poll(() => fill.count(), { timeout: UPDATE_TIMEOUT_MS }).toBeGreaterThan(0);
    await expect(fill.first().locator('[data-testid^="fill-qty-"]').textContent()).resolves.toBe("0.01");
    await expect.poll(() => amountOf(page, "position-balance-BTC"), { timeout: UPDATE_TIMEOUT_MS }).toBe("0.01");
    await expect(page.getByTestId("position-balance-BTC").textContent()).resolves.toBe("0.01");
    await expect(amountOf(page, "position-available-BTC")).resolves.toBe("0.01");

    // Half the last price: far below the market, so it rests.
    const last = await amountOf(page, "ticker-last");
    if (!last) throw new Error("the ticker shows no last price");
    const farBelow = str(dec(last).div(2).toDecimalPlaces(0));
    await page.getByTestId("ticket-type-limit").click();
    await page.getByTestId("ticket-price").fill(farBelow);
    await page.getByTestId("ticket-tif").selectOption("gtc");
    const limitId = await submitTicket(page, marketId);

    await expect.poll(() => statusOf(page, limitId), { timeout: UPDATE_TIMEOUT_MS }).toBe("open");
    await expect.poll(() => amountOf(page, "position-reserved-USD"), { timeout: UPDATE_TIMEOUT_MS }).not.toBe("0");
    await page.getByTestId("orders-scope-open").click();
    await expect(page.getByTestId(`order-row-${limitId}`).isVisible()).resolves.toBe(true);
    await expect(page.getByTestId(`order-row-${marketId}`).count()).resolves.toBe(0);

    // The chart reaches back through the venue's history: at 1h, 1,000 bars (the live one among them), with volume and the fill marked.
    await page.getByTestId("interval-1h").click();
    const chart = page.getByTestId("candle-chart");
    const chartCount = (name: string) => chart.getAttribute(`data-${name}`).then(Number).catch(() => 0);
    await expect.poll(() => chartCount("bars"), { timeout: UPDATE_TIMEOUT_MS }).toBeGreaterThanOrEqual(1_000);
    await expect.poll(() => chartCount("markers"), { timeout: UPDATE_TIMEOUT_MS }).toBeGreaterThan(0);

    await mkdir(fileURLToPath(new URL("../../docs/", import.meta.url)), { recursive: true });
    await page.getByTestId("orders-scope-all").click();
    await page.evaluate(() => window.scrollTo(0, 0));
    // Clocks are hidden so the committed picture only changes when the page does.
    await page.screenshot({
      path: SCREENSHOT,
      fullPage: true,
      style: '[data-testid="trading-updated"], [data-testid="arbitrage-scanned"] { visibility: hidden; }',
    });

    await page.getByTestId(`order-cancel-${limitId}`).click();
    await expect.poll(() => statusOf(page, limitId), { timeout: UPDATE_TIMEOUT_MS }).toBe("cancelled");
    await expect(page.getByTestId(`order-cancel-${limitId}`).count()).resolves.toBe(0);
    await expect.poll(() => amountOf(page, "position-reserved-USD"), { timeout: UPDATE_TIMEOUT_MS }).toBe("0");
    await expect(page.getByTestId("orders-error").count()).resolves.toBe(0);
    await expect(amountOf(page, "position-balance-BTC")).resolves.toBe("0.01");
    await context.close();
  });

  test("when the quantity is not a positive decimal then the ticket says why and places nothing", async () => {
    const { context, page } = await onTrading(tokens.trader);
    await page.getByTestId("ticket-type-market").click();
    await page.getByTestId("ticket-quantity").fill("-1");
    await page.getByTestId("ticket-submit").click();
    await expect(page.getByTestId("ticket-quantity-error").textContent()).resolves.toMatch(/positive decimal/);
    await expect(page.getByTestId("ticket-result").count()).resolves.toBe(0);
    await expect(page.getByTestId("ticket-error").count()).resolves.toBe(0);
    await context.close();
  });

  // Needs POST /api/orders/check (the agent branch): the ticket asks the desk's dry run as the form changes.
  test("when an order is larger than the risk limits allow then the ticket says before submitting that it will be resized and why; placed, it is resized", async () => {
    const { context, page } = await onTrading(tokens.trader);
    await page.getByTestId("ticket-type-market").click();
    await page.getByTestId("ticket-quantity").fill("1000");
    const check = page.getByTestId("ticket-check");
    await expect.poll(() => check.getAttribute("data-decision").catch(() => null), { timeout: UPDATE_TIMEOUT_MS }).toBe("resize");
    await expect(page.getByTestId("ticket-check-risk").textContent()).resolves.toMatch(/will be resized to \d+(\.\d+)?: .*max order notional/);
    await expect(check.getAttribute("data-passes")).resolves.toBe("true");
    await expect(page.getByTestId("ticket-submit").isEnabled()).resolves.toBe(true);
    await page.getByTestId("ticket-submit").click();
    const note = page.getByTestId("ticket-risk-note");
    await note.waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await expect(note.textContent()).resolves.toMatch(/max order notional 25,000 USD; resized to/);
    await expect(page.getByTestId("ticket-error").count()).resolves.toBe(0);
    await context.close();
  });

  // Needs POST /api/orders/check (the agent branch).
  test("when nothing of an order would pass then the ticket says why and submit is disabled before anything is sent", async () => {
    const { context, page } = await onTrading(tokens.trader);
    const placed = { count: 0 };
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/api/orders") placed.count += 1;
    });
    await page.getByTestId("ticket-type-limit").click();
    // At this price not even one lot fits under the max order notional: nothing can be placed.
    await page.getByTestId("ticket-price").fill("10000000000");
    await page.getByTestId("ticket-quantity").fill("0.001");
    const blocked = page.getByTestId("ticket-blocked");
    await blocked.waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await expect(blocked.textContent()).resolves.toMatch(/^nothing would pass: risk rejects it/);
    await expect(page.getByTestId("ticket-check").getAttribute("data-decision")).resolves.toBe("reject");
    await expect(page.getByTestId("ticket-check-risk").textContent()).resolves.toMatch(/will be rejected: /);
    await expect(page.getByTestId("ticket-submit").isDisabled()).resolves.toBe(true);
    // A sensible quantity at a sensible price opens it again.
    await page.getByTestId("ticket-type-market").click();
    await page.getByTestId("ticket-quantity").fill("0.001");
    await blocked.waitFor({ state: "detached", timeout: UPDATE_TIMEOUT_MS });
    await expect.poll(() => page.getByTestId("ticket-check").getAttribute("data-decision").catch(() => null), { timeout: UPDATE_TIMEOUT_MS }).toBe("approve");
    await expect(page.getByTestId("ticket-submit").isEnabled()).resolves.toBe(true);
    expect(placed.count).toBe(0);
    await expect(page.getByTestId("ticket-result").count()).resolves.toBe(0);
    await context.close();
  });

  test("when a viewer opens Trading then market data and the agent's account show, and no ticket or cancel does", async () => {
    const { context, page } = await onTrading(tokens.viewer);
    await expect(page.getByTestId("read-only").isVisible()).resolves.toBe(true);
    await expect(page.getByTestId("order-ticket").count()).resolves.toBe(0);
    await page.getByTestId("orders-panel").waitFor();
    await expect(page.locator('[data-testid^="order-cancel-"]').count()).resolves.toBe(0);
    await expect(page.getByTestId("best-bid").isVisible()).resolves.toBe(true);
    await expect(page.getByTestId("candle-chart").locator("canvas").count()).resolves.toBeGreaterThan(0);
    await context.close();
  });
});
