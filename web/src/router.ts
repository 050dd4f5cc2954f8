import { createSignal } from "solid-js";

/** A minimal history router: the Worker serves index.html for every non-API path. */
const [path, setPath] = createSignal(window.location.pathname);

window.addEventListener("popstate", () => setPath(window.location.pathname));

export { path };

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  setPath(to);
}

/** Click handler for in-app links: plain clicks navigate, modified clicks open as usual. */
export function linkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  const anchor = event.currentTarget;
  if (!(anchor instanceof HTMLAnchorElement)) return;
  event.preventDefault();
  navigate(anchor.pathname);
}
