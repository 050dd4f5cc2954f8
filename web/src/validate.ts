import type { z } from "zod";
import { assetAmountSchema } from "../../core/schemas.ts";

/** What the operator typed, as the API wants it: thousands separators and spaces removed. */
export function normalizeAmount(input: string): string {
  return input.replace(/[,\s_]/g, "");
}

/** The first issue's message, or null when the value passes. */
export function issue(result: z.ZodSafeParseResult<unknown>): string | null {
  return result.success ? null : (result.error.issues[0]?.message ?? "invalid value");
}

/** Checks an amount of `asset` with the same schemas the API uses: a plain positive decimal, within the asset's scale. */
export function amountError(input: string, asset: string): string | null {
  const value = normalizeAmount(input);
  if (value === "") return "amount is required";
  return issue(assetAmountSchema(asset).safeParse(value));
}
