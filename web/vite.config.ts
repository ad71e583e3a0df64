// Builds the web app into <repo>/dist/web, which the server serves (server/http/plugins/web-app.ts).
// Run from the repository root: `npm run build:web` (vite build --config web/vite.config.ts).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

export default defineConfig({
  root: webDir,
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    // Never inline assets as data: URLs: the server's CSP (default-src 'self') would block them.
    assetsInlineLimit: 0,
  },
  server: {
    // `npx vite --config web/vite.config.ts` for development, with govmail running on 8080.
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
