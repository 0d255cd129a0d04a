import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../kernel/events/index.js';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { OrganizationMemberAdded } from '../identity.events.js';

let t: TestApp;
let owner: Session;
let outsider: Session;
let orgId: string;
let otherOrgId: string;

const joinAs = (email: string, org: string, role: string, name?: string): Promise<Session> => t.joinAs(email, org, role, name);

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.signUp('owner@example.com');
  outsider = await t.signUp('outsider@example.com');
  otherOrgId = (await t.http('POST', '/api/v1/organizations', { as: outsider, body: { name: 'Other School' } })).body.id;
});
afterAll(() => t?.close());

describe('creating an organization', () => {
  it('makes the creator its owner and switches them to it', async () => {
    const emit = vi.spyOn(t.app.get(EventBus), 'emit');
    const res = await t.http('POST', '/api/v1/organizations', {
      as: owner,
      body: { name: 'École Normale', settings: { defaultLocale: 'fr-fr', timezone: 'Europe/Paris' } },
    });
    expect(res.status).toBe(201);
    orgId = res.body.id;
    expect(res.body).toMatchObject({ name: 'École Normale', slug: 'ecole-normale', settings: { defaultLocale: 'fr-FR', timezone: 'Europe/Paris' } });
    expect(res.body.membership.role).toBe('owner');
    expect(res.body.membership.permissions).toContain('organization.delete');
    expect(emit).toHaveBeenCalledWith(expect.anything(), OrganizationMemberAdded, { organizationId: orgId, userId: owner.userId, role: 'owner', via: 'create' });
    emit.mockRestore();
    expect(await t.query('SELECT role FROM memberships WHERE organization_id = $1', [orgId])).toEqual([{ role: 'owner' }]);
    expect((await t.http('GET', '/api/v1/me', { as: owner })).body.activeOrganizationId).toBe(orgId);
  });

  it('derives a free slug, and refuses a taken one it was given', async () => {
    const again = await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: 'École Normale' } });
    expect(again.status).toBe(201);
    expect(again.body.slug).toMatch(/^ecole-normale-[0-9a-f]{6}$/);
    const taken = await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: 'Copy', slug: 'ecole-normale' } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('slug_taken');
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const before = await t.query('SELECT count(*)::int AS n FROM organizations');
    for (const body of [
      {},
      { name: 'x' },
      { name: 'Line\nbreak' },
      { name: 'Fine', slug: 'Not A Slug' },
      { name: 'Fine', slug: 'admin' },
      { name: 'Fine', settings: { timezone: 'Mars/Olympus' } },
      { name: 'Fine', settings: { defaultLocale: 'not a locale!' } },
      { name: 'Fine', settings: { website: 'javascript:alert(1)' } },
      { name: 'Fine', settings: { theme: 'dark' } },
      { name: 'Fine', owner: 'someone' },
    ]) {
      const res = await t.http('POST', '/api/v1/organizations', { as: owner, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await t.query('SELECT count(*)::int AS n FROM organizations')).toEqual(before);
  });

  it('needs a signed-in caller', async () => {
    expect((await t.http('POST', '/api/v1/organizations', { body: { name: 'Anon U' } })).status).toBe(401);
  });
});

describe('my organizations and the active one', () => {
  it('lists the organizations I belong to, marking the active one', async () => {
    const res = await t.http('GET', '/api/v1/me/organizations', { as: owner });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items.every((o: { role: string }) => o.role === 'owner')).toBe(true);
    expect(res.body.items.filter((o: { active: boolean }) => o.active)).toHaveLength(1);
    // the role's permissions come along, so clients show only what the person may do
    expect(res.body.items[0].permissions).toContain('course.create');
    expect(res.body.items[0].permissions).toContain('organization.delete');
    const page = await t.http('GET', '/api/v1/me/organizations?limit=1', { as: owner });
    expect(page.body.items).toHaveLength(1);
    const rest = await t.http('GET', `/api/v1/me/organizations?limit=1&cursor=${page.body.nextCursor}`, { as: owner });
    expect(rest.body.items[0].id).not.toBe(page.body.items[0].id);
    expect((await t.http('GET', '/api/v1/me/organizations')).status).toBe(401);
  });

  it('switches to an organization I belong to, and nowhere else', async () => {
    const ok = await t.http('PUT', '/api/v1/me/active-organization', { as: owner, body: { organizationId: orgId } });
    expect(ok.status).toBe(200);
    expect(ok.body.activeOrganizationId).toBe(orgId);
    const refused = await t.http('PUT', '/api/v1/me/active-organization', { as: owner, body: { organizationId: otherOrgId } });
    expect(refused.status).toBe(404);
    expect((await t.http('GET', '/api/v1/me', { as: owner })).body.activeOrganizationId).toBe(orgId);
    const bad = await t.http('PUT', '/api/v1/me/active-organization', { as: owner, body: { organizationId: 'nope' } });
    expect(bad.status).toBe(400);
    expect((await t.http('PUT', '/api/v1/me/active-organization', { body: { organizationId: orgId } })).status).toBe(401);
    const cleared = await t.http('PUT', '/api/v1/me/active-organization', { as: owner, body: { organizationId: null } });
    expect(cleared.body.activeOrganizationId).toBeNull();
    await t.http('PUT', '/api/v1/me/active-organization', { as: owner, body: { organizationId: orgId } });
  });
});

describe('organization settings', () => {
  it('any member reads it, with their own role and permissions', async () => {
    const learner = await joinAs('learner1@example.com', orgId, 'learner');
    const res = await t.http('GET', `/api/v1/organizations/${orgId}`, { as: learner });
    expect(res.status).toBe(200);
    expect(res.body.membership).toEqual({ role: 'learner', permissions: [] });
  });

  it('refuses outsiders and anonymous callers', async () => {
    expect((await t.http('GET', `/api/v1/organizations/${orgId}`, { as: outsider })).status).toBe(404);
    // Naming the organization in the header does not help either.
    expect((await t.http('GET', `/api/v1/organizations/${orgId}`, { as: outsider, headers: { 'x-organization-id': orgId } })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/organizations/${orgId}`)).status).toBe(401);
    expect((await t.http('GET', '/api/v1/organizations/not-a-uuid', { as: owner })).status).toBe(400);
  });

  it('owners and admins change the name and settings; null removes a setting', async () => {
    const admin = await joinAs('admin1@example.com', orgId, 'admin');
    const res = await t.http('PATCH', `/api/v1/organizations/${orgId}`, {
      as: admin,
      body: { name: 'École Normale Supérieure', settings: { timezone: null, allowSelfEnrollment: true, website: 'https://ens.example.org' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('École Normale Supérieure');
    expect(res.body.settings).toEqual({ defaultLocale: 'fr-FR', allowSelfEnrollment: true, website: 'https://ens.example.org' });
  });

  it('refuses members without organization.update, outsiders, anonymous callers and bad input', async () => {
    const instructor = await joinAs('instructor1@example.com', orgId, 'instructor');
    const before = await t.query('SELECT name, slug, settings FROM organizations WHERE id = $1', [orgId]);
    const denied = await t.http('PATCH', `/api/v1/organizations/${orgId}`, { as: instructor, body: { name: 'Mine now' } });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('missing_permission');
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}`, { as: outsider, body: { name: 'Mine now' } })).status).toBe(404);
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}`, { body: { name: 'Mine now' } })).status).toBe(401);
    for (const body of [{}, { name: '' }, { settings: { timezone: 'Nowhere/Land' } }, { slug: '-bad-' }, { color: 'red' }]) {
      const res = await t.http('PATCH', `/api/v1/organizations/${orgId}`, { as: owner, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const otherSlug = (await t.query<{ slug: string }>('SELECT slug FROM organizations WHERE id = $1', [otherOrgId]))[0]!.slug;
    expect((await t.http('PATCH', `/api/v1/organizations/${orgId}`, { as: owner, body: { slug: otherSlug } })).status).toBe(409);
    expect(await t.query('SELECT name, slug, settings FROM organizations WHERE id = $1', [orgId])).toEqual(before);
  });
});
