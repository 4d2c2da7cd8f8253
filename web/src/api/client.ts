import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export type { paths };

/** The 200/201 JSON body of an operation, straight from the generated OpenAPI types. */
type Ok<R> = R extends { 200: { content: { 'application/json': infer T } } }
  ? T
  : R extends { 201: { content: { 'application/json': infer T } } }
    ? T
    : never;
export type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? Ok<R>
  : never;
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

/** An RFC 9457 problem the API answered, thrown so TanStack Query shows it. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: { field: string; message: string }[] = [],
  ) {
    super(detail || title);
  }
}

const KEY = 'ordersync.apiKey';
export const apiKey = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

const auth: Middleware = {
  onRequest({ request }) {
    const key = apiKey.get();
    if (key) request.headers.set('authorization', `Bearer ${key}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** Unwraps an openapi-fetch result: the data, or the problem thrown. */
export async function must<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const p = (error ?? {}) as {
      title?: string;
      detail?: string;
      errors?: { field: string; message: string }[];
    };
    throw new ApiProblem(response.status, p.title ?? response.statusText, p.detail ?? '', p.errors);
  }
  return data as NonNullable<T>;
}

/** A fresh Idempotency-Key per command, so a double click or a retried request applies once. */
export const once = () => ({ 'idempotency-key': crypto.randomUUID() });
