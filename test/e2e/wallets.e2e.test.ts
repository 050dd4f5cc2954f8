import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { baseUrl, signIn, tokens, useBrowser } from "./browser.ts";
import { dec, str } from "../../core/money.ts";
import { formatMoney } from "../../web/src/format.ts";

const SCREENSHOT = fileURLToPath(new URL("../../docs/wallets.png", import.meta.url));
const UPDATE_TIMEOUT_MS = 15_000;


const browser = useBrowser();

/** A fresh browser profile signed in through the sign-in page with `token`. */
async function signedIn(token: string): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await signIn(browser(), token);
  await page.getByTestId("wallet-row-treasury").waitFor();
  return { context, page };
}

/** The exact amount a cell shows (its data-amount attribute, the API's decimal string). */
async function amountOf(page: Page, testId: string): Promise<string> {
  const value = await page.getByTestId(testId).getAttribute("data-amount");
  if (value === null) throw new Error(`${testId} has no data-amount`);
  return value;
}

const minus = (a: string, b: string) => str(dec(a).minus(dec(b)));
const plus = (a: string, b: string) => str(dec(a).plus(dec(b)));
const same = (a: string, b: string) => dec(a).eq(dec(b));

describe("wallets page", () => {
  test("when an admin allocates 1000 from the treasury to farm:momentum then the treasury shows exactly 1000 less and the farm 1000 more", async () => {
    const { context, page } = await signedIn(tokens.admin);
    await expect(page.getByTestId("user-role").textContent()).resolves.toBe("admin");
    const treasuryBefore = await amountOf(page, "balance-treasury");
    const farmBefore = await amountOf(page, "balance-farm:momentum");
    const totalBefore = await amountOf(page, "total-balance");

    await page.getByTestId("allocate-from").selectOption("treasury");
    await page.getByTestId("allocate-to").selectOption("farm:momentum");
    await page.getByTestId("allocate-amount").fill("1000");
    await page.getByTestId("allocate-submit").click();
    await page.getByTestId("allocate-result").waitFor();

    const treasuryAfter = minus(treasuryBefore, "1000");
    const farmAfter = plus(farmBefore, "1000");
    await expect.poll(() => amountOf(page, "balance-treasury"), { timeout: UPDATE_TIMEOUT_MS }).toSatisfy((v: string) => same(v, treasuryAfter));
    await expect.poll(() => amountOf(page, "balance-farm:momentum"), { timeout: UPDATE_TIMEOUT_MS }).toSatisfy((v: string) => same(v, farmAfter));
    await expect(page.getByTestId("balance-treasury").textContent()).resolves.toBe(formatMoney(treasuryAfter, "USD"));
    await expect(page.getByTestId("balance-farm:momentum").textContent()).resolves.toBe(formatMoney(farmAfter, "USD"));
    // Money moved inside the desk: the desk's total is what it was.
    expect(same(await amountOf(page, "total-balance"), totalBefore)).toBe(true);

    await mkdir(fileURLToPath(new URL("../../docs/", import.meta.url)), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    // The refresh time is hidden so the committed picture only changes when the page does.
    await page.screenshot({ path: SCREENSHOT, fullPage: true, style: '[data-testid="wallets-updated"] { visibility: hidden; }' });
    await context.close();
  });

  test("when the amount is not a positive decimal then the form says why and sends nothing", async () => {
    const { context, page } = await signedIn(tokens.admin);
    const treasuryBefore = await amountOf(page, "balance-treasury");
    await page.getByTestId("allocate-from").selectOption("treasury");
    await page.getByTestId("allocate-to").selectOption("farm:pairs");
    await page.getByTestId("allocate-amount").fill("-5");
    await page.getByTestId("allocate-submit").click();
    await expect(page.getByTestId("allocate-field-error").textContent()).resolves.toMatch(/amount/);
    await expect(page.getByTestId("allocate-result").count()).resolves.toBe(0);
    await page.getByTestId("wallets-refresh").click();
    await expect.poll(() => amountOf(page, "balance-treasury")).toBe(treasuryBefore);
    await context.close();
  });

  test("when the amount is finer than a cent then the form names the scale and sends nothing", async () => {
    const { context, page } = await signedIn(tokens.admin);
    const treasuryBefore = await amountOf(page, "balance-treasury");
    await page.getByTestId("allocate-from").selectOption("treasury");
    await page.getByTestId("allocate-to").selectOption("farm:pairs");
    await page.getByTestId("allocate-amount").fill("12.345");
    const sent = { count: 0 };
    page.on("request", (r) => {
      if (r.url().endsWith("/api/wallets/allocations")) sent.count += 1;
    });
    await page.getByTestId("allocate-submit").click();
    await expect(page.getByTestId("allocate-field-error").textContent()).resolves.toBe("amount 12.345 has 3 decimals; USD amounts carry at most 2 (steps of 0.01)");
    await expect(page.getByTestId("allocate-result").count()).resolves.toBe(0);
    expect(sent.count).toBe(0);
    await page.getByTestId("wallets-refresh").click();
    await expect.poll(() => amountOf(page, "balance-treasury")).toBe(treasuryBefore);
    await context.close();
  });

  test("when the treasury cannot cover an allocation then the API's message is shown inline and nothing moves", async () => {
    const { context, page } = await signedIn(tokens.admin);
    const treasuryBefore = await amountOf(page, "balance-treasury");
    await page.getByTestId("allocate-from").selectOption("treasury");
    await page.getByTestId("allocate-to").selectOption("farm:pairs");
    await page.getByTestId("allocate-amount").fill(plus(treasuryBefore, "1"));
    await page.getByTestId("allocate-submit").click();
    const error = page.getByTestId("allocate-error");
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/\S/);
    await page.getByTestId("wallets-refresh").click();
    await expect.poll(() => amountOf(page, "balance-treasury")).toBe(treasuryBefore);
    await context.close();
  });

  test("when a trader signs in then forms show but treasury moves are disabled", async () => {
    const { context, page } = await signedIn(tokens.trader);
    await expect(page.getByTestId("allocate-form").isVisible()).resolves.toBe(true);
    await expect(page.getByTestId("allocate-from").locator('option[value="treasury"]').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId("allocate-from").inputValue()).resolves.toMatch(/^farm:/);
    await page.getByTestId("collect-from").selectOption("agent:marcus-momentum");
    await expect(page.getByTestId("collect-to").locator('option[value="treasury"]').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId("archive-farm:momentum").count()).resolves.toBe(0);
    await expect(page.getByTestId("archive-agent:marcus-momentum").count()).resolves.toBe(1);
    await context.close();
  });

  test("when a viewer signs in then the tree shows and no form or row action does", async () => {
    const { context, page } = await signedIn(tokens.viewer);
    await expect(page.getByTestId("wallet-row-agent:marcus-momentum").isVisible()).resolves.toBe(true);
    await expect(page.getByTestId("wallet-actions").count()).resolves.toBe(0);
    await expect(page.getByTestId("rename-agent:marcus-momentum").count()).resolves.toBe(0);
    await context.close();
  });

  test("when the operator signs out then the sign-in page returns and the token is forgotten", async () => {
    const { context, page } = await signedIn(tokens.viewer);
    await page.getByTestId("sign-out").click();
    await page.getByTestId("token-input").waitFor();
    await expect(page.evaluate(() => window.localStorage.getItem("cival.token"))).resolves.toBeNull();
    await page.reload();
    await page.getByTestId("token-input").waitFor();
    await context.close();
  });
});
