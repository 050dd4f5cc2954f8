import { createSignal } from "solid-js";
import { ApiError, newIdempotencyKey } from "./api.ts";

/** Turns anything thrown into an ApiError the UI can show. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(0, "client_error", message);
}

/**
 * A mutating command bound to a form: tracks busy and error, and keeps the idempotency key
 * of an attempt that failed transiently, so resubmitting the same body repeats that command
 * instead of issuing a second one.
 */
export function createCommand<B, R>(run: (body: B, idempotencyKey: string) => Promise<R>) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<ApiError | null>(null);
  let unsettled: { body: string; key: string } | null = null;

  async function submit(body: B): Promise<R | undefined> {
    const json = JSON.stringify(body);
    const key = unsettled?.body === json ? unsettled.key : newIdempotencyKey();
    unsettled = { body: json, key };
    setBusy(true);
    setError(null);
    try {
      const result = await run(body, key);
      unsettled = null;
      return result;
    } catch (thrown) {
      const apiError = asApiError(thrown);
      if (!apiError.transient) unsettled = null;
      setError(apiError);
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  return { submit, busy, error, setError, clearError: () => setError(null) };
}
