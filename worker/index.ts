import { app } from "./app.js";

export { AgentWallet } from "../durable-objects/agent-wallet.js";
export { EventHub } from "../durable-objects/event-hub.js";
export { MarketWatch } from "../durable-objects/market-watch.js";
export { RiskMonitor } from "../durable-objects/risk-monitor.js";
export { MasterWallet } from "../durable-objects/master-wallet.js";
export { StrategyFarm } from "../durable-objects/strategy-farm.js";
export { Venue } from "../durable-objects/venue.js";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
