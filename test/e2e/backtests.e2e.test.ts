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

  test("when a trader uploads a CSV with a gap then it runs on those candles and the gap is reported, not filled", async () => {
    const { context, page } = await signIn(browser(), tokens.trader);
    await page.getByTestId("nav-backtests").click();
    await page.getByTestId("bt-strategy").selectOption("momentum");
    await page.getByTestId("bt-source-upload").click();
    // 400 hourly bars of a gentle wave, newest first as some exporters write them, three bars missing after bar 199.
    const rows: string[] = [];
    for (let i = 0; i < 400; i++) {
      if (i >= 200 && i < 203) continue;
      const close = 100 + 10 * Math.sin(i / 15) + i * 0.02;
      const open = close - 0.3;
      rows.push(`${new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString()},${open.toFixed(2)},${(close + 0.5).toFixed(2)},${(open - 0.5).toFixed(2)},${close.toFixed(2)},${(5 + (i % 7)).toFixed(1)}`);
    }
    const csv = ["date,open,high,low,close,volume", ...rows.reverse()].join("\n");
    await page.getByTestId("bt-file").setInputFiles({ name: "wave.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    const ran = page.waitForResponse((r) => r.url().endsWith("/api/backtests") && r.request().method() === "POST", { timeout: RUN_TIMEOUT_MS });
    await page.getByTestId("bt-run").click();
    const res = await ran;
    expect(res.status()).toBe(201);
    await page.getByTestId("bt-result").waitFor({ timeout: RUN_TIMEOUT_MS });
    await expect(page.getByTestId("bt-gap-count").textContent()).resolves.toBe("1 gap, 3 bars missing");
    await context.close();
  });

  test("when pairs runs on the synthetic history then both instruments' candles are charted", async () => {
    const { context, page } = await signIn(browser(), tokens.trader);
    await page.getByTestId("nav-backtests").click();
    await page.getByTestId("bt-strategy").selectOption("pairs");
    await page.getByTestId("bt-symbol2").waitFor();
    await page.getByTestId("bt-symbol").selectOption("BTC-USD");
    await page.getByTestId("bt-symbol2").selectOption("ETH-USD");
    await page.getByTestId("bt-bars").fill("1000");
    await page.getByTestId("bt-run").click();
    await page.getByTestId("bt-result").waitFor({ timeout: RUN_TIMEOUT_MS });
    await page.getByTestId("price-chart-BTC-USD").locator("canvas").first().waitFor();
    await page.getByTestId("price-chart-ETH-USD").locator("canvas").first().waitFor();
    await expect(page.getByTestId("bt-metric-trades-strategy").textContent()).resolves.toMatch(/^\d+$/);
    await context.close();
  });

  test("when an upload is refused then the API's reason shows under the form", async () => {
    const { context, page } = await signIn(browser(), tokens.trader);
    await page.getByTestId("nav-backtests").click();
    await page.getByTestId("bt-source-upload").click();
    const csv = "time,open,high,low,close,volume\n0,10,11,9,10,1\n3600000,10,9,11,10,1\n";
    await page.getByTestId("bt-file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByTestId("bt-run").click();
    await expect(page.getByTestId("bt-error").textContent({ timeout: RUN_TIMEOUT_MS })).resolves.toMatch(/invalid_candles.*row 3: high 9 is below low 11/);
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
