// Who is logged in. The bearer token is kept in localStorage so a reload stays logged in until
// the token expires; a 401 from any call ends the session cleanly, with the reason shown.
import { api, setUnauthorizedHandler } from "./api.js";
import { hasRoute } from "./capabilities.js";
import { createStore } from "./store.js";

const KEY = "jobsight.session";

function restore() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(KEY) || "null");
    if (saved?.token && (!saved.expiresAt || saved.expiresAt * 1000 > Date.now())) return saved;
  } catch {
    // An unreadable entry is the same as none.
  }
  window.localStorage.removeItem(KEY);
  return null;
}

export const sessionStore = createStore({ user: restore(), notice: "" });

function save(user, notice = "") {
  if (user) window.localStorage.setItem(KEY, JSON.stringify(user));
  else window.localStorage.removeItem(KEY);
  sessionStore.set({ user, notice });
}

export function token() {
  return sessionStore.get().user?.token;
}

export async function logIn(email, password) {
  const answer = await api("/login", { method: "POST", body: { email, password } });
  save({ token: answer.token, userId: answer.user_id, email, expiresAt: answer.expires_at });
}

export async function signUp(name, email, password) {
  await api("/sign-up", { method: "POST", body: { name, email, password } });
  await logIn(email, password);
}

/** Logging out drops the token here at once. Where the gateway serves POST /logout the token
 * is revoked there too; without that route it stays valid until it expires. */
export function logOut(notice = "You are logged out.") {
  const ending = token();
  save(null, notice);
  if (ending) {
    hasRoute("POST", "/logout").then((served) => {
      if (served) api("/logout", { method: "POST", token: ending, keepSessionOn401: true }).catch(() => {});
    });
  }
}

export function clearNotice() {
  sessionStore.set({ notice: "" });
}

// Another tab logging in or out changes this one too.
window.addEventListener("storage", (event) => {
  if (event.key === KEY) sessionStore.set({ user: restore() });
});

setUnauthorizedHandler(() => {
  if (sessionStore.get().user) logOut("Your session has ended. Please log in again.");
});

/** A call that needs the token. */
export function authed(path, options = {}) {
  return api(path, { ...options, token: token() });
}
