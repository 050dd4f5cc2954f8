import { resolveMarketParams } from "../core/market-sim.js";
import type { AgentRiskView, WalletState } from "../core/messages.js";
import { type Decimal, dec, str } from "../core/money.js";
import { PAPER_MARKET, PAPER_VENUES, paperVenueSpec } from "../core/paper-venues.js";
import { quoteFromBook } from "../core/risk/metrics.js";
import { type RiskOrder, type RiskOrderResult, pricePositions } from "../core/risk/monitor/index.js";
import type { RiskInputs } from "../core/risk/report.js";
import type { RiskQuote, RiskScope } from "../core/risk/types.js";
import { agentStub, farmStub, openVenue, treasuryStub } from "./stubs.js";

/** What the monitor reads, and whom it asks to act: the I/O around its machine (core/risk/monitor). */

const DEFAULT_CYCLE_SECONDS = 10;

/** The cycle's period: RISK_CYCLE_SECONDS (at least 1), else 10 s. */
export function cycleMs(env: Env): number {
  const s = Number(env.RISK_CYCLE_SECONDS ?? DEFAULT_CYCLE_SECONDS);
  return Number.isFinite(s) && s >= 1 ? Math.round(s * 1000) : DEFAULT_CYCLE_SECONDS * 1000;
}

/** Reads every agent's book, the wallets' cash, and every paper venue's prices. */
export async function gather(env: Env, nowMs: number): Promise<RiskInputs> {
  const directory = await treasuryStub(env).directory();
  const agents = directory.filter((w) => w.kind === "agent" && w.status === "active" && w.role !== "overseer");
  const farms = directory.filter((w) => w.kind === "farm" && w.status === "active");
  const [views, treasury, farmStates] = await Promise.all([
    Promise.all(agents.map((a) => agentStub(env, a.id).riskView())),
    treasuryStub(env).state(),
    Promise.all(farms.map((f) => farmStub(env, f.id).state())),
  ]);
  const books = views.filter((v): v is AgentRiskView => v !== null);
  const quotes = await readQuotes(env);
  const cashOf = (w: WalletState): Decimal => dec(w.balances.USD ?? "0").plus(w.inTransit.USD ?? "0");
  return {
    nowMs,
    positions: pricePositions(books, quotes),
    quotes,
    agents: books.map((b) => ({ agent: b.agent, farm: b.farm, cash: b.cash, capital: b.capital, openOrders: b.openOrders })),
    otherCash: str(farmStates.reduce((sum, f) => sum.plus(cashOf(f)), cashOf(treasury))),
    farms: farms.map((f) => f.id),
  };
}

/** Best bid and ask and the depth within 1% of mid, for every symbol on every paper venue. */
export async function readQuotes(env: Env): Promise<RiskQuote[]> {
  const params = resolveMarketParams(PAPER_MARKET);
  const jobs: Promise<RiskQuote[]>[] = [];
  for (const v of PAPER_VENUES) {
    const spec = paperVenueSpec(v.id);
    if (!spec) continue;
    jobs.push(
      openVenue(env, v.id)
        .then(async (venue) => {
          const out: RiskQuote[] = [];
          for (const s of spec.symbols) {
            const book = await venue.book(s.symbol);
            const perMinute = params.assets.find((a) => a.symbol === s.symbol)?.volumePerMinute ?? 0;
            // The paper market's model trades this much per minute on average; a day is 1,440 of them.
            const quote = book ? quoteFromBook(v.id, book, dec(String(perMinute)).times(1440)) : null;
            if (quote) out.push(quote);
          }
          return out;
        })
        .catch((err: unknown) => {
          // A venue that cannot be read keeps its positions at their last mark; the venue-error breaker watches it.
          console.warn(`cival: risk monitor could not read ${v.id}`, err);
          return [];
        }),
    );
  }
  return (await Promise.all(jobs)).flat();
}

/** Active agents as the directory lists them, for cancels outside a cycle (each may have orders open). */
export async function activeAgents(env: Env): Promise<Array<{ agent: string; farm: string | null; openOrders: number }>> {
  const directory = await treasuryStub(env).directory();
  return directory.filter((w) => w.kind === "agent" && w.status === "active").map((w) => ({ agent: w.id, farm: w.parent, openOrders: 1 }));
}

/** Asks each agent to cancel what it has open; a failure is left to the next cycle. */
export async function cancelOpenOrders(env: Env, agents: readonly string[]): Promise<void> {
  await Promise.all(
    agents.map((agent) =>
      agentStub(env, agent)
        .cancelOpenOrders()
        .catch((err: unknown) => console.warn(`cival: cancelling ${agent}'s orders under a halt failed; the next cycle retries`, err)),
    ),
  );
}

/** Whether a farm or agent scope names a wallet of that kind (the desk always exists). */
export async function knownScope(env: Env, scope: RiskScope): Promise<boolean> {
  if (scope.kind === "desk") return true;
  const w = await treasuryStub(env).lookup(scope.id);
  return w !== null && w.kind === scope.kind;
}

/** Sends a risk order through the agent's normal order path (origin "risk": reduce-only); an unreachable agent is a refusal. */
export async function placeRiskOrder(env: Env, o: RiskOrder): Promise<RiskOrderResult> {
  const out = await agentStub(env, o.agent)
    .placeOrder(o.venue, { clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, type: "market", quantity: o.quantity, price: null, timeInForce: "ioc" }, { origin: "risk" })
    .catch((err: unknown) => ({ ok: false as const, code: "unavailable" as const, message: err instanceof Error ? err.message : String(err) }));
  return out.ok ? { ok: true } : { ok: false, code: out.code, message: out.message };
}

/** The agent's book as it stands, or null when it cannot be read. */
export function riskViewOf(env: Env, agent: string): Promise<AgentRiskView | null> {
  return agentStub(env, agent)
    .riskView()
    .catch(() => null);
}
