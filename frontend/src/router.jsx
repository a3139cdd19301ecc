// Client-side pages on real paths (/, /job/42, /insights, /account, /inbox): the gateway
// answers every one of them with index.html, so a reload or a shared link opens the same page.
import { useEffect, useState } from "preact/hooks";

const listeners = new Set();

function current() {
  return { path: window.location.pathname, params: new URLSearchParams(window.location.search) };
}

function notify(kind) {
  const location = current();
  listeners.forEach((listener) => listener(location, kind));
}

window.addEventListener("popstate", () => notify("pop"));

export function navigate(url, { replace = false } = {}) {
  if (url === window.location.pathname + window.location.search) return;
  window.history[replace ? "replaceState" : "pushState"](null, "", url);
  notify(replace ? "replace" : "push");
}

export function useLocation() {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const listener = (next) => setLocation(next);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return location;
}

/** Runs `callback(kind)` on every navigation ("push", "replace" or "pop"). */
export function onNavigate(callback) {
  listeners.add((_, kind) => callback(kind));
}

export function Link({ href, children, ...props }) {
  const click = (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={click} {...props}>
      {children}
    </a>
  );
}
