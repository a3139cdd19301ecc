import { defineConfig } from "vite";

// The gateway serves dist/ (jobsight/web/static.py): index.html at every page of the app and
// the content-hashed files under /assets/, so there is no server of the app's own, in
// development either: `npm run watch` rebuilds and the gateway notices the new files.
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    target: "es2020",
    assetsDir: "assets",
    // A data: URI would need a laxer Content-Security-Policy than the gateway sends.
    assetsInlineLimit: 0,
  },
});
