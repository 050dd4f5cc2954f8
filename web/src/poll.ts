import { type Accessor, createEffect, createSignal, onCleanup, untrack } from "solid-js";

const [visible, setVisible] = createSignal(typeof document === "undefined" || document.visibilityState === "visible");
if (typeof document !== "undefined") {
  document.addEventListener("visibilitychange", () => setVisible(document.visibilityState === "visible"));
}

/** True while the tab is shown: pollers stop when it is hidden and catch up when it is back. */
export const pageVisible: Accessor<boolean> = visible;

/**
 * Runs `tick(key)` now, then `intervalMs` after each run ends, while the page is visible, `key()`
 * is not null and the calling component lives. A new key restarts the poll at once; `alive()`
 * turns false when the round is superseded, so a late answer for an old key is dropped.
 */
export function usePoll<K>(
  key: Accessor<K | null>,
  intervalMs: number,
  tick: (key: K, alive: () => boolean) => Promise<void>,
): void {
  createEffect(() => {
    const k = key();
    if (k === null || !visible()) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const alive = () => !stopped;
    const run = async () => {
      try {
        await untrack(() => tick(k, alive));
      } catch (error) {
        console.warn("cival poll:", error);
      }
      if (!stopped) timer = setTimeout(() => void run(), intervalMs);
    };
    void run();
    onCleanup(() => {
      stopped = true;
      clearTimeout(timer);
    });
  });
}
