import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { StorageBody } from './storage.port.js';

/**
 * A pass-through that counts and hashes the bytes flowing through it, and fails the stream with
 * `onLimit()` as soon as more than `maxBytes` have passed (nothing past the limit is forwarded).
 */
export class ByteMeter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private digest: string | null = null;

  constructor(private readonly limit?: { maxBytes: number; onLimit: (maxBytes: number) => Error }) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    this.bytes += buf.length;
    if (this.limit && this.bytes > this.limit.maxBytes) {
      cb(this.limit.onLimit(this.limit.maxBytes));
      return;
    }
    this.hash.update(buf);
    cb(null, buf);
  }

  /** hex SHA-256 of everything that passed; call once the stream has ended */
  sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}

export function toReadable(body: StorageBody): Readable {
  if (Buffer.isBuffer(body)) return Readable.from([body], { objectMode: false });
  if (body instanceof Uint8Array) return Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)], { objectMode: false });
  return body;
}

export function sha256Hex(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}
