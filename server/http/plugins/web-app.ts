/**
 * Serves the built web app (`npm run build:web` → dist/web) and owns the not-found handler:
 *
 * - files of the build are served as they are; hashed files under /assets/ are cached for a
 *   year, index.html never without revalidation, so a new build is picked up at once;
 * - any other GET for a page (not /api, no file extension) gets index.html: the single-page
 *   app routes on the client (SPA fallback);
 * - everything else is the coded `not_found` error in JSON.
 *
 * When the build is missing the server still starts and pages say how to build it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../../../common/errors.js';
import { globalPlugin } from './global-plugin.js';
import { isApiPath } from './security-headers.js';

/** `<repo>/dist/web`, found from this file so the working directory does not matter. */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../../dist/web', import.meta.url));
}

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>海宁市公务电子邮箱</title></head>
<body>
<h1>网页邮箱尚未构建</h1>
<p>请在项目目录运行 <code>npm run build:web</code>，然后刷新本页。</p>
<p lang="en">The web app has not been built: run <code>npm run build:web</code> in the project directory, then reload this page.</p>
</body>
</html>
`;

/** A GET that a browser makes for a page of the app rather than for a file or the API. */
function isPageRequest(method: string, url: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const pathname = url.split('?', 1)[0] ?? '';
  if (isApiPath(pathname)) return false;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/** Vite names files under assets/ by content hash: they never change under the same name. */
function cacheHeaders(root: string) {
  return (reply: FastifyReply, filePath: string): void => {
    const immutable = path.relative(root, filePath).split(path.sep)[0] === 'assets';
    reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  };
}

export type WebAppOptions = {
  /** Directory with the built app (index.html and assets/). */
  root: string;
};

export const webAppPlugin = globalPlugin<WebAppOptions>(async (app: FastifyInstance, { root }) => {
  const built = existsSync(path.join(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root, prefix: '/', wildcard: true, cacheControl: false, setHeaders: cacheHeaders(root) });
  } else {
    app.log.warn({ webRoot: root }, 'web app not built: pages show how to build it (npm run build:web)');
  }

  app.setNotFoundHandler(async (request, reply) => {
    if (!isPageRequest(request.method, request.url)) throw new ApiError('not_found');
    if (!built) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(MISSING_BUILD_PAGE);
    return reply.sendFile('index.html');
  });
});
