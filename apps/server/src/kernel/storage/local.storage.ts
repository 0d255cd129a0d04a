import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ByteMeter, toReadable } from './byte-meter.js';
import {
  assertValidStorageKey,
  type ByteRange,
  DEFAULT_CONTENT_TYPE,
  normalizeContentType,
  type ObjectInfo,
  type ObjectStream,
  type PutOptions,
  type PutResult,
  RangeNotSatisfiable,
  type Storage,
  type StorageBody,
} from './storage.port.js';

interface Meta {
  contentType: string;
  sha256: string;
  size: number;
}

/**
 * Objects as files under one directory. Keys map onto relative paths (validated: no "..", no dot
 * segments, so `.tmp/` and `.meta/` can never be addressed); each write goes to a temp file on the
 * same filesystem, is flushed, then renamed over the target, so readers never see a partial file.
 */
export class LocalStorage implements Storage {
  readonly driver = 'local' as const;
  private readonly root: string;
  private readonly tmpDir: string;
  private readonly metaDir: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.tmpDir = path.join(this.root, '.tmp');
    this.metaDir = path.join(this.root, '.meta');
  }

  /** the absolute file of a key; the second check is belt and braces over the key grammar */
  private within(base: string, key: string, suffix = ''): string {
    assertValidStorageKey(key);
    const file = path.resolve(base, key + suffix);
    if (!file.startsWith(base + path.sep)) throw new Error('storage key escapes its directory');
    return file;
  }

  private fileOf(key: string): string {
    return this.within(this.root, key);
  }

  private metaOf(key: string): string {
    return this.within(this.metaDir, key, '.json');
  }

  async put(key: string, body: StorageBody, opts: PutOptions = {}): Promise<PutResult> {
    const file = this.fileOf(key);
    const metaFile = this.metaOf(key);
    const contentType = normalizeContentType(opts.contentType);
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, randomUUID());
    const tmpMeta = tmp + '.json';
    const meter = new ByteMeter();
    try {
      await pipeline(toReadable(body), meter, createWriteStream(tmp, { flags: 'wx', mode: 0o640, flush: true }));
      const meta: Meta = { contentType, sha256: meter.sha256(), size: meter.bytes };
      await writeFile(tmpMeta, JSON.stringify(meta), { flag: 'wx', mode: 0o640 });
      await mkdir(path.dirname(file), { recursive: true });
      await mkdir(path.dirname(metaFile), { recursive: true });
      await rename(tmp, file);
      await rename(tmpMeta, metaFile);
      return { key, size: meta.size, sha256: meta.sha256, contentType };
    } catch (err) {
      await rm(tmp, { force: true });
      await rm(tmpMeta, { force: true });
      throw err;
    }
  }

  private async readMeta(key: string, size: number): Promise<Meta | null> {
    try {
      const meta = JSON.parse(await readFile(this.metaOf(key), 'utf8')) as Meta;
      // A meta file for a different size belongs to another version of the object (a racing write).
      return meta.size === size ? meta : null;
    } catch {
      return null;
    }
  }

  private info(key: string, size: number, mtime: Date, meta: Meta | null): ObjectInfo {
    return {
      key,
      size,
      contentType: meta?.contentType ?? DEFAULT_CONTENT_TYPE,
      sha256: meta?.sha256 ?? null,
      lastModified: mtime,
      etag: meta ? `"${meta.sha256.slice(0, 32)}"` : `"${size.toString(16)}-${mtime.getTime().toString(16)}"`,
    };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const file = this.fileOf(key);
    const st = await stat(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (!st || !st.isFile()) return null;
    return this.info(key, st.size, st.mtime, await this.readMeta(key, st.size));
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async get(key: string, opts: { range?: ByteRange } = {}): Promise<ObjectStream | null> {
    const file = this.fileOf(key);
    // Open first and stat the descriptor: size and bytes then come from the same file even if a
    // concurrent put renames a new version into place.
    const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR' || err.code === 'EISDIR') return null;
      throw err;
    });
    if (!fh) return null;
    try {
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        return null;
      }
      const range = opts.range ?? null;
      if (range && !(Number.isInteger(range.start) && Number.isInteger(range.end) && range.start >= 0 && range.start <= range.end && range.end < st.size)) {
        throw new RangeNotSatisfiable(range, st.size);
      }
      const info = this.info(key, st.size, st.mtime, await this.readMeta(key, st.size));
      const body = range ? createReadStream('', { fd: fh, start: range.start, end: range.end }) : createReadStream('', { fd: fh });
      return { ...info, body, range };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.fileOf(key), { force: true });
    await rm(this.metaOf(key), { force: true });
  }

  async close(): Promise<void> {
    // nothing to release
  }
}
