import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';

// A 1x1 PNG: enough for content sniffing.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3ad5a7a0000000049454e44ae426082',
  'hex',
);

let t: TestApp;
let me: Session;
let colleague: Session;

function multipart(file: Buffer, filename: string, type: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----lyceum' + Math.random().toString(16).slice(2);
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function putAvatar(as: Session | undefined, file: Buffer, filename = 'me.png', type = 'image/png') {
  const { payload, headers } = multipart(file, filename, type);
  const res = await t.app.inject({ method: 'PUT', url: '/api/v1/me/avatar', payload, headers: { ...headers, ...(as?.headers() ?? {}) } });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

const stored = (userId: string): string[] => {
  try {
    return readdirSync(path.join(t.dataDir, 'files', 'avatars', userId));
  } catch {
    return [];
  }
};

beforeAll(async () => {
  t = await createTestApp();
  me = await t.signUp('pic@example.com', { name: 'Pic' });
  colleague = await t.signUp('colleague@example.com');
  const orgId = (await t.http('POST', '/api/v1/organizations', { as: me, body: { name: 'Pictures Ltd' } })).body.id;
  await t.query("INSERT INTO memberships (id, organization_id, user_id, role) VALUES (gen_random_uuid(), $1, $2, 'admin')", [orgId, colleague.userId]);
});
afterAll(() => t?.close());

describe('avatars', () => {
  it('uploads a picture, served through a signed URL everywhere my picture shows', async () => {
    const res = await putAvatar(me, PNG);
    expect(res.status).toBe(200);
    const url = new URL(res.body.image as string);
    expect(url.origin).toBe('http://localhost:3000');
    expect(url.pathname).toMatch(new RegExp(`^/files/avatars/${me.userId}/[0-9a-f-]+\\.png$`));
    const file = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.rawPayload.equals(PNG)).toBe(true);
    // An unsigned path gives nothing.
    expect((await t.app.inject({ method: 'GET', url: url.pathname })).statusCode).toBe(403);

    const orgId = (await t.http('GET', '/api/v1/me', { as: me })).body.activeOrganizationId;
    const members = await t.http('GET', `/api/v1/organizations/${orgId}/members`, { as: colleague });
    expect(members.body.items.find((m: { userId: string }) => m.userId === me.userId).image).toBe(res.body.image);
  });

  it('replacing the picture deletes the old file; removing it deletes the file', async () => {
    const before = stored(me.userId);
    expect(before).toHaveLength(1);
    const res = await putAvatar(me, PNG, 'again.png');
    expect(res.status).toBe(200);
    const after = stored(me.userId);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    const del = await t.http('DELETE', '/api/v1/me/avatar', { as: me });
    expect(del.status).toBe(200);
    expect(del.body.image).toBeNull();
    expect(stored(me.userId)).toHaveLength(0);
  });

  it('refuses what is not an image, oversize files and anonymous callers, storing nothing', async () => {
    const html = await putAvatar(me, Buffer.from('<html><script>alert(1)</script></html>'), 'x.png', 'image/png');
    expect(html.status).toBe(415);
    expect(html.headers['content-type']).toContain('application/problem+json');
    const pdf = await putAvatar(me, Buffer.from('%PDF-1.4\n%%EOF\n'), 'cv.pdf', 'application/pdf');
    expect(pdf.status).toBe(415);
    const big = await putAvatar(me, Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024 + 10)]));
    expect(big.status).toBe(413);
    const anon = await putAvatar(undefined, PNG);
    expect(anon.status).toBe(401);
    const json = await t.http('PUT', '/api/v1/me/avatar', { as: me, body: { image: 'http://evil.example/x.png' } });
    expect(json.status).toBe(415);
    expect((await t.http('DELETE', '/api/v1/me/avatar')).status).toBe(401);
    expect(stored(me.userId)).toHaveLength(0);
    expect((await t.http('GET', '/api/v1/me', { as: me })).body.image).toBeNull();
  });
});
