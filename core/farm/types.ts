/**
 * How a strategy farm coordinates its agents: the five decision modes, the views agents publish,
 * and the farm's answer to an agent's proposed trade. The desk nets signals across farms with the
 * same rule (`netting.ts`). Plain data; numbers here are statistics (strengths, weights), never money.
 */
import type { FarmModeName } from "../agents/types.js";

export type { FarmModeName };

/** The farm's mode and its settings. */
export interface FarmMode {
  readonly mode: FarmModeName;
  /** hierarchical: the lead agent's wallet id (its own orders go ahead; it approves or vetoes the others'). */
  readonly lead: string | null;
  /** consensus: the share of the farm's active agents that must agree (0..1]. */
  readonly quorum: number;
  /** consensus: how long votes are awaited, ms; an agent that has not answered by then abstains. */
  readonly voteTimeoutMs: number;
  /** emergency: flatten every position, or hold (no new risk, nothing sold). */
  readonly emergency: "flatten" | "hold";
  /** How long a published view counts in netting, ms. */
  readonly viewTtlMs: number;
  /** Who set the mode last ("monitor" for the risk monitor, else the operator's subject) and why. */
  readonly setBy: string;
  readonly reason: string;
  readonly updatedAtMs: number;
}

/** One agent's view of one symbol in one cycle: what its strategy says, how sure, and how much it counts. */
export interface AgentView {
  readonly agent: string;
  readonly farm: string | null;
  readonly symbol: string;
  readonly venue: string;
  readonly side: "buy" | "sell" | "hold";
  /** 0..1 */
  readonly strength: number;
  /** 0..1 */
  readonly confidence: number;
  /** The agent's track-record weight (performanceWeight: 0..3, 1 with no record). */
  readonly weight: number;
  readonly reason: string;
  readonly atMs: number;
}

/** What an agent proposes to trade this cycle, with the view it comes from. */
export interface Proposal {
  readonly cycleId: string;
  readonly agent: string;
  readonly view: AgentView;
  /** The order's side ("sell" that only reduces what is held is an exit: never netted or vetoed). */
  readonly side: "buy" | "sell";
  readonly reducing: boolean;
}

/** A vote in consensus mode, from an agent's own strategy view of the proposal's symbol. */
export interface Vote {
  readonly agent: string;
  readonly vote: "approve" | "reject" | "abstain";
  readonly confidence: number;
  readonly reason: string;
}

/** The result of netting views on one symbol. */
export interface Netting {
  /** Σ sign × strength × confidence × weight over the live views. */
  readonly net: number;
  /** Σ of the same-side contributions as the proposal's side (its gross). */
  readonly gross: number;
  /** The share of the proposal that survives: 0 (netted out) .. 1 (no conflict). */
  readonly scale: number;
  /** The views that pulled the other way, for the reason. */
  readonly against: readonly AgentView[];
}

/** The farm's answer to a proposal. */
export interface FarmVerdict {
  readonly mode: FarmModeName;
  /** go: trade as sized × scale; veto: no order; flatten: sell everything (emergency). */
  readonly action: "go" | "veto" | "flatten";
  /** 0..1: the share of the sized order that goes (collaborative netting scales buys down). */
  readonly scale: number;
  readonly reason: string;
  readonly netting: Netting | null;
  readonly votes: readonly Vote[];
}

/** A farm as `GET /api/farms` lists it. */
export interface FarmSummary {
  readonly id: string;
  readonly name: string;
  readonly strategy: string | null;
  readonly status: string;
  readonly mode: FarmMode;
  /** The farm's own cash (USD). */
  readonly cash: string;
  /** Cash plus its agents' equity as they last reported it (USD). */
  readonly equity: string;
  readonly agents: ReadonlyArray<{ readonly id: string; readonly status: string; readonly equity: string | null; readonly weight: number }>;
}

/** What an agent tells its farm every cycle: its equity, its views, and the trade it proposes (if any). */
export interface FarmReport {
  readonly agent: string;
  readonly cycleId: string;
  readonly atMs: number;
  /** The agent's equity and cash now (USD). */
  readonly equity: string;
  readonly cash: string;
  readonly views: readonly AgentView[];
  readonly proposal: Proposal | null;
}
