import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type HttpResult, type TestApp } from '../../../test/harness.js';
import { makeClip, type Member, mediaCast, mediaClient } from './media.fixtures.js';

/* Two app nodes on one database and one DATA_DIR (the shared uploads directory), as behind a load balancer. */
let a: TestApp;
let b: TestApp;
let instructor: Member;
let video: Buffer;
let onA: ReturnType<typeof mediaClient>;
let onB: ReturnType<typeof mediaClient>;

beforeAll(async () => {
  video = makeClip();
  a = await createTestApp();
  b = await createTestApp({ DATA_DIR: a.dataDir }, { databaseUrl: a.databaseUrl });
  onA = mediaClient(a);
  onB = mediaClient(b);
  ({ instructor } = await mediaCast(a));
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; !(await cond()); i++) {
    if (i > 1000) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const partOf = (location: string) => path.join(a.dataDir, 'uploads', location.split('/').pop()!);
const written = (location: string) => (existsSync(partOf(location)) ? statSync(partOf(location)).size : 0);
const advisoryLocks = async () => Number((await a.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"))[0]!.n);

/** A PATCH on `t` whose body the test writes, chunk by chunk (a client still sending, or gone quiet). */
function streamingPatch(t: TestApp, location: string, offset: number): { body: PassThrough; res: Promise<HttpResult> } {
  const body = new PassThrough();
  const m = mediaClient(t);
  const res = t.http('PATCH', location, { as: instructor, headers: m.tusHeaders(instructor, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }), body });
  return { body, res };
}

async function storedBytes(t: TestApp, assetId: string): Promise<Buffer> {
  const got = await t.http('GET', `/api/v1/media/${assetId}`, { as: instructor, headers: instructor.h() });
  expect(got.status, got.text).toBe(200);
  const file = await t.app.inject({ method: 'GET', url: got.body.url, headers: instructor.h() });
  return file.rawPayload;
}

describe('tus uploads on two nodes', () => {
  it('an upload created and half sent on A, whose PATCH went quiet, is resumed (HEAD + PATCH) and completed on B', async () => {
    const created = await onA.tusCreate(instructor, 'two nodes.mp4', 'video/mp4', video.length);
    expect(created.status, created.text).toBe(201);
    const location = String(created.headers.location);
    const half = Math.floor(video.length / 2);

    // the client sends half on A, then its connection goes quiet (A still holds the upload)
    const stale = streamingPatch(a, location, 0);
    stale.body.write(video.subarray(0, half));
    await until('A has written the first half', async () => written(location) === half && (await advisoryLocks()) === 1);

    // the client comes back through the load balancer on B: B's HEAD makes A let go of the upload
    const head = await b.http('HEAD', location, { as: instructor, headers: onB.tusHeaders(instructor) });
    expect(head.status).toBe(200);
    expect(head.headers['upload-offset']).toBe(String(half));
    expect(head.headers['upload-length']).toBe(String(video.length));
    const staleRes = await stale.res;
    expect(staleRes.status).toBe(204);
    expect(staleRes.headers['upload-offset']).toBe(String(half));
    stale.body.end();

    const rest = await onB.tusPatch(instructor, location, half, video.subarray(half));
    expect(rest.status, rest.text).toBe(204);
    expect(rest.headers['upload-offset']).toBe(String(video.length));
    const assetId = String(rest.headers['lyceum-asset-id']);
    expect((await storedBytes(a, assetId)).equals(video)).toBe(true);
    expect(existsSync(partOf(location))).toBe(false);
    expect(await advisoryLocks()).toBe(0);
  });

  it('of two PATCHes of one upload at once, on A and on B, one writes and the other gets a 409; the file stays intact', async () => {
    const created = await onA.tusCreate(instructor, 'race.mp4', 'video/mp4', video.length);
    expect(created.status, created.text).toBe(201);
    const location = String(created.headers.location);
    const uploadId = location.split('/').pop()!;
    const third = Math.floor(video.length / 3);

    // the test hears the nodes' lock notices
    const listener = new pg.Client({ connectionString: a.databaseUrl });
    await listener.connect();
    let releaseAsked = false;
    listener.on('notification', (msg) => {
      if (msg.payload && JSON.parse(msg.payload).op === 'release' && JSON.parse(msg.payload).id === uploadId) releaseAsked = true;
    });
    await listener.query('LISTEN tus_upload_locks');
    try {
      const first = streamingPatch(a, location, 0);
      first.body.write(video.subarray(0, third));
      await until('A is writing', async () => written(location) === third && (await advisoryLocks()) === 1);

      // B gets a PATCH at the offset the file has now: it must wait for A's lock
      let bDone = false;
      const second = onB.tusPatch(instructor, location, third, video.subarray(third)).finally(() => (bDone = true));
      await until('B asks for the upload, or answers', () => releaseAsked || bDone);
      // A's client was not gone: it sends the next third and finishes its request
      first.body.end(video.subarray(third, 2 * third));
      const firstRes = await first.res;
      expect(firstRes.status, firstRes.text).toBe(204);
      expect(firstRes.headers['upload-offset']).toBe(String(2 * third));

      const secondRes = await second;
      expect(secondRes.status, secondRes.text).toBe(409);
      expect(secondRes.headers['content-type']).toContain('application/problem+json');
      expect(secondRes.body.code).toBe('upload_offset_mismatch');
      // only A wrote: the part is exactly A's bytes
      expect(readFileSync(partOf(location)).equals(video.subarray(0, 2 * third))).toBe(true);
    } finally {
      await listener.end();
    }

    // the client resumes where the upload really is, on B
    const head = await b.http('HEAD', location, { as: instructor, headers: onB.tusHeaders(instructor) });
    expect(head.headers['upload-offset']).toBe(String(2 * third));
    const rest = await onB.tusPatch(instructor, location, 2 * third, video.subarray(2 * third));
    expect(rest.status, rest.text).toBe(204);
    expect((await storedBytes(b, String(rest.headers['lyceum-asset-id']))).equals(video)).toBe(true);
  });
});
