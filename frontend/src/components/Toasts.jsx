// Jobs that match the user's alerts, as they arrive over the websocket.
import { useState } from "preact/hooks";
import { dismiss, liveStore, markRead } from "../live.js";
import { Link } from "../router.jsx";
import { useStore } from "../store.js";
import { reasonText } from "./reasons.js";

export function Toasts() {
  const { toasts } = useStore(liveStore);
  return (
    <div class="toasts" aria-live="polite" aria-label="New job alerts">
      {toasts.map((notification) => (
        <Toast key={notification.id} notification={notification} />
      ))}
    </div>
  );
}

function Toast({ notification }) {
  const [problem, setProblem] = useState("");
  const job = notification.job || {};
  const read = () => markRead(notification.id).catch((error) => setProblem(error.message));
  return (
    <div class="toast" data-notification={notification.id}>
      <p class="toast-title">
        New match: <Link href={`/job/${job.job_id}`}>{job.title}</Link>
        {job.company ? ` at ${job.company}` : ""}
      </p>
      <p class="muted">{reasonText(notification.reasons)}</p>
      {problem && <p class="field-problem">{problem}</p>}
      <div class="toast-actions">
        <button type="button" class="secondary small" onClick={read}>
          Mark as read
        </button>
        <button type="button" class="link small" onClick={() => dismiss(notification.id)} aria-label={`Dismiss alert for ${job.title}`}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
