import { type Component, createSignal, For, Match, onMount, Show, Switch, untrack } from "solid-js";
import type { ApiError } from "./api.ts";
import { me, restoreSession, signOut, token } from "./auth.ts";
import { asApiError } from "./command.ts";
import { ApprovalTray } from "./approvals/tray.tsx";
import { ErrorNote } from "./components.tsx";
import { RiskFeedProvider, ShellHaltBanners } from "./halts/banners.tsx";
import { LiveStatusPill } from "./live/live-status.tsx";
import { ComingSoon } from "./pages/coming-soon.tsx";
import { EventsPage } from "./pages/events/events-page.tsx";
import { SignInPage } from "./pages/sign-in.tsx";
import { WalletsPage } from "./pages/wallets/wallets-page.tsx";
import { linkClick, navigate, path } from "./router.ts";

const NAV = [
  { path: "/wallets", label: "Wallets", ready: true },
  { path: "/events", label: "Events", ready: true },
  { path: "/trading", label: "Trading", ready: true },
  { path: "/risk", label: "Risk", ready: true },
  { path: "/backtests", label: "Backtests", ready: true },
  { path: "/agents", label: "Agents", ready: true },
] as const;

const HOME = "/wallets";

type PageProps = { role: "viewer" | "trader" | "admin" };

/**
 * The Trading page, loaded on first visit: it carries the chart library, which the other pages
 * do not need. (A plain dynamic import: Solid's lazy and Suspense would cost the main bundle more.)
 */
function TradingRoute(props: PageProps) {
  const [page, setPage] = createSignal<Component<PageProps> | null>(null);
  const [failed, setFailed] = createSignal<ApiError | null>(null);
  import("./pages/trading/trading-page.tsx").then(
    (m) => setPage(() => m.default),
    (error: unknown) => setFailed(asApiError(error)),
  );
  return (
    <Show when={page()} fallback={<Show when={failed()} fallback={<div class="loading">Loading the trading desk…</div>}><ErrorNote error={failed()} /></Show>}>
      {(Page) => untrack(() => Page()(props))}
    </Show>
  );
}

/** The Risk page, loaded on first visit like Trading: some 45 kB the other pages do not need. */
function RiskRoute(props: PageProps) {
  const [page, setPage] = createSignal<Component<PageProps> | null>(null);
  const [failed, setFailed] = createSignal<ApiError | null>(null);
  import("./pages/risk/risk-page.tsx").then(
    (m) => setPage(() => m.default),
    (error: unknown) => setFailed(asApiError(error)),
  );
  return (
    <Show when={page()} fallback={<Show when={failed()} fallback={<div class="loading">Loading the risk desk…</div>}><ErrorNote error={failed()} /></Show>}>
      {(Page) => untrack(() => Page()(props))}
    </Show>
  );
}

/** The Backtests page, loaded on first visit like Trading (it carries the chart library too). */
function BacktestsRoute(props: PageProps) {
  const [page, setPage] = createSignal<Component<PageProps> | null>(null);
  const [failed, setFailed] = createSignal<ApiError | null>(null);
  import("./pages/backtests/backtests-page.tsx").then(
    (m) => setPage(() => m.default),
    (error: unknown) => setFailed(asApiError(error)),
  );
  return (
    <Show when={page()} fallback={<Show when={failed()} fallback={<div class="loading">Loading the backtester…</div>}><ErrorNote error={failed()} /></Show>}>
      {(Page) => untrack(() => Page()(props))}
    </Show>
  );
}

/** The Agents page, loaded on first visit like Trading (it carries the chart library too). */
function AgentsRoute(props: PageProps) {
  const [page, setPage] = createSignal<Component<PageProps> | null>(null);
  const [failed, setFailed] = createSignal<ApiError | null>(null);
  import("./pages/agents/agents-page.tsx").then(
    (m) => setPage(() => m.default),
    (error: unknown) => setFailed(asApiError(error)),
  );
  return (
    <Show when={page()} fallback={<Show when={failed()} fallback={<div class="loading">Loading the agents…</div>}><ErrorNote error={failed()} /></Show>}>
      {(Page) => untrack(() => Page()(props))}
    </Show>
  );
}

/** The app: sign-in when there is no token, otherwise the shell with its pages. */
export function App() {
  const [checking, setChecking] = createSignal(token() !== null);
  const [startError, setStartError] = createSignal<ApiError | null>(null);

  async function restore() {
    setChecking(true);
    setStartError(null);
    try {
      await restoreSession();
    } catch (thrown) {
      setStartError(asApiError(thrown));
    } finally {
      setChecking(false);
    }
  }
  onMount(() => {
    if (path() === "/" || path() === "") navigate(HOME, { replace: true });
    if (token()) void restore();
  });

  return (
    <Switch>
      <Match when={checking()}>
        <div class="loading full">Connecting to the desk…</div>
      </Match>
      <Match when={!token() || !me()}>
        <Show
          when={token() && startError()}
          fallback={<SignInPage onSignedIn={() => navigate(path() === "/sign-in" || path() === "/" ? HOME : path())} />}
        >
          <div class="sign-in">
            <div class="sign-in-card">
              <ErrorNote error={startError()} />
              <div class="button-row">
                <button class="primary" type="button" onClick={() => void restore()}>
                  Try again
                </button>
                <button type="button" onClick={() => signOut()}>
                  Sign out
                </button>
              </div>
            </div>
          </div>
        </Show>
      </Match>
      <Match when={me()}>{(who) => <Shell sub={who().sub} role={who().role} />}</Match>
    </Switch>
  );
}

function Shell(props: { sub: string; role: "viewer" | "trader" | "admin" }) {
  return (
    <RiskFeedProvider>
      <div class="shell">
        <header class="topbar">
          <div class="brand">
            <span class="brand-mark">◆</span> CIVAL <span class="brand-sub">desk</span>
          </div>
          <nav class="nav">
            <For each={NAV}>
              {(item) => (
                <a
                  href={item.path}
                  onClick={linkClick}
                  classList={{ active: path() === item.path, soon: !item.ready }}
                  data-testid={`nav-${item.label.toLowerCase()}`}
                >
                  {item.label}
                </a>
              )}
            </For>
          </nav>
          <div class="user">
            <LiveStatusPill />
            <span class="user-sub" data-testid="user-sub">
              {props.sub}
            </span>
            <span class={`role-badge ${props.role}`} data-testid="user-role">
              {props.role}
            </span>
            <button
              type="button"
              class="small ghost"
              data-testid="sign-out"
              onClick={() => {
                signOut();
                navigate("/sign-in");
              }}
            >
              Sign out
            </button>
          </div>
        </header>
        <main class="main">
          {/* Any halt in force, on every page; Risk shows its own, with the resume buttons. */}
          <Show when={path() !== "/risk"}>
            <ShellHaltBanners />
          </Show>
          <ApprovalTray role={props.role} />
          <Switch fallback={<ComingSoon title="Not found">{`Nothing lives at ${path()}.`}</ComingSoon>}>
            <Match when={path() === "/wallets" || path() === "/" || path() === "/sign-in"}>
              <WalletsPage role={props.role} />
            </Match>
            <Match when={path() === "/events"}>
              <EventsPage />
            </Match>
            <Match when={path() === "/trading"}>
              <TradingRoute role={props.role} />
            </Match>
            <Match when={path() === "/risk"}>
              <RiskRoute role={props.role} />
            </Match>
            <Match when={path() === "/backtests"}>
              <BacktestsRoute role={props.role} />
            </Match>
            <Match when={path() === "/agents"}>
              <AgentsRoute role={props.role} />
            </Match>
          </Switch>
        </main>
      </div>
    </RiskFeedProvider>
  );
}
