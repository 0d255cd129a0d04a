import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { STORAGE, type Storage } from './storage.port.js';
import { UrlSigner } from './url-signer.js';

let t: TestApp;
let storage: Storage;
let signer: UrlSigner;
const DATA = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(100));

beforeAll(async () => {
  t = await createTestApp();
  storage = t.app.get<Storage>(STORAGE);
  signer = t.app.get(UrlSigner);
  await storage.put('org/one/lesson.pdf', DATA, { contentType: 'application/pdf' });
  await storage.put('org/one/page.html', Buffer.from('<script>alert(1)</script>'), { contentType: 'text/html' });
});
afterAll(() => t?.close());

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set(name, value);
  return u.pathname + u.search;
}

describe('GET /files/* (signed URLs)', () => {
  it('serves a validly signed URL with stored metadata, privately, without signing in', async () => {
    const url = signer.sign('org/one/lesson.pdf', { filename: 'Leçon 1.pdf' });
    expect(url).toMatch(/^\/files\/org\/one\/lesson\.pdf\?exp=\d+&fn=.+&sig=[A-Za-z0-9_-]+$/);
    const res = await t.http('GET', url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-length']).toBe(String(DATA.length));
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['cache-control']).toMatch(/^private, max-age=\d+$/);
    expect(res.headers['content-disposition']).toBe(`inline; filename="Le_on 1.pdf"; filename*=UTF-8''Le%C3%A7on%201.pdf`);
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.text).toBe(DATA.toString());
  });

  it('refuses with 403 problem+json: unsigned, expired, tampered signature, tampered key, tampered params', async () => {
    const good = signer.sign('org/one/lesson.pdf');
    const sig = new URL(good, 'http://x').searchParams.get('sig')!;
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    const cases: [string, string][] = [
      ['/files/org/one/lesson.pdf', 'signature_invalid'],
      [signer.sign('org/one/lesson.pdf', { ttlSeconds: 60 }, Date.now() - 120_000), 'signature_expired'],
      [withParam(good, 'sig', flipped), 'signature_invalid'],
      [withParam(good, 'sig', sig.slice(0, 20)), 'signature_invalid'],
      [good.replace('/files/org/one/lesson.pdf', '/files/org/one/page.html'), 'signature_invalid'],
      [good.replace('/files/org/one/lesson.pdf', '/files/org/one/..%2fone/lesson.pdf'), 'signature_invalid'],
      [good.replace('/files/org/one/lesson.pdf', '/files/org/one/..%2f..%2f..%2fsecret'), 'signature_invalid'],
      [withParam(good, 'exp', String(Math.floor(Date.now() / 1000) + 10 * 365 * 86400)), 'signature_invalid'],
      [withParam(good, 'd', 'a'), 'signature_invalid'],
      [withParam(good, 'pub', '1'), 'signature_invalid'],
    ];
    for (const [url, code] of cases) {
      const res = await t.http('GET', url);
      expect(res.status, url).toBe(403);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
      expect(res.body.code, url).toBe(code);
      expect(res.text).not.toContain('quick brown fox');
    }
  });

  it('answers a Range request with 206 and Content-Range; suffix ranges, If-Range and 416 too', async () => {
    const url = signer.sign('org/one/lesson.pdf');
    const part = await t.http('GET', url, { headers: { range: 'bytes=4-8' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 4-8/${DATA.length}`);
    expect(part.headers['content-length']).toBe('5');
    expect(part.headers['accept-ranges']).toBe('bytes');
    expect(part.text).toBe('quick');

    const tail = await t.http('GET', url, { headers: { range: 'bytes=-5' } });
    expect(tail.status).toBe(206);
    expect(tail.text).toBe(DATA.subarray(-5).toString());

    const stale = await t.http('GET', url, { headers: { range: 'bytes=0-3', 'if-range': '"not-the-etag"' } });
    expect(stale.status).toBe(200);
    expect(stale.text.length).toBe(DATA.length);

    const beyond = await t.http('GET', url, { headers: { range: `bytes=${DATA.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${DATA.length}`);

    const head = await t.http('HEAD', url, { headers: { range: 'bytes=0-9' } });
    expect(head.status).toBe(206);
    expect(head.headers['content-length']).toBe('10');
    expect(head.text).toBe('');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const url = signer.sign('org/one/lesson.pdf');
    const first = await t.http('GET', url);
    const again = await t.http('GET', url, { headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('404s a signed URL whose object is gone', async () => {
    await storage.put('org/one/temp.txt', Buffer.from('bye'), { contentType: 'text/plain' });
    const url = signer.sign('org/one/temp.txt');
    expect((await t.http('GET', url)).status).toBe(200);
    await storage.delete('org/one/temp.txt');
    const res = await t.http('GET', url);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('forces active content to download, sandboxed', async () => {
    const res = await t.http('GET', signer.sign('org/one/page.html', { disposition: 'inline' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('a URL bound to a user works only for that signed-in user', async () => {
    const alice = await t.signUp('alice-files@example.com');
    const bob = await t.signUp('bob-files@example.com');
    const url = signer.sign('org/one/lesson.pdf', { bindTo: alice.userId });
    expect(url).not.toContain(alice.userId);
    expect((await t.http('GET', url, { as: alice })).status).toBe(200);
    const asBob = await t.http('GET', url, { as: bob });
    expect(asBob.status).toBe(403);
    expect(asBob.body.code).toBe('signature_invalid');
    expect((await t.http('GET', url)).status).toBe(403);
  });

  it('public URLs are long-lived, stable across calls, and cacheable by shared caches', async () => {
    const now = Date.now();
    const a = signer.signPublic('org/one/lesson.pdf', {}, now);
    const b = signer.signPublic('org/one/lesson.pdf', {}, now + 3600_000);
    expect(a).toBe(b);
    const exp = Number(new URL(a, 'http://x').searchParams.get('exp'));
    expect(exp * 1000 - now).toBeGreaterThan(300 * 86400_000);
    const res = await t.http('GET', a);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
  });

  it('refuses to sign an invalid key', () => {
    expect(() => signer.sign('../etc/passwd')).toThrow();
  });
});
