import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ByteMeter, sha256Hex, toReadable } from './byte-meter.js';
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

export interface S3StorageOptions {
  bucket: string;
  /** a ready client (tests, custom credentials); otherwise one is built from `clientConfig` */
  client?: S3Client;
  clientConfig?: S3ClientConfig;
  /** where streamed bodies are spooled to learn their length and hash before the PUT; default os.tmpdir() */
  spoolDir?: string;
  /** bodies larger than this go up as a multipart upload; default 64 MiB */
  multipartThreshold?: number;
  /** multipart part size (S3 requires at least 5 MiB except for the last part); default 16 MiB */
  partSize?: number;
}

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;

interface AwsError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(err: unknown): number | undefined {
  return (err as AwsError)?.$metadata?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  const e = err as AwsError;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.Code === 'NoSuchKey' || statusOf(err) === 404;
}

/** The client settings Lyceum uses for S3-compatible services (MinIO, R2, Ceph, B2, AWS). */
export function s3ClientConfig(opts: {
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}): S3ClientConfig {
  return {
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    forcePathStyle: opts.forcePathStyle,
    ...(opts.accessKeyId && opts.secretAccessKey
      ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } }
      : {}),
    // The SDK's default CRC32 trailers (aws-chunked bodies) are not understood by many
    // S3-compatible servers; send checksums only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  };
}

/**
 * Objects in an S3-compatible bucket. A streamed body is spooled to a local temp file first (S3
 * needs the length up front, and the hash is stored as `x-amz-meta-sha256`), then sent in one PUT
 * or, past `multipartThreshold`, as a multipart upload. Nothing is visible in the bucket until the
 * PUT or CompleteMultipartUpload succeeds.
 */
export class S3Storage implements Storage {
  readonly driver = 's3' as const;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly spoolDir: string;
  private readonly multipartThreshold: number;
  private readonly partSize: number;

  constructor(opts: S3StorageOptions) {
    this.bucket = opts.bucket;
    this.client = opts.client ?? new S3Client(opts.clientConfig ?? {});
    this.spoolDir = opts.spoolDir ?? path.join(os.tmpdir(), 'lyceum-s3-spool');
    this.multipartThreshold = opts.multipartThreshold ?? 64 * MiB;
    this.partSize = Math.max(opts.partSize ?? 16 * MiB, 1);
  }

  async put(key: string, body: StorageBody, opts: PutOptions = {}): Promise<PutResult> {
    assertValidStorageKey(key);
    const contentType = normalizeContentType(opts.contentType);
    if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
      const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      const sha256 = sha256Hex(buf);
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: buf,
          ContentLength: buf.length,
          ContentType: contentType,
          Metadata: { sha256 },
        }),
      );
      return { key, size: buf.length, sha256, contentType };
    }
    await mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
    const spool = path.join(this.spoolDir, randomUUID());
    try {
      const meter = new ByteMeter();
      await pipeline(toReadable(body), meter, createWriteStream(spool, { flags: 'wx', mode: 0o600 }));
      const size = meter.bytes;
      const sha256 = meter.sha256();
      if (size <= this.multipartThreshold) {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: createReadStream(spool),
            ContentLength: size,
            ContentType: contentType,
            Metadata: { sha256 },
          }),
        );
      } else {
        await this.multipartUpload(key, spool, size, contentType, sha256);
      }
      return { key, size, sha256, contentType };
    } finally {
      await rm(spool, { force: true });
    }
  }

  private async multipartUpload(key: string, file: string, size: number, contentType: string, sha256: string): Promise<void> {
    const partSize = Math.max(this.partSize, Math.ceil(size / MAX_PARTS));
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, Metadata: { sha256 } }),
    );
    const uploadId = created.UploadId;
    if (!uploadId) throw new Error('S3 CreateMultipartUpload returned no UploadId');
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let start = 0, n = 1; start < size; start += partSize, n++) {
        const end = Math.min(start + partSize, size) - 1;
        const res = await this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: n,
            Body: createReadStream(file, { start, end }),
            ContentLength: end - start + 1,
          }),
        );
        if (!res.ETag) throw new Error(`S3 UploadPart ${n} returned no ETag`);
        parts.push({ ETag: res.ETag, PartNumber: n });
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidStorageKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: res.ContentLength ?? 0,
        contentType: res.ContentType ?? DEFAULT_CONTENT_TYPE,
        sha256: res.Metadata?.sha256 ?? null,
        lastModified: res.LastModified ?? new Date(0),
        etag: res.ETag ?? `"${(res.ContentLength ?? 0).toString(16)}"`,
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async get(key: string, opts: { range?: ByteRange } = {}): Promise<ObjectStream | null> {
    assertValidStorageKey(key);
    const range = opts.range ?? null;
    if (range && !(Number.isInteger(range.start) && Number.isInteger(range.end) && range.start >= 0 && range.start <= range.end)) {
      throw new RangeNotSatisfiable(range, -1);
    }
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      const body = res.Body;
      if (!(body instanceof Readable)) throw new Error('S3 GetObject returned no Node.js stream');
      let size = res.ContentLength ?? 0;
      if (range) {
        // "bytes 0-9/100": the total size follows the slash; S3 clamps an end past the object.
        const m = /\/(\d+)$/.exec(res.ContentRange ?? '');
        size = m ? Number(m[1]) : size;
        if (range.end >= size) {
          body.destroy();
          throw new RangeNotSatisfiable(range, size);
        }
      }
      return {
        key,
        size,
        contentType: res.ContentType ?? DEFAULT_CONTENT_TYPE,
        sha256: res.Metadata?.sha256 ?? null,
        lastModified: res.LastModified ?? new Date(0),
        etag: res.ETag ?? `"${size.toString(16)}"`,
        body,
        range,
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      if (range && statusOf(err) === 416) throw new RangeNotSatisfiable(range, -1);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidStorageKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
