import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../../../platform/db/database.js';
import { AppError } from '../../../platform/errors.js';
import { Page, PageQuery } from '../../../platform/http/pagination.js';
import { getImport, listChannelImports, toImportView } from './import-view.js';
import { ImportParams, ImportQuery, ImportView } from './imports.schemas.js';
import { IMPORT_MEDIA_TYPES, type ImportChannel, type ImportDeps, receiveUpload } from './receive-upload.js';

/** How the imports find the channel a file goes to (the channels module's own lookup). */
export type FindImportChannel = (
  db: Db,
  id: string,
) => Promise<(ImportChannel & { kind: string }) | undefined>;

/**
 * The request body of an upload: the stream, untouched. It is a private field, so that what walks a
 * body (the audit's and the text checks' walkers, idempotency's JSON) sees no socket graph behind it.
 */
class Upload {
  readonly #stream: Readable;
  constructor(stream: Readable) {
    this.#stream = stream;
  }
  get stream(): Readable {
    return this.#stream;
  }
  toJSON() {
    return 'file upload';
  }
}

/**
 * `POST /v1/channels/{id}/imports`: a CSV or JSON Lines file (gzipped or not) as the raw body, the
 * column mapping and switches in the query; answered 202 once the file is stored and checked, the
 * orders then written in the background. `GET /v1/imports/{id}`: its progress;
 * `GET /v1/channels/{id}/imports`: the channel's imports.
 */
export const fileImportRoutes =
  (findChannel: FindImportChannel): FastifyPluginAsyncTypebox<{ deps: ImportDeps }> =>
  async (app, { deps }) => {
    // In this plugin only: bodies are streamed to disk, not parsed (and not held to the 1 MB JSON limit).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, new Upload(payload)));

    app.post(
      '/channels/:id/imports',
      {
        config: { roles: ['admin'] },
        schema: {
          summary: 'Import orders from a CSV or JSON Lines file (streamed; gzip allowed)',
          params: ImportParams,
          querystring: ImportQuery,
          response: { 202: ImportView },
        },
      },
      async (request, reply) => {
        const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!(mediaType in IMPORT_MEDIA_TYPES) || !(request.body instanceof Upload))
          throw new AppError(
            'unsupported_media_type',
            `Send the file as ${Object.keys(IMPORT_MEDIA_TYPES).join(', ')}`,
          );
        const channel = await findChannel(deps.db, request.params.id);
        if (!channel) throw new AppError('not_found', `Channel ${request.params.id} was not found`);
        if (channel.kind !== 'file')
          throw new AppError(
            'conflict',
            `Channel ${request.params.id} is a ${channel.kind} channel, not a file one`,
          );
        const length = Number(request.headers['content-length']);
        const job = await receiveUpload(deps, {
          channel,
          mediaType,
          format: request.query.format,
          mapping: request.query.mapping,
          dryRun: request.query.dry_run ?? false,
          historical: request.query.historical ?? false,
          body: request.body.stream,
          declaredBytes: Number.isFinite(length) ? length : undefined,
        });
        return reply.status(202).send(toImportView(job, []));
      },
    );

    app.get(
      '/channels/:id/imports',
      {
        config: { roles: ['admin', 'support'] },
        schema: {
          summary: "A channel's file imports, newest first, with their progress",
          params: ImportParams,
          querystring: Type.Object(PageQuery, { additionalProperties: false }),
          response: { 200: Page(ImportView) },
        },
      },
      async (request) => {
        const channel = await findChannel(deps.db, request.params.id);
        if (!channel) throw new AppError('not_found', `Channel ${request.params.id} was not found`);
        return listChannelImports(deps.db, channel.id, request.query);
      },
    );

    app.get(
      '/imports/:id',
      {
        config: { roles: ['admin', 'support'] },
        schema: {
          summary: "A file import's progress: rows read, orders placed, rejections with reasons, ETA",
          params: ImportParams,
          response: { 200: ImportView },
        },
      },
      async (request) => getImport(deps.db, request.params.id),
    );
  };
