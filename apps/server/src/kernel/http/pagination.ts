import { z } from 'zod';
import { Invalid } from '../errors/index.js';

/** `?limit=&cursor=` on every list endpoint. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Opaque cursor: base64url JSON of the last row's sort key. */
export function encodeCursor(key: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number | null)[] | null {
  if (!cursor) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === arity && key.every((k) => k === null || ['string', 'number'].includes(typeof k))) {
      return key as (string | number | null)[];
    }
  } catch {
    /* fall through */
  }
  throw new Invalid('The cursor is not valid; start again without it.', [{ field: 'query.cursor', message: 'malformed cursor' }], 'invalid_cursor');
}

/** Given limit+1 rows, returns the page and the cursor for the next one. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => (string | number | null)[], present: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return {
    items: slice.map(present),
    nextCursor: more && slice.length ? encodeCursor(key(slice[slice.length - 1]!)) : null,
  };
}
