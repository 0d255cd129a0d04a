import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { STORAGE, type Storage } from './storage.port.js';
import { UploadService } from './upload.service.js';

// A 1x1 PNG, a JPEG header and a PDF header: enough for content sniffing.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3ad5a7a0000000049454e44ae426082',
  'hex',
);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(200, 0x11), Buffer.from('ffd9', 'hex')]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let t: TestApp;
let storage: Storage;
let url: string;

interface Part {
  name: string;
  value: Buffer | string;
  filename?: string;
  type?: string;
}

function multipart(parts: Part[]): { body: Buffer; headers: Record<string, string> } {
  const boundary = '----lyceum' + Math.random().toString(16).slice(2);
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.type) head += `Content-Type: ${p.type}\r\n`;
    chunks.push(Buffer.from(head + '\r\n'), Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(route: string, parts: Part[]) {
  const { body, headers } = multipart(parts);
  const res = await t.app.inject({ method: 'POST', url: route, payload: body, headers });
  return { status: res.statusCode, headers: res.headers, body: res.json() };
}

function storedUnder(prefix: string): string[] {
  try {
    return readdirSync(path.join(t.dataDir, 'files', prefix));
  } catch {
    return [];
  }
}

beforeAll(async () => {
  t = await createTestApp();
  storage = t.app.get<Storage>(STORAGE);
  const uploads = t.app.get(UploadService);
  // Test-only routes on the real app (its multipart plugin, error handler and storage), added
  // before the first request makes Fastify ready.
  const fastify = t.app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.post('/test/images', (req) => uploads.receive(req, { maxBytes: 1024, allowed: ['image/png', 'image/jpeg', 'image/webp'], keyPrefix: 'test/images' }));
  fastify.post('/test/docs', (req) => uploads.receive(req, { maxBytes: 5 * 1024 * 1024, allowed: ['application/pdf', 'text/plain', 'text/csv'], keyPrefix: 'test/docs' }));
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
});
afterAll(() => t?.close());

describe('UploadService.receive', () => {
  it('streams an allowed image into storage and reports what was stored', async () => {
    const res = await upload('/test/images', [
      { name: 'title', value: 'cover' },
      { name: 'file', value: PNG, filename: '../../dir/évil\u202egnp.png', type: 'image/png' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      size: PNG.length,
      contentType: 'image/png',
      sha256: createHash('sha256').update(PNG).digest('hex'),
      originalName: 'évilgnp.png',
      fields: { title: 'cover' },
    });
    expect(res.body.key).toMatch(/^test\/images\/[0-9a-f-]{36}\.png$/);
    const head = await storage.head(res.body.key);
    expect(head).toMatchObject({ size: PNG.length, contentType: 'image/png' });
  });

  it('takes the type from the bytes when the client claims nothing specific', async () => {
    const res = await upload('/test/images', [{ name: 'file', value: JPEG, filename: 'photo', type: 'application/octet-stream' }]);
    expect(res.status).toBe(200);
    expect(res.body.contentType).toBe('image/jpeg');
    expect(res.body.key).toMatch(/\.jpg$/);
  });

  it('refuses with 415 a text file claiming to be image/png, storing nothing', async () => {
    const before = storedUnder('test/images').length;
    const res = await upload('/test/images', [{ name: 'file', value: 'just some text, not an image', filename: 'x.png', type: 'image/png' }]);
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('content_type_mismatch');
    expect(storedUnder('test/images').length).toBe(before);
  });

  it('refuses with 415 a real file of a type not allowed here, and a JPEG sent as PNG', async () => {
    const before = storedUnder('test/images').length;
    const pdf = await upload('/test/images', [{ name: 'file', value: PDF, filename: 'a.pdf', type: 'application/pdf' }]);
    expect(pdf.status).toBe(415);
    expect(pdf.body.code).toBe('unsupported_media_type');
    const lying = await upload('/test/images', [{ name: 'file', value: JPEG, filename: 'a.png', type: 'image/png' }]);
    expect(lying.status).toBe(415);
    expect(lying.body.code).toBe('content_type_mismatch');
    expect(storedUnder('test/images').length).toBe(before);
  });

  it('aborts with 413 past maxBytes and stores nothing', async () => {
    const before = storedUnder('test/images').length;
    const big = Buffer.concat([PNG, Buffer.alloc(5000, 7)]);
    const res = await upload('/test/images', [{ name: 'file', value: big, filename: 'big.png', type: 'image/png' }]);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('file_too_large');
    expect(storedUnder('test/images').length).toBe(before);
    expect(readdirSync(path.join(t.dataDir, 'files', '.tmp'))).toEqual([]);
    // exactly at the limit is fine
    const edge = await upload('/test/images', [{ name: 'file', value: Buffer.concat([PNG, Buffer.alloc(1024 - PNG.length, 7)]), filename: 'edge.png', type: 'image/png' }]);
    expect(edge.status).toBe(200);
    expect(edge.body.size).toBe(1024);
  });

  it('over a real socket, answers 413 early without reading a huge body to the end', async () => {
    const before = storedUnder('test/images').length;
    const { body, headers } = multipart([{ name: 'file', value: Buffer.concat([PNG, Buffer.alloc(64 * 1024 * 1024, 1)]), filename: 'huge.png', type: 'image/png' }]);
    const started = Date.now();
    let status: number | string;
    try {
      const res = await fetch(`${url}/test/images`, { method: 'POST', body, headers });
      status = res.status;
      expect(((await res.json()) as { code: string }).code).toBe('file_too_large');
    } catch (err) {
      // the server may close the connection while the client is still sending: also a refusal
      status = String((err as Error & { cause?: { code?: string } }).cause?.code ?? err);
    }
    expect([413, 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']).toContain(status);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(storedUnder('test/images').length).toBe(before);
  });

  it('accepts files larger than the JSON body limit when the route allows them', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(3 * 1024 * 1024, 0x20)]);
    const res = await upload('/test/docs', [{ name: 'file', value: big, filename: 'book.pdf', type: 'application/pdf' }]);
    expect(res.status).toBe(200);
    expect(res.body.size).toBe(big.length);
    expect(res.body.sha256).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('accepts declared text only when it is UTF-8 text and the type is allowed', async () => {
    const csv = await upload('/test/docs', [{ name: 'file', value: 'name,score\nAda,10\n', filename: 'grades.csv', type: 'text/csv' }]);
    expect(csv.status).toBe(200);
    expect(csv.body.contentType).toBe('text/csv');
    const binary = await upload('/test/docs', [{ name: 'file', value: Buffer.from([0, 1, 2, 3, 0xff, 0xfe]), filename: 'x.txt', type: 'text/plain' }]);
    expect(binary.status).toBe(415);
    const html = await upload('/test/docs', [{ name: 'file', value: '<html><script>alert(1)</script></html>', filename: 'x.html', type: 'text/html' }]);
    expect(html.status).toBe(415);
  });

  it('refuses a non-multipart request (415) and a form without a file (400)', async () => {
    const json = await t.http('POST', '/test/images', { body: { file: 'x' } });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('multipart_required');
    const empty = await upload('/test/images', [{ name: 'title', value: 'no file' }]);
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('file_missing');
  });
});
