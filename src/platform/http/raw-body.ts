import type { FastifyInstance } from 'fastify';

/**
 * Inside one plugin (callbacks from providers and carriers): bodies stay the exact text received,
 * JSON and form alike, because the signatures cover those bytes, not a re-serialized object.
 */
export function keepRawBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  const asText = (
    _request: unknown,
    body: string | Buffer,
    done: (err: Error | null, body?: unknown) => void,
  ) => done(null, body.toString());
  app.addContentTypeParser(
    ['application/json', 'application/x-www-form-urlencoded'],
    { parseAs: 'string' },
    asText,
  );
}
