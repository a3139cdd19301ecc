// The shell: header with navigation and the unread badge, the current page, live toasts.
import { useEffect, useRef } from "preact/hooks";
import { Toasts } from "./components/Toasts.jsx";
import { number } from "./format.js";
import { liveStore } from "./live.js";
import { AccountPage } from "./pages/Account.jsx";
import { InboxPage } from "./pages/Inbox.jsx";
import { InsightsPage } from "./pages/Insights.jsx";
import { JobPage } from "./pages/Job.jsx";
import { SearchPage } from "./pages/Search.jsx";
import { Link, useLocation } from "./router.jsx";
import { sessionStore } from "./session.js";
import { useStore } from "./store.js";

function page(location) {
  const job = location.path.match(/^\/job\/(\d+)$/);
  if (location.path === "/") return ["search", <SearchPage params={location.params} />];
  if (job) return ["job", <JobPage id={job[1]} />];
  if (location.path === "/insights") return ["insights", <InsightsPage params={location.params} />];
  if (location.path === "/account") return ["account", <AccountPage />];
  if (location.path === "/inbox") return ["inbox", <InboxPage params={location.params} />];
  return ["missing", <NotFound />];
}

function NotFound() {
  useEffect(() => {
    document.title = "Not found – Jobsight";
  }, []);
  return (
    <div>
      <h1 tabindex="-1">This page does not exist</h1>
      <p>
        <Link href="/">Search jobs</Link> instead.
      </p>
    </div>
  );
}

export function App() {
  const location = useLocation();
  const { user } = useStore(sessionStore);
  const { unread } = useStore(liveStore);
  const [name, content] = page(location);
  const first = useRef(true);

  // A new page moves focus to its heading, so keyboard and screen-reader users start there;
  // a change of filters on the same page leaves focus where it was.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    document.querySelector("main h1")?.focus();
  }, [location.path]);

  const nav = (href, label, current, extra = null) => (
    <li>
      <Link href={href} aria-current={current ? "page" : undefined}>
        {label}
        {extra}
      </Link>
    </li>
  );
  const badge =
    user && unread ? (
      <span class="badge count" data-unread={unread}>
        {number(unread)}
        <span class="visually-hidden"> unread</span>
      </span>
    ) : null;

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <Link href="/" class="brand" aria-label="Jobsight: search jobs">
          Jobsight
        </Link>
        <nav aria-label="Main">
          <ul>
            {nav("/", "Search", name === "search")}
            {nav("/insights", "Insights", name === "insights")}
            {user && nav("/inbox", "Inbox", name === "inbox", badge)}
            {nav("/account", user ? "Account" : "Log in", name === "account")}
          </ul>
        </nav>
      </header>
      <main id="main" tabindex="-1">
        {content}
      </main>
      <footer class="site-footer">
        <p class="muted small">
          Jobs gathered from many boards; every job links back to where it was posted. The API is described at{" "}
          <a href="/openapi.json">/openapi.json</a>.
        </p>
      </footer>
      <Toasts />
    </>
  );
}
