// The notification inbox (GET /notifications), newest first, with read and unread.
import { useEffect, useState } from "preact/hooks";
import { query } from "../api.js";
import { reasonText } from "../components/reasons.js";
import { ErrorMessage, Loading } from "../components/Status.jsx";
import { dateTime, number, place } from "../format.js";
import { liveStore, markRead, setUnread } from "../live.js";
import { Link, navigate } from "../router.jsx";
import { authed, sessionStore } from "../session.js";
import { useStore } from "../store.js";

const PER_PAGE = 20;

export function InboxPage({ params }) {
  const { user } = useStore(sessionStore);
  useEffect(() => {
    document.title = "Inbox – Jobsight";
  }, []);
  if (!user) {
    return (
      <div>
        <h1 tabindex="-1">Inbox</h1>
        <p>
          <Link href="/account">Log in</Link> to see the jobs your alerts found.
        </p>
      </div>
    );
  }
  return <Inbox params={params} />;
}

function Inbox({ params }) {
  const unreadOnly = params.get("unread") === "true";
  const page = Math.max(1, Number.parseInt(params.get("page") || "1", 10) || 1);
  const { arrived, unread } = useStore(liveStore);
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    authed(`/notifications${query({ unread: unreadOnly ? "true" : "", page: page > 1 ? page : "", per_page: PER_PAGE })}`).then(
      (data) => {
        if (!live) return;
        setAnswer(data);
        setUnread(data.unread);
        setLoading(false);
      },
      (failure) => {
        if (!live) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [unreadOnly, page, arrived, attempt]);

  const go = (changes) =>
    navigate(`/inbox${query({ unread: unreadOnly ? "true" : "", page: page > 1 ? page : "", ...changes })}`);
  const read = async (notification) => {
    try {
      await markRead(notification.id);
      setAttempt((n) => n + 1);
    } catch (failure) {
      setError(failure);
    }
  };
  const pages = answer ? Math.max(1, Math.ceil(answer.total / PER_PAGE)) : 1;

  return (
    <div class="inbox-page" aria-busy={loading ? "true" : "false"}>
      <h1 tabindex="-1">Inbox</h1>
      <p class="inbox-summary" aria-live="polite">
        {unread === null ? "" : unread === 0 ? "Everything is read." : `${number(unread)} unread.`}
      </p>
      <div class="inbox-tools">
        <label class="checkbox">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => go({ unread: e.currentTarget.checked ? "true" : "", page: "" })} />
          Unread only
        </label>
      </div>
      {loading && !answer && <Loading>Loading your inbox…</Loading>}
      <ErrorMessage error={error} retry={() => setAttempt(attempt + 1)} />
      {answer &&
        (answer.notifications.length ? (
          <ol class="notifications">
            {answer.notifications.map((n) => (
              <li class={n.read ? "notification" : "notification unread"} data-notification={n.id}>
                <div>
                  {!n.read && <span class="badge unread-label">Unread</span>}
                  <Link href={`/job/${n.job?.job_id}`} class="notification-title">
                    {n.job?.title}
                  </Link>
                  <span class="muted">
                    {" "}
                    {[n.job?.company, n.job && place(n.job)].filter(Boolean).join(" · ")}
                  </span>
                </div>
                <p class="muted small">
                  {reasonText(n.reasons)} · <time datetime={n.created_at}>{dateTime(n.created_at)}</time>
                </p>
                {!n.read && (
                  <button type="button" class="secondary small" onClick={() => read(n)} aria-label={`Mark ${n.job?.title} as read`}>
                    Mark as read
                  </button>
                )}
              </li>
            ))}
          </ol>
        ) : (
          <p class="empty">{unreadOnly ? "No unread notifications." : "No notifications yet: subscribe to a skill or save a search."}</p>
        ))}
      {answer && pages > 1 && (
        <nav class="pages" aria-label="Inbox pages">
          <button type="button" class="secondary" disabled={page <= 1} onClick={() => go({ page: page - 1 > 1 ? page - 1 : "" })}>
            ← Newer
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" class="secondary" disabled={page >= pages} onClick={() => go({ page: page + 1 })}>
            Older →
          </button>
        </nav>
      )}
    </div>
  );
}
