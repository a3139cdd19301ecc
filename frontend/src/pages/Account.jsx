// Sign up, log in and out; skill alerts, saved searches, and deleting the account.
import { useEffect, useState } from "preact/hooks";
import { query } from "../api.js";
import { hasRoute } from "../capabilities.js";
import { SkillPicker } from "../components/SkillPicker.jsx";
import { ErrorMessage, Loading } from "../components/Status.jsx";
import { liveStore } from "../live.js";
import { Link, navigate } from "../router.jsx";
import { authed, clearNotice, logIn, logOut, sessionStore, signUp } from "../session.js";
import { useStore } from "../store.js";
import { number, workplace } from "../format.js";

const MIN_PASSWORD = 8;

export function AccountPage() {
  const { user, notice } = useStore(sessionStore);
  useEffect(() => {
    document.title = user ? "Your account – Jobsight" : "Log in – Jobsight";
  }, [user]);
  return (
    <div class="account-page">
      <h1 tabindex="-1">{user ? "Your account" : "Log in or sign up"}</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}{" "}
          <button type="button" class="link" onClick={clearNotice}>
            Dismiss
          </button>
        </p>
      )}
      {user ? <LoggedIn user={user} /> : <LoggedOut />}
    </div>
  );
}

function LoggedOut() {
  return (
    <div class="two-columns">
      <LoginForm />
      <SignUpForm />
    </div>
  );
}

function useSubmit(action) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action(new FormData(event.currentTarget));
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

function LoginForm() {
  const { busy, error, submit } = useSubmit((form) => logIn(String(form.get("email")).trim(), String(form.get("password"))));
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="login-heading">
      <h2 id="login-heading">Log in</h2>
      <div class="field">
        <label for="login-email">Email</label>
        <input id="login-email" name="email" type="email" autocomplete="username" required />
      </div>
      <div class="field">
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required />
      </div>
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {busy ? "Logging in…" : "Log in"}
      </button>
    </form>
  );
}

function SignUpForm() {
  const { busy, error, submit } = useSubmit((form) =>
    signUp(String(form.get("name")).trim(), String(form.get("email")).trim(), String(form.get("password"))),
  );
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="signup-heading">
      <h2 id="signup-heading">Create an account</h2>
      <p class="muted">Get alerts the moment a job asking for your skills, or matching a search you saved, is found.</p>
      <div class="field">
        <label for="signup-name">Name</label>
        <input id="signup-name" name="name" type="text" autocomplete="name" required maxLength={100} />
      </div>
      <div class="field">
        <label for="signup-email">Email</label>
        <input id="signup-email" name="email" type="email" autocomplete="email" required />
      </div>
      <div class="field">
        <label for="signup-password">Password</label>
        <input
          id="signup-password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minLength={MIN_PASSWORD}
          aria-describedby="signup-password-hint"
        />
        <p id="signup-password-hint" class="muted small">
          At least {MIN_PASSWORD} characters.
        </p>
      </div>
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {busy ? "Creating your account…" : "Sign up"}
      </button>
    </form>
  );
}

function LoggedIn({ user }) {
  const { connected } = useStore(liveStore);
  return (
    <>
      <div class="panel account-summary">
        <p>
          Logged in as <strong>{user.email}</strong>.
        </p>
        <p class="muted small" role="status">
          {connected ? "Live alerts are on: new matches appear here as they are found." : "Connecting live alerts…"}
        </p>
        <button type="button" class="secondary" onClick={() => logOut()}>
          Log out
        </button>
      </div>
      <Subscriptions />
      <DeleteAccount user={user} />
    </>
  );
}

function Subscriptions() {
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const [message, setMessage] = useState("");
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setError(null);
    authed("/subscriptions").then(setAnswer, setError);
  }, [attempt]);

  const act = async (work, done) => {
    setError(null);
    setMessage("");
    try {
      await work();
      setMessage(done);
      setAttempt((n) => n + 1);
    } catch (failure) {
      setError(failure);
    }
  };
  const subscribe = (skill) =>
    act(() => authed("/subscriptions", { method: "POST", body: { skill } }), `Subscribed to ${skill}.`);
  const unsubscribe = (skill) =>
    act(() => authed(`/subscriptions/${encodeURIComponent(skill)}`, { method: "DELETE" }), `Unsubscribed from ${skill}.`);
  const forget = (search) =>
    act(() => authed(`/subscriptions/search/${search.id}`, { method: "DELETE" }), `Deleted the alert for “${search.keywords}”.`);

  const skills = answer?.skills || [];
  const searches = answer?.searches || [];
  return (
    <>
      <section class="panel" aria-labelledby="skills-heading">
        <h2 id="skills-heading">Skill alerts</h2>
        <p class="muted">You are told about every new job that asks for one of these skills.</p>
        {!answer && !error && <Loading>Loading your alerts…</Loading>}
        {message && (
          <p class="success" role="status">
            {message}
          </p>
        )}
        <ErrorMessage error={error} retry={() => setAttempt(attempt + 1)} />
        {answer && (
          <>
            {skills.length ? (
              <ul class="chips" aria-label="Your skills">
                {skills.map((skill) => (
                  <li>
                    <button type="button" class="chip removable" onClick={() => unsubscribe(skill)} aria-label={`Unsubscribe from ${skill}`}>
                      {skill} <span aria-hidden="true">×</span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <p>No skill alerts yet.</p>
            )}
            <SkillPicker id="subscribe-skill" label="Subscribe to a skill" exclude={skills} onPick={subscribe} allowNew />
            <p class="muted small">A skill Jobsight does not know yet is tracked from the moment you subscribe.</p>
          </>
        )}
      </section>
      <section class="panel" aria-labelledby="searches-heading">
        <h2 id="searches-heading">Saved searches</h2>
        <p class="muted">
          Save a search from the <Link href="/">search page</Link> to be told about new jobs that match it.
        </p>
        {answer &&
          (searches.length ? (
            <ul class="saved-searches">
              {searches.map((search) => (
                <li>
                  <Link href={`/${query(searchParams(search))}`}>“{search.keywords}”</Link>
                  <span class="muted"> {describeSearch(search)}</span>
                  <button type="button" class="link" onClick={() => forget(search)} aria-label={`Delete the alert for ${search.keywords}`}>
                    Delete
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p>No saved searches yet.</p>
          ))}
      </section>
    </>
  );
}

function searchParams(search) {
  return {
    q: search.keywords,
    location: search.location || "",
    remote: search.remote === false ? "false" : search.remote === true ? "remote" : search.remote || "",
    salary_min: search.salary_min ?? "",
    skills: (search.skills || []).join(","),
  };
}

function describeSearch(search) {
  const parts = [];
  if (search.location) parts.push(`in ${search.location}`);
  if (search.remote === false) parts.push("hybrid or on-site");
  else if (search.remote) parts.push(workplace(search.remote === true ? "remote" : search.remote) || String(search.remote));
  if (search.salary_min) parts.push(`from €${number(search.salary_min)} a year`);
  if (search.skills?.length) parts.push(`with ${search.skills.join(", ")}`);
  return parts.length ? `— ${parts.join(", ")}` : "";
}

function DeleteAccount({ user }) {
  const [available, setAvailable] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => {
    hasRoute("DELETE", "/account").then(setAvailable);
  }, []);
  if (!available) return null;
  const remove = async (event) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password"));
    setBusy(true);
    setError(null);
    try {
      await authed("/account", { method: "DELETE", body: { password }, keepSessionOn401: true });
      logOut(`The account ${user.email} is being deleted, with its alerts and inbox.`);
      navigate("/account", { replace: true });
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <section class="panel danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete your account</h2>
      <p>This removes your account, alerts and inbox for good.</p>
      {confirming ? (
        <form class="confirm" onSubmit={remove}>
          <p>Type your password to delete {user.email} and everything in it.</p>
          <div class="field">
            <label for="delete-password">Password</label>
            <input id="delete-password" name="password" type="password" autocomplete="current-password" required />
          </div>
          <button type="submit" class="danger" disabled={busy}>
            {busy ? "Deleting…" : "Delete my account"}
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(false)} disabled={busy}>
            Keep it
          </button>
        </form>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete account…
        </button>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
