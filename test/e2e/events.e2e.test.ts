import { EventSchema } from "@ag-ui/core/schemas";
import { mkdir } from "node:fs/promises";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { baseUrl, signIn, tokens, useBrowser } from "./browser.ts";
import { dec, str } from "../../core/money.ts";

const SCREENSHOT = fileURLToPath(new URL("../../docs/events.png", import.meta.url));
const UPDATE_TIMEOUT_MS = 15_000;


const browser = useBrowser();

interface Envelope {
  seq: number;
  thread: string;
  at: number;
  event: { type: string; [key: string]: unknown };
}

/** A money move through the API, as another operator (or a script) would make it. */
async function move(kind: "allocations" | "collections", body: Record<string, string>): Promise<{ transferId: string }> {
  const res = await fetch(`${baseUrl}/api/wallets/${kind}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${tokens.admin}`, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify(body),
  });
  const reply = (await res.json()) as { move?: { legs: { id: string }[] } };
  if (!res.ok || !reply.move?.legs[0]) throw new Error(`${kind} failed: ${res.status} ${JSON.stringify(reply)}`);
  return { transferId: reply.move.legs[0].id };
}

/** A fresh browser profile signed in with `token`, on the Events page (reached through the nav, not a load). */
async function onEventsPage(token: string): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await signIn(browser(), token);
  await page.getByTestId("wallet-row-treasury").waitFor();
  await page.getByTestId("nav-events").click();
  await page.getByTestId("events-page").waitFor();
  await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: UPDATE_TIMEOUT_MS });
  await page.locator('[data-testid="event-row"]').first().waitFor({ timeout: UPDATE_TIMEOUT_MS });
  return { context, page };
}

const row = (page: Page, attrs: Record<string, string>) =>
  page.locator(`[data-testid="event-row"]${Object.entries(attrs).map(([k, v]) => `[data-${k}="${v}"]`).join("")}`);

async function amountOf(page: Page, testId: string): Promise<string> {
  const value = await page.getByTestId(testId).getAttribute("data-amount");
  if (value === null) throw new Error(`${testId} has no data-amount`);
  return value;
}

const same = (a: string, b: string) => dec(a).eq(dec(b));

describe("events page", () => {
  test("when an admin allocates through the API then the Events page shows the transfer live and the Wallets page moves the treasury without a reload", async () => {
    const { context, page } = await onEventsPage(tokens.admin);
    // Survives only if the page is never reloaded.
    await page.evaluate(() => ((window as unknown as { e2eMarker: number }).e2eMarker = 1));

    const { transferId } = await move("allocations", { from: "treasury", to: "farm:momentum", amount: "1234.5" });
    await page.getByTestId("events-search").fill(transferId);

    const start = row(page, { type: "TOOL_CALL_START", name: "transfer", thread: "treasury" });
    await start.waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await row(page, { type: "CUSTOM", name: "cival.transfer.received", thread: "farm:momentum" }).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await row(page, { type: "CUSTOM", name: "cival.transfer.completed", thread: "treasury" }).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await expect(start.getAttribute("data-run-status")).resolves.toBe("finished");

    // The row opens as JSON.
    await start.click();
    const json = JSON.parse((await page.getByTestId("event-json").textContent()) ?? "{}") as Envelope;
    expect(json).toMatchObject({ thread: "treasury", event: { type: "TOOL_CALL_START", toolCallName: "transfer", toolCallId: `transfer:${transferId}` } });

    // The grouped view puts the transfer's debit in one finished run on the treasury.
    await page.getByTestId("events-search").fill("");
    await page.getByTestId("events-thread").selectOption("treasury");
    await page.getByTestId("events-view-runs").click();
    const card = page.locator('[data-testid="run-card"][data-thread="treasury"]', {
      has: page.locator('[data-testid="run-event"][data-type="TOOL_CALL_START"]', { hasText: transferId }),
    });
    await expect(card.getAttribute("data-run-status")).resolves.toBe("finished");
    await expect(card.locator('[data-testid="run-event"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-type")))).resolves.toEqual([
      "RUN_STARTED",
      "TOOL_CALL_START",
      "TOOL_CALL_ARGS",
      "TOOL_CALL_END",
      "TOOL_CALL_RESULT",
      "STATE_DELTA",
      "RUN_FINISHED",
    ]);

    // Now the Wallets page, through the nav: the next allocation must arrive by the socket alone.
    await page.getByTestId("nav-wallets").click();
    await page.getByTestId("wallet-row-treasury").waitFor();
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await expect.poll(() => page.getByTestId("total-in-transit").getAttribute("data-amount"), { timeout: UPDATE_TIMEOUT_MS }).toSatisfy((v: string | null) => v !== null && same(v, "0"));
    const treasuryBefore = await amountOf(page, "balance-treasury");
    const farmBefore = await amountOf(page, "balance-farm:pairs");
    const totalBefore = await amountOf(page, "total-balance");
    let walletReads = 0;
    page.on("request", (req) => {
      if (new URL(req.url()).pathname === "/api/wallets") walletReads++;
    });

    await move("allocations", { from: "treasury", to: "farm:pairs", amount: "1000" });
    const treasuryAfter = str(dec(treasuryBefore).minus("1000"));
    const farmAfter = str(dec(farmBefore).plus("1000"));
    await expect.poll(() => amountOf(page, "balance-treasury"), { timeout: UPDATE_TIMEOUT_MS }).toSatisfy((v: string) => same(v, treasuryAfter));
    await expect.poll(() => amountOf(page, "balance-farm:pairs"), { timeout: UPDATE_TIMEOUT_MS }).toSatisfy((v: string) => same(v, farmAfter));
    expect(same(await amountOf(page, "total-balance"), totalBefore)).toBe(true);
    expect(walletReads).toBe(0);
    await expect(page.evaluate(() => (window as unknown as { e2eMarker?: number }).e2eMarker)).resolves.toBe(1);
    await context.close();
  });

  test("when the log is paused then new events are counted but not shown until resume", async () => {
    const { context, page } = await onEventsPage(tokens.viewer);
    await page.getByTestId("events-pause").click();
    await page.getByTestId("events-paused").waitFor();
    const { transferId } = await move("allocations", { from: "treasury", to: "farm:arbitrage", amount: "10" });
    await page.getByTestId("events-search").fill(transferId);
    await expect.poll(async () => Number((await page.getByTestId("events-pending").textContent())?.replace(/\D/g, "") ?? 0), { timeout: UPDATE_TIMEOUT_MS }).toBeGreaterThan(0);
    await expect(row(page, { type: "TOOL_CALL_START", name: "transfer" }).count()).resolves.toBe(0);
    await page.getByTestId("events-resume").click();
    await row(page, { type: "TOOL_CALL_START", name: "transfer" }).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    // A viewer sees the transfer without its memo.
    await row(page, { type: "TOOL_CALL_ARGS" }).click();
    await expect(page.getByTestId("event-json").textContent()).resolves.not.toMatch(/"memo/);
    await context.close();
  });

  test("when orders fill before the Events page opens then recent history loads below the live rows and the search finds the order and its fill", async () => {
    // Sophia's, so the trading tests that follow still find Marcus with no position.
    const res = await fetch(`${baseUrl}/api/orders`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokens.admin}`, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ agent: "agent:sophia-reversion", venue: "paper-binance", symbol: "BTC-USD", side: "buy", type: "market", quantity: "0.001" }),
    });
    const reply = (await res.json()) as { order?: { clientOrderId: string } };
    if (!res.ok || !reply.order) throw new Error(`order failed: ${res.status} ${JSON.stringify(reply)}`);
    const { context, page } = await onEventsPage(tokens.admin);
    const rows = page.locator('[data-testid="event-row"]');
    await page.locator('[data-testid="event-row"].history').first().waitFor({ timeout: UPDATE_TIMEOUT_MS });
    const seen = await rows.evaluateAll((els) => els.map((e) => ({ seq: Number(e.getAttribute("data-seq")), history: e.classList.contains("history") })));
    const live = seen.filter((r) => !r.history).map((r) => r.seq);
    const older = seen.filter((r) => r.history).map((r) => r.seq);
    expect(older.length).toBeGreaterThan(0);
    expect(older.every((s) => s < Math.min(...live))).toBe(true);
    // Newest first all the way down.
    expect(older).toEqual([...older].sort((a, b) => b - a));

    await page.getByTestId("events-search").fill(reply.order.clientOrderId);
    await row(page, { type: "TOOL_CALL_START", name: "place_order", thread: "agent:sophia-reversion" }).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await row(page, { type: "CUSTOM", name: "cival.order.filled", thread: "agent:sophia-reversion" }).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await page.getByTestId("events-topic").selectOption("agent:sophia-reversion");
    await row(page, { type: "CUSTOM", name: "cival.order.filled", thread: "agent:sophia-reversion" }).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await context.close();
  });

  test("when events are showing then the page is captured for the docs", async () => {
    const { context, page } = await onEventsPage(tokens.admin);
    await move("allocations", { from: "treasury", to: "farm:mean-reversion", amount: "2500" });
    await move("collections", { from: "agent:max-maker", amount: "750" });
    await row(page, { type: "CUSTOM", name: "cival.transfer.completed", thread: "agent:max-maker" }).waitFor({ timeout: UPDATE_TIMEOUT_MS });
    await row(page, { type: "TOOL_CALL_START", name: "transfer", thread: "treasury" }).first().click();
    await page.getByTestId("event-json").waitFor();
    await mkdir(fileURLToPath(new URL("../../docs/", import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    await context.close();
  });
});

/** The socket as any client sees it, checked against the wire contract the dashboard is built on. */
describe("event socket contract", () => {
  const wsUrl = (query: string) => `${baseUrl.replace(/^http/, "ws")}/api/events/ws?${query}`;

  /** Opens a socket and collects frames; resolves `opened` with the subprotocol, or rejects if it never opens. */
  function connect(query: string, token: string) {
    const frames: Envelope[] = [];
    const ws = new WebSocket(wsUrl(query), ["cival.v1", `bearer.${token}`]);
    const opened = new Promise<string>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(ws.protocol));
      ws.addEventListener("close", (e) => reject(new Error(`closed before open (${e.code})`)));
      // Node's WebSocket reports a refused handshake as an error alone.
      ws.addEventListener("error", () => reject(new Error("closed before open (error)")));
    });
    ws.addEventListener("message", (e) => {
      if (typeof e.data === "string" && e.data !== "pong") frames.push(JSON.parse(e.data) as Envelope);
    });
    return { ws, frames, opened };
  }

  async function until<T>(fn: () => T | undefined, what: string): Promise<T> {
    const deadline = Date.now() + UPDATE_TIMEOUT_MS;
    for (;;) {
      const value = fn();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The HTTP status of a raw upgrade request (fetch may not send Upgrade headers). */
  function upgradeStatus(path: string, protocols: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(`${baseUrl}${path}`, {
        headers: {
          Connection: "Upgrade",
          Upgrade: "websocket",
          "Sec-WebSocket-Version": "13",
          "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
          "Sec-WebSocket-Protocol": protocols,
        },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("upgrade", (_res, socket) => {
        socket.destroy();
        resolve(101);
      });
      req.on("error", reject);
      req.end();
    });
  }

  test("when the token is bad then the upgrade is refused with 401 and the socket never opens", async () => {
    await expect(upgradeStatus("/api/events/ws?topics=desk", "cival.v1, bearer.nope")).resolves.toBe(401);
    await expect(upgradeStatus("/api/events/ws?topics=desk", `cival.v1, bearer.${tokens.viewer}`)).resolves.toBe(101);
    const { opened } = connect("topics=desk", "nope");
    await expect(opened).rejects.toThrow(/closed before open/);
  });

  test("when a client connects, disconnects and resumes with since then it gets snapshots first, then exactly what it missed", async () => {
    const first = connect("topics=treasury", tokens.viewer);
    await expect(first.opened).resolves.toBe("cival.v1");
    const snapshot = await until(() => first.frames.find((f) => f.event.type === "STATE_SNAPSHOT"), "the treasury snapshot");
    expect(snapshot.thread).toBe("treasury");
    expect(snapshot.event.snapshot).toMatchObject({ id: "treasury", kind: "treasury", balances: { USD: expect.any(String) } });
    for (const f of first.frames) expect(EventSchema.safeParse(f.event).success, JSON.stringify(f)).toBe(true);
    const since = Math.max(...first.frames.map((f) => f.seq));
    first.ws.close(1000);

    const { transferId } = await move("allocations", { from: "treasury", to: "farm:momentum", amount: "1" });
    const resumed = connect(`topics=treasury&since=${since}`, tokens.viewer);
    await resumed.opened;
    await until(() => resumed.frames.find((f) => f.event.type === "CUSTOM" && f.event.name === "cival.transfer.completed"), "the transfer's completion");
    const seqs = resumed.frames.map((f) => f.seq);
    expect(seqs[0]).toBeGreaterThan(since);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(resumed.frames.some((f) => f.event.type === "STATE_SNAPSHOT")).toBe(false);
    expect(resumed.frames.every((f) => f.thread === "treasury")).toBe(true);
    expect(resumed.frames.find((f) => f.event.type === "TOOL_CALL_START")?.event.toolCallId).toBe(`transfer:${transferId}`);
    for (const f of resumed.frames) expect(EventSchema.safeParse(f.event).success, JSON.stringify(f)).toBe(true);
    resumed.ws.send(JSON.stringify({ type: "ack", seq: Math.max(...seqs) }));
    resumed.ws.send("ping");
    resumed.ws.close(1000);
  });

  test("when history is asked for then it pages ascending by seq with the same envelopes", async () => {
    const res = await fetch(`${baseUrl}/api/events?since=0&limit=5&topics=desk`, { headers: { Authorization: `Bearer ${tokens.viewer}` } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { events: Envelope[]; nextSince: number | null };
    expect(page.events.length).toBe(5);
    expect(page.events.map((e) => e.seq)).toEqual([...page.events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(page.nextSince).toBe(page.events[4]?.seq);
    for (const e of page.events) expect(EventSchema.safeParse(e.event).success).toBe(true);
  });
});
