import { createContext, For, type JSX, Show, useContext } from "solid-js";
import type { Halt } from "../../../core/risk/types.ts";
import { sortHalts } from "../pages/risk/model.ts";
import { createRiskFeed, type RiskFeed } from "../pages/risk/risk-feed.ts";
import { isoTime, ruleLabel, scopeKey, scopeLabel, timeLabel } from "../pages/risk/risk-format.ts";

const RiskFeedContext = createContext<RiskFeed>();

/** One risk feed for the signed-in shell: the banner on every page, the ticket's halts and the Risk page share it. */
export function RiskFeedProvider(props: { children: JSX.Element }) {
  const feed = createRiskFeed();
  return <RiskFeedContext.Provider value={feed}>{props.children}</RiskFeedContext.Provider>;
}

/** The shell's risk feed, or null outside it (a page rendered on its own makes its own). */
export function useRiskFeed(): RiskFeed | null {
  return useContext(RiskFeedContext) ?? null;
}

/** One banner per halt in force: the desk's red and loud, a farm's or agent's amber. `onResume` adds a button (admins, on Risk). */
export function HaltBanners(props: { halts: readonly Halt[]; onResume?: (halt: Halt) => void }) {
  return (
    <Show when={props.halts.length > 0}>
      <div class="halt-banners" data-testid="halt-banners">
        <For each={sortHalts(props.halts)}>
          {(halt) => (
            <div class={`halt-banner ${halt.scope.kind}`} role="alert" data-testid="halt-banner" data-scope={scopeKey(halt.scope)} data-rule={halt.rule}>
              <span class="halt-flag">HALTED</span>
              <span class="halt-scope">{halt.scope.kind === "desk" ? "Desk" : scopeLabel(halt.scope)}</span>
              <span class="halt-what">{halt.scope.kind === "desk" ? "all trading is stopped" : "trading is stopped"}</span>
              <span class="halt-reason" data-testid="halt-reason-text">
                “{halt.reason}”
              </span>
              <span class="halt-meta">
                {ruleLabel(halt.rule)} · by <span class="mono">{halt.by}</span> ·{" "}
                <span class="clock" data-clock="" title={isoTime(halt.atMs)}>
                  since {timeLabel(halt.atMs, Date.now())}
                </span>
                {" · "}
                <Show when={halt.resumeAtMs} fallback={<span>an admin must resume</span>}>
                  {(at) => (
                    <span class="clock" data-clock="" title={isoTime(at())}>
                      resumes by itself at {timeLabel(at(), Date.now())}
                    </span>
                  )}
                </Show>
              </span>
              <Show when={props.onResume}>
                {(resume) => (
                  <button type="button" class="small" data-testid={`halt-resume-${scopeKey(halt.scope)}`} onClick={() => resume()(halt)}>
                    Resume…
                  </button>
                )}
              </Show>
            </div>
          )}
        </For>
      </div>
    </Show>
  );
}

/** The banners for every page but Risk (which shows its own, with resume buttons). */
export function ShellHaltBanners() {
  const feed = useRiskFeed();
  return <HaltBanners halts={feed?.halts() ?? []} />;
}
