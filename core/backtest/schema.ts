/**
 * What a backtest may be asked, validated: bounds keep a request inside what one Worker call can
 * run (the API adds its own limits on bars and body size).
 */
import { z } from "zod";
import { PAPER_VENUES } from "../paper-venues.js";
import { strategySchema } from "../schemas.js";
import { DEFAULT_FILL_MODEL } from "../paper-venue/candles.js";
import { MAX_GRID_POINTS } from "./walk-forward.js";

const venueIds = PAPER_VENUES.map((v) => v.id) as [string, ...string[]];
const venueIdSchema = z.enum(venueIds, { error: `a paper venue: ${venueIds.join(", ")}` });

export const fillModelSchema = z.strictObject({
  halfSpreadBp: z.number().min(0).max(500).default(DEFAULT_FILL_MODEL.halfSpreadBp).describe("half the quoted spread around a bar's price, bp"),
  depthShare: z.number().gt(0).max(1).default(DEFAULT_FILL_MODEL.depthShare).describe("share of a bar's volume the books offer"),
  levels: z.number().int().min(1).max(50).default(DEFAULT_FILL_MODEL.levels).describe("book levels a side"),
  levelStepBp: z.number().min(0).max(500).default(DEFAULT_FILL_MODEL.levelStepBp).describe("distance between levels, bp"),
});

const cashSchema = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, "initialCash is a positive USD amount with at most 2 decimals, below 10^12")
  .refine((s) => Number(s) > 0, "initialCash must be above 0");

/** A backtest's configuration; every field but the strategy has a default. */
export const backtestConfigSchema = z.strictObject({
  strategy: strategySchema,
  params: z.record(z.string(), z.unknown()).default({}),
  venueId: venueIdSchema.default("paper-binance"),
  venues: z.array(venueIdSchema).min(1).max(2).optional(),
  initialCash: cashSchema.default("10000"),
  maxExposure: z.number().gt(0).max(1).default(1),
  fillModel: fillModelSchema.default(DEFAULT_FILL_MODEL),
});

/** What POST /api/backtests takes besides its candles. */
export const backtestRequestSchema = backtestConfigSchema;

const gridValue = z.union([z.number(), z.string().max(40), z.boolean()]);

/** A walk-forward: the grid (at most MAX_GRID_POINTS points), the window lengths and the objective. */
export const walkForwardSchema = z
  .strictObject({
    grid: z.record(z.string().max(40), z.array(gridValue).min(1).max(MAX_GRID_POINTS)),
    inSampleBars: z.number().int().min(10).max(1_000_000),
    outOfSampleBars: z.number().int().min(5).max(1_000_000),
    objective: z.enum(["sharpe", "totalReturn"]).default("sharpe"),
  })
  .refine((w) => Object.values(w.grid).reduce((n, v) => n * v.length, 1) <= MAX_GRID_POINTS, { message: `the grid has at most ${MAX_GRID_POINTS} points (the product of its value counts)`, path: ["grid"] });
