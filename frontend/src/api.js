// Every call to the gateway goes through here: JSON in and out, a deadline, and errors turned
// into sentences a person can act on (the API's own message where it gives one).

const DEFAULT_TIMEOUT_MS = 20000;
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(message, status = 0, code = "") {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Called with the error when a request that carried a token is refused as unauthenticated. */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** `keepSessionOn401`: a 401 that does not mean the session ended (a wrong password, a logout). */
export async function api(path, { method = "GET", body, token, signal, timeout = DEFAULT_TIMEOUT_MS, keepSessionOn401 = false } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeout);
  const forward = () => controller.abort();
  signal?.addEventListener("abort", forward);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    if (timedOut) throw new ApiError("Jobsight took too long to answer. Please try again.", 0, "timeout");
    throw new ApiError("Could not reach Jobsight. Check your connection and try again.", 0, "network");
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", forward);
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = new ApiError(describe(response, data), response.status, data?.code || "");
    if (response.status === 401 && token && !keepSessionOn401) onUnauthorized(error);
    throw error;
  }
  return data;
}

function describe(response, data) {
  const message = data?.msg ? sentence(data.msg) : "";
  switch (response.status) {
    case 401:
      return message || "Please log in first.";
    case 429: {
      const wait = Number(response.headers.get("Retry-After"));
      const after = wait > 0 ? ` Try again in ${wait} second${wait === 1 ? "" : "s"}.` : " Try again later.";
      return (message || "Too many attempts.") + after;
    }
    case 503:
      return `${message || "A part of Jobsight is unavailable."} Please try again in a moment.`;
    case 504:
      return "Jobsight took too long to answer. Please try again.";
    default:
      if (response.status >= 500) {
        const id = data?.request_id ? ` (request ${data.request_id})` : "";
        return `Something went wrong on Jobsight's side${id}. Please try again.`;
      }
      return message || `The request failed (HTTP ${response.status}).`;
  }
}

function sentence(text) {
  const trimmed = String(text).trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
