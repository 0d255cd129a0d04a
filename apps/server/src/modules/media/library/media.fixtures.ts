import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { DB, type Database } from '../../../kernel/db/index.js';
import type { HttpResult, Session, TestApp } from '../../../test/harness.js';
import { OrganizationsService } from '../../identity/index.js';

/* Test fixtures for the media library tests (used by *.test.ts only). */

export const TUS = '/api/v1/media/uploads';
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A one-second 160x120 H.264/AAC clip made by ffmpeg (real media, a few KB). */
export function makeClip(): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lyceum-media-clip-'));
  try {
    const file = path.join(dir, 'clip.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-f', 'lavfi', '-i', 'sine', '-t', '1', '-pix_fmt', 'yuv420p', '-y', file]);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Member extends Session {
  orgId: string;
  /** headers for this member in their organization */
  h(): Record<string, string>;
}

let n = 0;
const uniq = () => `${++n}-${Math.random().toString(36).slice(2, 8)}`;

/** A new organization through the API; its creator is the owner. */
async function createOrg(t: TestApp, name: string): Promise<Member> {
  const owner = await t.signUp(`owner-${uniq()}@example.test`, { name: 'Owner' });
  const res = await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: `${name} ${uniq()}` } });
  if (res.status !== 201) throw new Error(`create organization: ${res.status} ${res.text}`);
  const orgId = res.body.id as string;
  return { ...owner, orgId, h: () => owner.headers(orgId) };
}

async function addMember(t: TestApp, orgId: string, role: string): Promise<Member> {
  const s = await t.signUp(`${role}-${uniq()}@example.test`, { name: role });
  await t.app.get(OrganizationsService).addMember(t.app.get<symbol, Database>(DB), { organizationId: orgId, userId: s.userId, role, via: 'admin' });
  return { ...s, orgId, h: () => s.headers(orgId) };
}

export interface MediaCast {
  owner: Member;
  instructor: Member;
  learner: Member;
  /** owner of another organization */
  stranger: Member;
}

export async function mediaCast(t: TestApp): Promise<MediaCast> {
  const owner = await createOrg(t, 'Media Org');
  return { owner, instructor: await addMember(t, owner.orgId, 'instructor'), learner: await addMember(t, owner.orgId, 'learner'), stranger: await createOrg(t, 'Other Org') };
}

export function multipart(name: string, type: string, data: Buffer, title?: string) {
  const boundary = '----lyceum' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  if (title) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${title}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Helpers bound to one test app. */
export function mediaClient(t: TestApp) {
  const tusHeaders = (as: Member | null, extra: Record<string, string> = {}) => ({ ...(as ? as.h() : {}), 'tus-resumable': '1.0.0', ...extra });
  const tusCreate = (as: Member, name: string, type: string, length: number): Promise<HttpResult> =>
    t.http('POST', TUS, { as, headers: tusHeaders(as, { 'upload-length': String(length), 'upload-metadata': `filename ${b64(name)},filetype ${b64(type)}` }) });
  const tusPatch = (as: Member, location: string, offset: number, chunk: Buffer): Promise<HttpResult> =>
    t.http('PATCH', location, { as, headers: tusHeaders(as, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }), body: chunk });
  return {
    tusHeaders,
    tusCreate,
    tusPatch,
    /** a whole tus upload in one PATCH; returns the final PATCH response */
    async tusUpload(as: Member, name: string, type: string, data: Buffer): Promise<HttpResult> {
      const created = await tusCreate(as, name, type, data.length);
      expect(created.status, created.text).toBe(201);
      return tusPatch(as, String(created.headers.location), 0, data);
    },
    upload(as: Member, name: string, type: string, data: Buffer, title?: string): Promise<HttpResult> {
      const m = multipart(name, type, data, title);
      return t.http('POST', '/api/v1/media', { as, headers: { ...as.h(), 'content-type': m.contentType }, body: m.payload });
    },
    async quota(as: Member): Promise<{ usedBytes: number; reservedBytes: number; limitBytes: number }> {
      const q = await t.http('GET', '/api/v1/media/quota', { as, headers: as.h() });
      expect(q.status, q.text).toBe(200);
      return q.body;
    },
  };
}
