// Live notifications: the inbox's unread count, and toasts for jobs that arrive while the page
// is open, over the gateway's websocket (/ws?token=). On connect the server first replays the
// unread backlog; ids already known from GET /notifications are not toasted again.
import { authed, sessionStore } from "./session.js";
import { createStore } from "./store.js";

const MAX_TOASTS = 4;
const RETRY_MS = [1000, 2000, 5000, 10000, 30000];

export const liveStore = createStore({ unread: null, connected: false, toasts: [], arrived: 0 });

let socket = null;
let generation = 0;
let retries = 0;
let retryTimer = null;
const known = new Set();

function socketUrl(token) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}`;
}

async function start(user) {
  closeSocket();
  const mine = ++generation;
  known.clear();
  liveStore.set({ unread: null, connected: false, toasts: [] });
  try {
    const unread = await authed("/notifications?unread=true&per_page=100");
    if (mine !== generation) return;
    unread.notifications.forEach((n) => known.add(n.id));
    liveStore.set({ unread: unread.unread });
  } catch {
    if (mine !== generation) return;
    // The count stays unknown; the socket's backlog still fills it in.
  }
  connect(user, mine);
}

function connect(user, mine) {
  socket = new WebSocket(socketUrl(user.token));
  const ws = socket;
  ws.onopen = () => {
    if (mine !== generation) return;
    retries = 0;
    liveStore.set({ connected: true });
  };
  ws.onmessage = (event) => {
    if (mine !== generation) return;
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (frame.type === "notification" && frame.notification) arrive(frame.notification);
  };
  ws.onclose = () => {
    if (mine !== generation) return;
    liveStore.set({ connected: false });
    // The token may have expired or been revoked: asking the API once ends the session if so.
    authed("/notifications?per_page=1").catch(() => {});
    const wait = RETRY_MS[Math.min(retries, RETRY_MS.length - 1)];
    retries += 1;
    retryTimer = setTimeout(() => {
      if (mine === generation && sessionStore.get().user) connect(sessionStore.get().user, mine);
    }, wait);
  };
}

function arrive(notification) {
  if (known.has(notification.id)) return;
  known.add(notification.id);
  liveStore.set((state) => ({
    ...state,
    unread: (state.unread ?? 0) + (notification.read ? 0 : 1),
    arrived: state.arrived + 1,
    toasts: [...state.toasts, notification].slice(-MAX_TOASTS),
  }));
}

function closeSocket() {
  clearTimeout(retryTimer);
  if (socket) {
    socket.onclose = null;
    socket.close();
    socket = null;
  }
}

function stop() {
  closeSocket();
  generation += 1;
  liveStore.set({ unread: null, connected: false, toasts: [] });
}

export function dismiss(id) {
  liveStore.set((state) => ({ ...state, toasts: state.toasts.filter((n) => n.id !== id) }));
}

/** Marks a notification read; returns true when it was unread. */
export async function markRead(id) {
  const answer = await authed(`/notifications/${id}/read`, { method: "POST" });
  if (answer.changed) liveStore.set((state) => ({ ...state, unread: Math.max(0, (state.unread ?? 1) - 1) }));
  dismiss(id);
  return answer.changed;
}

/** The inbox page read a fresh count. */
export function setUnread(count) {
  liveStore.set({ unread: count });
}

let current = null;
function follow({ user }) {
  if (user?.token === current) return;
  current = user?.token || null;
  if (user) start(user);
  else stop();
}
sessionStore.subscribe(follow);
follow(sessionStore.get());
