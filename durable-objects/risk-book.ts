import type { AgentRiskView, HeldPosition } from "../core/messages.js";
import { str } from "../core/money.js";
import { PAPER_VENUES, paperVenueSpec } from "../core/paper-venues.js";
import { RISK_HISTORY_SOURCE, paperHistory } from "../core/risk/history.js";
import { DEFAULT_LIMITS } from "../core/risk/limits.js";
import { checkedPositions, heldOf, withAgentHeld, withOpenBuys } from "../core/risk/monitor/index.js";
import { PreTradeState } from "../core/risk/pretrade.js";
import type { RiskComputation, RiskContext, RiskInputs } from "../core/risk/report.js";
import type { ReturnMatrix, RiskPosition, RiskQuote } from "../core/risk/types.js";

/** Lot sizes, minimum notionals and ticks of the paper symbols: what mitigation orders and stops are rounded to. */
const SYMBOLS = paperVenueSpec(PAPER_VENUES[0]?.id ?? "paper-binance")?.symbols ?? [];
const LOTS = Object.fromEntries(SYMBOLS.map((s) => [s.symbol, { lotSize: s.lotSize, minNotional: s.minNotional }]));
const TICKS = Object.fromEntries(SYMBOLS.map((s) => [s.symbol, s.tickSize]));

/**
 * What the monitor holds in memory between cycles for the pre-trade check and stress tests: the
 * positions (refreshed by every order an agent sends), open buys, quotes, covariance, the return
 * history, and the pre-trade state fed from them. The decisions are core's; this only keeps them.
 */
export class RiskBook {
  readonly pre = new PreTradeState(DEFAULT_LIMITS);
  positions: readonly RiskPosition[] = [];
  quotes: readonly RiskQuote[] = [];
  covariance: Float64Array | undefined;
  #history: ReturnMatrix | null = null;
  /** Each agent's open buy orders, as it sent them with its last order (in memory: the next order resends them). */
  #openBuys: ReadonlyMap<string, readonly HeldPosition[]> = new Map();

  /** The return history the statistics use (drawn once per object lifetime: tens of milliseconds). */
  returns(): ReturnMatrix {
    this.#history ??= paperHistory();
    return this.#history;
  }

  /** The figures' context besides limits, halts, marks and venue errors. */
  context(): Pick<RiskContext, "returns" | "historySource" | "lots" | "ticks"> {
    return { returns: this.returns(), historySource: RISK_HISTORY_SOURCE, lots: LOTS, ticks: TICKS };
  }

  /** What an agent sent with its order: its positions (fills since the last cycle count at once) and its open buys. */
  refreshAgent(agent: string, held?: readonly HeldPosition[], openBuys?: readonly HeldPosition[]): void {
    const positions = held ? withAgentHeld(this.positions, agent, held, (s) => this.pre.markOf(s)) : null;
    if (positions) this.positions = positions;
    const buys = openBuys ? withOpenBuys(this.#openBuys, agent, openBuys) : null;
    if (buys) this.#openBuys = buys;
    if (positions || buys) this.pre.setPositions(this.checked());
  }

  /** An agent's book as read after a stop fired. */
  refreshView(view: AgentRiskView): void {
    this.refreshAgent(view.agent, heldOf(view));
  }

  /** Tells the pre-trade state what a cycle found (or, with null, what was loaded): marks, depth, VaR sensitivities, P&L. */
  feed(out: RiskComputation | null, inputs?: RiskInputs): void {
    if (inputs) {
      this.quotes = inputs.quotes;
      this.positions = inputs.positions;
    }
    if (out) {
      this.covariance = out.covariance;
      this.pre.setMarks(out.marksBySymbol);
    }
    this.pre.setPositions(this.checked());
    if (!out) return;
    this.pre.setDepth(this.quotes);
    this.pre.setRiskSensitivities(out.scopes.filter((s) => s.var !== null).map((s) => ({ scope: s.scope, var: s.var ?? "0", marginal: s.marginal })));
    this.pre.setPnl(out.scopes.map((s) => ({ scope: s.scope, dailyPnl: str(s.dailyPnl), drawdown: s.drawdown })));
  }

  private checked(): RiskPosition[] {
    return checkedPositions(this.positions, this.#openBuys, (s) => this.pre.markOf(s));
  }
}
