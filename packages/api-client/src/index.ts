import createClient, { type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { paths, components, operations } from './schema.js';

/**
 * A typed Lyceum API client. In the browser the session cookie is sent automatically
 * (same origin); API clients pass `Authorization: Bearer <token>` in `headers`.
 */
export function createLyceumClient(options: ClientOptions = {}) {
  return createClient<paths>({ credentials: 'include', ...options });
}

export type LyceumClient = ReturnType<typeof createLyceumClient>;

/** RFC 9457 problem details, as every Lyceum error response carries. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}
