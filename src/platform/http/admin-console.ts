import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../errors.js';

/** Where `npm start`/`npm test` build the console (web/, by Vite). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

// Vite names every asset by its content hash, so an asset never changes: browsers keep it for a year.
// index.html names the current assets, so it is revalidated on every visit.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the admin console, a single-page app, at /admin: the built files, and index.html for every
 * other path under it (the app routes in the browser). Without a build, /admin says how to make one.
 */
export async function registerAdminConsole(app: FastifyInstance, root = CONSOLE_DIST): Promise<void> {
  if (!existsSync(`${root}/index.html`)) {
    app.get('/admin', { schema: { hide: true } }, async () => {
      throw new AppError('service_unavailable', 'The admin console is not built: run `npm run build:web`');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/admin/',
    // One route per built file, so the app's own route below answers everything else.
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders(reply, path) {
      reply.header('cache-control', path.includes('/assets/') ? IMMUTABLE : REVALIDATE);
    },
  });
  const page = async (_request: unknown, reply: FastifyReply) =>
    reply
      .header('cache-control', REVALIDATE)
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .sendFile('index.html');
  app.get('/admin', { schema: { hide: true } }, page);
  app.get('/admin/*', { schema: { hide: true } }, async (request, reply) => {
    // A missing asset is a 404, not the page: a stale tab asking for an old bundle must see it fail.
    if (request.url.startsWith('/admin/assets/')) throw new AppError('not_found', 'No such console asset');
    return page(request, reply);
  });
}
