import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { signIn, tokens, useBrowser } from "./browser.ts";

const SCREENSHOT = fileURLToPath(new URL("../../docs/backtests.png", import.meta.url));
const RUN_TIMEOUT_MS = 60_000;

const browser = useBrowser();

describe("backtests page", () => {
  test("when a trader runs a synthetic backtest then metrics and charts show, and it reopens from the list", async () => {
    const { context, page } = await signIn(browser(), tokens.trader);
    await page.getByTestId("nav-backtests").click();
    await page.getByTestId("backtests-page").waitFor();

    // The form is generated from the strategy's JSON Schema: mean reversion's period, with its default.
    await page.getByTestId("bt-strategy").selectOption("mean-reversion");
    await expect(page.getByTestId("bt-param-period").inputValue()).resolves.toBe("20");
    await page.getByTestId("bt-param-period").fill("24");
    await page.getByTestId("bt-symbol").selectOption("ETH-USD");
    await page.getByTestId("bt-bars").fill("1500");
    await page.getByTestId("bt-wf").check();
    await page.getByTestId("bt-grid").fill("period=16,24,32; k=1.5,2");
    await page.getByTestId("bt-is").fill("400");
    await page.getByTestId("bt-oos").fill("200");

    const ran = page.waitForResponse((r) => r.url().endsWith("/api/backtests") && r.request().method() === "POST", { timeout: RUN_TIMEOUT_MS });
    await page.getByTestId("bt-run").click();
    const res = await ran;
    expect(res.status()).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const result = page.getByTestId("bt-result");
    await result.waitFor({ timeout: RUN_TIMEOUT_MS });
    await expect(result.getAttribute("data-id")).resolves.toBe(id);
    await expect(page.getByTestId("bt-metric-totalReturn-strategy").textContent()).resolves.toMatch(/^-?\d+\.\d\d%$/);
    await expect(page.getByTestId("bt-metric-sharpe-strategy").textContent()).resolves.toMatch(/^(-?\d+\.\d\d|—)$/);
    await page.getByTestId("equity-chart").locator("canvas").first().waitFor();
    await page.getByTestId("price-chart-ETH-USD").locator("canvas").first().waitFor();
    await page.getByTestId("bt-no-gaps").waitFor();
    await expect(page.getByTestId("bt-wf-fold").count()).resolves.toBe(5);
    await expect(page.getByTestId("bt-wf-out").textContent()).resolves.toMatch(/^(-?\d+\.\d\d|—)$/);
    const totalReturn = await page.getByTestId("bt-metric-totalReturn-strategy").textContent();

    // Give the charts a moment to paint, then keep the picture for the docs.
    await page.waitForTimeout(500);
    await mkdir(fileURLToPath(new URL("../../docs/", import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // The list holds it; another page view reopens it from there.
    await page.getByTestId("nav-wallets").click();
    await page.getByTestId("nav-backtests").click();
    const row = page.getByTestId(`bt-history-${id}`);
    await row.waitFor();
    await row.click();
    await page.locator(`[data-testid="bt-result"][data-id="${id}"]`).waitFor();
    await expect(page.getByTestId("bt-metric-totalReturn-strategy").textContent()).resolves.toBe(totalReturn);
    await context.close();
  });

  test("when a viewer opens Backtests then the page is read only and Run is disabled", async () => {
    const { context, page } = await signIn(browser(), tokens.viewer);
    await page.getByTestId("nav-backtests").click();
    await page.getByTestId("read-only").waitFor();
    await page.getByTestId("bt-run").waitFor();
    await expect(page.getByTestId("bt-run").isDisabled()).resolves.toBe(true);
    await context.close();
  });
});
