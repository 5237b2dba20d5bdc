import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// Built for the binary: `src/http/explorer.rs` serves index.html at `/` and the hashed
// files under `/explorer/assets/`.
export default defineConfig({
  plugins: [preact()],
  base: "/explorer/",
  build: {
    outDir: "../assets/explorer",
    emptyOutDir: true,
    assetsDir: "assets",
    // No inline data: URLs for scripts under the strict CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: "es2022",
  },
  server: {
    proxy: { "/graphql": "http://127.0.0.1:8080" },
  },
});
