// Which optional routes this gateway serves, read from its OpenAPI document, so the app offers
// account deletion (and a server-side logout) exactly when the API has them.
import { api } from "./api.js";

let loading = null;

export function hasRoute(method, path) {
  if (!loading) {
    loading = api("/openapi.json").then(
      (document) => document.paths || {},
      () => ({}),
    );
  }
  return loading.then((paths) => Boolean(paths[path]?.[method.toLowerCase()]));
}
