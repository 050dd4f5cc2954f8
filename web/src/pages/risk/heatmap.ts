import { formatCorrelation } from "./risk-format.ts";

/**
 * The correlation heatmap's colour scale: diverging around zero, blue for negative, red for
 * positive, the panel's own dark grey at zero so weak correlations fade into the page.
 */

type Rgb = readonly [number, number, number];

/** Zero: the page's hover grey. */
export const NEUTRAL: Rgb = [26, 32, 43];
/** −1: the page's accent blue. */
export const NEGATIVE: Rgb = [62, 166, 255];
/** +1: the page's "bad" red. */
export const POSITIVE: Rgb = [240, 93, 94];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)];
}

export interface CellColour {
  readonly background: string;
  /** Light text on strong colours, the page's text colour otherwise. */
  readonly text: string;
}

/** The colour of a correlation in [−1, 1] (clamped); not a number → neutral. */
export function correlationColour(value: number): CellColour {
  if (!Number.isFinite(value)) return { background: `rgb(${NEUTRAL.join(", ")})`, text: "#5a6476" };
  const v = Math.max(-1, Math.min(1, value));
  const rgb = mix(NEUTRAL, v < 0 ? NEGATIVE : POSITIVE, Math.abs(v));
  return { background: `rgb(${rgb.join(", ")})`, text: Math.abs(v) >= 0.6 ? "#ffffff" : "#d7dde6" };
}

export interface HeatmapCell {
  readonly row: string;
  readonly col: string;
  readonly value: number;
  readonly text: string;
  /** What a screen reader says: "BTC and ETH: correlation 0.83". */
  readonly label: string;
  readonly colour: CellColour;
  readonly diagonal: boolean;
}

export interface HeatmapRow {
  readonly asset: string;
  readonly cells: readonly HeatmapCell[];
}

/** The matrix (row-major, assets × assets) as rows of cells; a missing value shows as "—". */
export function heatmapRows(assets: readonly string[], matrix: readonly number[]): HeatmapRow[] {
  const n = assets.length;
  return assets.map((row, i) => ({
    asset: row,
    cells: assets.map((col, j) => {
      const raw = matrix[i * n + j];
      const value = typeof raw === "number" ? raw : Number.NaN;
      const text = formatCorrelation(value);
      return {
        row,
        col,
        value,
        text,
        label: i === j ? `${row} with itself: correlation ${text}` : `${row} and ${col}: correlation ${text}`,
        colour: correlationColour(value),
        diagonal: i === j,
      };
    }),
  }));
}

/** The legend's stops, −1 to +1. */
export function legendStops(steps = 9): { value: number; colour: string }[] {
  const out: { value: number; colour: string }[] = [];
  for (let k = 0; k < steps; k++) {
    const value = -1 + (2 * k) / (steps - 1);
    out.push({ value, colour: correlationColour(value).background });
  }
  return out;
}
