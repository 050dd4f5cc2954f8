import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CASH } from "../../core/ledger.js";
import type { SymbolSpec } from "../../core/market.js";
import { Decimal, ZERO, dec, str } from "../../core/money.js";
import { RESERVED, fillEntry } from "../../core/orders.js";
import { feeFor } from "../../core/paper-venue/rules.js";
import { attribute, combine, slippageOf } from "../../core/trades/attribution.js";
import { FILL_COLUMNS, TRADE_COLUMNS, csvField, fillsCsv, tradesCsv } from "../../core/trades/csv.js";
import { tradesOf } from "../../core/trades/trades.js";
import type { ClosedTrade, TradeFill } from "../../core/trades/types.js";

const T0 = 1_796_000_000_000;
const MIN = 60_000;

let seq = 0;
/** A fill with quote fees on paper-binance BTC-USD unless told otherwise. */
function fill(side: "buy" | "sell", quantity: string, price: string, over: Partial<TradeFill> = {}): TradeFill {
  seq++;
  return { fillId: `f${seq}`, clientOrderId: `o${seq}`, venue: "paper-binance", symbol: "BTC-USD", side, price, quantity, fee: "0", feeAsset: "USD", liquidity: "taker", timeMs: T0 + seq * MIN, ...over };
}

const noMarks = () => null;
const sum = (xs: readonly string[]): Decimal => xs.reduce((s, x) => s.plus(dec(x)), ZERO);

describe("tradesOf: FIFO", () => {
  it("when a sell closes one lot and part of the next then each portion is a closed trade and the rest stays open", () => {
    const a = fill("buy", "1", "100");
    const b = fill("buy", "2", "110");
    const s = fill("sell", "1.5", "120");
    const { open, closed } = tradesOf([a, b, s], () => "115", s.timeMs + MIN);
    expect(closed.map((t) => [t.quantity, t.entryPrice, t.exitPrice, t.realizedPnl, t.entryTimeMs])).toEqual([
      ["1", "100", "120", "20", a.timeMs],
      ["0.5", "110", "120", "5", b.timeMs],
    ]);
    expect(open).toHaveLength(1);
    expect(open[0]?.quantity).toBe("1.5");
    expect(open[0]?.entryPrice).toBe("110");
    expect(open[0]?.unrealizedPnl).toBe("7.5");
    expect(open[0]?.entryTimeMs).toBe(b.timeMs);
    expect(open[0]?.durationMs).toBe(2 * MIN);
  });

  it("when partial closes come one after another then lots close oldest first and the open entry price is the remaining lots' average", () => {
    const fills = [fill("buy", "1", "100"), fill("buy", "1", "200"), fill("sell", "0.25", "150"), fill("sell", "0.25", "150"), fill("sell", "1", "150")];
    const { open, closed } = tradesOf(fills, noMarks, T0);
    expect(closed.map((t) => `${t.quantity}@${t.entryPrice}`)).toEqual(["0.25@100", "0.25@100", "0.5@100", "0.5@200"]);
    expect(open[0]?.quantity).toBe("0.5");
    expect(open[0]?.entryPrice).toBe("200");
    expect(open[0]?.unrealizedPnl).toBeNull();
    expect(open[0]?.unrealizedPct).toBeNull();
  });

  it("when fills come out of time order then they are matched in time order", () => {
    const buy = fill("buy", "1", "100");
    const sell = fill("sell", "1", "90");
    const { open, closed } = tradesOf([sell, buy], noMarks, T0);
    expect(open).toEqual([]);
    expect(closed[0]?.realizedPnl).toBe("-10");
  });

  it("when venues and symbols differ then each has its own lots", () => {
    const fills = [fill("buy", "1", "100"), fill("buy", "1", "50", { venue: "paper-kraken" }), fill("buy", "3", "10", { symbol: "ETH-USD" }), fill("sell", "1", "60", { venue: "paper-kraken" })];
    const marks = (venue: string, symbol: string) => (symbol === "ETH-USD" ? "12" : venue === "paper-binance" ? "101" : null);
    const { open, closed } = tradesOf(fills, marks, T0);
    expect(closed.map((t) => [t.venue, t.realizedPnl])).toEqual([["paper-kraken", "10"]]);
    expect(open.map((t) => [t.venue, t.symbol, t.quantity, t.unrealizedPnl])).toEqual([
      ["paper-binance", "BTC-USD", "1", "1"],
      ["paper-binance", "ETH-USD", "3", "6"],
    ]);
  });

  it("when the first lot closes but the position stays open then the open trade keeps its id; when flat then a new buy opens a new id", () => {
    const a = fill("buy", "1", "100");
    const b = fill("buy", "1", "100");
    const before = tradesOf([a, b], noMarks, T0).open[0]?.id;
    const s = fill("sell", "1", "100");
    const after = tradesOf([a, b, s], noMarks, T0).open[0]?.id;
    expect(before).toBe(`paper-binance:BTC-USD:${a.fillId}`);
    expect(after).toBe(before);
    const s2 = fill("sell", "1", "100");
    const c = fill("buy", "1", "100");
    expect(tradesOf([a, b, s, s2, c], noMarks, T0).open[0]?.id).toBe(`paper-binance:BTC-USD:${c.fillId}`);
  });

  it("when a sell is larger than the lots then it closes what there is and the rest makes no trade", () => {
    const { open, closed } = tradesOf([fill("buy", "1", "100"), fill("sell", "3", "110", { fee: "0.33" })], noMarks, T0);
    expect(open).toEqual([]);
    expect(closed.map((t) => [t.quantity, t.fees, t.realizedPnl])).toEqual([["1", "0.11", "9.89"]]);
  });

  it("when a stop is given then the open trade carries it", () => {
    const { open } = tradesOf([fill("buy", "1", "100")], () => "90", T0, (v, s) => (v === "paper-binance" && s === "BTC-USD" ? "95" : null));
    expect(open[0]?.stop).toBe("95");
    expect(open[0]?.unrealizedPct).toBeCloseTo(-10, 12);
  });
});

describe("tradesOf: fees", () => {
  it("when fees are in the quote then each side's fee is charged to the trade and the open lot keeps its share", () => {
    const fills = [fill("buy", "2", "100", { fee: "0.2" }), fill("sell", "1", "110", { fee: "0.11" })];
    const { open, closed } = tradesOf(fills, () => "105", T0);
    expect(closed[0]?.fees).toBe("0.21");
    expect(closed[0]?.realizedPnl).toBe("9.79");
    expect(closed[0]?.realizedPct).toBeCloseTo((9.79 / 100.1) * 100, 10);
    expect(open[0]?.fees).toBe("0.1");
    expect(open[0]?.unrealizedPnl).toBe("4.9");
  });

  it("when a buy's fee is in the base then the lot holds less and the fee counts at the fill price", () => {
    const fills = [fill("buy", "1", "100", { fee: "0.001", feeAsset: "BTC" }), fill("sell", "0.999", "110", { fee: "0.10989" })];
    const { open, closed } = tradesOf(fills, noMarks, T0);
    expect(open).toEqual([]);
    expect(closed[0]?.quantity).toBe("0.999");
    expect(closed[0]?.fees).toBe("0.20989");
    // Paid 100 USD for 0.999 BTC, got 109.89 − 0.10989 back.
    expect(closed[0]?.realizedPnl).toBe(str(dec("109.89").minus("0.10989").minus("100")));
  });

  it("when one sell closes several lots then its fee is shared by quantity, no share is negative and the shares add up to it", () => {
    const fee = "0.000000000000000002";
    const fills = [fill("buy", "0.6", "100"), fill("buy", "0.6", "100"), fill("buy", "0.6", "100"), fill("buy", "0.2", "100"), fill("sell", "2", "100", { fee })];
    const { closed } = tradesOf(fills, noMarks, T0);
    expect(closed).toHaveLength(4);
    expect(closed.every((t) => dec(t.fees).gte(0))).toBe(true);
    expect(str(sum(closed.map((t) => t.fees)))).toBe(fee);
  });

  it("when paper fills are booked by the ledger then a round trip's realized P&L is the ledger's cash change to the digit", () => {
    const spec: SymbolSpec = { symbol: "BTC-USD", base: "BTC", quote: "USD", tickSize: "0.01", lotSize: "0.00001", minNotional: "10" };
    const rate = dec("0.0026");
    const mk = (side: "buy" | "sell", q: string, p: string) => fill(side, q, p, { fee: str(feeFor(dec(p).times(q), rate)) });
    const fills = [mk("buy", "0.12345", "61234.57"), mk("buy", "0.00011", "61300.01"), mk("sell", "0.12356", "60999.99")];
    const cash = ledgerChange(spec, fills);
    expect(cash.base.isZero()).toBe(true);
    expect(str(sum(tradesOf(fills, noMarks, T0).closed.map((t) => t.realizedPnl)))).toBe(str(cash.quote));
  });
});

/** What the ledger's fill entries move in cash and reserved, per asset (reservations cancel out). */
function ledgerChange(spec: SymbolSpec, fills: readonly TradeFill[]): { quote: Decimal; base: Decimal } {
  let quote = ZERO;
  let base = ZERO;
  for (const f of fills) {
    for (const line of fillEntry(f.venue, spec, f).lines) {
      if (line.account !== CASH && line.account !== RESERVED) continue;
      if (line.asset === spec.quote) quote = quote.plus(dec(line.amount));
      else base = base.plus(dec(line.amount));
    }
  }
  return { quote, base };
}

describe("tradesOf: property", () => {
  // ~200 cases by default (CIVAL_PROPERTY_RUNS is 1000); raise the variable for more.
  const runs = Math.max(200, Math.floor(Number(env.CIVAL_PROPERTY_RUNS) / 5));
  const books = [
    { venue: "paper-binance", symbol: "BTC-USD", rate: "0.001" },
    { venue: "paper-kraken", symbol: "BTC-USD", rate: "0.0026" },
    { venue: "paper-binance", symbol: "ETH-USD", rate: "0.001" },
  ] as const;
  const step = fc.record({
    book: fc.integer({ min: 0, max: books.length - 1 }),
    sell: fc.boolean(),
    lots: fc.integer({ min: 1, max: 500_000 }),
    fraction: fc.integer({ min: 1, max: 100 }),
    ticks: fc.integer({ min: 1, max: 10_000_000 }),
    baseFee: fc.boolean(),
  });
  const marksArb = fc.tuple(...books.map(() => fc.integer({ min: 1, max: 10_000_000 })));

  it("when random buys and sells are traded then realized + unrealized P&L is the equity change from the fills at the marks", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), marksArb, (steps, markTicks) => {
        const held = books.map(() => ZERO);
        const fills: TradeFill[] = [];
        steps.forEach((s, i) => {
          const b = books[s.book];
          if (!b) return;
          const price = dec(String(s.ticks)).div(100);
          const base = b.symbol.split("-")[0] ?? "";
          const baseFee = s.baseFee;
          let qty = dec(String(s.lots)).div(100_000);
          // A sell with its fee in the base gives up qty + fee: keep both within what is held.
          if (s.sell) qty = (held[s.book] ?? ZERO).times(s.fraction).div(baseFee ? 102 : 100).toDecimalPlaces(5, Decimal.ROUND_DOWN);
          if (qty.lte(ZERO)) return;
          const fee = baseFee ? qty.times(b.rate).toDecimalPlaces(8, Decimal.ROUND_CEIL) : feeFor(price.times(qty), dec(b.rate));
          fills.push({ fillId: `p${i}`, clientOrderId: `c${i}`, venue: b.venue, symbol: b.symbol, side: s.sell ? "sell" : "buy", price: str(price), quantity: str(qty), fee: str(fee), feeAsset: baseFee ? base : "USD", liquidity: "taker", timeMs: T0 + i });
          held[s.book] = (held[s.book] ?? ZERO).plus(s.sell ? qty.neg() : qty).minus(baseFee ? fee : ZERO);
        });
        const markOf = (venue: string, symbol: string) => {
          const i = books.findIndex((b) => b.venue === venue && b.symbol === symbol);
          return str(dec(String(markTicks[i] ?? 1)).div(100));
        };
        const { open, closed } = tradesOf(fills, markOf, T0 + 1_000);
        const pnl = sum(closed.map((t) => t.realizedPnl)).plus(sum(open.map((t) => t.unrealizedPnl ?? "0")));
        expect(str(pnl)).toBe(str(equityChange(fills, markOf)));
        books.forEach((b, i) => {
          const q = open.find((t) => t.venue === b.venue && t.symbol === b.symbol)?.quantity ?? "0";
          expect(q).toBe(str(held[i] ?? ZERO));
        });
        expect([...closed, ...open].every((t) => dec(t.fees).gte(0))).toBe(true);
        const att = attribute("agent:p", fills, open, closed);
        expect(att.closedTrades).toBe(closed.length);
        expect(att.fees).toBe(str(sum([...closed.map((t) => t.fees), ...open.map((t) => t.fees)])));
      }),
      { numRuns: runs, seed: Number(env.CIVAL_PROPERTY_SEED), endOnFailure: true },
    );
  });
});

/** Cash change plus what is held at the marks, from the fills alone: a buy pays price × qty (+ a quote fee) and gets qty (− a base fee). */
function equityChange(fills: readonly TradeFill[], markOf: (venue: string, symbol: string) => string): Decimal {
  let cash = ZERO;
  const held = new Map<string, { venue: string; symbol: string; qty: Decimal }>();
  for (const f of fills) {
    const notional = dec(f.price).times(f.quantity);
    const inBase = f.feeAsset === f.symbol.split("-")[0];
    const quoteFee = inBase ? ZERO : dec(f.fee);
    const baseFee = inBase ? dec(f.fee) : ZERO;
    const key = `${f.venue}|${f.symbol}`;
    const h = held.get(key) ?? { venue: f.venue, symbol: f.symbol, qty: ZERO };
    if (f.side === "buy") {
      cash = cash.minus(notional).minus(quoteFee);
      h.qty = h.qty.plus(f.quantity).minus(baseFee);
    } else {
      cash = cash.plus(notional).minus(quoteFee);
      h.qty = h.qty.minus(f.quantity).minus(baseFee);
    }
    held.set(key, h);
  }
  for (const h of held.values()) cash = cash.plus(h.qty.times(markOf(h.venue, h.symbol)));
  return cash;
}

describe("attribution", () => {
  it("when fills have decision prices then slippage is a cost on both sides and manual fills add none", () => {
    expect(str(slippageOf(fill("buy", "2", "101", { decisionPrice: "100" })))).toBe("2");
    expect(str(slippageOf(fill("sell", "2", "99", { decisionPrice: "100" })))).toBe("2");
    expect(str(slippageOf(fill("sell", "2", "101", { decisionPrice: "100" })))).toBe("-2");
    expect(str(slippageOf(fill("buy", "2", "101", { decisionPrice: null })))).toBe("0");
    expect(str(slippageOf(fill("buy", "2", "101")))).toBe("0");
  });

  it("when trades win and lose then the hit rate is wins over closed trades, null before the first close", () => {
    const fills = [fill("buy", "1", "100", { fee: "0.1" }), fill("sell", "0.5", "120"), fill("sell", "0.5", "90")];
    const { open, closed } = tradesOf(fills, noMarks, T0);
    const a = attribute("agent:a", fills, open, closed);
    expect([a.closedTrades, a.wins, a.hitRate, a.fees]).toEqual([2, 1, 0.5, "0.1"]);
    expect(a.realizedPnl).toBe(str(sum(closed.map((t) => t.realizedPnl))));
    expect(attribute("agent:b", [], [], []).hitRate).toBeNull();
  });

  it("when attributions are combined then amounts and counts add up and the hit rate is recomputed", () => {
    const one = attribute("agent:a", ...withTrades([fill("buy", "1", "100", { decisionPrice: "99" }), fill("sell", "1", "110")], "105"));
    const two = attribute("agent:b", ...withTrades([fill("buy", "1", "100"), fill("sell", "0.5", "90", { fee: "0.2" })], "95"));
    const farm = combine("farm:f", [one, two]);
    expect(farm.scope).toBe("farm:f");
    expect(farm.realizedPnl).toBe(str(dec(one.realizedPnl).plus(two.realizedPnl)));
    expect(farm.unrealizedPnl).toBe(str(dec(one.unrealizedPnl).plus(two.unrealizedPnl)));
    expect(farm.slippage).toBe("1");
    expect([farm.closedTrades, farm.wins, farm.hitRate]).toEqual([2, 1, 0.5]);
    expect(combine("desk", []).hitRate).toBeNull();
  });
});

function withTrades(fills: TradeFill[], mark: string): [TradeFill[], ReturnType<typeof tradesOf>["open"], ClosedTrade[]] {
  const { open, closed } = tradesOf(fills, () => mark, T0);
  return [fills, open, closed];
}

/** An RFC 4180 reader, written apart from the writer so a round trip tests both. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ",") {
      row.push(field);
      field = "";
    } else if (!quoted && c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe("csv", () => {
  it("when fills hold commas, quotes and line breaks then the CSV parses back to the same fields", () => {
    const fills = [fill("buy", "0.5", "100.25", { clientOrderId: 'a,b "c"\nd', decisionPrice: "100" }), fill("sell", "0.5", "101", { venue: "x\r\ny", fee: "0.05" })];
    const rows = parseCsv(fillsCsv(fills));
    expect(rows[0]).toEqual([...FILL_COLUMNS]);
    expect(rows).toHaveLength(3);
    const f0 = fills[0];
    expect(rows[1]).toEqual([f0?.fillId, 'a,b "c"\nd', "paper-binance", "BTC-USD", "buy", "100.25", "0.5", "0", "USD", "taker", new Date(f0?.timeMs ?? 0).toISOString(), String(f0?.timeMs), "100"]);
    expect(rows[2]?.[2]).toBe("x\r\ny");
    expect(rows[2]?.[12]).toBe("");
  });

  it("when trades are written then open and closed rows parse back with ISO times beside ms and P&L as stored", () => {
    const fills = [fill("buy", "2", "100", { fee: "0.2" }), fill("sell", "1", "90", { fee: "0.09" })];
    const { open, closed } = tradesOf(fills, () => "95", T0 + 10 * MIN, () => "80");
    const rows = parseCsv(tradesCsv(open, closed));
    expect(rows[0]).toEqual([...TRADE_COLUMNS]);
    const col = (name: (typeof TRADE_COLUMNS)[number]) => TRADE_COLUMNS.indexOf(name);
    const [, o, c] = rows;
    expect(o?.[col("status")]).toBe("open");
    expect(o?.[col("pnl")]).toBe(open[0]?.unrealizedPnl);
    expect(o?.[col("stop")]).toBe("80");
    expect(o?.[col("exit_time")]).toBe("");
    expect(c?.[col("status")]).toBe("closed");
    expect(c?.[col("pnl")]).toBe(closed[0]?.realizedPnl);
    expect(c?.[col("pnl")]?.startsWith("-")).toBe(true);
    expect(Date.parse(c?.[col("exit_time")] ?? "")).toBe(Number(c?.[col("exit_time_ms")]));
    expect(rows.every((r) => r.length === TRADE_COLUMNS.length)).toBe(true);
  });

  it("when a text field starts with = + - @ then it gets a leading apostrophe, and a negative number does not", () => {
    for (const bad of ["=HYPERLINK(\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx"]) expect(csvField(bad).replace(/^"|"$/g, "").startsWith("'")).toBe(true);
    expect(csvField("-12.5")).toBe("-12.5");
    expect(csvField("12")).toBe("12");
    expect(csvField(null)).toBe("");
    const rows = parseCsv(fillsCsv([fill("buy", "1", "1", { clientOrderId: "=cmd|' /C calc'!A0" })]));
    expect(rows[1]?.[1]).toBe("'=cmd|' /C calc'!A0");
  });
});
