import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldError } from '../errors.js';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unprocessable: 422,
  not_found: 404,
  conflict: 409,
  insufficient_stock: 409,
  illegal_transition: 409,
  stale_version: 409,
  idempotency_key_reused: 422,
  idempotency_in_progress: 409,
  unauthorized: 401,
  forbidden: 403,
  upstream_failed: 502,
  sold_out: 409,
  limit_reached: 409,
  market_rule_refused: 422,
  campaign_closed: 409,
  rate_limited: 429,
  queue_full: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  service_unavailable: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const problemType = (code: string) => `https://ordersync.dev/problems/${code.replace(/_/g, '-')}`;

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  // A problem that says when to come back says it in the header too (429, 503).
  if (typeof problem.retryAfter === 'number') reply.header('retry-after', String(problem.retryAfter));
  return reply.status(problem.status).type('application/problem+json').send(problem);
}

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Problem {
  return { type: problemType(code), title: TITLES[status] ?? 'Error', status, detail, code, ...extra };
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** "body.lines[2].quantity" style paths, one entry per failing field. */
export function fieldErrors(context: string, errors: AjvError[]): FieldError[] {
  return errors.map((e) => {
    let field = e.instancePath
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`))
      .join('');
    if (e.keyword === 'required') field += `.${String(e.params.missingProperty)}`;
    if (e.keyword === 'additionalProperties') field += `.${String(e.params.additionalProperty)}`;
    const message =
      e.keyword === 'additionalProperties' ? 'is not a known field' : (e.message ?? 'is not valid');
    return { field: `${context}${field}`, message };
  });
}

// PostgreSQL errors that a client's input can still reach; everything else is ours and a 500.
function fromDatabaseError(error: {
  code?: string;
  detail?: string;
  constraint?: string;
}): Problem | undefined {
  switch (error.code) {
    case '23505':
      return problem(409, 'conflict', 'A resource with the same unique value already exists', {
        constraint: error.constraint,
      });
    case '23503':
      return problem(409, 'conflict', 'The change refers to, or is referred to by, another resource');
    case '22003':
    case '22001':
      return problem(422, 'unprocessable', 'A value is out of range');
    default:
      return undefined;
  }
}

export function toProblem(error: FastifyError | AppError | Error): Problem {
  if (error instanceof AppError) {
    const { errors, ...extra } = error.extra;
    return problem(STATUS[error.code], error.code, error.message, {
      ...(errors ? { errors } : {}),
      ...extra,
    });
  }
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const errors = fieldErrors(fe.validationContext ?? 'body', fe.validation);
    return problem(400, 'validation_failed', 'The request is not valid', { errors });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'unsupported_media_type', 'Send the body as application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'body_too_large', 'The request body is too large');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'malformed_body', 'The body is empty but the content type says JSON');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, 'malformed_body', 'The body is not valid JSON');
    case 'FST_ERR_BAD_URL':
      return problem(400, 'malformed_url', 'The URL path is not valid percent-encoded UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem(414, 'uri_too_long', 'A path segment is longer than any identifier this API gives out');
  }
  const db = fromDatabaseError(fe as never);
  if (db) return db;
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.statusCode === 400 && error instanceof SyntaxError ? 'malformed_body' : 'bad_request';
    return problem(fe.statusCode, code, fe.message);
  }
  return problem(500, 'internal', 'Something went wrong on our side; it has been logged');
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const p = toProblem(error);
    if (p.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ err: error, problem: p.code }, 'request refused');
    return sendProblem(reply, p);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem(404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route or hook (a path that is
 * not valid percent-encoding, a path parameter past maxParamLength) answers as a problem too.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.log.debug({ err: error }, 'request refused by the router');
  sendProblem(reply, toProblem(error));
}

/**
 * Fastify's `clientErrorHandler`, for what Node's HTTP parser refuses before Fastify sees a request
 * (headers or URL over the size limit, bytes that are not HTTP): a problem written on the socket,
 * which is then closed, as Node's own handler does.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const p =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(431, 'headers_too_large', 'The request line and headers exceed the size this server reads')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem(408, 'request_timeout', 'The request did not arrive in time')
        : problem(400, 'malformed_request', 'The request is not valid HTTP/1.1');
  const body = JSON.stringify(p);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
