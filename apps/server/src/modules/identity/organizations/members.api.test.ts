import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../kernel/events/index.js';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { OrganizationMemberRemoved, OrganizationMemberRoleChanged } from '../identity.events.js';

let t: TestApp;
let owner: Session;
let admin: Session;
let instructor: Session;
let ta: Session;
let learner: Session;
let outsider: Session;
let orgId: string;
let otherOrgId: string;

const joinAs = (email: string, org: string, role: string, name?: string): Promise<Session> => t.joinAs(email, org, role, name);

async function roleOf(userId: string, org = orgId): Promise<string | undefined> {
  return (await t.query<{ role: string }>('SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2', [org, userId]))[0]?.role;
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.signUp('owner@example.com', { name: 'Olga Owner' });
  orgId = (await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: 'Academy' } })).body.id;
  admin = await joinAs('admin@example.com', orgId, 'admin', 'Adam Admin');
  instructor = await joinAs('instructor@example.com', orgId, 'instructor', 'Ines Instructor');
  ta = await joinAs('ta@example.com', orgId, 'teaching_assistant', 'Theo Assistant');
  learner = await joinAs('learner@example.com', orgId, 'learner', 'Lea Learner');
  outsider = await t.signUp('outsider@example.com');
  otherOrgId = (await t.http('POST', '/api/v1/organizations', { as: outsider, body: { name: 'Elsewhere' } })).body.id;
});
afterAll(() => t?.close());

describe('member list', () => {
  it('pages through members in a stable order', async () => {
    const p1 = await t.http('GET', `/api/v1/organizations/${orgId}/members?limit=3`, { as: ta });
    expect(p1.status).toBe(200);
    expect(p1.body.items.map((m: { email: string }) => m.email)).toEqual(['owner@example.com', 'admin@example.com', 'instructor@example.com']);
    const p2 = await t.http('GET', `/api/v1/organizations/${orgId}/members?limit=3&cursor=${p1.body.nextCursor}`, { as: ta });
    expect(p2.body.items.map((m: { email: string }) => m.email)).toEqual(['ta@example.com', 'learner@example.com']);
    expect(p2.body.nextCursor).toBeNull();
    expect(p1.body.items[0]).toMatchObject({ userId: owner.userId, name: 'Olga Owner', role: 'owner' });
  });

  it('searches by name or email and filters by role', async () => {
    const byName = await t.http('GET', `/api/v1/organizations/${orgId}/members?q=ines`, { as: owner });
    expect(byName.body.items.map((m: { email: string }) => m.email)).toEqual(['instructor@example.com']);
    const byEmail = await t.http('GET', `/api/v1/organizations/${orgId}/members?q=LEARNER@`, { as: owner });
    expect(byEmail.body.items).toHaveLength(1);
    const wildcard = await t.http('GET', `/api/v1/organizations/${orgId}/members?q=%25`, { as: owner });
    expect(wildcard.body.items).toHaveLength(0);
    const admins = await t.http('GET', `/api/v1/organizations/${orgId}/members?role=admin`, { as: owner });
    expect(admins.body.items.map((m: { userId: string }) => m.userId)).toEqual([admin.userId]);
  });

  it('refuses members without member.read, outsiders, anonymous callers and bad queries', async () => {
    const denied = await t.http('GET', `/api/v1/organizations/${orgId}/members`, { as: learner });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('missing_permission');
    expect((await t.http('GET', `/api/v1/organizations/${orgId}/members`, { as: outsider })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/organizations/${orgId}/members`)).status).toBe(401);
    for (const qs of ['limit=0', 'limit=abc', 'cursor=zzz', 'sort=name', 'role=Not-A-Role']) {
      const res = await t.http('GET', `/api/v1/organizations/${orgId}/members?${qs}`, { as: owner });
      expect(res.status, qs).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});

describe('changing roles', () => {
  it('an admin promotes a learner, and the change is an event', async () => {
    const emit = vi.spyOn(t.app.get(EventBus), 'emit');
    const res = await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${learner.userId}`, { as: admin, body: { role: 'teaching_assistant' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: learner.userId, role: 'teaching_assistant', email: 'learner@example.com' });
    expect(emit).toHaveBeenCalledWith(expect.anything(), OrganizationMemberRoleChanged, {
      organizationId: orgId,
      userId: learner.userId,
      from: 'learner',
      to: 'teaching_assistant',
      by: admin.userId,
    });
    emit.mockRestore();
    await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${learner.userId}`, { as: admin, body: { role: 'learner' } });
    expect(await roleOf(learner.userId)).toBe('learner');
  });

  it('nobody changes their own role', async () => {
    const res = await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${owner.userId}`, { as: owner, body: { role: 'admin' } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('cannot_change_own_role');
    const self = await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${admin.userId}`, { as: admin, body: { role: 'owner' } });
    expect(self.status).toBe(403);
    expect(await roleOf(owner.userId)).toBe('owner');
    expect(await roleOf(admin.userId)).toBe('admin');
  });

  it('only owners grant owner or change an owner', async () => {
    const grant = await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${instructor.userId}`, { as: admin, body: { role: 'owner' } });
    expect(grant.status).toBe(403);
    expect(grant.body.code).toBe('owner_required');
    const demote = await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${owner.userId}`, { as: admin, body: { role: 'learner' } });
    expect(demote.status).toBe(403);
    expect(demote.body.code).toBe('owner_required');
    expect(await roleOf(instructor.userId)).toBe('instructor');
    expect(await roleOf(owner.userId)).toBe('owner');
  });

  it('an owner makes a second owner, who may then demote the first', async () => {
    const coOwner = await joinAs('co-owner@example.com', orgId, 'learner');
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${coOwner.userId}`, { as: owner, body: { role: 'owner' } })).status).toBe(200);
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${owner.userId}`, { as: coOwner, body: { role: 'admin' } })).status).toBe(200);
    expect(await roleOf(owner.userId)).toBe('admin');
    // Restore: the co-owner gives ownership back and leaves.
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${owner.userId}`, { as: coOwner, body: { role: 'owner' } })).status).toBe(200);
    expect((await t.http('POST', `/api/v1/organizations/${orgId}/leave`, { as: coOwner })).status).toBe(204);
  });

  it('refuses an unknown role, members without member.update_role, outsiders, anonymous callers and bad input', async () => {
    const unknown = await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${learner.userId}`, { as: owner, body: { role: 'wizard' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('unknown_role');
    const denied = await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${learner.userId}`, { as: instructor, body: { role: 'instructor' } });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('missing_permission');
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${learner.userId}`, { as: outsider, body: { role: 'admin' } })).status).toBe(404);
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${learner.userId}`, { body: { role: 'admin' } })).status).toBe(401);
    // A member of another organization is not a member here.
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${outsider.userId}`, { as: owner, body: { role: 'admin' } })).status).toBe(404);
    for (const body of [{}, { role: '' }, { role: 'admin', extra: 1 }, { role: 42 }]) {
      const res = await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${learner.userId}`, { as: owner, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/members/not-a-uuid`, { as: owner, body: { role: 'admin' } })).status).toBe(400);
    expect(await roleOf(learner.userId)).toBe('learner');
    expect(await roleOf(outsider.userId, otherOrgId)).toBe('owner');
  });
});

describe('removing members and leaving', () => {
  it('an admin removes a learner: membership gone, active organization cleared, event emitted', async () => {
    const gone = await joinAs('gone@example.com', orgId, 'learner');
    await t.query('UPDATE user_profiles SET active_organization_id = $1 WHERE user_id = $2', [orgId, gone.userId]);
    const emit = vi.spyOn(t.app.get(EventBus), 'emit');
    expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/members/${gone.userId}`, { as: admin })).status).toBe(204);
    expect(emit).toHaveBeenCalledWith(expect.anything(), OrganizationMemberRemoved, { organizationId: orgId, userId: gone.userId });
    emit.mockRestore();
    expect(await roleOf(gone.userId)).toBeUndefined();
    expect((await t.http('GET', '/api/v1/me', { as: gone })).body.activeOrganizationId).toBeNull();
    expect((await t.http('GET', `/api/v1/organizations/${orgId}`, { as: gone })).status).toBe(404);
  });

  it('admins cannot remove owners; the last owner cannot be removed or leave', async () => {
    const res = await t.http('DELETE', `/api/v1/organizations/${orgId}/members/${owner.userId}`, { as: admin });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('owner_required');
    const self = await t.http('DELETE', `/api/v1/organizations/${orgId}/members/${owner.userId}`, { as: owner });
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('last_owner');
    const leave = await t.http('POST', `/api/v1/organizations/${orgId}/leave`, { as: owner });
    expect(leave.status).toBe(409);
    expect(leave.body.code).toBe('last_owner');
    expect(await roleOf(owner.userId)).toBe('owner');
  });

  it('an owner can leave once someone else owns the organization', async () => {
    const org = (await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: 'Handover Inc' } })).body.id as string;
    const heir = await joinAs('heir@example.com', org, 'admin');
    expect((await t.http('PATCH', `/api/v1/organizations/${org}/members/${heir.userId}`, { as: owner, body: { role: 'owner' } })).status).toBe(200);
    expect((await t.http('POST', `/api/v1/organizations/${org}/leave`, { as: owner })).status).toBe(204);
    expect(await roleOf(owner.userId, org)).toBeUndefined();
    const last = await t.http('POST', `/api/v1/organizations/${org}/leave`, { as: heir });
    expect(last.status).toBe(409);
  });

  it('two owners leaving at once leave one owner behind', async () => {
    const org = (await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: 'Race Condition Ltd' } })).body.id as string;
    const second = await joinAs('second-owner@example.com', org, 'owner');
    // Hold the owners' rows so both requests have counted two owners before either can delete:
    // only the per-organization lock keeps the second from deleting the last owner.
    const blocker = new pg.Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query("SELECT id FROM memberships WHERE organization_id = $1 AND role = 'owner' FOR UPDATE", [org]);
      const racing = Promise.all([
        t.http('POST', `/api/v1/organizations/${org}/leave`, { as: owner }),
        t.http('POST', `/api/v1/organizations/${org}/leave`, { as: second }),
      ]);
      await new Promise((r) => setTimeout(r, 500));
      await blocker.query('COMMIT');
      const results = await racing;
      expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
    } finally {
      await blocker.end();
    }
    expect(await t.query("SELECT count(*)::int AS n FROM memberships WHERE organization_id = $1 AND role = 'owner'", [org])).toEqual([{ n: 1 }]);
  });

  it('a learner leaves', async () => {
    const leaver = await joinAs('leaver@example.com', orgId, 'learner');
    expect((await t.http('POST', `/api/v1/organizations/${orgId}/leave`, { as: leaver })).status).toBe(204);
    expect(await roleOf(leaver.userId)).toBeUndefined();
  });

  it('refuses members without member.remove, outsiders, anonymous callers and bad ids', async () => {
    const denied = await t.http('DELETE', `/api/v1/organizations/${orgId}/members/${learner.userId}`, { as: ta });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('missing_permission');
    expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/members/${learner.userId}`, { as: outsider })).status).toBe(404);
    expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/members/${learner.userId}`)).status).toBe(401);
    expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/members/zzz`, { as: owner })).status).toBe(400);
    expect((await t.http('POST', `/api/v1/organizations/${orgId}/leave`, { as: outsider })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/organizations/${orgId}/leave`)).status).toBe(401);
    expect(await roleOf(learner.userId)).toBe('learner');
  });
});
