// Loading and error states shared by every page: a call is never silent, whether slow or failed.

export function Loading({ children = "Loading…" }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {children}
    </p>
  );
}

export function ErrorMessage({ error, retry }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <p>{error.message || String(error)}</p>
      {retry && (
        <button type="button" class="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
