import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { ALL_PERMISSIONS } from './permissions.js';

let t: TestApp;
let owner: Session;
let admin: Session;
let learner: Session;
let outsider: Session;
let orgId: string;
let otherOrgId: string;

const joinAs = (email: string, org: string, role: string, name?: string): Promise<Session> => t.joinAs(email, org, role, name);

async function createRole(as: Session, body: object, org = orgId) {
  return t.http('POST', `/api/v1/organizations/${org}/roles`, { as, body });
}

const roleCount = async () => (await t.query<{ n: number }>('SELECT count(*)::int AS n FROM org_roles'))[0]!.n;

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.signUp('owner@example.com');
  orgId = (await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: 'Academy' } })).body.id;
  admin = await joinAs('admin@example.com', orgId, 'admin');
  learner = await joinAs('learner@example.com', orgId, 'learner');
  outsider = await t.signUp('outsider@example.com');
  otherOrgId = (await t.http('POST', '/api/v1/organizations', { as: outsider, body: { name: 'Elsewhere' } })).body.id;
});
afterAll(() => t?.close());

describe('permission catalogue', () => {
  it('lists every permission and the built-in roles to signed-in callers', async () => {
    const res = await t.http('GET', '/api/v1/permissions', { as: learner });
    expect(res.status).toBe(200);
    expect(res.body.permissions.map((p: { key: string }) => p.key)).toEqual(ALL_PERMISSIONS);
    expect(res.body.builtinRoles.map((r: { key: string }) => r.key)).toEqual(['owner', 'admin', 'instructor', 'teaching_assistant', 'learner']);
    expect((await t.http('GET', '/api/v1/permissions')).status).toBe(401);
  });
});

describe('custom roles', () => {
  let registrarId: string;

  it('an owner creates a role; the list shows it after the built-in ones', async () => {
    const res = await createRole(owner, { key: 'registrar', name: 'Registrar', description: 'Handles admissions', permissions: ['member.read', 'member.invite'] });
    expect(res.status).toBe(201);
    registrarId = res.body.id;
    expect(res.body).toMatchObject({ key: 'registrar', builtin: false, permissions: ['member.read', 'member.invite'] });
    const list = await t.http('GET', `/api/v1/organizations/${orgId}/roles`, { as: admin });
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { key: string }) => r.key)).toEqual(['owner', 'admin', 'instructor', 'teaching_assistant', 'learner', 'registrar']);
    // Roles are per organization.
    const other = await t.http('GET', `/api/v1/organizations/${otherOrgId}/roles`, { as: outsider });
    expect(other.body.items.map((r: { key: string }) => r.key)).not.toContain('registrar');
  });

  it("a member given the custom role gets exactly its permissions", async () => {
    const registrar = await joinAs('registrar@example.com', orgId, 'learner');
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${registrar.userId}`, { as: owner, body: { role: 'registrar' } })).status).toBe(200);
    const org = await t.http('GET', `/api/v1/organizations/${orgId}`, { as: registrar });
    expect(org.body.membership).toEqual({ role: 'registrar', permissions: ['member.invite', 'member.read'] });
    const invite = await t.http('POST', `/api/v1/organizations/${orgId}/invitations`, { as: registrar, body: { email: 'applicant@example.com', role: 'learner' } });
    expect(invite.status).toBe(201);
    expect((await t.http('GET', `/api/v1/organizations/${orgId}/members`, { as: registrar })).status).toBe(200);
    const denied = await t.http('PATCH', `/api/v1/organizations/${orgId}`, { as: registrar, body: { name: 'Registrar U' } });
    expect(denied.status).toBe(403);
    // ...and it cannot invite into a role stronger than its own.
    const up = await t.http('POST', `/api/v1/organizations/${orgId}/invitations`, { as: registrar, body: { email: 'crony@example.com', role: 'admin' } });
    expect(up.status).toBe(403);
    expect(up.body.code).toBe('role_exceeds_own_permissions');

    // Editing the role changes what its holders may do at once.
    const edit = await t.http('PATCH', `/api/v1/organizations/${orgId}/roles/${registrarId}`, { as: owner, body: { permissions: ['member.read'] } });
    expect(edit.status).toBe(200);
    const now = await t.http('POST', `/api/v1/organizations/${orgId}/invitations`, { as: registrar, body: { email: 'applicant2@example.com', role: 'learner' } });
    expect(now.status).toBe(403);
  });

  it('refuses keys that clash with built-in or existing roles', async () => {
    const before = await roleCount();
    const builtin = await createRole(owner, { key: 'admin', name: 'Fake admin', permissions: [] });
    expect(builtin.status).toBe(409);
    expect(builtin.body.code).toBe('role_key_taken');
    const dup = await createRole(owner, { key: 'registrar', name: 'Again', permissions: [] });
    expect(dup.status).toBe(409);
    // The same key in another organization is fine.
    expect((await createRole(outsider, { key: 'registrar', name: 'Theirs', permissions: [] }, otherOrgId)).status).toBe(201);
    expect(await roleCount()).toBe(before + 1);
  });

  it('validates permissions against the catalogue and refuses bad input, writing nothing', async () => {
    const before = await roleCount();
    for (const body of [
      {},
      { key: 'x', name: 'Too short key', permissions: [] },
      { key: 'Bad-Key', name: 'Bad', permissions: [] },
      { key: 'ok_key', name: '', permissions: [] },
      { key: 'ok_key', name: 'Ok', permissions: ['course.teleport'] },
      { key: 'ok_key', name: 'Ok', permissions: ['member.read', 'member.read'] },
      { key: 'ok_key', name: 'Ok', permissions: 'member.read' },
      { key: 'ok_key', name: 'Ok', permissions: [], builtin: true },
    ]) {
      const res = await createRole(owner, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const [role] = await t.query<{ id: string }>("SELECT id FROM org_roles WHERE key = 'registrar' AND organization_id = $1", [orgId]);
    for (const body of [{}, { permissions: ['nope'] }, { key: 'renamed' }]) {
      expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/roles/${role!.id}`, { as: owner, body })).status).toBe(400);
    }
    expect(await roleCount()).toBe(before);
  });

  it('nobody defines or edits a role beyond their own permissions', async () => {
    const tooMuch = await createRole(admin, { key: 'deleter', name: 'Deleter', permissions: ['organization.delete'] });
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body.code).toBe('role_exceeds_own_permissions');

    const manager = await createRole(owner, { key: 'role_manager', name: 'Role manager', permissions: ['role.manage', 'member.read'] });
    const rm = await joinAs('rm@example.com', orgId, 'role_manager');
    const grantSelfMore = await t.http('PATCH', `/api/v1/organizations/${orgId}/roles/${manager.body.id}`, {
      as: rm,
      body: { permissions: ['role.manage', 'member.read', 'member.update_role'] },
    });
    expect(grantSelfMore.status).toBe(403);
    expect((await createRole(rm, { key: 'inviter', name: 'Inviter', permissions: ['member.invite'] })).status).toBe(403);
    expect((await createRole(rm, { key: 'reader', name: 'Reader', permissions: ['member.read'] })).status).toBe(201);
    expect((await t.query<{ permissions: string[] }>('SELECT permissions FROM org_roles WHERE id = $1', [manager.body.id]))[0]!.permissions).toEqual([
      'role.manage',
      'member.read',
    ]);
  });

  it('a custom role with member.update_role assigns only roles within its own permissions', async () => {
    await createRole(owner, { key: 'people_lead', name: 'People lead', permissions: ['member.read', 'member.update_role', 'member.invite'] });
    const lead = await joinAs('lead@example.com', orgId, 'people_lead');
    const target = await joinAs('target@example.com', orgId, 'learner');
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${target.userId}`, { as: lead, body: { role: 'registrar' } })).status).toBe(200);
    const up = await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${target.userId}`, { as: lead, body: { role: 'instructor' } });
    expect(up.status).toBe(403);
    expect(up.body.code).toBe('role_exceeds_own_permissions');
    // Nor demote someone stronger than itself.
    const down = await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${admin.userId}`, { as: lead, body: { role: 'learner' } });
    expect(down.status).toBe(403);
    expect((await t.query<{ role: string }>('SELECT role FROM memberships WHERE user_id = $1', [admin.userId]))[0]!.role).toBe('admin');
  });

  it('a role in use (by a member or a pending invitation) cannot be deleted', async () => {
    const role = await createRole(owner, { key: 'mentor', name: 'Mentor', permissions: ['member.read'] });
    const mentor = await joinAs('mentor@example.com', orgId, 'mentor');
    const inUse = await t.http('DELETE', `/api/v1/organizations/${orgId}/roles/${role.body.id}`, { as: owner });
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ code: 'role_in_use', members: 1, pendingInvitations: 0 });
    await t.http('PATCH', `/api/v1/organizations/${orgId}/members/${mentor.userId}`, { as: owner, body: { role: 'learner' } });
    const inv = await t.http('POST', `/api/v1/organizations/${orgId}/invitations`, { as: owner, body: { email: 'future-mentor@example.com', role: 'mentor' } });
    const invited = await t.http('DELETE', `/api/v1/organizations/${orgId}/roles/${role.body.id}`, { as: owner });
    expect(invited.status).toBe(409);
    expect(invited.body.pendingInvitations).toBe(1);
    await t.http('DELETE', `/api/v1/organizations/${orgId}/invitations/${inv.body.id}`, { as: owner });
    expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/roles/${role.body.id}`, { as: owner })).status).toBe(204);
    expect(await t.query('SELECT 1 FROM org_roles WHERE id = $1', [role.body.id])).toHaveLength(0);
  });
});

describe('role security', () => {
  it('members without the permission, outsiders and anonymous callers are refused', async () => {
    const [role] = await t.query<{ id: string }>("SELECT id FROM org_roles WHERE key = 'registrar' AND organization_id = $1", [orgId]);
    const before = JSON.stringify(await t.query('SELECT * FROM org_roles ORDER BY id'));
    const body = { key: 'sneaky', name: 'Sneaky', permissions: [] };
    for (const [as, listStatus, writeStatus] of [
      [learner, 403, 403],
      [outsider, 404, 404],
      [undefined, 401, 401],
    ] as const) {
      expect((await t.http('GET', `/api/v1/organizations/${orgId}/roles`, { as })).status).toBe(listStatus);
      expect((await t.http('POST', `/api/v1/organizations/${orgId}/roles`, { as, body })).status).toBe(writeStatus);
      expect((await t.http('PATCH', `/api/v1/organizations/${orgId}/roles/${role!.id}`, { as, body: { name: 'Hacked' } })).status).toBe(writeStatus);
      expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/roles/${role!.id}`, { as })).status).toBe(writeStatus);
    }
    // A role of this organization cannot be reached through another one's path.
    expect((await t.http('PATCH', `/api/v1/organizations/${otherOrgId}/roles/${role!.id}`, { as: outsider, body: { name: 'Hacked' } })).status).toBe(404);
    expect((await t.http('DELETE', `/api/v1/organizations/${otherOrgId}/roles/${role!.id}`, { as: outsider })).status).toBe(404);
    expect((await t.http('DELETE', `/api/v1/organizations/${orgId}/roles/nope`, { as: owner })).status).toBe(400);
    expect(JSON.stringify(await t.query('SELECT * FROM org_roles ORDER BY id'))).toBe(before);
  });
});
