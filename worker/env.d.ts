// Secrets are not in wrangler.toml, so `wrangler types` cannot see them: declared here.
interface CivalSecrets {
  /** HS256 secret for API tokens. Without it the API answers 503: never open. */
  JWT_SECRET?: string;
  /** Key material (HKDF input) for exchange credentials stored encrypted in Venue objects. */
  VENUE_KEYS_SECRET?: string;
}
interface Env extends CivalSecrets {}
declare namespace Cloudflare {
  interface Env extends CivalSecrets {}
}
