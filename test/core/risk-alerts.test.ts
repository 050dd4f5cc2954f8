import { describe, expect, it } from "vitest";
import { reconcileAlerts } from "../../core/risk/alerts.js";
import type { RiskAlert } from "../../core/risk/types.js";
import { alertText, notifyAll, notifyTargets } from "../../adapters/notify/alerts.js";

const desk = { kind: "desk" } as const;
const lossCondition = (level: "warning" | "critical", message = "daily loss 30,000 USD over 25,000 USD") => ({ key: "max_daily_loss:desk", level, rule: "max_daily_loss" as const, scope: desk, message });

describe("alert deduplication", () => {
  it("raises a condition once while it persists and clears it when it goes", () => {
    const first = reconcileAlerts(new Map(), [lossCondition("warning")], 1_000);
    expect(first.raised).toHaveLength(1);
    const second = reconcileAlerts(first.active, [lossCondition("warning", "daily loss 31,000 USD")], 2_000);
    expect(second.raised).toHaveLength(0);
    expect(second.continued[0]).toMatchObject({ firstAtMs: 1_000, lastAtMs: 2_000, message: "daily loss 31,000 USD" });
    const third = reconcileAlerts(second.active, [], 3_000);
    expect(third.cleared).toEqual([expect.objectContaining({ key: "max_daily_loss:desk", clearedAtMs: 3_000, firstAtMs: 1_000 })]);
    expect(third.active.size).toBe(0);
  });

  it("raises again when the level rises, keeping when it began", () => {
    const first = reconcileAlerts(new Map(), [lossCondition("warning")], 1_000);
    const second = reconcileAlerts(first.active, [lossCondition("critical")], 2_000);
    expect(second.raised).toEqual([expect.objectContaining({ level: "critical", firstAtMs: 1_000 })]);
    const lower = reconcileAlerts(second.active, [lossCondition("warning")], 3_000);
    expect(lower.raised).toHaveLength(0);
    expect(lower.active.get("max_daily_loss:desk")?.level).toBe("critical");
  });

  it("one-off alerts are raised and cleared at once", () => {
    const out = reconcileAlerts(new Map(), [], 5, [{ key: "stop:x", level: "warning", rule: "stop_triggered", scope: desk, message: "stop" }]);
    expect(out.raised).toEqual([expect.objectContaining({ key: "stop:x", clearedAtMs: 5 })]);
    expect(out.active.size).toBe(0);
  });
});

describe("operator notifications", () => {
  const alert: RiskAlert = { key: "k", level: "critical", rule: "kill_switch", scope: desk, message: "desk halted: test", firstAtMs: 1, lastAtMs: 1, clearedAtMs: null };

  it("reads webhooks and Telegram from the environment, skipping what is not a URL", () => {
    const targets = notifyTargets({ MONITORING_WEBHOOKS: "https://hooks.example.com/a, not a url ,http://ops.example.com/b?token=x", TELEGRAM_BOT_TOKEN: "123:ABC", TELEGRAM_CHAT_ID: "-42" });
    expect(targets.map((t) => t.label)).toEqual(["https://hooks.example.com/a", "http://ops.example.com/b", "telegram chat -42"]);
    expect(notifyTargets({})).toEqual([]);
    expect(notifyTargets({ TELEGRAM_BOT_TOKEN: "123:ABC" })).toEqual([]);
  });

  it("posts the alert to each webhook and calls the Bot API's sendMessage", async () => {
    const calls: Array<{ url: string; body: unknown }> = [];
    const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      calls.push({ url, body: JSON.parse(String(init?.body)) });
      if (url.includes("api.telegram.org")) return Response.json({ ok: true, result: { message_id: 7 } });
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const targets = notifyTargets({ MONITORING_WEBHOOKS: "https://hooks.example.com/a", TELEGRAM_BOT_TOKEN: "123:ABC", TELEGRAM_CHAT_ID: "-42" });
    const out = await notifyAll(targets, [alert], fetcher);
    expect(out.every((o) => o.ok)).toBe(true);
    expect(calls[0]).toEqual({ url: "https://hooks.example.com/a", body: { source: "cival", type: "cival.risk.alert", alert, text: alertText(alert) } });
    expect(calls[1]).toEqual({ url: "https://api.telegram.org/bot123:ABC/sendMessage", body: { chat_id: "-42", text: "[CRITICAL] Cival risk (desk): desk halted: test", disable_web_page_preview: true } });
  });

  it("reports a failing channel without throwing, and the others still go", async () => {
    const fetcher = (async (input: RequestInfo | URL) => {
      const url = String(input);
      if (url.includes("down")) throw new TypeError("connection refused");
      if (url.includes("telegram")) return Response.json({ ok: false, error_code: 400, description: "Bad Request: chat not found" }, { status: 400 });
      return new Response("ok");
    }) as typeof fetch;
    const targets = notifyTargets({ MONITORING_WEBHOOKS: "https://down.example.com/x,https://up.example.com/y", TELEGRAM_BOT_TOKEN: "1:A", TELEGRAM_CHAT_ID: "5", TELEGRAM_API_URL: "https://telegram.example.com/" });
    const out = await notifyAll(targets, [alert], fetcher);
    expect(out).toEqual([
      { target: "https://down.example.com/x", ok: false, error: "connection refused" },
      { target: "https://up.example.com/y", ok: true, error: null },
      { target: "telegram chat 5", ok: false, error: "Telegram refused: Bad Request: chat not found" },
    ]);
  });
});
