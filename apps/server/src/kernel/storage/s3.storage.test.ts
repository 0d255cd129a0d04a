import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/harness.js';
import { s3ClientConfig, S3Storage } from './s3.storage.js';
import { InvalidStorageKey, STORAGE, type Storage } from './storage.port.js';
import { UrlSigner } from './url-signer.js';

interface FakeObject {
  body: Buffer;
  contentType: string;
  meta: Record<string, string>;
  etag: string;
}

interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  bodyLength: number;
}

const BUCKET = 'lyceum-test';

/** Just enough of the S3 REST API (path-style) to run the adapter against, on 127.0.0.1. */
function fakeS3() {
  const objects = new Map<string, FakeObject>();
  const uploads = new Map<string, { key: string; contentType: string; meta: Record<string, string>; parts: Map<number, Buffer> }>();
  const seen: SeenRequest[] = [];
  const md5 = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;
  const metaOf = (h: http.IncomingHttpHeaders) =>
    Object.fromEntries(Object.entries(h).filter(([k]) => k.startsWith('x-amz-meta-')).map(([k, v]) => [k.slice(11), String(v)]));
  const xml = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  };
  const notFound = (res: http.ServerResponse, method: string) => {
    if (method === 'HEAD') res.writeHead(404).end();
    else xml(res, 404, '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://127.0.0.1');
    const body = await buffer(req);
    seen.push({ method: req.method!, path: url.pathname, query: url.searchParams, headers: req.headers, bodyLength: body.length });
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (bucket !== BUCKET) return xml(res, 404, '<Error><Code>NoSuchBucket</Code></Error>');
    const q = url.searchParams;
    const obj = objects.get(key);
    switch (req.method) {
      case 'PUT': {
        if (q.has('uploadId')) {
          const up = uploads.get(q.get('uploadId')!);
          if (!up) return xml(res, 404, '<Error><Code>NoSuchUpload</Code></Error>');
          up.parts.set(Number(q.get('partNumber')), body);
          return res.writeHead(200, { etag: md5(body) }).end();
        }
        const o = { body, contentType: req.headers['content-type'] ?? 'binary/octet-stream', meta: metaOf(req.headers), etag: md5(body) };
        objects.set(key, o);
        return res.writeHead(200, { etag: o.etag }).end();
      }
      case 'POST': {
        if (q.has('uploads')) {
          const id = randomUUID();
          uploads.set(id, { key, contentType: req.headers['content-type'] ?? 'binary/octet-stream', meta: metaOf(req.headers), parts: new Map() });
          return xml(res, 200, `<InitiateMultipartUploadResult><Bucket>${BUCKET}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
        }
        const up = uploads.get(q.get('uploadId') ?? '');
        if (!up) return xml(res, 404, '<Error><Code>NoSuchUpload</Code></Error>');
        const numbers = [...body.toString().matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
        const all = Buffer.concat(numbers.map((n) => up.parts.get(n)!));
        objects.set(key, { body: all, contentType: up.contentType, meta: up.meta, etag: `"${numbers.length}-multipart"` });
        uploads.delete(q.get('uploadId')!);
        return xml(res, 200, `<CompleteMultipartUploadResult><Bucket>${BUCKET}</Bucket><Key>${key}</Key><ETag>"${numbers.length}-multipart"</ETag></CompleteMultipartUploadResult>`);
      }
      case 'HEAD':
      case 'GET': {
        if (!obj) return notFound(res, req.method);
        const headers: http.OutgoingHttpHeaders = {
          'content-type': obj.contentType,
          etag: obj.etag,
          'last-modified': new Date().toUTCString(),
          'accept-ranges': 'bytes',
          ...Object.fromEntries(Object.entries(obj.meta).map(([k, v]) => ['x-amz-meta-' + k, v])),
        };
        const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
        if (m) {
          const start = Number(m[1]);
          if (start >= obj.body.length) return xml(res, 416, '<Error><Code>InvalidRange</Code></Error>');
          const end = Math.min(Number(m[2]), obj.body.length - 1);
          const slice = obj.body.subarray(start, end + 1);
          res.writeHead(206, { ...headers, 'content-length': slice.length, 'content-range': `bytes ${start}-${end}/${obj.body.length}` });
          return res.end(req.method === 'HEAD' ? undefined : slice);
        }
        res.writeHead(200, { ...headers, 'content-length': obj.body.length });
        return res.end(req.method === 'HEAD' ? undefined : obj.body);
      }
      case 'DELETE': {
        if (q.has('uploadId')) uploads.delete(q.get('uploadId')!);
        else objects.delete(key);
        return res.writeHead(204).end();
      }
      default:
        return xml(res, 405, '<Error><Code>MethodNotAllowed</Code></Error>');
    }
  });
  return { server, objects, uploads, seen };
}

let fake: ReturnType<typeof fakeS3>;
let endpoint: string;
let spoolDir: string;
let storage: S3Storage;

beforeAll(async () => {
  fake = fakeS3();
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  spoolDir = mkdtempSync(path.join(os.tmpdir(), 'lyceum-s3-spool-test-'));
  storage = new S3Storage({
    bucket: BUCKET,
    clientConfig: s3ClientConfig({ region: 'eu-west-3', endpoint, forcePathStyle: true, accessKeyId: 'AKIDLYCEUMTEST', secretAccessKey: 'not-a-real-secret' }),
    spoolDir,
    multipartThreshold: 6 * 1024 * 1024,
    partSize: 5 * 1024 * 1024,
  });
});
afterAll(async () => {
  await storage?.close();
  await new Promise((r) => fake?.server.close(r));
  rmSync(spoolDir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.seen.length = 0;
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('S3Storage against a local S3-speaking server', () => {
  it('PUTs a buffer path-style, signed with SigV4, with content type and sha256 metadata', async () => {
    const data = Buffer.from('hello s3');
    const res = await storage.put('org/1/a.txt', data, { contentType: 'text/plain' });
    expect(res).toEqual({ key: 'org/1/a.txt', size: 8, sha256: sha(data), contentType: 'text/plain' });
    const put = fake.seen.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe(`/${BUCKET}/org/1/a.txt`);
    expect(put.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLYCEUMTEST\/\d{8}\/eu-west-3\/s3\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/);
    expect(put.headers['content-type']).toBe('text/plain');
    expect(put.headers['content-length']).toBe('8');
    expect(put.headers['x-amz-meta-sha256']).toBe(sha(data));
    expect(put.headers['content-encoding']).toBeUndefined(); // no aws-chunked trailers
    expect(fake.objects.get('org/1/a.txt')!.body.toString()).toBe('hello s3');
  });

  it('spools a stream to learn its length, then PUTs it; the spool file is removed', async () => {
    const data = Buffer.alloc(300_000, 9);
    const res = await storage.put('org/1/stream.bin', Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), { contentType: 'video/mp4' });
    expect(res.size).toBe(300_000);
    expect(res.sha256).toBe(sha(data));
    const put = fake.seen.find((r) => r.method === 'PUT')!;
    expect(put.headers['content-length']).toBe('300000');
    expect(put.bodyLength).toBe(300_000);
    expect(fake.objects.get('org/1/stream.bin')!.body.equals(data)).toBe(true);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('sends large streams as a multipart upload', async () => {
    const data = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data[i] = i % 251;
    const res = await storage.put('org/1/big.bin', Readable.from([data]), { contentType: 'application/octet-stream' });
    expect(res.sha256).toBe(sha(data));
    const kinds = fake.seen.map((r) => `${r.method} ${[...r.query.keys()].filter((k) => k !== 'x-id').sort().join(',')}`);
    expect(kinds).toEqual(['POST uploads', 'PUT partNumber,uploadId', 'PUT partNumber,uploadId', 'PUT partNumber,uploadId', 'POST uploadId']);
    expect(fake.objects.get('org/1/big.bin')!.body.equals(data)).toBe(true);
    expect(fake.objects.get('org/1/big.bin')!.meta.sha256).toBe(sha(data));
    expect(fake.uploads.size).toBe(0);
  });

  it('HEADs, GETs whole and ranged, and reports missing objects as null', async () => {
    await storage.put('org/1/abc.txt', Buffer.from('abcdefghij'), { contentType: 'text/plain' });
    const head = await storage.head('org/1/abc.txt');
    expect(head).toMatchObject({ key: 'org/1/abc.txt', size: 10, contentType: 'text/plain', sha256: sha(Buffer.from('abcdefghij')) });
    expect(head!.etag).toMatch(/^"[0-9a-f]{32}"$/);

    const whole = await storage.get('org/1/abc.txt');
    expect((await buffer(whole!.body)).toString()).toBe('abcdefghij');
    const part = await storage.get('org/1/abc.txt', { range: { start: 2, end: 4 } });
    expect(part!.size).toBe(10);
    expect(part!.range).toEqual({ start: 2, end: 4 });
    expect((await buffer(part!.body)).toString()).toBe('cde');
    const get = fake.seen.filter((r) => r.method === 'GET').at(-1)!;
    expect(get.headers.range).toBe('bytes=2-4');

    expect(await storage.head('org/1/missing')).toBeNull();
    expect(await storage.get('org/1/missing')).toBeNull();
    expect(await storage.exists('org/1/abc.txt')).toBe(true);
  });

  it('DELETEs idempotently', async () => {
    await storage.put('org/1/gone.txt', Buffer.from('x'));
    await storage.delete('org/1/gone.txt');
    expect(fake.seen.at(-1)).toMatchObject({ method: 'DELETE', path: `/${BUCKET}/org/1/gone.txt` });
    expect(await storage.exists('org/1/gone.txt')).toBe(false);
    await expect(storage.delete('org/1/gone.txt')).resolves.toBeUndefined();
  });

  it('stores nothing when the body stream fails, and refuses bad keys before any request', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('upload interrupted'));
      },
    });
    await expect(storage.put('org/1/broken.bin', failing)).rejects.toThrow('upload interrupted');
    await expect(storage.put('../escape', Buffer.from('x'))).rejects.toBeInstanceOf(InvalidStorageKey);
    expect(fake.seen).toEqual([]);
    expect(fake.objects.has('org/1/broken.bin')).toBe(false);
  });
});

describe('the app with S3_BUCKET set', () => {
  it('uses the S3 adapter and serves signed, ranged downloads from the bucket', async () => {
    const t = await createTestApp({
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'eu-west-3',
      S3_ACCESS_KEY_ID: 'AKIDLYCEUMTEST',
      S3_SECRET_ACCESS_KEY: 'not-a-real-secret',
    });
    try {
      const appStorage = t.app.get<Storage>(STORAGE);
      expect(appStorage.driver).toBe('s3');
      await appStorage.put('org/9/video.mp4', Buffer.from('0123456789'), { contentType: 'video/mp4' });
      expect(fake.objects.get('org/9/video.mp4')!.body.toString()).toBe('0123456789');
      const url = t.app.get(UrlSigner).sign('org/9/video.mp4');
      const res = await t.http('GET', url, { headers: { range: 'bytes=3-5' } });
      expect(res.status).toBe(206);
      expect(res.headers['content-type']).toBe('video/mp4');
      expect(res.headers['content-range']).toBe('bytes 3-5/10');
      expect(res.text).toBe('345');
    } finally {
      await t.close();
    }
  });
});
