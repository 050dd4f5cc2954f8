// Matching throughput: orders per second through core/matching (pure code, no runtime needed).
// A mix of market, gtc limit, ioc and post-only orders against 20-level books from the synthetic
// market, a new book every ORDERS_PER_BOOK orders (resting orders matched against each new book,
// the oldest cancelled beyond MAX_RESTING). Median of RUNS timed runs after a warm-up.
//
//   esbuild bench/matching-core.ts --bundle --platform=node --format=esm \
//     --outfile=node_modules/.cache/cival-bench/matching-core.mjs --log-level=warning \
//     && node node_modules/.cache/cival-bench/matching-core.mjs
import type { OrderBook, OrderRequest, VenueSpec } from "../core/market.js";
import { bookFor } from "../core/market-book.js";
import { createMarket, stepMarket, symbolSpecs, venueMid } from "../core/market-sim.js";
import { type RestingBook, cancelOrder, emptyRestingBook, matchResting, matchingSpec, submitOrder } from "../core/matching.js";
import { nextUniform, seedRng } from "../core/rng.js";

const SYMBOL = "BTC-USD";
const VENUE_ID = "paper-binance";
const ORDERS_PER_RUN = 50_000;
const ORDERS_PER_BOOK = 10;
const RUNS = 7;
const MAX_RESTING = 200;
const MIX = { market: 0.4, gtc: 0.3, ioc: 0.2, postOnly: 0.1 } as const;

interface Workload {
  readonly books: OrderBook[];
  readonly orders: OrderRequest[];
}

/** Books and orders are built before timing: only matching is measured. */
function workload(seed: number): Workload {
  let market = createMarket({}, seed);
  const spec = symbolSpecs(market.params).find((s) => s.symbol === SYMBOL);
  if (!spec) throw new Error(SYMBOL);
  const rng = seedRng(`bench:${seed}`);
  const books: OrderBook[] = [];
  const orders: OrderRequest[] = [];
  const bookCount = Math.ceil(ORDERS_PER_RUN / ORDERS_PER_BOOK);
  for (let b = 0; b < bookCount; b++) {
    market = stepMarket(market, 1_000);
    books.push(bookFor(market, VENUE_ID, SYMBOL, spec, market.timeMs));
    const mid = venueMid(market, VENUE_ID, SYMBOL);
    for (let k = 0; k < ORDERS_PER_BOOK; k++) {
      const u = nextUniform(rng);
      const side = nextUniform(rng) < 0.5 ? "buy" : "sell";
      const sign = side === "buy" ? 1 : -1;
      // 0.001 to ~2 BTC, log-uniform: most orders touch one level, some walk several.
      const quantity = (0.001 * Math.exp(nextUniform(rng) * Math.log(2_000))).toFixed(5);
      const clientOrderId = `o${b}-${k}`;
      // Limit prices from 8 bp through the book to 12 bp away from it.
      const price = (mid * (1 + (sign * (nextUniform(rng) * 20 - 12)) / 10_000)).toFixed(2);
      if (u < MIX.market) orders.push({ clientOrderId, symbol: SYMBOL, side, type: "market", quantity, price: null, timeInForce: "ioc" });
      else if (u < MIX.market + MIX.gtc) orders.push({ clientOrderId, symbol: SYMBOL, side, type: "limit", quantity, price, timeInForce: "gtc" });
      else if (u < MIX.market + MIX.gtc + MIX.ioc) orders.push({ clientOrderId, symbol: SYMBOL, side, type: "limit", quantity, price, timeInForce: "ioc" });
      else orders.push({ clientOrderId, symbol: SYMBOL, side, type: "limit", quantity, price, timeInForce: "post_only" });
    }
  }
  return { books, orders };
}

/** Process CPU time in ms where the runtime offers it (Node), so a busy machine skews the figure less. */
function cpuMs(): number | null {
  const proc = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  const usage = proc?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1_000 : null;
}

interface RunResult {
  readonly ms: number;
  readonly cpuMs: number | null;
  readonly fills: number;
  readonly rejected: number;
  readonly restingFills: number;
  readonly cancels: number;
}

function run(w: Workload, venue: VenueSpec): RunResult {
  const spec = matchingSpec(venue, SYMBOL);
  // Fresh level arrays per run, so the per-snapshot parse cache starts cold as it would live.
  const books = w.books.map((b) => ({ ...b, bids: b.bids.slice(), asks: b.asks.slice() }));
  let resting: RestingBook = emptyRestingBook(SYMBOL);
  let fills = 0;
  let rejected = 0;
  let restingFills = 0;
  let cancels = 0;
  const started = performance.now();
  const cpuStarted = cpuMs();
  for (let i = 0; i < w.orders.length; i++) {
    const book = books[Math.floor(i / ORDERS_PER_BOOK)];
    const order = w.orders[i];
    if (!book || !order) throw new Error("workload");
    if (i % ORDERS_PER_BOOK === 0) {
      const m = matchResting(resting, book, spec);
      resting = m.resting;
      restingFills += m.fills.length;
      while (resting.bids.length + resting.asks.length > MAX_RESTING) {
        const oldest = [...resting.bids, ...resting.asks].reduce((a, b) => (b.seq < a.seq ? b : a));
        const c = cancelOrder(resting, oldest.clientOrderId, book.timeMs, spec);
        if (c.ok) resting = c.resting;
        cancels++;
      }
    }
    const r = submitOrder(resting, order, book, book.timeMs - venue.latencyMs, spec);
    if (r.ok) {
      resting = r.resting;
      fills += r.fills.length;
    } else {
      rejected++;
    }
  }
  const ms = performance.now() - started;
  const cpuEnded = cpuMs();
  return { ms, cpuMs: cpuStarted === null || cpuEnded === null ? null : cpuEnded - cpuStarted, fills, rejected, restingFills, cancels };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function main(): void {
  const w = workload(1);
  const market = createMarket({}, 1);
  const venue: VenueSpec = {
    id: VENUE_ID,
    exchange: "binance",
    paper: true,
    makerFeeRate: "0.0002",
    takerFeeRate: "0.001",
    latencyMs: 25,
    symbols: symbolSpecs(market.params),
  };
  run(w, venue); // warm-up: JIT and caches
  const results = Array.from({ length: RUNS }, () => run(w, venue));
  const rates = results.map((r) => (w.orders.length / r.ms) * 1_000);
  const first = results[0];
  if (!first) throw new Error("no runs");
  const n = w.orders.length;
  console.log(`core/matching: ${n} orders per run (market ${MIX.market * 100}%, gtc ${MIX.gtc * 100}%, ioc ${MIX.ioc * 100}%, post-only ${MIX.postOnly * 100}%),`);
  console.log(`  20-level ${SYMBOL} books from the synthetic market, a new book every ${ORDERS_PER_BOOK} orders, up to ${MAX_RESTING} resting`);
  console.log(`  per run: ${first.fills} taker fills, ${first.restingFills} resting fills, ${first.rejected} rejected, ${first.cancels} cancels`);
  console.log(`  runs (orders/s): ${rates.map((r) => Math.round(r).toLocaleString("en-US")).join(", ")}`);
  const m = median(rates);
  console.log(`  median: ${Math.round(m).toLocaleString("en-US")} orders/s (${(1e6 / m).toFixed(2)} µs per order, wall clock), ${RUNS} runs`);
  const cpu = results.map((r) => r.cpuMs);
  if (cpu.every((x): x is number => x !== null && x > 0)) {
    const c = median(cpu.map((x) => (n / x) * 1_000));
    console.log(`  median: ${Math.round(c).toLocaleString("en-US")} orders per CPU second (${(1e6 / c).toFixed(2)} µs of CPU per order, includes GC)`);
  }
}

main();
