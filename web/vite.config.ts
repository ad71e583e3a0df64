// Builds the web app into <repo>/dist/web, which the server serves (server/http/plugins/web-app.ts).
// Run from the repository root: `npm run build:web` (vite build --config web/vite.config.ts).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { antdStaticCss } from './build/antd-static-css.js';
import { buildTheme } from './src/theme.js';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const repoDir = fileURLToPath(new URL('..', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

export default defineConfig({
  root: webDir,
  plugins: [react(), antdStaticCss(buildTheme)],
  build: {
    outDir,
    emptyOutDir: true,
    // Never inline assets as data: URLs: the server's CSP (default-src 'self') would block them.
    assetsInlineLimit: 0,
    // antd is one large chunk shared by every route; the figure that matters is the gzip size
    // of what the first visit loads (reported by `vite build`).
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // The app imports the shared schemas from <repo>/common, outside the Vite root.
    fs: { allow: [repoDir] },
    // `npx vite --config web/vite.config.ts` for development, with govmail running on 8080.
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
