// Secrets are not in wrangler.toml, so `wrangler types` cannot see them: declared here.
interface CivalSecrets {
  /** HS256 secret for API tokens. Without it the API answers 503: never open. */
  JWT_SECRET?: string;
  /** Key material (HKDF input) for exchange credentials stored encrypted in Venue objects. */
  VENUE_KEYS_SECRET?: string;
  /** Comma-separated URLs the risk monitor POSTs its warning and critical alerts to. */
  MONITORING_WEBHOOKS?: string;
  /** A Telegram bot and chat for the same alerts (Bot API sendMessage). */
  TELEGRAM_BOT_TOKEN?: string;
  TELEGRAM_CHAT_ID?: string;
  /** Overrides the Telegram Bot API's address (tests, proxies). */
  TELEGRAM_API_URL?: string;
  /** "paused": agents configured by default (the demo seed, a create without a configuration) start paused; default: they trade. */
  CIVAL_AGENTS_START?: string;
  /** Seconds between the risk monitor's full cycles (default 10). */
  RISK_CYCLE_SECONDS?: string;
}
interface Env extends CivalSecrets {}
declare namespace Cloudflare {
  interface Env extends CivalSecrets {}
}
