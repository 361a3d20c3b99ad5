/// <reference types="vitest/config" />
import { fileURLToPath, URL } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Django serves the built app: index.html for every non-API path, assets under /static/app/.
export default defineConfig({
  plugins: [react()],
  base: "/static/app/",
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: { outDir: "dist", sourcemap: true, assetsDir: "assets" },
  test: {
    globals: true,
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    // pact tests start a mock server per test; they run in their own pass (npm run test:pact)
    testTimeout: 20000,
  },
});
