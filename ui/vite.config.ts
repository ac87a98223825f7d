/// <reference types="vitest" />
import { resolve } from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Two entries: the registry UI (index.html, served at / with client routes falling back to it) and
// GraphiQL (graphiql.html, served at GET /graphql and /graphiql), both from the service's own files so
// they work without internet. `npm run dev` proxies the API to a service on :8000.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { main: resolve(__dirname, "index.html"), graphiql: resolve(__dirname, "graphiql.html") },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ["/graphql", "/exports", "/reports", "/readyz"].map((p) => [p, "http://127.0.0.1:8000"]),
    ),
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
