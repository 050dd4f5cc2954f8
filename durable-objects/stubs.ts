import { walletKind } from "../core/wallets.js";
import type { AgentWallet } from "./agent-wallet.js";
import type { EventHub } from "./event-hub.js";
import type { MarketWatch } from "./market-watch.js";
import type { MasterWallet } from "./master-wallet.js";
import type { RiskMonitor } from "./risk-monitor.js";
import type { StrategyFarm } from "./strategy-farm.js";
import type { Venue } from "./venue.js";

/** The treasury's object: one per desk. */
export function treasuryStub(env: Env): DurableObjectStub<MasterWallet> {
  return env.MASTER_WALLET.get(env.MASTER_WALLET.idFromName("treasury"));
}

export function farmStub(env: Env, walletId: string): DurableObjectStub<StrategyFarm> {
  return env.STRATEGY_FARM.get(env.STRATEGY_FARM.idFromName(walletId));
}

export function agentStub(env: Env, walletId: string): DurableObjectStub<AgentWallet> {
  return env.AGENT_WALLET.get(env.AGENT_WALLET.idFromName(walletId));
}

/** The object of any wallet, by its id ("treasury", "farm:…", "agent:…"). */
export function walletStub(env: Env, walletId: string): DurableObjectStub<MasterWallet> | DurableObjectStub<StrategyFarm> | DurableObjectStub<AgentWallet> {
  switch (walletKind(walletId)) {
    case "treasury":
      return treasuryStub(env);
    case "farm":
      return farmStub(env, walletId);
    case "agent":
      return agentStub(env, walletId);
  }
}

/** The desk's event hub. */
export function hubStub(env: Env): DurableObjectStub<EventHub> {
  return env.EVENT_HUB.get(env.EVENT_HUB.idFromName("desk"));
}

/** A venue's object; kept for callers written when a venue had to be opened first (it no longer does: use `venueStub`). */
export async function openVenue(env: Env, venueId: string): Promise<DurableObjectStub<Venue>> {
  return venueStub(env, venueId);
}

/** The desk's arbitrage watch. */
export function marketWatchStub(env: Env): DurableObjectStub<MarketWatch> {
  return env.MARKET_WATCH.get(env.MARKET_WATCH.idFromName("desk"));
}

/** The desk's risk monitor. */
export function riskStub(env: Env): DurableObjectStub<RiskMonitor> {
  return env.RISK_MONITOR.get(env.RISK_MONITOR.idFromName("desk"));
}

/** A venue's object by its id ("paper-binance"); the object knows its id from its name, so no `open()` hop is needed. */
export function venueStub(env: Env, venueId: string): DurableObjectStub<Venue> {
  return env.VENUE.get(env.VENUE.idFromName(`venue:${venueId}`));
}

/** A replay venue's object: the paper venue `venueId` fed with history by one backtest run (`run` names it). */
export function replayVenueStub(env: Env, venueId: string, run: string): DurableObjectStub<Venue> {
  return env.VENUE.get(env.VENUE.idFromName(`replay:${venueId}:${run}`));
}
