import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type Database } from '../../../kernel/db/index.js';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { OrganizationsService, UsersService } from '../index.js';
import { slugify } from './organizations.service.js';

let t: TestApp;
let orgs: OrganizationsService;
let users: UsersService;
let db: Database;
let owner: Session;
let orgId: string;

beforeAll(async () => {
  t = await createTestApp();
  orgs = t.app.get(OrganizationsService);
  users = t.app.get(UsersService);
  db = t.app.get(DB);
  owner = await t.signUp('owner@example.com', { name: 'Owner' });
  orgId = (await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: 'Service School' } })).body.id;
});
afterAll(() => t?.close());

describe('slugify', () => {
  it('makes URL-safe slugs', () => {
    expect(slugify('École Normale Supérieure')).toBe('ecole-normale-superieure');
    expect(slugify('  C++ & Rust!!  ')).toBe('c-rust');
    expect(slugify('AI')).toBe('org-ai');
    expect(slugify('Admin')).toBe('org-admin');
    expect(slugify('東京')).toMatch(/^org-[0-9a-f]{6}$/);
    expect(slugify('x'.repeat(100)).length).toBeLessThanOrEqual(40);
  });
});

describe('OrganizationsService.addMember (for other modules)', () => {
  it("joins inside the caller's transaction and rolls back with it", async () => {
    const a = await t.signUp('a@example.com');
    await expect(
      db.transaction(async (tx) => {
        await orgs.addMember(tx, { organizationId: orgId, userId: a.userId, role: 'learner', via: 'admin' });
        throw new Error('the caller fails later');
      }),
    ).rejects.toThrow('the caller fails later');
    expect(await t.query('SELECT 1 FROM memberships WHERE user_id = $1', [a.userId])).toHaveLength(0);

    await db.transaction((tx) => orgs.addMember(tx, { organizationId: orgId, userId: a.userId, role: 'learner', via: 'admin' }));
    expect(await t.query('SELECT role FROM memberships WHERE user_id = $1', [a.userId])).toEqual([{ role: 'learner' }]);
    // Their first organization becomes their active one...
    expect((await t.http('GET', '/api/v1/me', { as: a })).body.activeOrganizationId).toBe(orgId);
  });

  it('keeps an existing active organization, refuses duplicates and unknown roles', async () => {
    const b = await t.signUp('b@example.com');
    const own = (await t.http('POST', '/api/v1/organizations', { as: b, body: { name: 'B Corp' } })).body.id;
    await orgs.addMember(db, { organizationId: orgId, userId: b.userId, role: 'instructor', via: 'admin' });
    expect((await t.http('GET', '/api/v1/me', { as: b })).body.activeOrganizationId).toBe(own);
    await expect(orgs.addMember(db, { organizationId: orgId, userId: b.userId, role: 'learner', via: 'admin' })).rejects.toMatchObject({ code: 'already_member' });
    const c = await t.signUp('c@example.com');
    await expect(orgs.addMember(db, { organizationId: orgId, userId: c.userId, role: 'wizard', via: 'admin' })).rejects.toMatchObject({ code: 'unknown_role' });
    expect(await t.query('SELECT 1 FROM memberships WHERE user_id = $1', [c.userId])).toHaveLength(0);
  });

  it('names organizations by id', async () => {
    const map = await orgs.summaries([orgId, orgId, '0190a0a0-0000-7000-8000-000000000000']);
    expect([...map.values()]).toEqual([{ id: orgId, name: 'Service School', slug: 'service-school' }]);
  });
});

describe('UsersService (for other modules)', () => {
  it('gives public profiles without emails', async () => {
    await t.http('PATCH', '/api/v1/me', { as: owner, body: { bio: 'Teaches things.' } });
    const map = await users.publicProfiles([owner.userId, '0190a0a0-0000-7000-8000-000000000000']);
    expect(map.size).toBe(1);
    expect(map.get(owner.userId)).toEqual({ id: owner.userId, name: 'Owner', image: null, bio: 'Teaches things.' });
    expect(JSON.stringify([...map.values()])).not.toContain('@');
    expect((await users.publicProfiles([])).size).toBe(0);
  });

  it('finds users by email, case-insensitively', async () => {
    expect(await users.findUserByEmail('  OWNER@Example.com ')).toEqual({
      id: owner.userId,
      email: 'owner@example.com',
      name: 'Owner',
      emailVerified: false,
      suspended: false,
    });
    expect(await users.findUserByEmail('nobody@example.com')).toBeNull();
    const many = await users.findUsersByEmails(['a@example.com', 'B@example.com', 'ghost@example.com']);
    expect([...many.keys()].sort()).toEqual(['a@example.com', 'b@example.com']);
  });
});
