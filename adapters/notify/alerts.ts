import type { RiskAlert } from "../../core/risk/types.js";

/** How long one notification may take before it is given up: a slow webhook never holds the monitor. */
export const NOTIFY_TIMEOUT_MS = 5_000;
export const TELEGRAM_API = "https://api.telegram.org";

export interface NotifyTarget {
  readonly kind: "webhook" | "telegram";
  /** Where it goes, with any token masked: safe to log and to show. */
  readonly label: string;
  send(alert: RiskAlert, fetcher: typeof fetch): Promise<void>;
}

export interface NotifyOutcome {
  readonly target: string;
  readonly ok: boolean;
  readonly error: string | null;
}

/** The operator's channels from the environment: `MONITORING_WEBHOOKS` (comma-separated URLs) and a Telegram bot and chat. */
export function notifyTargets(env: Pick<Env, "MONITORING_WEBHOOKS" | "TELEGRAM_BOT_TOKEN" | "TELEGRAM_CHAT_ID" | "TELEGRAM_API_URL">): NotifyTarget[] {
  const targets: NotifyTarget[] = [];
  for (const raw of (env.MONITORING_WEBHOOKS ?? "").split(",")) {
    const url = raw.trim();
    if (!url) continue;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      console.warn(`cival: MONITORING_WEBHOOKS has an entry that is not a URL; it is skipped`);
      continue;
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") continue;
    targets.push({
      kind: "webhook",
      label: `${parsed.origin}${parsed.pathname}`,
      async send(alert, fetcher) {
        const res = await fetcher(url, {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": "cival-risk-monitor" },
          body: JSON.stringify({ source: "cival", type: "cival.risk.alert", alert, text: alertText(alert) }),
          signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      },
    });
  }
  const token = env.TELEGRAM_BOT_TOKEN?.trim();
  const chatId = env.TELEGRAM_CHAT_ID?.trim();
  if (token && chatId) {
    const base = (env.TELEGRAM_API_URL?.trim() || TELEGRAM_API).replace(/\/+$/, "");
    targets.push({
      kind: "telegram",
      label: `telegram chat ${chatId}`,
      async send(alert, fetcher) {
        const res = await fetcher(`${base}/bot${token}/sendMessage`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ chat_id: chatId, text: alertText(alert), disable_web_page_preview: true }),
          signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
        });
        // The Bot API answers { ok: false, description } with a 4xx when it refuses.
        const body = (await res.json().catch(() => null)) as { ok?: boolean; description?: string } | null;
        if (!res.ok || body?.ok !== true) throw new Error(`Telegram refused: ${body?.description ?? `HTTP ${res.status}`}`);
      },
    });
  }
  return targets;
}

/** One line a person reads on a phone. */
export function alertText(alert: RiskAlert): string {
  const scope = alert.scope.kind === "desk" ? "desk" : alert.scope.id;
  return `[${alert.level.toUpperCase()}] Cival risk (${scope}): ${alert.message}`;
}

/** Sends each alert to every target; failures are reported, never thrown. */
export async function notifyAll(targets: readonly NotifyTarget[], alerts: readonly RiskAlert[], fetcher: typeof fetch = fetch): Promise<NotifyOutcome[]> {
  const jobs: Promise<NotifyOutcome>[] = [];
  for (const alert of alerts) {
    for (const t of targets) {
      jobs.push(
        t.send(alert, fetcher).then(
          () => ({ target: t.label, ok: true, error: null }),
          (err: unknown) => ({ target: t.label, ok: false, error: err instanceof Error ? err.message : String(err) }),
        ),
      );
    }
  }
  return Promise.all(jobs);
}
