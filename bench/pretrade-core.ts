// Pre-trade check throughput: preTrade calls per second through core/risk/pretrade (pure code, no
// runtime needed), on a desk of 50 agents in 5 farms holding 3 symbols at 4 venues, with marks,
// depth, VaR sensitivities, P&L and halts loaded as the monitor would keep them. Two paths: orders
// that are approved, and oversized orders that are resized (the binding rule found, the quantity
// floored to the lot and the reason written). Median of RUNS timed runs after a warm-up, plus
// per-call p50/p99 from one separately timed run. Results on stdout and bench/results/pretrade.json.
//
//   esbuild bench/pretrade-core.ts --bundle --platform=node --format=esm \
//     --outfile=node_modules/.cache/cival-bench/pretrade-core.mjs --log-level=warning \
//     && node node_modules/.cache/cival-bench/pretrade-core.mjs
import { DEFAULT_LIMITS } from "../core/risk/limits.js";
import { PreTradeState, preTrade } from "../core/risk/pretrade.js";
import type { Halt, LimitsConfig, PreTradeOrder, RiskPosition, RiskQuote } from "../core/risk/types.js";
import { nextUniform, seedRng } from "../core/rng.js";

const AGENTS = 50;
const FARMS = 5;
const VENUES = ["paper-binance", "paper-coinbase", "paper-kraken", "paper-hyperliquid"] as const;
const SYMBOLS = [
  { symbol: "BTC-USD", asset: "BTC", mid: 60_000, lot: "0.00001", depth: 25, marginal: 0.085 },
  { symbol: "ETH-USD", asset: "ETH", mid: 3_000, lot: "0.0001", depth: 400, marginal: 0.095 },
  { symbol: "SOL-USD", asset: "SOL", mid: 150, lot: "0.01", depth: 6_000, marginal: 0.12 },
] as const;
const CALLS_PER_RUN = 20_000;
const RUNS = 7;
/** Each call advances the clock: 50 agents at one order per second each, under the 120 a minute limit. */
const STEP_MS = 20;
const START_MS = 1_800_000_000_000;

const agentId = (i: number) => `agent:bench-${i}`;
const farmId = (i: number) => `farm:family-${i % FARMS}`;

/** A desk as the monitor would hold it: every agent long or short in two or three venue-symbol pairs. */
function buildState(): PreTradeState {
  const config: LimitsConfig = {
    ...DEFAULT_LIMITS,
    farms: { "farm:family-0": { maxGrossExposure: "150000" }, "farm:family-3": { maxVar: "15000" } },
    agents: { "agent:bench-7": { maxOrderNotional: "10000" }, "agent:bench-12": { maxOrdersPerMinute: 600 } },
  };
  const state = new PreTradeState(config);
  const rng = seedRng("bench:pretrade");
  const positions: RiskPosition[] = [];
  for (let a = 0; a < AGENTS; a++) {
    const pairs = 2 + (a % 2);
    for (let k = 0; k < pairs; k++) {
      const s = SYMBOLS[(a + k) % SYMBOLS.length] ?? SYMBOLS[0];
      const venue = VENUES[(a * 3 + k) % VENUES.length] ?? VENUES[0];
      const notional = 500 + nextUniform(rng) * 1_500;
      const sign = nextUniform(rng) < 0.75 ? 1 : -1;
      positions.push({
        agent: agentId(a),
        farm: farmId(a),
        venue,
        symbol: s.symbol,
        asset: s.asset,
        quantity: ((sign * notional) / s.mid).toFixed(5),
        price: String(s.mid),
        entryPrice: String(s.mid * 0.98),
      });
    }
  }
  state.setMarks(Object.fromEntries(SYMBOLS.map((s) => [s.symbol, String(s.mid)])));
  state.setPositions(positions);
  const quotes: RiskQuote[] = [];
  for (const venue of VENUES) {
    for (const s of SYMBOLS) {
      quotes.push({
        venue,
        symbol: s.symbol,
        bid: (s.mid * 0.9999).toFixed(2),
        ask: (s.mid * 1.0001).toFixed(2),
        depthBid1Pct: String(s.depth),
        depthAsk1Pct: String(s.depth),
        dailyVolume: String(s.depth * 200),
        timeMs: START_MS,
      });
    }
  }
  state.setDepth(quotes);
  const marginal = Object.fromEntries(SYMBOLS.map((s) => [s.asset, s.marginal]));
  state.setRiskSensitivities([
    { scope: { kind: "desk" }, var: "14250.50", marginal },
    ...Array.from({ length: FARMS }, (_, f) => ({ scope: { kind: "farm" as const, id: `farm:family-${f}` }, var: "2800", marginal })),
  ]);
  state.setPnl([
    { scope: { kind: "desk" }, dailyPnl: "-1820.40", drawdown: 0.031 },
    ...Array.from({ length: FARMS }, (_, f) => ({ scope: { kind: "farm" as const, id: `farm:family-${f}` }, dailyPnl: "-350", drawdown: 0.02 })),
    ...Array.from({ length: AGENTS }, (_, a) => ({ scope: { kind: "agent" as const, id: agentId(a) }, dailyPnl: "120.5", drawdown: 0.01 })),
  ]);
  // Halts on agents the workload never uses: preTrade still has to look past them.
  const halts: Halt[] = [
    { scope: { kind: "agent", id: "agent:retired-1" }, rule: "venue_errors", reason: "Venue errors.", by: "monitor", atMs: START_MS, resumeAtMs: null },
    { scope: { kind: "agent", id: "agent:retired-2" }, rule: "kill_switch", reason: "Operator.", by: "admin", atMs: START_MS, resumeAtMs: null },
  ];
  state.setHalts(halts);
  return state;
}

/** Orders built before timing. Approve: 300 to 3,000 USD. Resize: 40,000 to 60,000 USD, above the 25,000 order limit. */
function buildOrders(path: "approve" | "resize"): PreTradeOrder[] {
  const rng = seedRng(`bench:pretrade:${path}`);
  const orders: PreTradeOrder[] = [];
  for (let i = 0; i < CALLS_PER_RUN; i++) {
    const a = i % AGENTS;
    const s = SYMBOLS[Math.floor(nextUniform(rng) * SYMBOLS.length)] ?? SYMBOLS[0];
    const venue = VENUES[Math.floor(nextUniform(rng) * VENUES.length)] ?? VENUES[0];
    const notional = path === "approve" ? 300 + nextUniform(rng) * 2_700 : 40_000 + nextUniform(rng) * 20_000;
    const limit = nextUniform(rng) < 0.5;
    const side = nextUniform(rng) < 0.5 ? "buy" : "sell";
    orders.push({
      agent: agentId(a),
      farm: farmId(a),
      venue,
      symbol: s.symbol,
      side,
      quantity: (notional / s.mid).toFixed(4),
      price: limit ? (s.mid * (side === "buy" ? 0.999 : 1.001)).toFixed(2) : null,
      reduceOnly: false,
      lotSize: s.lot,
      minNotional: "10",
    });
  }
  return orders;
}

interface RunResult {
  readonly ms: number;
  readonly decisions: Record<string, number>;
}

/** One timed run on a fresh state (so the rate windows start empty, as after a monitor restart). */
function run(orders: readonly PreTradeOrder[]): RunResult {
  const state = buildState();
  const decisions: Record<string, number> = {};
  let now = START_MS;
  const started = performance.now();
  for (const order of orders) {
    const d = preTrade(state, order, now);
    const key = d.decision === "approve" ? "approve" : `${d.decision} (${d.rule})`;
    decisions[key] = (decisions[key] ?? 0) + 1;
    now += STEP_MS;
  }
  return { ms: performance.now() - started, decisions };
}

/** Each call timed on its own: what one order waits for. */
function latencies(orders: readonly PreTradeOrder[]): number[] {
  const state = buildState();
  const out: number[] = [];
  let now = START_MS;
  for (const order of orders) {
    const t = performance.now();
    preTrade(state, order, now);
    out.push((performance.now() - t) * 1_000);
    now += STEP_MS;
  }
  return out.sort((x, y) => x - y);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

interface PathResult {
  readonly path: "approve" | "resize";
  readonly calls: number;
  readonly decisions: Record<string, number>;
  readonly callsPerSecond: number;
  readonly usPerCall: number;
  readonly usPerCallP50: number;
  readonly usPerCallP99: number;
  readonly runsCallsPerSecond: number[];
}

function measure(path: "approve" | "resize"): PathResult {
  const orders = buildOrders(path);
  run(orders); // warm-up: JIT and caches
  const results = Array.from({ length: RUNS }, () => run(orders));
  const rates = results.map((r) => (orders.length / r.ms) * 1_000);
  const lat = latencies(orders);
  const m = median(rates);
  return {
    path,
    calls: orders.length,
    decisions: results[0]?.decisions ?? {},
    callsPerSecond: Math.round(m),
    usPerCall: Number((1e6 / m).toFixed(2)),
    usPerCallP50: Number(quantile(lat, 0.5).toFixed(2)),
    usPerCallP99: Number(quantile(lat, 0.99).toFixed(2)),
    runsCallsPerSecond: rates.map((r) => Math.round(r)),
  };
}

function writeResults(results: readonly PathResult[]): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.("node:fs") as { mkdirSync(p: string, o: { recursive: boolean }): void; writeFileSync(p: string, data: string): void } | undefined;
  if (!fs) return;
  const body = {
    benchmark: "pretrade",
    when: new Date().toISOString(),
    setup: `${AGENTS} agents in ${FARMS} farms, ${SYMBOLS.length} symbols × ${VENUES.length} venues, default limits with farm and agent overrides, VaR sensitivities, P&L and 2 halts loaded; ${CALLS_PER_RUN} calls per run, median of ${RUNS} runs after a warm-up`,
    results,
  };
  fs.mkdirSync("bench/results", { recursive: true });
  fs.writeFileSync("bench/results/pretrade.json", `${JSON.stringify(body, null, 2)}\n`);
}

function main(): void {
  const results = [measure("approve"), measure("resize")];
  console.log(`core/risk/pretrade: ${AGENTS} agents, ${FARMS} farms, ${SYMBOLS.length} symbols × ${VENUES.length} venues, ${CALLS_PER_RUN} calls per run`);
  for (const r of results) {
    const mix = Object.entries(r.decisions).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`  ${r.path}: ${r.callsPerSecond.toLocaleString("en-US")} calls/s, ${r.usPerCall} µs per call (median of ${RUNS} runs); per call p50 ${r.usPerCallP50} µs, p99 ${r.usPerCallP99} µs; decisions: ${mix}`);
  }
  writeResults(results);
  console.log("  written: bench/results/pretrade.json");
}

main();
