import { createSignal } from "solid-js";
import { ApiError, createClient } from "./api.ts";
import type { Me } from "./types.ts";

const TOKEN_KEY = "cival.token";

function readToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

const [token, setToken] = createSignal<string | null>(readToken());
const [me, setMe] = createSignal<Me | null>(null);

export { me, token };

/** The one API client; a 401 on any call signs the operator out. */
export const api = createClient({ token, onUnauthorized: () => signOut() });

/** Checks a pasted token against GET /api/me, then keeps it; throws the API's error if refused. */
export async function signIn(candidate: string): Promise<Me> {
  const value = candidate.trim().replace(/^Bearer\s+/i, "");
  const who = await api.me({ token: value });
  window.localStorage.setItem(TOKEN_KEY, value);
  setToken(value);
  setMe(who);
  return who;
}

/** Confirms a stored token on start-up; clears it when the API no longer accepts it. */
export async function restoreSession(): Promise<Me | null> {
  const stored = token();
  if (!stored) return null;
  try {
    const who = await api.me({ token: stored });
    setMe(who);
    return who;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) signOut();
    throw error;
  }
}

export function signOut(): void {
  window.localStorage.removeItem(TOKEN_KEY);
  setToken(null);
  setMe(null);
}
