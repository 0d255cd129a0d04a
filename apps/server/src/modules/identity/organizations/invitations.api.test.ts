import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../kernel/events/index.js';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { OrganizationMemberAdded } from '../identity.events.js';

let t: TestApp;
let owner: Session;
let admin: Session;
let learner: Session;
let outsider: Session;
let orgId: string;
let otherOrgId: string;

const joinAs = (email: string, org: string, role: string, name?: string): Promise<Session> => t.joinAs(email, org, role, name);

/** Invites and returns the token from the emailed link. */
async function invite(as: Session, email: string, role: string, org = orgId): Promise<{ id: string; token: string }> {
  const res = await t.http('POST', `/api/v1/organizations/${org}/invitations`, { as, body: { email, role } });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${res.text}`);
  await t.drain();
  const mail = t.mails(email).at(-1)!;
  const link = /http:\/\/localhost:3000\/invitations\/([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!link) throw new Error(`no invitation link in ${mail.text}`);
  return { id: res.body.id, token: link[1]! };
}

/** Rows that matter plus mails sent: a refused request must leave all three unchanged (mails go through jobs, so drain first). */
async function counts() {
  await t.drain();
  const [rows] = await t.query<{ inv: number; mem: number }>(
    'SELECT (SELECT count(*) FROM invitations)::int AS inv, (SELECT count(*) FROM memberships)::int AS mem',
  );
  return { ...rows, mails: t.mails().length };
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.signUp('owner@example.com', { name: 'Olga Owner' });
  orgId = (await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: 'Academy' } })).body.id;
  admin = await joinAs('admin@example.com', orgId, 'admin');
  learner = await joinAs('learner@example.com', orgId, 'learner');
  outsider = await t.signUp('outsider@example.com');
  otherOrgId = (await t.http('POST', '/api/v1/organizations', { as: outsider, body: { name: 'Elsewhere' } })).body.id;
});
afterAll(() => t?.close());

describe('inviting and accepting', () => {
  it('emails a link whose token is stored only as a hash; the invitee previews, signs up and joins', async () => {
    const { id, token } = await invite(owner, 'New.Person@Example.com', 'instructor');
    const mail = t.mails('new.person@example.com').at(-1)!;
    expect(mail.subject).toBe('Olga Owner invited you to Academy on Lyceum');
    const [row] = await t.query<{ token_hash: string; email: string }>('SELECT token_hash, email FROM invitations WHERE id = $1', [id]);
    expect(row!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row!.email).toBe('new.person@example.com');
    expect(JSON.stringify(await t.query('SELECT * FROM invitations'))).not.toContain(token);

    const preview = await t.http('GET', `/api/v1/invitations/${token}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ organization: { id: orgId, name: 'Academy' }, role: 'instructor', roleName: 'Instructor', invitedBy: { name: 'Olga Owner' }, status: 'pending', email: 'new.person@example.com' });

    const invitee = await t.signUp('new.person@example.com');
    const emit = vi.spyOn(t.app.get(EventBus), 'emit');
    const accepted = await t.http('POST', `/api/v1/invitations/${token}/accept`, { as: invitee });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ organization: { id: orgId, name: 'Academy' }, role: 'instructor' });
    expect(emit).toHaveBeenCalledWith(expect.anything(), OrganizationMemberAdded, { organizationId: orgId, userId: invitee.userId, role: 'instructor', via: 'invitation' });
    emit.mockRestore();
    expect(await t.query('SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2', [orgId, invitee.userId])).toEqual([{ role: 'instructor' }]);
    expect((await t.http('GET', '/api/v1/me', { as: invitee })).body.activeOrganizationId).toBe(orgId);
    expect((await t.http('GET', `/api/v1/invitations/${token}`)).body.status).toBe('accepted');

    const twice = await t.http('POST', `/api/v1/invitations/${token}/accept`, { as: invitee });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('invitation_already_accepted');
  });

  it('only the invited address may accept', async () => {
    const { token } = await invite(owner, 'intended@example.com', 'learner');
    const before = await counts();
    const res = await t.http('POST', `/api/v1/invitations/${token}/accept`, { as: outsider });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('invitation_email_mismatch');
    expect(await counts()).toEqual(before);
    expect((await t.http('POST', `/api/v1/invitations/${token}/accept`)).status).toBe(401);
  });

  it('a revoked or expired invitation cannot be accepted', async () => {
    const revoked = await invite(owner, 'revoked@example.com', 'learner');
    expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/invitations/${revoked.id}`, { as: admin })).status).toBe(204);
    const r = await t.signUp('revoked@example.com');
    const res = await t.http('POST', `/api/v1/invitations/${revoked.token}/accept`, { as: r });
    expect(res.status).toBe(410);
    expect(res.body.code).toBe('invitation_revoked');
    expect((await t.http('GET', `/api/v1/invitations/${revoked.token}`)).body.status).toBe('revoked');

    const expired = await invite(owner, 'late@example.com', 'learner');
    await t.query("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1", [expired.id]);
    const late = await t.signUp('late@example.com');
    const lateRes = await t.http('POST', `/api/v1/invitations/${expired.token}/accept`, { as: late });
    expect(lateRes.status).toBe(410);
    expect(lateRes.body.code).toBe('invitation_expired');
    expect((await t.http('GET', `/api/v1/invitations/${expired.token}`)).body.status).toBe('expired');
    expect(await t.query('SELECT 1 FROM memberships WHERE user_id = ANY($1)', [[r.userId, late.userId]])).toHaveLength(0);
  });

  it('a new invitation replaces the pending one; members cannot be invited again', async () => {
    const first = await invite(owner, 'twice@example.com', 'learner');
    const second = await invite(owner, 'twice@example.com', 'instructor');
    expect((await t.http('GET', `/api/v1/invitations/${first.token}`)).body.status).toBe('revoked');
    expect((await t.http('GET', `/api/v1/invitations/${second.token}`)).body.status).toBe('pending');
    const member = await t.http('POST', `/api/v1/organizations/${orgId}/invitations`, { as: owner, body: { email: 'LEARNER@example.com', role: 'admin' } });
    expect(member.status).toBe(409);
    expect(member.body.code).toBe('already_member');
  });

  it('only owners invite owners; nobody invites above their own permissions', async () => {
    const res = await t.http('POST', `/api/v1/organizations/${orgId}/invitations`, { as: admin, body: { email: 'boss@example.com', role: 'owner' } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('owner_required');
    expect((await invite(owner, 'boss@example.com', 'owner')).token).toBeTruthy();
  });

  it('unknown and malformed tokens', async () => {
    expect((await t.http('GET', `/api/v1/invitations/${'a'.repeat(43)}`)).status).toBe(404);
    expect((await t.http('GET', '/api/v1/invitations/short')).status).toBe(400);
    expect((await t.http('POST', `/api/v1/invitations/${'a'.repeat(43)}/accept`, { as: learner })).status).toBe(404);
    expect((await t.http('POST', '/api/v1/invitations/bad%20token/accept', { as: learner })).status).toBe(400);
  });
});

describe('listing and revoking', () => {
  it('lists newest first, filters by status, pages', async () => {
    const all = await t.http('GET', `/api/v1/organizations/${orgId}/invitations?limit=100`, { as: admin });
    expect(all.status).toBe(200);
    const ids = all.body.items.map((i: { id: string }) => i.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    const pending = await t.http('GET', `/api/v1/organizations/${orgId}/invitations?status=pending`, { as: admin });
    expect(pending.body.items.length).toBeGreaterThan(0);
    expect(pending.body.items.every((i: { status: string }) => i.status === 'pending')).toBe(true);
    const expired = await t.http('GET', `/api/v1/organizations/${orgId}/invitations?status=expired`, { as: admin });
    expect(expired.body.items.map((i: { email: string }) => i.email)).toEqual(['late@example.com']);
    const p1 = await t.http('GET', `/api/v1/organizations/${orgId}/invitations?limit=2`, { as: admin });
    const p2 = await t.http('GET', `/api/v1/organizations/${orgId}/invitations?limit=2&cursor=${p1.body.nextCursor}`, { as: admin });
    expect([...p1.body.items, ...p2.body.items].map((i: { id: string }) => i.id)).toEqual(ids.slice(0, 4));
  });

  it("cannot revoke another organization's invitation through this one", async () => {
    const theirs = await invite(outsider, 'theirs@example.com', 'learner', otherOrgId);
    expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/invitations/${theirs.id}`, { as: owner })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/invitations/${theirs.token}`)).body.status).toBe('pending');
  });
});

describe('invitation security', () => {
  it('members without member.invite, outsiders and anonymous callers are refused', async () => {
    const { id } = await invite(owner, 'target@example.com', 'learner');
    const before = await counts();
    for (const [as, status] of [
      [learner, 403],
      [outsider, 404],
      [undefined, 401],
    ] as const) {
      expect((await t.http('POST', `/api/v1/organizations/${orgId}/invitations`, { as, body: { email: 'x@example.com', role: 'learner' } })).status).toBe(status);
      expect((await t.http('GET', `/api/v1/organizations/${orgId}/invitations`, { as })).status).toBe(status);
      expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/invitations/${id}`, { as })).status).toBe(status);
    }
    expect(await counts()).toEqual(before);
  });

  it('bad input is a 400 problem and writes nothing (no invitation, no mail)', async () => {
    const before = await counts();
    for (const body of [
      {},
      { email: 'not-an-email', role: 'learner' },
      { email: 'ok@example.com' },
      { email: 'ok@example.com', role: 'wizard' },
      { email: 'ok@example.com', role: 'learner', message: 'hi' },
    ]) {
      const res = await t.http('POST', `/api/v1/organizations/${orgId}/invitations`, { as: owner, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await t.http('GET', `/api/v1/organizations/${orgId}/invitations?status=lost`, { as: owner })).status).toBe(400);
    expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/invitations/123`, { as: owner })).status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});
