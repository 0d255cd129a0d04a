import { unzipSync, zipSync } from 'fflate';
import { Invalid, PayloadTooLarge } from '../../../../kernel/errors/index.js';

/*
 * Reading and writing content-package zips. Reading is defensive: entry count and the declared
 * uncompressed total are capped before anything is inflated, and fflate inflates each entry into
 * a buffer of exactly its declared size, so a lying header cannot make it allocate more. Names
 * that escape the package (absolute, `..`, backslashes, drive letters) are refused.
 */

export const ZIP_LIMITS = { maxEntries: 2000, maxTotalBytes: 64 * 1024 * 1024, maxEntryBytes: 16 * 1024 * 1024 };

export type ZipLimits = typeof ZIP_LIMITS;

/**
 * A package path normalized to `a/b/c.xml`, or null when it is not a safe relative path.
 * Backslashes (written by some Windows tools) count as separators, so `..\\x` is caught too.
 */
export function safePath(input: string): string | null {
  const p = input.replace(/\\/g, '/');
  if (!p || p.includes('\0') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p) || p.startsWith('/')) return null;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return null;
    out.push(seg);
  }
  return out.length ? out.join('/') : null;
}

export function readZip(data: Uint8Array, limits: ZipLimits = ZIP_LIMITS): Map<string, Uint8Array> {
  let entries = 0;
  let total = 0;
  let unsafe: string | null = null;
  let tooLarge: string | null = null;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(data, {
      filter: (f) => {
        entries++;
        if (f.name.endsWith('/')) return false;
        if (safePath(f.name) === null) unsafe ??= f.name;
        total += f.originalSize;
        if (f.originalSize > limits.maxEntryBytes) tooLarge ??= `${f.name} is larger than ${limits.maxEntryBytes} bytes uncompressed`;
        if (entries > limits.maxEntries) tooLarge ??= `the package has more than ${limits.maxEntries} entries`;
        if (total > limits.maxTotalBytes) tooLarge ??= `the package is larger than ${limits.maxTotalBytes} bytes uncompressed`;
        // Inflate nothing once any limit or path check has failed.
        return unsafe === null && tooLarge === null;
      },
    });
  } catch (e) {
    throw new Invalid(`The file is not a readable zip (${(e as Error).message}).`, undefined, 'qti_bad_zip');
  }
  if (tooLarge) throw new PayloadTooLarge(`The package is too large: ${tooLarge}.`, 'qti_package_too_large');
  if (unsafe) throw new Invalid(`The package holds an entry outside itself: ${unsafe}.`, undefined, 'qti_unsafe_path');
  const out = new Map<string, Uint8Array>();
  for (const [name, bytes] of Object.entries(files)) out.set(safePath(name)!, bytes);
  return out;
}

export function writeZip(files: Map<string, string>): Uint8Array {
  const enc = new TextEncoder();
  const entries: Record<string, Uint8Array> = {};
  for (const [name, text] of files) entries[name] = enc.encode(text);
  return zipSync(entries, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
}
