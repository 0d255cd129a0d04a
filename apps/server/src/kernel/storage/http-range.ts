import type { ByteRange } from './storage.port.js';

/**
 * Reads a `Range` header against an object of `size` bytes (RFC 9110 section 14.2).
 * - null: serve the whole object (no header, another unit, several ranges, or a malformed one:
 *   a server may ignore Range, and ignoring is safer than guessing)
 * - 'unsatisfiable': answer 416 with `Content-Range: bytes *\/size`
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null; // several ranges or garbage
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return null;
  if (a === '') {
    // suffix: the last N bytes
    const n = Number(b);
    if (!Number.isSafeInteger(n)) return null;
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return null;
  if (b !== '' && Number(b) < start) return null; // invalid range-spec: ignore the header
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
