import {
  VAR_CONFIDENCES,
  VAR_HORIZONS,
  VAR_METHODS,
  type VarConfidence,
  type VarFigure,
  type VarHorizon,
  type VarMethod,
} from "../../../../core/risk/types.ts";
import { confidenceLabel, methodLabel } from "./risk-format.ts";

/** One column group of the VaR table: a horizon at a confidence, holding VaR and ES. */
export interface VarColumn {
  readonly key: string;
  readonly horizon: VarHorizon;
  readonly confidence: VarConfidence;
  readonly label: string;
}

/** Horizons outermost (1h, then 1d), confidences within (95%, then 99%). */
export const VAR_COLUMNS: readonly VarColumn[] = VAR_HORIZONS.flatMap((horizon) =>
  VAR_CONFIDENCES.map((confidence) => ({
    key: `${horizon}-${confidence}`,
    horizon,
    confidence,
    label: `${horizon} · ${confidenceLabel(confidence)}`,
  })),
);

export interface VarCell {
  readonly column: VarColumn;
  /** Null when the report has no figure for this method, horizon and confidence. */
  readonly figure: VarFigure | null;
  /** The figure the desk's VaR limit is set against (parametric, 1d, 99%). */
  readonly isLimit: boolean;
}

export interface VarRow {
  readonly method: VarMethod;
  readonly label: string;
  readonly cells: readonly VarCell[];
}

/** The figure `maxVar` is measured on. */
export function isLimitFigure(method: VarMethod, horizon: VarHorizon, confidence: VarConfidence): boolean {
  return method === "parametric" && horizon === "1d" && confidence === 0.99;
}

/**
 * The report's VaR figures as a table: one row per method (historical, parametric, Monte Carlo,
 * then any other the report names), one cell per horizon × confidence. A repeated figure: the
 * last wins.
 */
export function varTable(figures: readonly VarFigure[]): VarRow[] {
  const byKey = new Map<string, VarFigure>();
  const methods: VarMethod[] = [...VAR_METHODS];
  for (const f of figures) {
    byKey.set(`${f.method}|${f.horizon}-${f.confidence}`, f);
    if (!methods.includes(f.method)) methods.push(f.method);
  }
  return methods.map((method) => ({
    method,
    label: methodLabel(method),
    cells: VAR_COLUMNS.map((column) => ({
      column,
      figure: byKey.get(`${method}|${column.key}`) ?? null,
      isLimit: isLimitFigure(method, column.horizon, column.confidence),
    })),
  }));
}
