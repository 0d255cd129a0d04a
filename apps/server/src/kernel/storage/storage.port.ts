import type { Readable } from 'node:stream';

/** What `put` accepts: a stream (consumed once, never buffered whole) or bytes already in memory. */
export type StorageBody = Readable | Buffer | Uint8Array;

export interface PutOptions {
  /** stored with the object and sent back as Content-Type on download; default application/octet-stream */
  contentType?: string;
}

export interface PutResult {
  key: string;
  /** bytes written */
  size: number;
  /** hex SHA-256 of the bytes written */
  sha256: string;
  contentType: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  contentType: string;
  /** hex SHA-256 recorded at `put`, or null when the object was written by something else */
  sha256: string | null;
  lastModified: Date;
  /** a strong validator for If-None-Match / If-Range, already quoted */
  etag: string;
}

/** An inclusive byte range, as in HTTP: bytes `start`..`end`, both within the object. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectStream extends ObjectInfo {
  /** the object's bytes, or only `range` when one was asked for; the caller must consume or destroy it */
  body: Readable;
  range: ByteRange | null;
}

/**
 * The storage port: local directory or S3-compatible bucket behind one interface.
 * Writes are atomic (a reader sees the old object or the whole new one, never a partial file), and a
 * `put` whose body stream errors stores nothing.
 */
export interface Storage {
  readonly driver: 'local' | 's3';
  put(key: string, body: StorageBody, opts?: PutOptions): Promise<PutResult>;
  /** null when there is no such object; throws RangeNotSatisfiable when `range` falls outside it */
  get(key: string, opts?: { range?: ByteRange }): Promise<ObjectStream | null>;
  head(key: string): Promise<ObjectInfo | null>;
  exists(key: string): Promise<boolean>;
  /** idempotent: deleting a missing object is not an error */
  delete(key: string): Promise<void>;
  /** releases connections; the app calls it on shutdown */
  close(): Promise<void>;
}

/** Nest injection token: `@Inject(STORAGE) storage: Storage`. */
export const STORAGE = Symbol('STORAGE');

export class InvalidStorageKey extends Error {
  constructor(key: string, reason: string) {
    super(`Invalid storage key ${JSON.stringify(key.slice(0, 80))}: ${reason}`);
    this.name = 'InvalidStorageKey';
  }
}

export class RangeNotSatisfiable extends Error {
  constructor(
    public readonly range: ByteRange,
    public readonly size: number,
  ) {
    super(`Range ${range.start}-${range.end} is outside an object of ${size} bytes`);
    this.name = 'RangeNotSatisfiable';
  }
}

// A key is a path of segments made of [A-Za-z0-9._-] that never start with a dot: no "..", no
// absolute paths, no hidden files (the local adapter keeps its bookkeeping under dot-directories),
// nothing that needs URL encoding.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY = 512;
const MAX_SEGMENT = 200;
const MAX_DEPTH = 16;

/** Why `key` is not a valid storage key, or null when it is. */
export function storageKeyProblem(key: unknown): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'empty';
  if (key.length > MAX_KEY) return `longer than ${MAX_KEY} characters`;
  const segments = key.split('/');
  if (segments.length > MAX_DEPTH) return `deeper than ${MAX_DEPTH} segments`;
  for (const s of segments) {
    if (!s) return 'empty path segment (leading, trailing or double slash)';
    if (s.length > MAX_SEGMENT) return `segment longer than ${MAX_SEGMENT} characters`;
    if (!SEGMENT.test(s)) return 'segments may hold only letters, digits, ".", "_" and "-", and may not start with "."';
  }
  return null;
}

export function isValidStorageKey(key: unknown): key is string {
  return storageKeyProblem(key) === null;
}

export function assertValidStorageKey(key: string): void {
  const problem = storageKeyProblem(key);
  if (problem) throw new InvalidStorageKey(key, problem);
}

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** A Content-Type safe to store and echo back: a plain type/subtype with optional parameters, no CR/LF. */
export function normalizeContentType(value: string | undefined): string {
  const v = (value ?? '').trim();
  if (!v || v.length > 200 || !/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"\r\n]*"|[A-Za-z0-9!#$&^_.+-]+))*$/.test(v)) {
    return DEFAULT_CONTENT_TYPE;
  }
  return v.toLowerCase();
}
