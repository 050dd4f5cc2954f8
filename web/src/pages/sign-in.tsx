import { createSignal } from "solid-js";
import type { ApiError } from "../api.ts";
import { signIn } from "../auth.ts";
import { asApiError } from "../command.ts";
import { ErrorNote } from "../components.tsx";

/** Paste a JWT; it is checked with GET /api/me before it is kept in localStorage. */
export function SignInPage(props: { onSignedIn: () => void }) {
  const [value, setValue] = createSignal("");
  const [error, setError] = createSignal<ApiError | string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!value().trim()) {
      setError("paste a token first");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(value());
      props.onSignedIn();
    } catch (thrown) {
      setError(asApiError(thrown));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="sign-in">
      <form class="sign-in-card" onSubmit={submit} data-testid="sign-in-form" novalidate>
        <div class="brand large">
          <span class="brand-mark">◆</span> CIVAL <span class="brand-sub">trading desk</span>
        </div>
        <h1>Sign in</h1>
        <p class="sub">Paste an API token (a JWT). It is checked against the desk, then kept in this browser only.</p>
        <textarea
          data-testid="token-input"
          class="mono"
          rows={5}
          spellcheck={false}
          autocomplete="off"
          placeholder="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…"
          value={value()}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button class="primary" type="submit" data-testid="sign-in-submit" disabled={busy()}>
          {busy() ? "Checking…" : "Sign in"}
        </button>
        <ErrorNote error={error()} testid="sign-in-error" />
        <div class="help">
          <div class="subhead">Getting a token</div>
          <p>From the project folder:</p>
          <pre>npm run token -- --role admin</pre>
          <p>
            Roles: <code>viewer</code> reads, <code>trader</code> moves money between farms and agents, <code>admin</code> also moves
            treasury money. <code>npm start</code> prints an admin token when the desk starts.
          </p>
        </div>
      </form>
    </div>
  );
}
